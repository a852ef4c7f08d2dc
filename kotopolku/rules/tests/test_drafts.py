"""Draft rule sets (docs/data-formats.md) through the real HTTP stack and database: creation with
clear
validation, no effect on live computation, the preview page and its exports, publishing."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kotopolku.audit.models import AuditEvent
from kotopolku.compensation.selectors import forecast
from kotopolku.rules.book import RuleBook
from kotopolku.rules.demo import DEMO_DRAFT_TITLE
from kotopolku.rules.models import DraftRuleRow, DraftRuleSet, StatutoryRule
from kotopolku.rules.tests.test_whatif import caseload  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

RATE = "compensation_rate_municipality_7_plus"


def _upload(doc) -> io.BytesIO:
    f = io.BytesIO(json.dumps(doc).encode())
    f.name = "draft.json"
    return f


def test_bad_uploads_are_refused_with_a_form_error_and_save_nothing(client_for):
    coordinator = client_for("coordinator")
    url = reverse("rules:draft_create")
    for row, message in (
        ({"key": "no_such_key", "value": 1, "effective_from": "2027-01-01"}, "unknown rule key"),
        ({"key": RATE, "value": "abc", "effective_from": "2027-01-01"}, "bad value"),
        ({"key": RATE, "value": "1.00", "effective_from": "2027-13-01"}, "not a date"),
    ):
        doc = {"title": "Bad", "rows": [row]}
        response = coordinator.post(url, {"title": "", "file": _upload(doc)})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not DraftRuleSet.objects.exclude(title=DEMO_DRAFT_TITLE).exists()
    assert not DraftRuleRow.objects.exclude(draft__title=DEMO_DRAFT_TITLE).exists()


def test_a_draft_changes_no_live_computation_and_the_preview_shows_the_difference(
    client_for,
    caseload,  # noqa: F811
):
    live_rows = list(StatutoryRule.objects.values_list("key", "effective_from", "value"))
    before = forecast("186", 2026).total
    coordinator = client_for("coordinator")
    doc = {
        "title": "Rates −8 %",
        "rows": [{"key": RATE, "value": "1800.00", "effective_from": "2026-01-01"}],
    }
    response = coordinator.post(reverse("rules:draft_create"), {"title": "", "file": _upload(doc)})
    draft = DraftRuleSet.objects.exclude(title=DEMO_DRAFT_TITLE).get()
    assert response.status_code == 302
    assert draft.title == "Rates −8 %"
    assert list(draft.rows.values_list("key", "value")) == [(RATE, "1800.00")]

    detail = coordinator.get(reverse("rules:draft_detail", args=[draft.pk])).content.decode()
    assert "1800.00" in detail  # the draft row …
    assert "1955.04" not in detail
    assert RATE in detail
    live = RuleBook.load().row(RATE, on=date(2025, 12, 31))
    assert str(live.value) in detail  # … beside the live row it replaces

    query = "?municipality=186&year=2026&on=2026-06-01"
    page = coordinator.get(reverse("rules:draft_preview", args=[draft.pk]) + query)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html
    assert 'id="whatif-months"' in html
    assert "JP-1" in html
    assert "JP-3" in html
    assert "JP-2" not in html
    assert (
        "10\xa0413,12" in html
        or "10 413,12" in html
        or "10413" in html.replace("\xa0", "").replace("\u202f", "")
    )

    xlsx = coordinator.get(reverse("rules:draft_preview_export", args=[draft.pk, "xlsx"]) + query)
    assert xlsx.status_code == 200
    summary = load_workbook(io.BytesIO(xlsx.content))["summary"]
    values = {row[0]: row[1] for row in summary.iter_rows(values_only=True)}
    assert Decimal(str(values["current"])) == Decimal("10413.12")
    assert Decimal(str(values["draft"])) == Decimal("10103.04")
    csv = coordinator.get(reverse("rules:draft_preview_export", args=[draft.pk, "csv"]) + query)
    assert "person,JP-1,total" in csv.content.decode()

    # Nothing live moved.
    assert list(StatutoryRule.objects.values_list("key", "effective_from", "value")) == live_rows
    assert forecast("186", 2026).total == before
    assert AuditEvent.objects.filter(object_type="RulesWhatIf").count() == 3


def test_adding_a_row_in_the_ui_and_publishing_as_admin(client_for):
    coordinator, admin = client_for("coordinator"), client_for("admin")
    coordinator.post(reverse("rules:draft_create"), {"title": "Shorter period"})
    draft = DraftRuleSet.objects.exclude(title=DEMO_DRAFT_TITLE).get()
    url = reverse("rules:draft_detail", args=[draft.pk])
    bad = coordinator.post(
        url,
        {"key": "compensation_period_years_other", "value": "x", "effective_from": "2030-01-01"},
    )
    assert bad.status_code == 200
    assert not draft.rows.exists()
    coordinator.post(
        url,
        {"key": "compensation_period_years_other", "value": "2", "effective_from": "2030-01-01"},
    )
    assert draft.rows.count() == 1
    # Coordinators may not publish; the admin confirms first.
    publish = reverse("rules:draft_publish", args=[draft.pk])
    assert coordinator.post(publish).status_code == 403
    assert "2030" in admin.get(publish).content.decode()
    assert admin.post(publish).status_code == 302
    book = RuleBook.load()
    assert book.value("compensation_period_years_other", on=date(2030, 1, 1)) == 2
    old = book.row("compensation_period_years_other", on=date(2029, 12, 31))
    assert old.effective_to == date(2029, 12, 31)
    new = StatutoryRule.objects.get(
        key="compensation_period_years_other", effective_from=date(2030, 1, 1)
    )
    assert new.source == "Shorter period"
    draft.refresh_from_db()
    assert draft.status == DraftRuleSet.Status.PUBLISHED
    assert AuditEvent.objects.filter(
        object_type="StatutoryRule", reason__contains="Shorter period"
    ).exists()


def test_the_demo_region_ships_one_draft_and_seeding_twice_changes_nothing(demo):
    from kotopolku.demo.seed import seed_demo

    seed_demo(with_users=True, clients=0)
    draft = DraftRuleSet.objects.get(title=DEMO_DRAFT_TITLE)
    book = RuleBook.load()
    for row in draft.rows.all():
        before = book.value(row.key, on=date(2026, 12, 31))
        assert Decimal(row.value) == (before * Decimal("0.95")).quantize(Decimal("0.01"))
    assert draft.rows.count() == 2
