from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kotopolku.access import catalogue as perms
from kotopolku.access.policy import can
from kotopolku.access.views import public, requires
from kotopolku.catalogue import selectors, services
from kotopolku.catalogue.forms import ServiceForm
from kotopolku.catalogue.models import Service
from kotopolku.common.forms import errors_to_form

PAGE_SIZE = 25
STATES = ("active", "all", "ended", "archived")


def _filters(request) -> dict:
    category = request.GET.get("category", "")
    if category not in {c.code for c in selectors.category_list()}:
        category = ""
    municipality = request.GET.get("municipality", "")
    if not (len(municipality) == 3 and municipality.isdigit()):
        municipality = ""
    language = request.GET.get("language", "").strip().lower()
    if not (language.isalpha() and 2 <= len(language) <= 3):
        language = ""
    return {"category": category, "municipality": municipality, "language": language}


def _service_or_404(pk: int) -> Service:
    try:
        return selectors.service_detail(pk=pk)
    except Service.DoesNotExist as exc:
        raise Http404 from exc


@requires(perms.CATALOGUE_VIEW)
def service_list(request):
    today = timezone.localdate()
    search = request.GET.get("q", "").strip()[:100]
    state = request.GET.get("state", "active")
    if state not in STATES:
        state = "active"
    filters = _filters(request)
    rows = selectors.service_list(search=search, state=state, day=today, **filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/service_list.html",
        {
            "page": page,
            "search": search,
            "state": state,
            "filters": filters,
            "categories": selectors.category_list(),
            "municipalities": selectors.municipality_choices(),
            "service_languages": selectors.service_languages(day=today),
            "may_manage": can(request.user, perms.CATALOGUE_MANAGE),
            "filtered": bool(search or any(filters.values()) or state != "active"),
        },
    )


@requires(perms.CATALOGUE_VIEW)
def service_detail(request, pk: int):
    service = _service_or_404(pk)
    return render(
        request,
        "catalogue/service_detail.html",
        {
            "service": service,
            "active": service.is_active_on(timezone.localdate()),
            "may_manage": can(request.user, perms.CATALOGUE_MANAGE),
        },
    )


@requires(perms.CATALOGUE_MANAGE)
@require_http_methods(["GET", "POST"])
def service_create(request):
    form = ServiceForm(request.POST or None, initial={"active_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_create(actor=request.user, data=form.to_input())
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Service added."))
            return redirect("catalogue:detail", pk=service.pk)
    return render(
        request,
        "catalogue/service_form.html",
        {"form": form, "service": None},
        status=400 if request.method == "POST" else 200,
    )


@requires(perms.CATALOGUE_MANAGE)
@require_http_methods(["GET", "POST"])
def service_edit(request, pk: int):
    service = _service_or_404(pk)
    if service.archived:
        messages.error(request, _("An archived service cannot be changed."))
        return redirect("catalogue:detail", pk=service.pk)
    initial = ServiceForm.initial_from(services.service_input_from(service))
    form = ServiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_update(actor=request.user, service=service, data=form.to_input())
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Service saved."))
            return redirect("catalogue:detail", pk=service.pk)
    return render(
        request,
        "catalogue/service_form.html",
        {"form": form, "service": service},
        status=400 if request.method == "POST" else 200,
    )


@requires(perms.CATALOGUE_MANAGE)
@require_http_methods(["GET", "POST"])
def service_archive(request, pk: int):
    service = _service_or_404(pk)
    if request.method == "POST":
        try:
            services.service_archive(actor=request.user, service=service)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Service archived. It no longer shows on the public page."))
        return redirect("catalogue:detail", pk=service.pk)
    return render(request, "catalogue/service_archive.html", {"service": service})


@requires(perms.COMPLETENESS_VIEW)
def completeness(request):
    return render(
        request,
        "catalogue/completeness.html",
        {
            "warnings": selectors.completeness_warnings(day=timezone.localdate()),
            "statutory": selectors.category_list().filter(statutory=True),
        },
    )


@public
def public_catalogue(request):
    today = timezone.localdate()
    filters = _filters(request)
    groups = selectors.public_services(day=today, **filters)
    return render(
        request,
        "catalogue/public_catalogue.html",
        {
            "groups": groups,
            "filters": filters,
            "categories": selectors.category_list(),
            "municipalities": selectors.municipality_choices(),
            "service_languages": selectors.service_languages(day=today),
            "count": sum(len(services) for _, services in groups),
        },
    )
