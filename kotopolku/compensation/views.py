from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from kotopolku.access import compensation as perms
from kotopolku.access.compensation import compensation_municipalities
from kotopolku.access.policy import can
from kotopolku.access.views import enforce, requires
from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.clients.models import Client
from kotopolku.common.forms import errors_to_form
from kotopolku.compensation import exports, selectors, services
from kotopolku.compensation import forecast as formats
from kotopolku.compensation.audit_labels import CLAIM_EXPORT
from kotopolku.compensation.charts import stacked_bar_chart
from kotopolku.compensation.computation import AGE_BAND_7_PLUS, AGE_BAND_UNDER_7
from kotopolku.compensation.forms import (
    AttachmentForm,
    BulkDecisionForm,
    ClaimDecideForm,
    ClaimForm,
    ClaimLineForm,
    PaymentListUploadForm,
)
from kotopolku.compensation.jobs import PAYMENT_LIST_UPLOAD
from kotopolku.compensation.models import (
    ActualCostClaim,
    ClaimAttachment,
    PaymentList,
    ReconciliationDecision,
)
from kotopolku.compensation.reconciliation import EQUAL, KINDS, reconciliation_for
from kotopolku.jobs.services import AuditAs, job_start
from kotopolku.rules.selectors import RuleMissing

PAGE_SIZE = 25
DECIDABLE_KINDS = tuple(kind for kind in KINDS if kind != EQUAL)


def _band_labels():
    return {AGE_BAND_7_PLUS: _("7 years or over"), AGE_BAND_UNDER_7: _("under 7 years")}


def _kind_labels():
    return {
        "difference": _("Amount differences"),
        "paid_not_expected": _("Paid but not expected"),
        "expected_not_paid": _("Expected but not paid"),
        "equal": _("Paid as expected"),
    }


def _reason_labels():
    return {
        "not_in_registry": _("not in the client registry"),
        "basis_not_eligible": _("permit basis not eligible"),
        "no_home_municipality": _("no home municipality recorded"),
        "outside_period": _("outside the compensation period"),
        "other_municipality": _("home municipality elsewhere at the end of the month"),
    }


