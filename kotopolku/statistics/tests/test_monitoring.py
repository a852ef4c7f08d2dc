"""A programme indicator bound to "orientation completion rate" gets its monitoring entry from
the monthly command (and the button), and the annual report shows it."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kotopolku.courses import services as courses
from kotopolku.courses.models import Course
from kotopolku.documents.render import render_html
from kotopolku.governance.documents import annual_report_document, number
from kotopolku.organisations.models import Region
from kotopolku.programme import selectors as programme_selectors
from kotopolku.programme import services as programme_services
from kotopolku.programme.demo import ORIENTATION_INDICATOR
from kotopolku.programme.models import Goal, Indicator, MonitoringEntry, Programme
from kotopolku.statistics.services import monthly_periods
from kotopolku.statistics.tests.factories import _course, clock, import_records

NAME = "Yhteiskuntaorientaation suorittaneiden osuus (testi)"


def orientation_group(completed: int, partly: int) -> None:
    """One orientation course in spring 2025: `completed` attend 72 h, `partly` 30 h."""
    records = [
        {
            "external_id": f"OR-{n:02d}",
            "date_of_birth": "1992-02-02",
            "permit_basis": "asylum",
            "first_permit_date": "2025-01-01",
            "client_since": "2025-01-15",
            "home_municipality_periods": [
                {"municipality": "186", "start": "2025-01-15", "end": None}
            ],
        }
        for n in range(completed + partly)
    ]
    with clock(date(2025, 1, 20)):
        import_records(records)
        course, sessions = _course(
            "OR-SO",
            Course.Kind.SOCIAL_ORIENTATION,
            date(2025, 2, 1),
            date(2025, 6, 30),
            24,
            capacity=20,
        )
        from kotopolku.clients.models import Client

        enrolments = [
            courses.enrolment_create(
                actor=None, course=course, client=Client.objects.get(external_id=r["external_id"])
            )
            for r in records
        ]
    with clock(date(2025, 6, 30)):
        for index, session in enumerate(sessions):
            courses.attendance_record(
                actor=None,
                session=session,
                hours={
                    e.pk: "3" if n < completed or index < 10 else "0"
                    for n, e in enumerate(enrolments)
                },
            )


def bound_indicator(key: str = "orientation_completion_rate"):
    goal = Goal.objects.filter(programme__region__slug="keski-uusimaa").order_by("number").first()
    return programme_services.indicator_create(
        actor=None,
        goal=goal,
        data=programme_services.IndicatorInput(
            name_fi=NAME,
            definition_fi="Vähintään 70 tuntia osallistuneiden osuus orientaation osallistujista.",
            unit_fi="%",
            direction="increase",
            source="computed",
            source_reference=key,
            target=Decimal("80"),
            target_year=2028,
        ),
    )


def test_monthly_periods():
    assert monthly_periods(date(2026, 2, 1)) == ["2026", "2026-Q1"]
    assert monthly_periods(date(2026, 1, 1)) == ["2025", "2025-Q4"]


def test_monthly_command_writes_the_entry_and_the_annual_report_shows_it(demo):
    orientation_group(completed=7, partly=5)
    indicator = bound_indicator()
    out = StringIO()
    # Run on 1 July 2025: the figures of the year so far and of Q2.
    call_command("compute_monitoring", "--on", "2025-07-01", stdout=out)
    entries = {e.period: e.value for e in MonitoringEntry.objects.filter(indicator=indicator)}
    assert entries == {"2025": Decimal("58.30"), "2025-Q2": Decimal("58.30")}
    assert "orientation_completion_rate: 58.30" in out.getvalue()
    # Running again replaces, not duplicates.
    call_command("compute_monitoring", "--period", "2025", stdout=StringIO())
    assert MonitoringEntry.objects.filter(indicator=indicator, period="2025").count() == 1

    region = Region.objects.get(slug="keski-uusimaa")
    html = render_html(annual_report_document(region=region, year=2025, language="fi"))
    assert NAME in html
    assert number(Decimal("58.30")) in html
    # The key figures section lists the statistics' headline figures (here in Finnish).
    assert "uudet asiakkaat" in html.lower() or "new clients" in html.lower()


def test_too_few_persons_are_not_written(demo):
    orientation_group(completed=2, partly=1)
    indicator = bound_indicator()
    out = StringIO()
    call_command("compute_monitoring", "--period", "2025", stdout=out)
    assert not MonitoringEntry.objects.filter(indicator=indicator).exists()
    assert "too few persons" in out.getvalue()


def test_unbound_computed_indicators_are_reported(demo):
    err = StringIO()
    call_command("compute_monitoring", "--period", "2025", stdout=StringIO(), stderr=err)
    # The demo programme's computed indicators are all bound.
    assert "bound to no statistics key" not in err.getvalue()
    bound_indicator(key="no_such_indicator")
    call_command("compute_monitoring", "--period", "2025", stdout=StringIO(), stderr=err)
    assert "bound to no statistics key" in err.getvalue()


def test_the_demo_programme_indicator_gets_its_entry_and_the_report_shows_it(demo):
    """Acceptance 4 on the demo: its orientation indicator is bound by `source_reference`."""
    orientation_group(completed=7, partly=5)
    indicator = Indicator.objects.get(name_fi=ORIENTATION_INDICATOR.name_fi)
    assert indicator.source_reference == "orientation_completion_rate"
    call_command("compute_monitoring", "--on", "2025-07-01", stdout=StringIO())
    entries = {e.period: e.value for e in MonitoringEntry.objects.filter(indicator=indicator)}
    assert entries == {"2025": Decimal("58.30"), "2025-Q2": Decimal("58.30")}
    region = Region.objects.get(slug="keski-uusimaa")
    html = render_html(annual_report_document(region=region, year=2025, language="fi"))
    assert ORIENTATION_INDICATOR.name_fi in html
    assert number(Decimal("58.30")) in html


def test_monthly_runs_after_an_approval_open_no_draft(demo):
    """Monitoring is not programme content: the monthly run must not open a version a month."""
    orientation_group(completed=7, partly=5)
    programme = Programme.objects.get(name_fi="Keski-Uudenmaan kotoutumisohjelma")
    draft = programme_selectors.open_version(programme=programme)
    programme_services.version_submit(actor=None, version=draft)
    programme_services.version_approve(
        actor=None,
        version=draft,
        decision=programme_services.DecisionInput(
            body_fi="Hyvinvointilautakunta", date=date(2025, 5, 20), text_fi="Hyväksytään."
        ),
    )
    versions = list(programme.versions.values_list("number", "status"))
    assert programme_selectors.open_version(programme=programme) is None
    call_command("compute_monitoring", "--on", "2025-07-01", stdout=StringIO())
    call_command("compute_monitoring", "--on", "2025-08-01", stdout=StringIO())
    assert programme_selectors.open_version(programme=programme) is None
    assert list(programme.versions.values_list("number", "status")) == versions
    indicator = Indicator.objects.get(name_fi=ORIENTATION_INDICATOR.name_fi)
    # Q3 has no ended course: nothing to write; the year and Q2 were written.
    assert set(indicator.entries.values_list("period", flat=True)) == {"2025", "2025-Q2"}


def test_bad_arguments(demo):
    with pytest.raises(CommandError):
        call_command("compute_monitoring", "--period", "2025-Q5")
    with pytest.raises(CommandError):
        call_command("compute_monitoring", "--on", "yesterday")


def test_the_button_confirms_then_writes(demo, client_for):
    orientation_group(completed=7, partly=5)
    indicator = bound_indicator()
    coordinator = client_for("coordinator")
    page = coordinator.get("/statistics/monitoring/")
    assert NAME in page.content.decode()
    confirm = coordinator.get("/statistics/monitoring/compute/?period=2025")
    assert confirm.status_code == 200
    assert not MonitoringEntry.objects.filter(indicator=indicator).exists()  # nothing yet
    done = coordinator.post("/statistics/monitoring/compute/", {"period": "2025"})
    assert done.status_code == 302
    assert MonitoringEntry.objects.get(indicator=indicator, period="2025").value == Decimal("58.30")
    bad = coordinator.post("/statistics/monitoring/compute/", {"period": "20x5"}, follow=True)
    assert bad.status_code == 200
    assert MonitoringEntry.objects.filter(indicator=indicator).count() == 1
    assert client_for("viewer").post("/statistics/monitoring/compute/").status_code == 403
