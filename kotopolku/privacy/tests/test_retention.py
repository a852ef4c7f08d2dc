"""Acceptance 2: the dry run lists, and the real run anonymises, exactly the clients past
retention (rule R1, 10 years after the case closed by default); statistics are unchanged."""

import io
import json
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Sum

from kotopolku.audit.models import AuditEvent
from kotopolku.casework.models import GuidanceContact, IntegrationPlan, PlanService, Referral
from kotopolku.clients import services as clients
from kotopolku.clients.models import Client, ClientLanguage
from kotopolku.clients.tests.factories import ClientFactory, staff_user
from kotopolku.common.dates import age_on, last_day_of_month
from kotopolku.compensation.models import ClaimLine, PaymentListRow
from kotopolku.courses.models import Attendance, Enrolment, LanguageTestResult, WorkPlacement
from kotopolku.privacy.models import Anonymisation
from kotopolku.privacy.selectors import export_data, retention_due
from kotopolku.privacy.services import retention_apply
from kotopolku.privacy.tests.conftest import SECRET_TEXTS

pytestmark = pytest.mark.django_db

ON = date(2035, 7, 1)  # 10 years after 2025-06-30 is 2035-06-30: closed on or before it = due
STAT_YEARS = (2024, 2025, 2026, 2035)
# Last days of months around the birthdays of the test clients (born 1990-05-01, 2010-11-03,
# 1990-05-17): ages on these days are what statistics periods and compensation months use.
MONTH_ENDS = tuple(
    last_day_of_month(date(year, month, 1)) for year in (2016, 2017, 2025) for month in range(1, 13)
)


def _band(age: int) -> str:
    if age < 7:
        return "0-6"
    if age < 18:
        return "7-17"
    if age < 30:
        return "18-29"
    if age < 65:
        return "30-64"
    return "65+"


def statistics() -> dict[str, object]:
    """The aggregate figures the statistics are made of, by municipality, year, permit basis,
    age band (age at the end of the statistics year) and gender."""
    people: Counter = Counter()
    for client in Client.objects.prefetch_related("home_periods"):
        municipality = min(client.home_periods.all(), key=lambda p: p.start).municipality_id
        for year in STAT_YEARS:
            people[
                (
                    municipality,
                    year,
                    client.client_since.year,
                    client.closed_at.year if client.closed_at else None,
                    client.permit_basis,
                    _band(age_on(client.date_of_birth, date(year, 12, 31))),
                    tuple(age_on(client.date_of_birth, day) for day in MONTH_ENDS),
                    client.gender,
                    client.citizenship,
                    client.jobseeker,
                    client.responsible_organisation_id,
                )
            ] += 1
    return {
        "people": people,
        "languages": Counter(ClientLanguage.objects.values_list("code", "level", "mother_tongue")),
        "plans": Counter(
            IntegrationPlan.objects.values_list("organisation", "start", "end", "closure_reason")
        ),
        "plan_services": Counter(PlanService.objects.values_list("category", "status", "referred")),
        "contacts": Counter(
            (c.organisation_id, c.day.year, c.channel, c.language, tuple(c.topics), c.outcome)
            for c in GuidanceContact.objects.all()
        ),
        "referrals": Counter(Referral.objects.values_list("to_organisation", "status", "sent_on")),
        "enrolments": Counter(Enrolment.objects.values_list("course", "status")),
        "hours": Attendance.objects.aggregate(total=Sum("hours"))["total"],
        "placements": Counter(WorkPlacement.objects.values_list("start", "end", "outcome")),
        "tests": Counter(LanguageTestResult.objects.values_list("day", "listening", "reading")),
        "claimed": ClaimLine.objects.aggregate(total=Sum("amount"))["total"],
        "paid": PaymentListRow.objects.aggregate(total=Sum("amount"))["total"],
    }


@pytest.fixture
def population(full_client):
    """Clients on both sides of the retention boundary."""
    actor = staff_user()
    clients.client_close(
        actor=actor, client=full_client, closure="employed", closed_at=date(2025, 6, 30)
    )
    due = ClientFactory(external_id="RET-DUE", gender="male", date_of_birth=date(2010, 11, 3))
    clients.client_close(actor=actor, client=due, closure="moved", closed_at=date(2024, 12, 31))
    boundary = ClientFactory(external_id="RET-BOUNDARY", last_name="Rajalla")
    clients.client_close(actor=actor, client=boundary, closure="moved", closed_at=date(2025, 7, 1))
    open_client = ClientFactory(external_id="RET-OPEN", last_name="Avoin")
    return {
        "due": {full_client.external_id, "RET-DUE"},
        "kept": {"RET-BOUNDARY", open_client.external_id},
        "full": full_client,
    }


