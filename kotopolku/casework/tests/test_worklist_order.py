"""The worklist read in order through the stored keys' index (docs/adr/0009-worklist-order-key.md):
the same clients, order and counts as the read that computes every client's key, across the day
a plan ends, with restricted, referred and moved clients. Run on SQLite and, with DATABASE_URL,
on PostgreSQL."""

from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from kotopolku.casework import selectors
from kotopolku.casework.models import ClientDue
from kotopolku.casework.tests.factories import caseworker, make_case, make_client, org
from kotopolku.casework.tests.test_next_due import _plan, mixed_cases, python_next_due
from kotopolku.clients.models import Client
from kotopolku.rules.book import RuleBook

pytestmark = pytest.mark.django_db


def _worklist(on, **options):
    return selectors.Worklist(
        user=caseworker(),
        on=on,
        options=selectors.WorklistOptions(**options),
        rules=RuleBook.load(),
    )


def _computed(on, **options):
    """The list as the read that computes every client's key gives it (no stored row used)."""
    ClientDue.objects.all().delete()
    worklist = _worklist(on, **options)
    worklist.key()
    heads = worklist.heads(0, None)
    return [h["id"] for h in heads], worklist.count()


def _in_order(on, **options):
    worklist = _worklist(on, **options)
    worklist.key()
    assert worklist._in_order, "the list was not read through the keys' index"
    heads = worklist.heads(0, 100)
    return [h["id"] for h in heads], worklist.count()


@pytest.mark.parametrize(
    "options",
    [{}, {"sort": "-due"}, {"overdue": True}, {"due_by": date(2025, 9, 30)}],
)
def test_the_ordered_read_gives_the_list_of_the_computed_read(demo, options):
    mixed_cases()
    on = date(2025, 6, 30)
    ids, count = _computed(on, **options)
    assert ids
    assert count == len(ids)
    assert _in_order(on, **options) == (ids, count)


def test_pages_of_the_ordered_read_are_slices_of_the_whole_order(demo):
    mixed_cases()
    on = date(2025, 6, 30)
    ids, _ = _computed(on)
    worklist = _worklist(on)
    pages = [worklist.heads(start, start + 4) for start in range(0, len(ids), 4)]
    assert worklist._in_order
    assert [h["id"] for page in pages for h in page] == ids


def test_a_plan_that_ends_turns_its_stored_key_to_the_next_form(demo):
    """A key stored while the plan ran is read, the day after the plan ends, in the form after
    the plan (and back again for a day in the past); the order stays the computed one."""
    client = make_client("END-1", first_permit=date(2024, 1, 10), client_since=date(2024, 2, 1))
    plan = _plan(client, date(2024, 3, 1), date(2025, 2, 28))
    running, after = date(2025, 2, 1), date(2025, 3, 15)
    _in_order(running)
    row = ClientDue.objects.get(client=client)
    assert not row.plan_over
    assert row.next_due == row.due_running
    for day in (after, running, after):
        ids, count = _in_order(day)
        row.refresh_from_db()
        assert row.plan_over == (day > plan.end)
        keys = {h["id"]: h["next_due_key"] for h in _worklist(day).heads(0, None)}
        assert keys[client.pk] == (python_next_due(client.pk, day, RuleBook.load()) or date.max)
        assert (ids, count) == _computed(day)


def test_restricted_clients_are_counted_out_and_keep_no_key_missing(demo):
    from kotopolku.privacy.services import restriction_start

    mixed_cases()
    on = date(2025, 6, 30)
    before_ids, before_count = _in_order(on)
    hidden = Client.objects.get(external_id="M-03")
    restriction_start(actor=caseworker(), client=hidden, reason="Asiakkaan pyyntö")
    ClientDue.objects.filter(client=hidden).delete()
    ids, count = _in_order(on)
    assert hidden.pk not in ids
    assert count == before_count - 1
    assert ids == [pk for pk in before_ids if pk != hidden.pk]
    # The restricted client's key is stored too, so the next read finds nothing missing.
    assert ClientDue.objects.filter(client=hidden).exists()


def test_a_client_who_moves_leaves_the_old_organisations_keys(demo):
    mixed_cases()
    on = date(2025, 6, 30)
    _in_order(on)
    moved = Client.objects.get(external_id="M-02")
    assert ClientDue.objects.get(client=moved).organisation_id == org("186").pk
    Client.objects.filter(pk=moved.pk).update(responsible_organisation=org("858"))
    assert not ClientDue.objects.filter(client=moved).exists()  # the trigger forgot it
    ids, count = _in_order(on)
    assert moved.pk not in ids
    assert (ids, count) == _computed(on)


def test_referred_clients_of_other_organisations_are_read_with_the_own(demo):
    """The employment area's case worker sees a referred Järvenpää client beside its own."""
    from kotopolku.casework.services import referral_accept

    _, _, _, referral = make_case()
    referral_accept(actor=caseworker("caseworker-employment"), referral=referral)
    on = timezone.localdate()
    worklist = selectors.Worklist(
        user=caseworker("caseworker-employment"),
        on=on,
        options=selectors.WorklistOptions(),
        rules=RuleBook.load(),
    )
    worklist.key()
    assert worklist._in_order
    assert referral.client_id in [h["id"] for h in worklist.heads(0, 25)]
    assert worklist.count() >= 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_sqlite_reads_the_page_through_the_keys_index(demo):
    from kotopolku.access.clients import client_scope_key

    mixed_cases()
    on = date(2025, 6, 30)
    _in_order(on)
    scope = client_scope_key(caseworker(), on)
    sql, parts = selectors._ordered_heads_statement("sqlite", scope, selectors.WorklistOptions())
    params = [v for values in parts for v in (*values, 25)] + [25, 0]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "client_due_order_idx" in plan
