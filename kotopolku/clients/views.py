from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kotopolku.access import clients as perms
from kotopolku.access.policy import can
from kotopolku.access.ratelimit import rate_limit
from kotopolku.access.reauth import requires_recent_auth
from kotopolku.access.views import enforce, requires
from kotopolku.clients import identity, selectors, services
from kotopolku.clients.forms import (
    ClientForm,
    ClientSearchForm,
    ConsentForm,
    HomePeriodForm,
    RevealForm,
)
from kotopolku.clients.jobs import CASE_EXPORT
from kotopolku.clients.models import Consent
from kotopolku.common.forms import errors_to_form
from kotopolku.jobs.services import AuditAs, job_start

PAGE_SIZE = 25


@requires(perms.CLIENT_LIST)
@require_http_methods(["GET", "POST"])
@rate_limit("client-search", limit=30, per=60, methods=("POST",))
@never_cache
def client_list(request):
    """GET lists the user's clients; POST searches, so that an identity code never is in a URL."""
    search = ""
    form = ClientSearchForm(request.POST or None)
    page_number = request.GET.get("page")
    if request.method == "POST":
        if form.is_valid():
            search = form.cleaned_data["q"].strip()
            page_number = form.cleaned_data.get("page") or 1
        else:
            search = None
    if search is None:
        rows = selectors.client_list(user=request.user).none()
    else:
        rows = selectors.client_list(user=request.user, search=search)
    page = Paginator(rows, PAGE_SIZE).get_page(page_number)
    if search:
        selectors.client_search_audit(
            actor=request.user,
            search=search,
            path=request.path,
            hits=page.paginator.count,
            ids=[c.pk for c in page.object_list],
        )
    elif page.object_list:
        selectors.client_list_audit(
            actor=request.user,
            page_number=page.number,
            ids=[c.pk for c in page.object_list],
            path=request.path,
        )
    return render(
        request,
        "clients/client_list.html",
        {
            "page": page,
            "form": form if request.method == "POST" else ClientSearchForm(),
            "searched": request.method == "POST",
            "search_value": search or "",
            "may_create": can(request.user, perms.CLIENT_CREATE),
            "may_export": can(request.user, perms.CLIENT_EXPORT),
        },
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )


@requires(perms.CLIENT_CREATE)
@require_http_methods(["GET", "POST"])
def client_create(request):
    # The workers of the user's own organisations: the one that registers is most often the
    # one responsible; the service refuses a worker of another organisation.
    workers = selectors.responsible_workers(
        organisation_ids=perms.own_organisation_ids(request.user)
    )
    form = ClientForm(request.POST or None, workers=workers)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_create(actor=request.user, **form.service_arguments())
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            if can(request.user, perms.CLIENT_VIEW, client):
                messages.success(request, _("Client registered."))
                return redirect("clients:detail", pk=client.pk)
            # A jobseeker (or a client of another municipality) belongs to another organisation
            # from the start: say so, instead of a page the user may not open.
            messages.success(
                request,
                _(
                    "Client %(external_id)s registered. %(organisation)s is responsible for "
                    "the client, so the client is not on your list."
                )
                % {
                    "external_id": client.external_id,
                    "organisation": client.responsible_organisation,
                },
            )
            return redirect("clients:list")
    return render(
        request,
        "clients/client_form.html",
        {"form": form, "client": None},
        status=400 if request.method == "POST" else 200,
    )


@requires(perms.CLIENT_VIEW)
@never_cache
def client_detail(request, pk: int):
    client = selectors.client_for_user(user=request.user, pk=pk, path=request.path)
    target = services.transfer_target(client)
    return render(
        request,
        "clients/client_detail.html",
        {
            "client": client,
            "home_periods": list(client.home_periods.all()),
            "current_period": services.current_home_period(client),
            "derived": services.derived_responsible_for(client),
            "consents": selectors.client_consents(client=client),
            "hetu_masked": identity.masked(client.date_of_birth) if client.has_hetu else "",
            "transfer_target": target,
            "transfer_consent": services.valid_consent(client, target) if target else None,
            "access_reasons": [str(r) for r in perms.access_reasons(request.user, client)],
            "may_edit": can(request.user, perms.CLIENT_EDIT, client),
            "may_move": can(request.user, perms.CLIENT_MOVE, client),
            "may_consent": can(request.user, perms.CONSENT_MANAGE, client),
            "may_transfer": can(request.user, perms.CLIENT_TRANSFER, client),
        },
    )