def _chosen_municipality(request):
    """The municipality asked for (?municipality=CODE) among those the user may see."""
    allowed = list(compensation_municipalities(request.user))
    code = (request.GET.get("municipality") or request.POST.get("municipality") or "").strip()
    chosen = next((m for m in allowed if m.municipality_code == code), None)
    if code and chosen is None:
        municipality = selectors.municipality_by_code(code)
        if municipality is not None:
            enforce(request, perms.COMPENSATION_VIEW, municipality)  # audited refusal
        raise Http404
    return (chosen or (allowed[0] if allowed else None)), allowed


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@requires(perms.COMPENSATION_VIEW)
def forecast(request):
    municipality, allowed = _chosen_municipality(request)
    year = _year(request)
    context = {"municipality": municipality, "municipalities": allowed, "year": year}
    if municipality is None:
        return render(request, "compensation/forecast.html", context)
    enforce(request, perms.COMPENSATION_VIEW, municipality)
    try:
        result = selectors.compensation_forecast(
            actor=request.user,
            municipality_code=municipality.municipality_code,
            year=year,
            path=request.path,
        )
    except RuleMissing:
        context["rule_missing"] = True
        return render(request, "compensation/forecast.html", context)
    bands = _band_labels()
    months = result.by_month()
    chart = stacked_bar_chart(
        chart_id="forecast-by-month",
        title=_("Computational compensation by month, %(year)s") % {"year": year},
        description=_(
            "Stacked bars: the amount for persons under 7 and 7 or over in each month. The same figures are in the table below."
        ),
        labels=[m["month"].strftime("%m") for m in months],
        series=[
            (str(bands[b]), [m["amounts"][b] for m in months])
            for b in (AGE_BAND_7_PLUS, AGE_BAND_UNDER_7)
        ],
    )
    search = request.GET.get("q", "").strip()[:100]
    persons = result.persons
    if search:
        needle = search.casefold()
        persons = [
            p
            for p in persons
            if needle in p.external_id.casefold()
            or needle in f"{p.person.first_names} {p.person.last_name}".casefold()
        ]
    page = Paginator(persons, PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(
        {
            "forecast": result,
            "months": months,
            "by_band": [dict(row, label=bands[row["age_band"]]) for row in result.by_age_band()],
            "bands": bands,
            "chart": chart,
            "page": page,
            "search": search,
        }
    )
    return render(request, "compensation/forecast.html", context)


@requires(perms.COMPENSATION_VIEW)
def forecast_export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    municipality, _allowed = _chosen_municipality(request)
    if municipality is None:
        raise Http404
    enforce(request, perms.COMPENSATION_VIEW, municipality)
    year = _year(request)
    try:
        result = selectors.compensation_forecast(
            actor=request.user,
            municipality_code=municipality.municipality_code,
            year=year,
            action=AuditEvent.Action.EXPORT,
            path=request.path,
        )
    except RuleMissing:
        messages.error(request, _("There is no rule data for that year yet."))
        return redirect("compensation:forecast")
    response = HttpResponse(formats.render(result, fmt), content_type=formats.CONTENT_TYPES[fmt])
    name = f"compensation-forecast-{municipality.municipality_code}-{year}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Payment lists -------------------------------------------------------------------------------


def _payment_list_or_404(request, pk: int) -> PaymentList:
    try:
        payment_list = selectors.payment_list_detail(pk=pk)
    except PaymentList.DoesNotExist as exc:
        raise Http404 from exc
    enforce(request, perms.COMPENSATION_VIEW, payment_list)
    return payment_list


@requires(perms.COMPENSATION_VIEW)
def payment_list_index(request):
    municipality, allowed = _chosen_municipality(request)
    rows = (
        selectors.payment_lists(municipality=municipality)
        if municipality
        else PaymentList.objects.none()
    )
    search = request.GET.get("q", "").strip()[:20]
    if search:
        rows = rows.filter(file_name__icontains=search) | rows.filter(month__startswith=search)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "compensation/payment_list_index.html",
        {"municipality": municipality, "municipalities": allowed, "page": page, "search": search},
    )


@requires(perms.COMPENSATION_MANAGE)
@require_http_methods(["GET", "POST"])
def payment_list_upload(request):
    municipality, allowed = _chosen_municipality(request)
    if municipality is None:
        raise Http404
    enforce(request, perms.COMPENSATION_MANAGE, municipality)
    mapping = selectors.payment_list_mapping(municipality=municipality)
    form = PaymentListUploadForm(request.POST or None, request.FILES or None, mapping=mapping)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if len(data["content"]) >= settings.JOB_UPLOAD_THRESHOLD_BYTES:
            # A large list is read by a background job (compensation/jobs.py); the job page
            # shows the progress and then links to the list, or says what was wrong.
            job = job_start(
                actor=request.user,
                kind_name=PAYMENT_LIST_UPLOAD,
                params={
                    "municipality": municipality.pk,
                    "month": data["month"].isoformat(),
                    "file_name": data["file"].name,
                    "mapping": {k: data.get(k, "") for k in services.MAPPING_FIELDS},
                },
                title=_("Payment list %(month)s, %(municipality)s")
                % {"month": data["month"].strftime("%m/%Y"), "municipality": municipality},
                audit_as=AuditAs(object_type="PaymentList", reason="payment list upload"),
                input_name=data["file"].name,
                input_content=data["content"],
            )
            return redirect("jobs:detail", pk=job.pk)
        try:
            payment_list = services.payment_list_upload(
                actor=request.user,
                municipality=municipality,
                month=data["month"],
                file_name=data["file"].name,
                content=data["content"],
                mapping={k: data.get(k, "") for k in services.MAPPING_FIELDS},
            )
        except ValidationError as exc:
            errors_to_form(form, exc, default_field="file")
        else:
            messages.success(
                request, _("Payment list read: %(rows)s rows.") % {"rows": payment_list.row_count}
            )
            return redirect("compensation:payment_list_detail", pk=payment_list.pk)
    return render(
        request,
        "compensation/payment_list_upload.html",
        {"form": form, "municipality": municipality, "municipalities": allowed, "mapping": mapping},
        status=400 if request.method == "POST" else 200,
    )


