"""Pages for data-subject rights: export, log report, history, erasure and restriction."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kotopolku.access import privacy as perms
from kotopolku.access.policy import can
from kotopolku.access.reauth import requires_recent_auth
from kotopolku.access.views import requires
from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_client_reads, audit_record
from kotopolku.common.formatting import short_date
from kotopolku.common.forms import errors_to_form
from kotopolku.privacy import documents, selectors, services
from kotopolku.privacy.forms import (
    ErasureDecisionForm,
    ErasureRequestForm,
    LogReportFilterForm,
    OverviewSearchForm,
    ReasonForm,
)
from kotopolku.privacy.models import ErasureRequest, Restriction

PAGE_SIZE = 25
LOG_PAGE_SIZE = 50


def _client(request, pk: int, perm):
    """The client if the user holds `perm` on it; else 404 with an access_denied audit row, so
    that a probe cannot tell a hidden client from a missing one."""
    client = selectors.client_for_privacy(pk=pk)
    if client is not None and can(request.user, perm, client):
        return client
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.ACCESS_DENIED,
        object_type="Client",
        object_id=pk,
        client_id=getattr(client, "pk", None),
        reason=str(perm),
        success=False,
        path=request.path,
    )
    raise Http404


def _language(request) -> str:
    language = request.GET.get("language") or translation.get_language() or "fi"
    return language if language in ("fi", "sv", "en") else "fi"


@requires(perms.PRIVACY_OVERVIEW)
@never_cache
def overview(request):
    form = OverviewSearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    rows = selectors.privacy_overview(user=request.user, search=search)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_client_reads(
        actor=request.user,
        action=AuditEvent.Action.SEARCH if search else AuditEvent.Action.VIEW,
        object_type="PrivacyOverview",
        client_ids=[c.pk for c in page.object_list],
        details=audit_summary("page", page=page.number),
        path=request.path,
    )
    return render(request, "privacy/overview.html", {"page": page, "form": form, "search": search})


@requires(perms.PRIVACY_LOG_REPORT)
@never_cache
def client_privacy(request, pk: int):
    client = _client(request, pk, perms.PRIVACY_LOG_REPORT)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        object_type="ClientPrivacy",
        object_id=client.pk,
        client_id=client.pk,
        path=request.path,
    )
    manage = can(request.user, perms.PRIVACY_MANAGE, client)
    return render(
        request,
        "privacy/client_privacy.html",
        {
            "client": client,
            "restriction": selectors.active_restriction(client=client),
            "restrictions": selectors.restrictions_of(client=client) if manage else [],
            "requests": selectors.erasure_requests_of(client=client) if manage else [],
            "may_manage": manage,
            "may_export": can(request.user, perms.PRIVACY_EXPORT, client),
            "may_history": can(request.user, perms.PRIVACY_HISTORY, client),
            "anonymised": hasattr(client, "anonymisation"),
        },
    )


@requires(perms.PRIVACY_EXPORT)
@requires_recent_auth()
@never_cache
def export_json(request, pk: int):
    client = _client(request, pk, perms.PRIVACY_EXPORT)
    data = selectors.client_export(actor=request.user, client=client, fmt="json", path=request.path)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="client-{client.pk}-export.json"'
    response["Cache-Control"] = "no-store"
    return response


@requires(perms.PRIVACY_EXPORT)
@requires_recent_auth()
@never_cache
def export_pdf(request, pk: int):
    client = _client(request, pk, perms.PRIVACY_EXPORT)
    language = _language(request)
    data = selectors.client_export(actor=request.user, client=client, fmt="pdf", path=request.path)
    with translation.override(language):
        pdf = documents.export_pdf(data, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="client-{client.pk}-export.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _log_rows(request, client):
    form = LogReportFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {}
    rows = selectors.log_report(
        client=client,
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        reads_only=bool(data.get("reads_only")),
    )
    return form, valid, data, rows


def _period(data) -> str:
    start, end = data.get("date_from"), data.get("date_to")
    if not start and not end:
        return _("all time")
    return f"{short_date(start) if start else '…'}–{short_date(end) if end else '…'}"


@requires(perms.PRIVACY_LOG_REPORT)
@never_cache
def log_report(request, pk: int):
    client = _client(request, pk, perms.PRIVACY_LOG_REPORT)
    form, valid, data, rows = _log_rows(request, client)
    if not valid:
        rows = rows.none()
    # The report is itself a read of the client's data, so it is audited before it is made.
    selectors.log_report_audit(
        actor=request.user,
        client=client,
        fmt="html",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        path=request.path,
    )
    page = Paginator(rows, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/log_report.html",
        {"client": client, "form": form, "page": page, "query": request.GET.urlencode()},
        status=200 if valid else 400,
    )


@requires(perms.PRIVACY_LOG_REPORT)
@requires_recent_auth()
@never_cache
def log_report_download(request, pk: int):
    client = _client(request, pk, perms.PRIVACY_LOG_REPORT)
    fmt = request.GET.get("format", "csv")
    form, valid, data, rows = _log_rows(request, client)
    if fmt not in ("csv", "pdf") or not valid:
        return HttpResponse(
            _("Check the period and the format."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    selectors.log_report_audit(
        actor=request.user,
        client=client,
        fmt=fmt,
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        path=request.path,
    )
    events = list(rows)
    if fmt == "csv":
        response = HttpResponse(
            documents.log_report_csv(events), content_type="text/csv; charset=utf-8"
        )
    else:
        language = _language(request)
        with translation.override(language):
            pdf = documents.log_report_pdf(client, events, period=_period(data), language=language)
        response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="client-{client.pk}-log.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@requires(perms.PRIVACY_HISTORY)
@never_cache
def history(request, pk: int):
    client = _client(request, pk, perms.PRIVACY_HISTORY)
    selectors.change_history_audit(actor=request.user, client=client, path=request.path)
    page = Paginator(selectors.change_history(client=client), LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "privacy/history.html", {"client": client, "page": page})


@requires(perms.PRIVACY_MANAGE)
@require_http_methods(["GET", "POST"])
def erasure_request_add(request, pk: int):
    client = _client(request, pk, perms.PRIVACY_MANAGE)
    form = ErasureRequestForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.erasure_request_create(actor=request.user, client=client, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Erasure request recorded."))
            return redirect("privacy:client", pk=client.pk)
    return render(
        request,
        "privacy/form.html",
        {"client": client, "form": form, "title": _("Record an erasure request")},
        status=400 if request.method == "POST" else 200,
    )


@requires(perms.PRIVACY_MANAGE)
@require_http_methods(["GET", "POST"])
def erasure_request_decide(request, pk: int, request_pk: int):
    client = _client(request, pk, perms.PRIVACY_MANAGE)
    erasure = get_object_or_404(ErasureRequest, pk=request_pk, client=client)
    form = ErasureDecisionForm(request.POST or None)
    if erasure.status == ErasureRequest.Status.DECIDED:
        messages.info(request, _("This request has already been decided."))
        return redirect("privacy:client", pk=client.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.erasure_request_decide(
                actor=request.user,
                request=erasure,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("privacy:client", pk=client.pk)
    return render(
        request,
        "privacy/decide.html",
        {"client": client, "form": form, "erasure": erasure},
        status=400 if request.method == "POST" else 200,
    )


@requires(perms.PRIVACY_MANAGE)
@require_http_methods(["GET", "POST"])
def restriction_add(request, pk: int):
    client = _client(request, pk, perms.PRIVACY_MANAGE)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.restriction_start(
                actor=request.user, client=client, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Processing of the client's data is now restricted."))
            return redirect("privacy:client", pk=client.pk)
    return render(
        request,
        "privacy/confirm.html",
        {
            "client": client,
            "form": form,
            "title": _("Restrict processing"),
            "question": _(
                "Restrict the processing of this client's data? The client disappears from "
                "lists and searches, and anyone who opens their data must give a reason."
            ),
            "confirm": _("Yes, restrict"),
        },
        status=400 if request.method == "POST" else 200,
    )


@requires(perms.PRIVACY_MANAGE)
@require_http_methods(["GET", "POST"])
def restriction_lift(request, pk: int, restriction_pk: int):
    client = _client(request, pk, perms.PRIVACY_MANAGE)
    restriction = get_object_or_404(Restriction, pk=restriction_pk, client=client)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.restriction_lift(
                actor=request.user, restriction=restriction, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The restriction was lifted."))
            return redirect("privacy:client", pk=client.pk)
    return render(
        request,
        "privacy/confirm.html",
        {
            "client": client,
            "form": form,
            "title": _("Lift the restriction"),
            "question": _(
                "Lift the restriction? The client's data can then be processed normally again."
            ),
            "confirm": _("Yes, lift"),
            "error": "" if restriction.active else _("This restriction has already been lifted."),
        },
        status=400 if request.method == "POST" else 200,
    )


@requires(perms.PRIVACY_OPEN_RESTRICTED)
@require_http_methods(["GET", "POST"])
@never_cache
def restricted_open(request, pk: int):
    """Asks why the user needs a restricted client's data; the answer grants a short read."""
    client = _client(request, pk, perms.PRIVACY_OPEN_RESTRICTED)
    target = request.GET.get("next") or request.POST.get("next") or ""
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    restricted = selectors.is_restricted(client.pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and restricted and form.is_valid():
        try:
            services.restricted_read_grant(
                actor=request.user, client=client, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            return redirect(target or "clients:detail", **({} if target else {"pk": client.pk}))
    return render(
        request,
        "privacy/restricted_open.html",
        {"client": client, "form": form, "next": target, "restricted": restricted},
        status=400 if request.method == "POST" and form.errors else 200,
    )
