"""Every spreadsheet of the compensation app is formula-safe: text that a spreadsheet would run
(`=HYPERLINK(...)`) arrives as literal text, in CSV and XLSX alike, and the columns stay as
docs/data-formats.md has them."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kotopolku.clients.models import Client
from kotopolku.clients.services import client_update
from kotopolku.compensation.demo import seed_compensation_demo
from kotopolku.compensation.forecast import CSV_COLUMNS
from kotopolku.compensation.reconciliation import EXPECTED_NOT_PAID, reconciliation_for
from kotopolku.compensation.services import claim_create, claim_line_add
from kotopolku.compensation.tests.factories import municipality, protected_person

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://x")'
SAFE = "'" + EVIL


def _cells(content: bytes) -> dict[str, list]:
    """{sheet title: [cell, ...]} of a workbook, cells as openpyxl objects."""
    book = load_workbook(io.BytesIO(content))
    return {sheet.title: [cell for row in sheet.iter_rows() for cell in row] for sheet in book}


def _assert_escaped(content: bytes, *, sheet: str | None = None) -> None:
    cells = _cells(content)
    found = [c for title, row in cells.items() if sheet in (None, title) for c in row]
    values = [c.value for c in found]
    assert SAFE in values, values
    assert EVIL not in values
    assert all(c.data_type != "f" for c in found)


def test_forecast_csv_and_xlsx_write_a_formula_as_text(demo, coordinator):
    protected_person(EVIL)
    url = reverse("compensation:forecast_export", args=["csv"])
    response = coordinator.get(url, {"municipality": "186", "year": 2025})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == CSV_COLUMNS
    assert {row[2] for row in rows[1:]} == {SAFE}
    assert rows[1][5] == "162.92"  # amounts stay plain numbers

    url = reverse("compensation:forecast_export", args=["xlsx"])
    content = coordinator.get(url, {"municipality": "186", "year": 2025}).content
    _assert_escaped(content, sheet="months")
    _assert_escaped(content, sheet="persons")
    months = load_workbook(io.BytesIO(content))["months"]
    assert [c.value for c in months[1]] == CSV_COLUMNS
    assert months["F2"].value == 162.92


def test_expected_not_paid_export_writes_a_formula_as_text(demo, coordinator, user_for):
    payment_list = seed_compensation_demo()
    missing = reconciliation_for(actor=None, payment_list=payment_list).of_kind(EXPECTED_NOT_PAID)
    client = Client.objects.get(pk=missing[0].person.client_id)
    client_update(actor=user_for("coordinator"), client=client, last_name=EVIL)
    response = coordinator.get(
        reverse("compensation:payment_list_missing_export", args=[payment_list.pk])
    )
    assert response.status_code == 200
    _assert_escaped(response.content)


def test_claim_export_writes_a_formula_as_text(demo, coordinator, user_for):
    claim = claim_create(
        actor=user_for("coordinator"),
        municipality=municipality("186"),
        cost_type="interpreting",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30),
    )
    claim_line_add(
        actor=user_for("coordinator"),
        claim=claim,
        day=date(2025, 2, 3),
        amount=Decimal("12.50"),
        description=EVIL,
    )
    response = coordinator.get(reverse("compensation:claim_export", args=[claim.pk, "xlsx"]))
    assert response.status_code == 200
    _assert_escaped(response.content)
    sheet = load_workbook(io.BytesIO(response.content)).active
    line = next(row for row in sheet.iter_rows(values_only=True) if SAFE in row)
    assert line[3] == 12.5  # the amount stays a number