@requires(perms.COMPENSATION_VIEW)
def payment_list_detail(request, pk: int):
    payment_list = _payment_list_or_404(request, pk)
    result = reconciliation_for(actor=request.user, payment_list=payment_list, path=request.path)
    kind_labels = _kind_labels()
    sections = [
        {"kind": kind, "label": kind_labels[kind], "items": result.of_kind(kind)} for kind in KINDS
    ]
    return render(
        request,
        "compensation/payment_list_detail.html",
        {
            "payment_list": payment_list,
            "result": result,
            "sections": sections,
            "reasons": _reason_labels(),
            "bands": _band_labels(),
            "decisions": ReconciliationDecision.Decision.choices,
            "may_decide": can(request.user, perms.COMPENSATION_MANAGE, payment_list),
        },
    )


@requires(perms.COMPENSATION_VIEW)
def payment_list_missing_export(request, pk: int):
    payment_list = _payment_list_or_404(request, pk)
    result = reconciliation_for(actor=request.user, payment_list=payment_list, path=request.path)
    content = exports.expected_not_paid_xlsx(actor=request.user, reconciliation=result)
    response = HttpResponse(content, content_type=formats.CONTENT_TYPES["xlsx"])
    name = f"expected-not-paid-{payment_list.municipality.municipality_code}-{payment_list.month:%Y-%m}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires(perms.COMPENSATION_MANAGE)
@require_POST
def payment_list_decide(request, pk: int):
    """One decision for the ticked rows, or for every row, of one section of the list; a
    confirmation page names them first (no longer one form per row)."""
    payment_list = _payment_list_or_404(request, pk)
    enforce(request, perms.COMPENSATION_MANAGE, payment_list)
    detail = redirect("compensation:payment_list_detail", pk=payment_list.pk)
    kind = request.POST.get("kind", "")
    if kind not in DECIDABLE_KINDS:
        messages.error(request, _("Choose the rows to decide on."))
        return detail
    form = BulkDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return detail
    result = reconciliation_for(actor=request.user, payment_list=payment_list, path=request.path)
    items = result.of_kind(kind)
    if form.cleaned_data["scope"] == "all":
        chosen = items
    else:
        ticked = set(request.POST.getlist("subjects"))
        chosen = [item for item in items if item.subject in ticked]
    if not chosen:
        messages.error(request, _("Tick at least one row, or choose all rows of the section."))
        return detail
    decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "compensation/payment_list_decide.html",
            {
                "payment_list": payment_list,
                "kind": kind,
                "section_label": _kind_labels()[kind],
                "items": chosen,
                "scope": form.cleaned_data["scope"],
                "decision": decision,
                "decision_label": dict(ReconciliationDecision.Decision.choices)[decision],
                "note": note,
            },
        )
    try:
        services.reconciliation_decide_many(
            actor=request.user,
            payment_list=payment_list,
            subjects=[item.subject for item in chosen],
            decision=decision,
            note=note,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            ngettext(
                "Decision recorded for %(count)s row.",
                "Decision recorded for %(count)s rows.",
                len(chosen),
            )
            % {"count": len(chosen)},
        )
    return redirect(_url("compensation:payment_list_detail", pk=payment_list.pk) + f"#{kind}")