@requires(perms.CLIENT_EDIT)
@require_http_methods(["GET", "POST"])
def client_edit(request, pk: int):
    client = selectors.client_for_user(user=request.user, pk=pk, path=request.path)
    enforce(request, perms.CLIENT_EDIT, client)
    workers = selectors.responsible_workers(
        organisation_ids=[client.responsible_organisation_id]
        if client.responsible_organisation_id
        else []
    )
    form = ClientForm(
        request.POST or None,
        initial=ClientForm.initial_for(client),
        editing=True,
        client=client,
        workers=workers,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(actor=request.user, client=client, **form.service_arguments())
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Client details saved."))
            return redirect("clients:detail", pk=client.pk)
    return render(
        request,
        "clients/client_form.html",
        {"form": form, "client": client},
        status=400 if request.method == "POST" else 200,
    )


@requires(perms.CLIENT_REVEAL_HETU)
@requires_recent_auth()
@require_http_methods(["GET", "POST"])
@never_cache
def client_reveal_hetu(request, pk: int):
    """GET asks why; only the POST shows the code, and writes a `reveal` audit row."""
    # The GET names the client (a `view` row); the POST's `reveal` row covers the code.
    client = selectors.client_for_user(
        user=request.user, pk=pk, path=request.path, audit_view=request.method == "GET"
    )
    enforce(request, perms.CLIENT_REVEAL_HETU, client)
    form = RevealForm(request.POST or None)
    hetu = ""
    if request.method == "POST" and form.is_valid() and client.has_hetu:
        hetu = services.hetu_reveal(
            actor=request.user, client=client, reason=form.cleaned_data["reason"]
        )
    response = render(
        request,
        "clients/client_reveal.html",
        {"client": client, "form": form, "hetu": hetu},
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@requires(perms.CLIENT_MOVE)
@require_http_methods(["GET", "POST"])
def client_move(request, pk: int):
    client = selectors.client_for_user(user=request.user, pk=pk, path=request.path)
    enforce(request, perms.CLIENT_MOVE, client)
    form = HomePeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.home_period_add(actor=request.user, client=client, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Home municipality recorded."))
            return redirect("clients:detail", pk=client.pk)
    return render(
        request,
        "clients/client_move.html",
        {"form": form, "client": client},
        status=400 if request.method == "POST" else 200,
    )


@requires(perms.CLIENT_TRANSFER)
@require_http_methods(["GET", "POST"])
def client_transfer(request, pk: int):
    client = selectors.client_for_user(user=request.user, pk=pk, path=request.path)
    enforce(request, perms.CLIENT_TRANSFER, client)
    target = services.transfer_target(client)
    consent = services.valid_consent(client, target) if target else None
    error = ""
    if request.method == "POST":
        if target is None:
            error = _("There is no transfer to make.")
        else:
            try:
                services.client_transfer(
                    actor=request.user,
                    client=client,
                    organisation=target,
                    legal_basis=request.POST.get("legal_basis", "")[:40],
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _("Responsibility transferred to %(organisation)s.")
                    % {"organisation": target.name},
                )
                return redirect("clients:detail", pk=client.pk)
    return render(
        request,
        "clients/client_transfer.html",
        {
            "client": client,
            "target": target,
            "consent": consent,
            "error": error,
            "legal_bases": services.TransferBasis.choices,
        },
        status=400 if error else 200,
    )


@requires(perms.CONSENT_MANAGE)
@require_http_methods(["GET", "POST"])
def consent_add(request, pk: int):
    client = selectors.client_for_user(user=request.user, pk=pk, path=request.path)
    enforce(request, perms.CONSENT_MANAGE, client)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_add(actor=request.user, client=client, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("clients:detail", pk=client.pk)
    return render(
        request,
        "clients/consent_form.html",
        {"form": form, "client": client},
        status=400 if request.method == "POST" else 200,
    )


@requires(perms.CONSENT_MANAGE)
@require_http_methods(["GET", "POST"])
def consent_withdraw(request, pk: int, consent_pk: int):
    client = selectors.client_for_user(user=request.user, pk=pk, path=request.path)
    enforce(request, perms.CONSENT_MANAGE, client)
    consent = get_object_or_404(
        Consent.objects.select_related("organisation"), pk=consent_pk, client=client
    )
    error = ""
    if request.method == "POST":
        try:
            services.consent_withdraw(actor=request.user, consent=consent)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Consent withdrawn."))
            return redirect("clients:detail", pk=client.pk)
    return render(
        request,
        "clients/consent_withdraw.html",
        {"client": client, "consent": consent, "error": error},
        status=400 if error else 200,
    )


@requires(perms.CLIENT_EXPORT)
@require_http_methods(["POST"])
def client_export(request):
    """The case file of the clients ticked on the list, made by a background job (the job page
    shows the progress and offers the file). Only the user's own organisation's clients."""
    ids = [int(value) for value in request.POST.getlist("client") if value.isdigit()]
    chosen = sorted(
        perms.exportable_clients(request.user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if not chosen:
        messages.error(request, _("Tick at least one client your organisation is responsible for."))
        return redirect("clients:list")
    count = len(chosen)
    job = job_start(
        actor=request.user,
        kind_name=CASE_EXPORT,
        params={"clients": chosen},
        title=ngettext("Case file of %(count)s client", "Case file of %(count)s clients", count)
        % {"count": count},
        audit_as=AuditAs(object_type="CaseFile", reason=f"case file, {count} clients"),
    )
    if count < len(ids):
        messages.warning(
            request,
            _(
                "Clients of other organisations were left out: only the responsible "
                "organisation exports a case file."
            ),
        )
    return redirect("jobs:detail", pk=job.pk)
