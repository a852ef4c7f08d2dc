"""The state reporting export is formula-safe: a label typed into the profile (in the admin)
that looks like a formula arrives as text in CSV and XLSX, with the columns unchanged."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kotopolku.governance.models import AnnualReport, StateReportingField

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://x")'
SAFE = "'" + EVIL
HEADER = ["authority", "region", "year", "code", "label", "value"]


def test_state_export_writes_a_formula_as_text(client_for):
    report = AnnualReport.objects.get(year=2025)
    # Profiles are rule-like data kept in the admin; no service writes them.
    field = (
        StateReportingField.objects.filter(profile__valid_from__year__lte=2025)
        .order_by("-profile__valid_from", "order")
        .first()
    )
    StateReportingField.objects.filter(pk=field.pk).update(
        label=EVIL, label_fi=EVIL, label_sv=EVIL, label_en=EVIL
    )
    http = client_for("coordinator")
    url = reverse("governance:state_export", kwargs={"pk": report.pk})

    body = http.get(url, {"format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == HEADER
    labels = [row[4] for row in rows[1:]]
    assert SAFE in labels
    assert EVIL not in labels

    sheet = load_workbook(io.BytesIO(http.get(url, {"format": "xlsx"}).content)).active
    assert sheet.title == "2025"
    assert [c.value for c in sheet[1]] == HEADER
    cells = [row[4] for row in sheet.iter_rows(min_row=2)]
    assert SAFE in [c.value for c in cells]
    assert all(c.data_type == "s" for c in cells)
