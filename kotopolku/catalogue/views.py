from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kotopolku.access import catalogue as perms
from kotopolku.access.policy import can
from kotopolku.access.views import public, requires
from kotopolku.catalogue import selectors, services
from kotopolku.catalogue.filters import PublicServiceFilter, ServiceFilter
from kotopolku.catalogue.forms import ServiceForm
from kotopolku.catalogue.models import Service
from kotopolku.catalogue.ptv import export as ptv_export_module
from kotopolku.catalogue.ptv import sync as ptv_sync_module
from kotopolku.catalogue.ptv.client import PtvError, transport_from_settings
from kotopolku.common.filters import filtered
from kotopolku.common.forms import errors_to_form

PAGE_SIZE = 25
STATES = ("active", "all", "ended", "archived")


def _filtered(request, filterset_class):
    """The list pages use the API's filter sets; the page's search box is `q`."""
    data = request.GET.copy()
    if "q" in data and "search" not in data:
        data["search"] = data["q"]
    filterset, rows = filtered(filterset_class, data, selectors.service_scope(), request=request)
    cleaned = filterset.form.cleaned_data
    filters = {
        "category": cleaned["category"].code if cleaned.get("category") else "",
        "municipality": cleaned.get("municipality") or "",
        "language": (cleaned.get("language") or "").lower(),
    }
    return cleaned, filters, rows


def _service_or_404(pk: int) -> Service:
    try:
        return selectors.service_detail(pk=pk)
    except Service.DoesNotExist as exc:
        raise Http404 from exc


@requires(perms.CATALOGUE_VIEW)
def service_list(request):
    today = timezone.localdate()
    cleaned, filters, rows = _filtered(request, ServiceFilter)
    search = (cleaned.get("search") or "").strip()
    state = cleaned.get("state") or "active"
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
    _cleaned, filters, rows = _filtered(request, PublicServiceFilter)
    groups = selectors.public_groups(rows)
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


# -- national service catalogue (PTV) ---------------------------------------------------------


@requires(perms.CATALOGUE_MANAGE)
@require_http_methods(["GET", "POST"])
def ptv_sync(request):
    """Fetch an organisation's services from PTV and show what would change; nothing is
    written to the catalogue until the coordinator applies the run."""
    organisation = request.POST.get("organisation", "").strip()[:36]
    error = ""
    if request.method == "POST":
        run = ptv_sync_module.sync_organisation(
            organisation, dry_run=True, transport=transport_from_settings(), actor=request.user
        )
        if run.status != run.Status.FAILED:
            return redirect("catalogue:ptv-run", pk=run.pk)
        error = run.error
    return render(
        request,
        "catalogue/ptv_sync.html",
        {
            "runs": selectors.ptv_runs()[:20],
            "organisation": organisation,
            "error": error,
            "known": selectors.ptv_organisations(),
        },
    )


@requires(perms.CATALOGUE_MANAGE)
@require_http_methods(["GET", "POST"])
def ptv_run(request, pk: int):
    run = selectors.ptv_run(pk=pk)
    if run is None:
        raise Http404
    if request.method == "POST":
        try:
            run = ptv_sync_module.ptv_sync_apply(actor=request.user, run=run)
        except PtvError:
            messages.error(request, _("Only a previewed synchronisation can be applied."))
        else:
            messages.success(
                request,
                _("%(count)s changes applied to the catalogue.")
                % {"count": len(ptv_sync_module.changing(run.changes))},
            )
        return redirect("catalogue:ptv-run", pk=run.pk)
    changes = ptv_sync_module.changing(run.changes)
    return render(
        request,
        "catalogue/ptv_run.html",
        {
            "run": run,
            "changes": changes,
            "kept": [c for c in run.changes if c["action"] == "keep_local"],
            "may_apply": run.status == run.Status.PREVIEWED and bool(changes),
            "services": selectors.services_by_ptv_id({c["ptv_id"] for c in run.changes}),
        },
    )


@requires(perms.CATALOGUE_VIEW)
def ptv_export(request, pk: int):
    """The service in PTV's version 11 model, as a JSON download, or its problems."""
    service = _service_or_404(pk)
    document = ptv_export_module.service_document(service)
    problems = ptv_export_module.service_problems(document)
    if problems:
        return render(
            request,
            "catalogue/ptv_export_problems.html",
            {"service": service, "problems": problems},
            status=409,
        )
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="ptv-service-{service.pk}.json"'
    return response
