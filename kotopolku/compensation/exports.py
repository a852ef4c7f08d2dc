"""Spreadsheet and PDF exports that finance staff use as they are.

Every row goes through `common.exports.sheet_append`, so that a name or a description that
looks like a formula (`=HYPERLINK(…)`) arrives as text (CSV/formula injection)."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.clients import identity
from kotopolku.clients.models import Client
from kotopolku.common.exports import sheet_append
from kotopolku.common.formatting import short_date
from kotopolku.compensation.models import ActualCostClaim
from kotopolku.compensation.reconciliation import EXPECTED_NOT_PAID, Reconciliation
from kotopolku.rules.periods import period_on

MONEY = "#,##0.00"
DAY = "DD.MM.YYYY"


def get_column_letter(number: int) -> str:
    from openpyxl.utils import get_column_letter as letter

    return letter(number)


def _workbook():
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    return book, Font(bold=True)


def _save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# The columns of the "missing from the payment list" export, in the order of the state's e-form
# for claiming computational compensation for persons the automatic payment left out (KEHA
# centre, aluehallinnon asiointipalvelu, since 1.9.2023): the person, the residence permit's
# basis, the home municipality and since when, the compensation period, the month claimed,
# the age band and the amount, and a free-text explanation. The form's field list is not
# published as a file; the order and the headings follow its sections and are to be checked
# against the form in use (docs/security.md lists this as an assumption).
E_FORM_COLUMNS = (
    "identity_code",
    "last_name",
    "first_names",
    "date_of_birth",
    "permit_basis",
    "home_municipality",
    "home_municipality_since",
    "period_start",
    "period_end",
    "month",
    "age_band",
    "amount",
    "explanation",
    "external_id",
)
DATE_COLUMNS = {"date_of_birth", "home_municipality_since", "period_start", "period_end"}


def e_form_headings() -> dict[str, str]:
    return {
        "identity_code": _("Identity code"),
        "last_name": _("Last name"),
        "first_names": _("First names"),
        "date_of_birth": _("Date of birth"),
        "permit_basis": _("Basis of the residence permit"),
        "home_municipality": _("Home municipality code"),
        "home_municipality_since": _("Home municipality since"),
        "period_start": _("Compensation period starts"),
        "period_end": _("Compensation period ends"),
        "month": _("Month claimed"),
        "age_band": _("Age band"),
        "amount": _("Amount claimed (EUR)"),
        "explanation": _("Explanation"),
        "external_id": _("External id"),
    }


def _home_since(person, month) -> Any:
    """The start of the period that makes `month.municipality` the home municipality on the
    month's last day: the one `rules.periods` chooses (of overlapping periods, the later)."""
    period = period_on(person.home_periods, month.last_day)
    if period is None or period.municipality != month.municipality:
        return None
    return period.start


