from datetime import date

from kotopolku.access.matrix import STAFF_ROLES, Expect, api, staff_page
from kotopolku.compensation.models import (
    ActualCostClaim,
    ClaimAttachment,
    ClaimLine,
    PaymentList,
)
from kotopolku.compensation.uploads import ATTACHMENT_TYPES
from kotopolku.organisations.models import Organisation

# The demo coordinator and admin belong to Järvenpää (186); nobody else sees compensation.
HANDLERS = {"admin", "coordinator"}


def _jarvenpaa():
    return Organisation.objects.get(municipality_code="186")


def _payment_list():
    payment_list = PaymentList.objects.filter(municipality__municipality_code="186").first()
    if payment_list is None:
        payment_list = PaymentList.objects.create(
            municipality=_jarvenpaa(), month=date(2025, 3, 1), file_name="demo.csv"
        )
    return {"pk": payment_list.pk}


def _claim():
    claim = ActualCostClaim.objects.filter(municipality__municipality_code="186").first()
    if claim is None:
        claim = ActualCostClaim.objects.create(
            municipality=_jarvenpaa(),
            cost_type=ActualCostClaim.CostType.INTERPRETING,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 6, 30),
        )
    return claim


def _claim_pk():
    return {"pk": _claim().pk}


def _draft_line():
    """A line of a draft claim: the removal page answers 200 to the allowed roles."""
    claim = ActualCostClaim.objects.filter(
        municipality__municipality_code="186", status=ActualCostClaim.Status.DRAFT
    ).first() or ActualCostClaim.objects.create(
        municipality=_jarvenpaa(),
        cost_type=ActualCostClaim.CostType.INTERPRETING,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30),
    )
    line = claim.lines.first() or ClaimLine.objects.create(
        claim=claim, date=date(2025, 2, 3), amount="120.50", description="Tulkkaus"
    )
    return {"pk": claim.pk, "line_pk": line.pk}


def _attachment():
    claim = _claim()
    attachment = claim.attachments.first() or ClaimAttachment.objects.create(
        claim=claim,
        file_name="receipt.pdf",
        content_type=ATTACHMENT_TYPES["pdf"][0],
        size=9,
        content=b"%PDF-1.4\n",
    )
    return {"pk": claim.pk, "attachment_pk": attachment.pk}


def _with(expect: Expect, **status) -> Expect:
    expect.status.update(status)
    return expect


def _post_only(kwargs) -> Expect:
    """A POST-only view: the allowed roles get 405 for a GET, the others 403 first."""
    return staff_page(HANDLERS, kwargs=kwargs, ok=405)


URL_ACCESS = {
    "compensation:forecast": staff_page(HANDLERS),
    "compensation:forecast_export": staff_page(HANDLERS, kwargs=lambda: {"fmt": "csv"}),
    "compensation:payment_lists": staff_page(HANDLERS),
    "compensation:payment_list_upload": staff_page(HANDLERS),
    "compensation:payment_list_detail": staff_page(HANDLERS, kwargs=_payment_list),
    "compensation:payment_list_missing_export": staff_page(HANDLERS, kwargs=_payment_list),
    "compensation:payment_list_decide": _post_only(_payment_list),
    "compensation:payment_list_archive": staff_page(HANDLERS, kwargs=_payment_list),
    "compensation:claims": staff_page(HANDLERS),
    "compensation:claim_create": staff_page(HANDLERS),
    "compensation:claim_detail": staff_page(HANDLERS, kwargs=_claim_pk),
    "compensation:claim_line_add": _post_only(_claim_pk),
    "compensation:claim_line_remove": staff_page(HANDLERS, kwargs=_draft_line),
    "compensation:claim_attachment_add": _post_only(_claim_pk),
    "compensation:claim_attachment": staff_page(HANDLERS, kwargs=_attachment),
    "compensation:claim_submit": staff_page(HANDLERS, kwargs=_claim_pk),
    "compensation:claim_decide": _post_only(_claim_pk),
    "compensation:claim_export": staff_page(
        HANDLERS, kwargs=lambda: {**_claim_pk(), "fmt": "xlsx"}
    ),
}


def _with_query(expect: Expect, query: str) -> Expect:
    expect.query = query
    return expect


def _api_post_only(kwargs=None) -> Expect:
    """A POST-only API view: the allowed roles get 405 for a GET, others 403, anonymous 401."""
    status = {role: (405 if role in HANDLERS else 403) for role in STAFF_ROLES}
    status["anonymous"] = 401
    return Expect(status=status, kwargs=kwargs or (lambda: {}))


URL_ACCESS.update(
    {
        "api:compensation-forecast": _with_query(api(HANDLERS), "?year=2025"),
        "api:compensation-payment-lists": api(HANDLERS),
        "api:compensation-reconciliation": api(HANDLERS, kwargs=_payment_list),
        "api:compensation-decisions": _api_post_only(_payment_list),
        "api:compensation-claims": api(HANDLERS),
        "api:compensation-claim": api(HANDLERS, kwargs=_claim_pk),
        "api:compensation-claim-lines": _api_post_only(_claim_pk),
        "api:compensation-claim-attachments": _api_post_only(_claim_pk),
        "api:compensation-claim-status": _api_post_only(_claim_pk),
    }
)