@requires(perms.COMPENSATION_MANAGE)
@require_http_methods(["GET", "POST"])
def payment_list_archive(request, pk: int):
    payment_list = _payment_list_or_404(request, pk)
    enforce(request, perms.COMPENSATION_MANAGE, payment_list)
    if request.method == "POST":
        services.payment_list_archive(actor=request.user, payment_list=payment_list)
        messages.success(request, _("Payment list removed."))
        return redirect(
            f"{_url('compensation:payment_lists')}?municipality={payment_list.municipality.municipality_code}"
        )
    return render(request, "compensation/payment_list_archive.html", {"payment_list": payment_list})


def _url(name, **kwargs):
    from django.urls import reverse

    return reverse(name, kwargs=kwargs)


# Claims --------------------------------------------------------------------------------------


def _claim_or_404(request, pk: int) -> ActualCostClaim:
    try:
        claim = selectors.claim_detail(pk=pk)
    except ActualCostClaim.DoesNotExist as exc:
        raise Http404 from exc
    enforce(request, perms.COMPENSATION_VIEW, claim)
    return claim


@requires(perms.COMPENSATION_VIEW)
def claim_index(request):
    municipality, allowed = _chosen_municipality(request)
    search = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    if status not in ActualCostClaim.Status.values:
        status = ""
    rows = (
        selectors.claims(municipality=municipality, search=search, status=status)
        if municipality
        else ActualCostClaim.objects.none()
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "compensation/claim_index.html",
        {
            "municipality": municipality,
            "municipalities": allowed,
            "page": page,
            "search": search,
            "status": status,
            "statuses": ActualCostClaim.Status.choices,
        },
    )


@requires(perms.COMPENSATION_MANAGE)
@require_http_methods(["GET", "POST"])
def claim_create(request):
    municipality, allowed = _chosen_municipality(request)
    if municipality is None:
        raise Http404
    enforce(request, perms.COMPENSATION_MANAGE, municipality)
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.claim_create(
                actor=request.user, municipality=municipality, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Claim created. Add its cost lines and evidence."))
            return redirect("compensation:claim_detail", pk=claim.pk)
    return render(
        request,
        "compensation/claim_form.html",
        {"form": form, "municipality": municipality, "municipalities": allowed},
        status=400 if request.method == "POST" else 200,
    )


def _claim_page(
    request, claim, *, line_form=None, attachment_form=None, decide_form=None, status=200
):
    lines = list(selectors.claim_lines(claim=claim))
    return render(
        request,
        "compensation/claim_detail.html",
        {
            "claim": claim,
            "lines": lines,
            "total": sum((line.amount for line in lines), 0),
            "attachments": list(selectors.claim_attachments(claim=claim)),
            "line_form": line_form or ClaimLineForm(),
            "attachment_form": attachment_form or AttachmentForm(),
            "decide_form": decide_form
            or ClaimDecideForm(initial={"decided_on": timezone.localdate()}),
            "draft": services.claim_is_editable(claim),
        },
        status=status,
    )


@requires(perms.COMPENSATION_VIEW)
def claim_detail(request, pk: int):
    claim = _claim_or_404(request, pk)
    if any(line.client_id for line in claim.lines.all()):
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            object_type="ActualCostClaim",
            object_id=claim.pk,
            path=request.path,
        )
    return _claim_page(request, claim)


@requires(perms.COMPENSATION_MANAGE)
@require_POST
def claim_line_add(request, pk: int):
    claim = _claim_or_404(request, pk)
    enforce(request, perms.COMPENSATION_MANAGE, claim)
    form = ClaimLineForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        client = None
        if data["external_id"]:
            client = Client.objects.filter(
                external_id=data["external_id"].strip(), archived=False
            ).first()
            if client is None:
                form.add_error("external_id", _("No client has this external id."))
        if not form.errors:
            try:
                services.claim_line_add(
                    actor=request.user,
                    claim=claim,
                    day=data["date"],
                    amount=data["amount"],
                    description=data["description"],
                    client=client,
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("Cost line added."))
                return redirect("compensation:claim_detail", pk=claim.pk)
    return _claim_page(request, claim, line_form=form, status=400)


