"""The rule book kept across requests (`rules.book.live_book`): one book per process while the
rule table's stamp is unchanged; a rule written by any path (the UI's publishing, a bulk
update, raw SQL as another process would) is seen by the next request; a draft and its preview
never reach it; a rolled-back write leaves nothing behind. Through the real HTTP stack and
database."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotopolku.casework.tests.factories import make_case
from kotopolku.common.dates import add_months
from kotopolku.rules import book as rule_book
from kotopolku.rules.book import live_book
from kotopolku.rules.models import DraftRuleSet, RuleTableStamp, StatutoryRule

pytestmark = pytest.mark.django_db

KEY = "referral_due_months"  # P4: the latest plan's start + N months
PLAN_START = date(2025, 5, 1)  # make_case's plan
FROM = date(2025, 1, 1)  # a draft row in force on the plan's start


@pytest.fixture
def worklist(demo, client_for):
    """GET /casework/ as Järvenpää's case worker: the P4 day of the one client shown."""
    make_case("LIVE-1")
    http = client_for("caseworker")

    def referral_due() -> date:
        response = http.get(reverse("casework:worklist"))
        assert response.status_code == 200
        [(row, _actions)] = response.context["page"].object_list
        return row.deadlines.referral_due

    return referral_due


def months_in_force() -> int:
    rows = StatutoryRule.objects.filter(key=KEY, effective_from__lte=PLAN_START)
    return rows.order_by("-effective_from").values_list("value", flat=True)[0]


def kept():
    return rule_book._kept.book if rule_book._kept is not None else None


def test_requests_share_one_book_while_the_table_is_unchanged(worklist):
    rule_book.forget_live_book()
    first = worklist()
    book = kept()
    assert book is not None
    with CaptureQueriesContext(connection) as again:
        assert worklist() == first
    assert kept() is book
    # The same statement asks for the stamp (and for the rows only when it changed).
    assert sum("rules_ruletablestamp" in q["sql"] for q in again.captured_queries) == 1
    assert not any(
        "rules_statutoryrule" in q["sql"] and "rules_ruletablestamp" not in q["sql"]
        for q in again.captured_queries
    )
    assert first == add_months(PLAN_START, months_in_force())


def test_a_rule_published_in_the_ui_is_seen_by_the_next_request(worklist, client_for):
    before = worklist()
    book = kept()
    months = months_in_force() + 1
    coordinator, admin = client_for("coordinator"), client_for("admin")
    coordinator.post(reverse("rules:draft_create"), {"title": "P4 one month longer"})
    draft = DraftRuleSet.objects.get(title="P4 one month longer")
    coordinator.post(
        reverse("rules:draft_detail", args=[draft.pk]),
        {"key": KEY, "value": str(months), "effective_from": FROM.isoformat()},
    )
    assert worklist() == before  # a draft is not live
    assert admin.post(reverse("rules:draft_publish", args=[draft.pk])).status_code == 302
    assert worklist() == add_months(PLAN_START, months) != before
    assert kept() is not book


@pytest.mark.parametrize("path", ["queryset update", "raw SQL"])
def test_a_write_by_any_path_is_seen_by_the_next_request(worklist, path):
    worklist()
    row = StatutoryRule.objects.filter(key=KEY, effective_from__lte=PLAN_START).latest(
        "effective_from"
    )
    months = row.value + 2
    if path == "queryset update":  # no signal reaches the process's book
        StatutoryRule.objects.filter(pk=row.pk).update(value=months)
    else:  # as another process would write it
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE rules_statutoryrule SET value = %s WHERE id = %s", [str(months), row.pk]
            )
    assert worklist() == add_months(PLAN_START, months)


def test_a_draft_and_its_preview_never_reach_the_live_book(worklist, client_for):
    before = worklist()
    book, stamp = kept(), RuleTableStamp.objects.get().stamp
    coordinator = client_for("coordinator")
    coordinator.post(reverse("rules:draft_create"), {"title": "P4 shorter"})
    draft = DraftRuleSet.objects.get(title="P4 shorter")
    detail = reverse("rules:draft_detail", args=[draft.pk])
    coordinator.post(detail, {"key": KEY, "value": "1", "effective_from": FROM.isoformat()})
    assert coordinator.get(detail).status_code == 200
    preview = reverse("rules:draft_preview", args=[draft.pk])
    assert coordinator.get(preview + "?municipality=186&year=2025").status_code == 200
    assert worklist() == before
    assert kept() is book
    assert RuleTableStamp.objects.get().stamp == stamp
    assert live_book().value(KEY, on=PLAN_START) == months_in_force()


def test_a_rolled_back_write_leaves_nothing_kept():
    months = months_in_force()
    inside = []
    with transaction.atomic():
        StatutoryRule.objects.filter(key=KEY).update(value=months + 5)
        inside.append(live_book().value(KEY, on=PLAN_START))  # kept inside the write
        transaction.set_rollback(True)
    assert inside == [months + 5]
    assert live_book().value(KEY, on=PLAN_START) == months


def test_a_table_without_its_stamp_is_read_every_time():
    """A flush empties the stamp too: nothing is kept until a rule is written again."""
    RuleTableStamp.objects.all().delete()
    assert live_book() is not live_book()
    StatutoryRule.objects.filter(key=KEY).update(value=months_in_force())
    assert RuleTableStamp.objects.exists()
    assert live_book() is live_book()
