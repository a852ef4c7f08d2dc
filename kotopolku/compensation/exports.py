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

MONEY = "#,##0.00"
DAY = "DD.MM.YYYY"


def _workbook():
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    return book, Font(bold=True)


def _save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def expected_not_paid_xlsx(*, actor: Any, reconciliation: Reconciliation) -> bytes:
    """The persons missing from the state's list, with what the e-form asks for.

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
    sheet_append(sheet, [_("Expected but not paid: persons to apply for with the e-form")])
    sheet["A1"].font = bold
    sheet_append(
        sheet,
        [
            _("Municipality"),
            f"{payment_list.municipality.municipality_code} {payment_list.municipality.name}",
            _("Month"),
            f"{payment_list.month:%m/%Y}",
        ],
    )
    sheet_append(sheet, [])
    headings = [
        _("Last name"),
        _("First names"),
        _("Identity code"),
        _("Date of birth"),
        _("Permit basis"),
        _("Compensation period starts"),
        _("Compensation period ends"),
        _("Home municipality code"),
        _("Month"),
        _("Age band"),
        _("Expected amount (EUR)"),
        _("External id"),
    ]
    sheet_append(sheet, headings)
    for cell in sheet[4]:
        cell.font = bold
    bases = dict(Client.PermitBasis.choices)
    bands = {"7_plus": _("7 years or over"), "under_7": _("under 7 years")}
    for item in items:
        person, month, eligibility = item.person, item.expected_month, item.eligibility
        sheet_append(
            sheet,
            [
                person.last_name,
                person.first_names,
                identity.decrypt(codes.get(person.client_id, "")),
                person.date_of_birth,
                str(bases.get(person.permit_basis, person.permit_basis)),
                eligibility.start,
                eligibility.end,
                month.municipality,
                f"{month.month:%m/%Y}",
                str(bands[month.age_band]),
                month.amount,
                person.external_id,
            ],
        )
        row = sheet.max_row
        for column in (4, 6, 7):
            sheet.cell(row=row, column=column).number_format = DAY
        sheet.cell(row=row, column=11).number_format = MONEY
        audit_record(
            actor=actor,
            action=AuditEvent.Action.EXPORT,
            object_type="PaymentList",
            object_id=payment_list.pk,
            client_id=person.client_id,
            reason="expected but not paid (e-form)",
        )
    sheet_append(sheet, [])
    sheet_append(
        sheet, [_("Total"), "", "", "", "", "", "", "", "", "", sum(i.expected for i in items)]
    )
    sheet.cell(row=sheet.max_row, column=11).number_format = MONEY
    sheet.cell(row=sheet.max_row, column=1).font = bold
    for letter, width in zip(
        "ABCDEFGHIJKL", (18, 18, 14, 13, 28, 14, 14, 10, 9, 16, 14, 16), strict=True
    ):
        sheet.column_dimensions[letter].width = width
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
    from weasyprint import HTML

    html = render_to_string(
        "compensation/claim_summary_print.html",
        {
            "claim": claim,
            "lines": lines,
            "attachments": attachments,
            "total": sum((line.amount for line in lines), 0),
        },
    )
    return HTML(string=html).write_pdf()