def expected_not_paid_xlsx(*, actor: Any, reconciliation: Reconciliation) -> bytes:
    """The persons missing from the state's list, one row each in the e-form's order.

    Holds identity codes, so each person's disclosure is audited.
    """
    items = reconciliation.of_kind(EXPECTED_NOT_PAID)
    codes = dict(
        Client.objects.filter(pk__in=[i.person.client_id for i in items if i.person]).values_list(
            "pk", "hetu_encrypted"
        )
    )
    payment_list = reconciliation.payment_list
    book, bold = _workbook()
    sheet = book.active
    sheet.title = _("Missing from the list")[:31]
    sheet_append(sheet, [_("Computational compensation: persons missing from the payment list")])
    sheet["A1"].font = bold
    sheet_append(
        sheet,
        [
            _("Municipality"),
            f"{payment_list.municipality.municipality_code} {payment_list.municipality.name}",
            _("Month"),
            f"{payment_list.month.month}/{payment_list.month.year}",
        ],
    )
    sheet_append(sheet, [])
    headings = e_form_headings()
    sheet_append(sheet, [headings[c] for c in E_FORM_COLUMNS])
    for cell in sheet[4]:
        cell.font = bold
    bases = dict(Client.PermitBasis.choices)
    bands = {"7_plus": _("7 years or over"), "under_7": _("under 7 years")}
    for item in items:
        person, month, eligibility = item.person, item.expected_month, item.eligibility
        values = {
            "identity_code": identity.decrypt(codes.get(person.client_id, "")),
            "last_name": person.last_name,
            "first_names": person.first_names,
            "date_of_birth": person.date_of_birth,
            "permit_basis": str(bases.get(person.permit_basis, person.permit_basis)),
            "home_municipality": month.municipality,
            "home_municipality_since": _home_since(person, month),
            "period_start": eligibility.start,
            "period_end": eligibility.end,
            "month": f"{month.month.month}/{month.month.year}",
            "age_band": str(bands[month.age_band]),
            "amount": month.amount,
            "explanation": item.decision.note if item.decision else "",
            "external_id": person.external_id,
        }
        sheet_append(sheet, [values[c] for c in E_FORM_COLUMNS])
        row = sheet.max_row
        for number, column in enumerate(E_FORM_COLUMNS, start=1):
            if column in DATE_COLUMNS:
                sheet.cell(row=row, column=number).number_format = DAY
            elif column == "amount":
                sheet.cell(row=row, column=number).number_format = MONEY
        audit_record(
            actor=actor,
            action=AuditEvent.Action.EXPORT,
            object_type="PaymentList",
            object_id=payment_list.pk,
            client_id=person.client_id,
            reason="missing from the payment list (e-form)",
        )
    amount_column = E_FORM_COLUMNS.index("amount") + 1
    sheet_append(sheet, [])
    total = [""] * len(E_FORM_COLUMNS)
    total[0] = _("Total")
    total[amount_column - 1] = sum(i.expected for i in items)
    sheet_append(sheet, total)
    sheet.cell(row=sheet.max_row, column=amount_column).number_format = MONEY
    sheet.cell(row=sheet.max_row, column=1).font = bold
    widths = (14, 18, 18, 13, 28, 10, 14, 14, 14, 9, 16, 14, 30, 16)
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A5"
    return _save(book)


def claim_xlsx(*, claim: ActualCostClaim, lines: list, attachments: list) -> bytes:
    book, bold = _workbook()
    sheet = book.active
    sheet.title = _("Claim")[:31]
    sheet_append(sheet, [_("Actual-cost claim"), str(claim.get_cost_type_display())])
    sheet["A1"].font = bold
    sheet_append(
        sheet,
        [_("Municipality"), f"{claim.municipality.municipality_code} {claim.municipality.name}"],
    )
    sheet_append(
        sheet, [_("Period"), f"{short_date(claim.period_start)}–{short_date(claim.period_end)}"]
    )
    sheet_append(sheet, [_("Status"), str(claim.get_status_display())])
    if claim.decided_amount is not None:
        sheet_append(sheet, [_("Decided amount (EUR)"), claim.decided_amount])
        sheet.cell(row=sheet.max_row, column=2).number_format = MONEY
    sheet_append(sheet, [])
    sheet_append(sheet, [_("Date"), _("Client"), _("Description"), _("Amount (EUR)")])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for line in lines:
        sheet_append(
            sheet,
            [
                line.date,
                line.client.external_id if line.client else _("anonymous"),
                line.description,
                line.amount,
            ],
        )
        sheet.cell(row=sheet.max_row, column=1).number_format = DAY
        sheet.cell(row=sheet.max_row, column=4).number_format = MONEY
    sheet_append(sheet, [_("Total"), "", "", sum((line.amount for line in lines), 0)])
    sheet.cell(row=sheet.max_row, column=4).number_format = MONEY
    sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet_append(sheet, [])
    sheet_append(sheet, [_("Evidence")])
    for attachment in attachments:
        sheet_append(sheet, [attachment.file_name, attachment.content_type, attachment.size])
    for letter, width in zip("ABCD", (14, 18, 50, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    return _save(book)


def claim_pdf(*, claim: ActualCostClaim, lines: list, attachments: list) -> bytes:
    from kotopolku.documents.fetcher import html_to_pdf

    html = render_to_string(
        "compensation/claim_summary_print.html",
        {
            "claim": claim,
            "lines": lines,
            "attachments": attachments,
            "total": sum((line.amount for line in lines), 0),
        },
    )
    return html_to_pdf(html)
