from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kotopolku.access import organisations as perms
from kotopolku.access.policy import can
from kotopolku.access.views import enforce, requires
from kotopolku.common.forms import errors_to_form
from kotopolku.organisations import selectors, services
from kotopolku.organisations.forms import MembershipAddForm
from kotopolku.organisations.models import Membership, Organisation

PAGE_SIZE = 25


@requires(perms.ORGANISATION_LIST)
def organisation_list(request):
    search = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    if kind not in Organisation.Kind.values:
        kind = ""
    page = Paginator(selectors.organisation_list(search=search, kind=kind), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "organisations/organisation_list.html",
        {"page": page, "search": search, "kind": kind, "kinds": Organisation.Kind.choices},
    )


def _organisation_or_404(pk: int) -> Organisation:
    try:
        return selectors.organisation_detail(pk=pk)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc


@requires(perms.ORGANISATION_VIEW)
def organisation_detail(request, pk: int):
    organisation = _organisation_or_404(pk)
    show_members = can(request.user, perms.ORGANISATION_VIEW_MEMBERS, organisation)
    may_manage = can(request.user, perms.ORGANISATION_MANAGE_MEMBERS, organisation)
    members = selectors.organisation_members(organisation=organisation) if show_members else None
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "members": members,
            "show_members": show_members,
            "may_manage": may_manage,
            "form": MembershipAddForm() if may_manage else None,
        },
    )


@requires(perms.ORGANISATION_MANAGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def membership_add(request, pk: int):
    organisation = _organisation_or_404(pk)
    enforce(request, perms.ORGANISATION_MANAGE_MEMBERS, organisation)
    form = MembershipAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_add(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Member added."))
            return redirect("organisations:detail", pk=organisation.pk)
    return render(
        request,
        "organisations/membership_add.html",
        {"organisation": organisation, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@requires(perms.ORGANISATION_MANAGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def membership_remove(request, pk: int, membership_pk: int):
    organisation = _organisation_or_404(pk)
    enforce(request, perms.ORGANISATION_MANAGE_MEMBERS, organisation)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_pk, organisation=organisation
    )
    if request.method == "POST":
        services.membership_remove(actor=request.user, membership=membership)
        messages.success(request, _("Member removed."))
        return redirect("organisations:detail", pk=organisation.pk)
    return render(
        request,
        "organisations/membership_remove.html",
        {"organisation": organisation, "membership": membership},
    )