def test_dry_run_lists_exactly_the_clients_past_retention_and_changes_nothing(population):
    before_stats = statistics()
    before_export = export_data(client=population["full"])["sections"]["clients.Client"]
    summary = retention_apply(actor=None, on=ON, dry_run=True)
    assert {c["external_id"] for c in summary["clients"]} == population["due"]
    assert summary["retention_years"] == 10
    assert summary["anonymised"] == 0
    assert not Anonymisation.objects.exists()
    assert statistics() == before_stats
    assert export_data(client=population["full"])["sections"]["clients.Client"] == before_export
    row = AuditEvent.objects.get(object_type="Retention")
    assert "dry run" in row.reason
    assert "2 due" in row.reason


def test_real_run_anonymises_exactly_those_clients_and_keeps_the_statistics(population):
    before = statistics()
    full = population["full"]
    summary = retention_apply(actor=None, on=ON, dry_run=False)
    assert summary["anonymised"] == 2
    anonymised = set(Anonymisation.objects.values_list("client_id", flat=True))
    assert anonymised == {c["id"] for c in summary["clients"]}
    assert {c["external_id"] for c in summary["clients"]} == population["due"]
    # Nothing identifying or descriptive is left of the anonymised client …
    exported = json.dumps(export_data(client=full), ensure_ascii=False)
    for secret in SECRET_TEXTS:
        assert secret not in exported, secret
    full.refresh_from_db()
    assert full.external_id == f"ANON-{full.pk}"
    assert full.hetu_encrypted == ""
    assert full.hetu_hash == ""
    assert full.date_of_birth == date(1990, 5, 1)
    due_pk = next(c["id"] for c in summary["clients"] if c["external_id"] == "RET-DUE")
    assert Client.objects.get(pk=due_pk).date_of_birth == date(2010, 11, 1)
    # … the others are untouched …
    for external_id in population["kept"]:
        assert not Anonymisation.objects.filter(client__external_id=external_id).exists()
    assert Client.objects.get(external_id="RET-BOUNDARY").last_name == "Rajalla"
    # … and every aggregate figure is the same.
    assert statistics() == before
    assert AuditEvent.objects.filter(
        object_type="Retention", action="update", reason__contains="2 anonymised"
    ).exists()
    # A second run finds nothing more to do.
    assert retention_due(on=ON).count() == 0


def test_the_day_after_the_boundary_takes_the_boundary_client(population):
    due = {c.external_id for c in retention_due(on=date(2035, 7, 2))}
    assert "RET-BOUNDARY" in due
    assert "RET-OPEN" not in due


def test_rule_value_decides_the_period(population):
    from kotopolku.rules.models import StatutoryRule

    StatutoryRule.objects.filter(key="retention_years_after_close").update(value=20)
    assert retention_due(on=ON).count() == 0


def test_command_dry_run_and_real_run(population):
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", "--on", ON.isoformat(), stdout=out)
    text = out.getvalue()
    assert "RET-DUE" in text
    assert "RET-BOUNDARY" not in text
    assert "would anonymise 2" in text
    assert not Anonymisation.objects.exists()
    out = io.StringIO()
    call_command("apply_retention", "--on", ON.isoformat(), "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["anonymised"] == 2
    assert Anonymisation.objects.count() == 2
    with pytest.raises(CommandError):
        call_command("apply_retention", "--on", "1.7.2035")


def test_amounts_stay_decimal(population):
    retention_apply(actor=None, on=ON, dry_run=False)
    assert ClaimLine.objects.aggregate(total=Sum("amount"))["total"] == Decimal("120.00")


def _statistics_tables():
    from kotopolku.statistics.filters import Filters, Period
    from kotopolku.statistics.selectors import CLIENT_DIMENSIONS, indicator_tables

    figures = []
    for label in ("2024", "2025", "2025-Q2", "2025-Q3", "2025-Q4"):
        for by in CLIENT_DIMENSIONS:
            for table in indicator_tables(Filters(period=Period.parse(label)), by=by):
                figures.append(
                    (
                        label,
                        by,
                        table.key,
                        [
                            (row.key, {k: (c.value, c.persons) for k, c in row.cells.items()})
                            for row in table.rows
                        ],
                        table.total
                        and {k: (c.value, c.persons) for k, c in table.total.cells.items()},
                    )
                )
    return figures


@pytest.mark.skipif(
    not apps.is_installed("kotopolku.statistics"), reason="the statistics app is not installed"
)
def test_statistics_indicators_are_the_same_after_anonymisation(population):
    """The statistics app's own indicator tables, by every client dimension, for years and
    quarters, before and after the real run."""
    before = _statistics_tables()
    assert any(rows for *_, rows, _total in before), "the population shows in the statistics"
    retention_apply(actor=None, on=ON, dry_run=False)
    assert _statistics_tables() == before