@requires(perms.COMPENSATION_MANAGE)
@require_http_methods(["GET", "POST"])
def claim_line_remove(request, pk: int, line_pk: int):
    """Confirm, then remove one cost line; a submitted or decided claim refuses with 400."""
    claim = _claim_or_404(request, pk)
    enforce(request, perms.COMPENSATION_MANAGE, claim)
    line = selectors.claim_lines(claim=claim).filter(pk=line_pk).first()
    if line is None:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            services.claim_line_remove(actor=request.user, line=line)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Cost line removed."))
            return redirect("compensation:claim_detail", pk=claim.pk)
    else:
        try:
            services.check_editable(claim)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if line.client_id:
        # The page names the client, as the claim page does.
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            object_type="ClaimLine",
            object_id=line.pk,
            client_id=line.client_id,
            path=request.path,
        )
    return render(
        request,
        "compensation/claim_line_remove.html",
        {"claim": claim, "line": line, "error": error},
        status=400 if error else 200,
    )


@requires(perms.COMPENSATION_MANAGE)
@require_POST
def claim_attachment_add(request, pk: int):
    claim = _claim_or_404(request, pk)
    enforce(request, perms.COMPENSATION_MANAGE, claim)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.claim_attachment_add(
                actor=request.user,
                claim=claim,
                file_name=form.cleaned_data["file"].name,
                content=form.cleaned_data["content"],
            )
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error("file", error)
        else:
            messages.success(request, _("Evidence attached."))
            return redirect("compensation:claim_detail", pk=claim.pk)
    return _claim_page(request, claim, attachment_form=form, status=400)


@requires(perms.COMPENSATION_VIEW)
def claim_attachment(request, pk: int, attachment_pk: int):
    claim = _claim_or_404(request, pk)
    attachment = ClaimAttachment.objects.filter(claim=claim, pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        object_type="ClaimAttachment",
        object_id=attachment.pk,
        path=request.path,
    )
    response = HttpResponse(bytes(attachment.content), content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="{attachment.file_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires(perms.COMPENSATION_MANAGE)
@require_http_methods(["GET", "POST"])
def claim_submit(request, pk: int):
    claim = _claim_or_404(request, pk)
    enforce(request, perms.COMPENSATION_MANAGE, claim)
    if request.method == "POST":
        try:
            services.claim_submit(actor=request.user, claim=claim)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Claim submitted."))
        return redirect("compensation:claim_detail", pk=claim.pk)
    return render(request, "compensation/claim_submit.html", {"claim": claim})


@requires(perms.COMPENSATION_MANAGE)
@require_POST
def claim_decide(request, pk: int):
    claim = _claim_or_404(request, pk)
    enforce(request, perms.COMPENSATION_MANAGE, claim)
    form = ClaimDecideForm(request.POST)
    if form.is_valid():
        try:
            services.claim_decide(
                actor=request.user,
                claim=claim,
                amount=form.cleaned_data["decided_amount"],
                on=form.cleaned_data["decided_on"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("compensation:claim_detail", pk=claim.pk)
    return _claim_page(request, claim, decide_form=form, status=400)


@requires(perms.COMPENSATION_VIEW)
def claim_export(request, pk: int, fmt: str):
    claim = _claim_or_404(request, pk)
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    lines = list(selectors.claim_lines(claim=claim))
    attachments = list(selectors.claim_attachments(claim=claim))
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="ActualCostClaim",
        object_id=claim.pk,
        reason=fmt,
        details=audit_summary(CLAIM_EXPORT, format=fmt),
        path=request.path,
    )
    if fmt == "xlsx":
        content = exports.claim_xlsx(claim=claim, lines=lines, attachments=attachments)
        content_type = formats.CONTENT_TYPES["xlsx"]
    else:
        content = exports.claim_pdf(claim=claim, lines=lines, attachments=attachments)
        content_type = "application/pdf"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="claim-{claim.pk}-{date.today():%Y%m%d}.{fmt}"'  # noqa: DTZ011
    )
    return response
