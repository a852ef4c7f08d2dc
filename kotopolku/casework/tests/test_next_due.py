"""The worklist's SQL order (casework/next_due.py) equals the order by the Python `next_due` of
`compute_deadlines`, on a mixed set of cases: old-regime and new-regime pathways, met and open
deadlines, closed and ended plans, exempt bases, and clients whose reference dates no rule row
covers (before the first act, 1999-05-01). Run on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

from datetime import date

import pytest

from kotopolku.casework import selectors, services
from kotopolku.casework.deadlines import compute_deadlines
from kotopolku.casework.models import ClientDue, IntegrationPlan, PlanReview
from kotopolku.casework.next_due import NO_DAY
from kotopolku.casework.tests.factories import caseworker, make_client, org
from kotopolku.catalogue.models import ServiceCategory
from kotopolku.rules.book import RuleBook

pytestmark = pytest.mark.django_db

OVERRIDE = "Testitapaus"


def _plan(client, start, end, **kwargs):
    return services.plan_create(
        actor=caseworker(),
        client=client,
        organisation=org("186"),
        start=start,
        end=end,
        override_reason=OVERRIDE,
        **kwargs,
    )


def _assess(client, started, *, completed=None, plan_needed=None):
    assessment = services.assessment_start(
        actor=caseworker(), client=client, organisation=org("186"), started=started
    )
    if completed is not None:
        fields = {} if plan_needed is None else {"plan_needed": plan_needed}
        services.assessment_update(
            actor=caseworker(), assessment=assessment, completed=completed, **fields
        )
    return assessment


def _service(plan, *, referred=None, started=None):
    services.plan_service_add(
        actor=caseworker(),
        plan=plan,
        category=ServiceCategory.objects.get(code="social_orientation"),
        status="started" if started else "referred",
        referred=referred,
        started=started,
    )


def mixed_cases():
    # Nobody yet: only P6 (the assessment target) and P1 (the window).
    make_client("M-01", first_permit=date(2025, 2, 1), client_since=date(2025, 3, 1))
    # Exempt basis: no window; P6 only.
    make_client("M-02", permit_basis="trafficking_victim", client_since=date(2024, 12, 20))
    # Assessed, plan needed, no plan: plan_not_drafted and window_closing on the same day.
    c = make_client("M-03", first_permit=date(2024, 1, 15), client_since=date(2024, 2, 1))
    _assess(c, date(2024, 2, 10), completed=date(2024, 3, 1), plan_needed=True)
    # Assessed, no plan needed: the window alone.
    c = make_client("M-04", first_permit=date(2023, 6, 1), client_since=date(2023, 7, 1))
    _assess(c, date(2023, 7, 5), completed=date(2023, 8, 1), plan_needed=False)
    # New regime, P4 open (no service), review from the start.
    c = make_client("M-05", first_permit=date(2025, 1, 10), client_since=date(2025, 1, 20))
    _assess(c, date(2025, 1, 25))
    _plan(c, date(2025, 2, 28), date(2026, 2, 27))
    # New regime, P4 met (a service referred in time), reviewed since: review from the review.
    c = make_client("M-06", first_permit=date(2025, 1, 10), client_since=date(2025, 1, 20))
    _assess(c, date(2025, 1, 22))
    plan = _plan(c, date(2025, 3, 31), date(2026, 3, 30))
    _service(plan, referred=date(2025, 4, 15))
    services.plan_review_add(actor=caseworker(), plan=plan, day=date(2025, 8, 31))
    # P4 met only late (referred after the due day): still an open action.
    c = make_client("M-07", first_permit=date(2024, 10, 1), client_since=date(2024, 10, 5))
    _assess(c, date(2024, 10, 6))
    plan = _plan(c, date(2024, 11, 30), date(2025, 11, 29))
    _service(plan, started=date(2025, 9, 1))
    # Old regime (first plan in 2023), a second plan that is the latest; extension.
    c = make_client("M-08", first_permit=date(2022, 9, 1), client_since=date(2022, 9, 10))
    _assess(c, date(2022, 9, 20))
    first = _plan(c, date(2023, 1, 31), date(2023, 12, 31))
    _service(first, referred=date(2023, 2, 1))
    second = _plan(c, date(2024, 1, 31), date(2026, 1, 30))
    services.plan_extend(
        actor=caseworker(), plan=second, months=6, reason="literacy", note="Lukutaito"
    )
    # A plan closed early: the plan has ended on its closing day.
    c = make_client("M-09", first_permit=date(2024, 5, 1), client_since=date(2024, 5, 2))
    _assess(c, date(2024, 5, 3))
    plan = _plan(c, date(2024, 6, 1), date(2025, 5, 31))
    services.plan_close(
        actor=caseworker(), plan=plan, closed_on=date(2024, 12, 15), reason="employed"
    )
    # A plan that ended long ago and was never closed; no assessment (P6 from the start day).
    c = make_client("M-10", first_permit=date(2019, 2, 1), client_since=date(2019, 3, 1))
    _plan(c, date(2019, 4, 1), date(2020, 3, 31))
    # No rule in force: everything before the first act (1999-05-01).
    make_client("M-11", first_permit=date(1998, 1, 5), client_since=date(1998, 2, 1))
    c = make_client("M-12", first_permit=date(1997, 3, 1), client_since=date(1998, 3, 1))
    _plan(c, date(1998, 6, 1), date(1999, 5, 31))
    # The law change day itself (29 February 2024 and 1 January 2025 anchors).
    c = make_client("M-13", first_permit=date(2024, 2, 29), client_since=date(2024, 2, 29))
    _assess(c, date(2024, 3, 1))
    _plan(c, date(2024, 12, 31), date(2025, 12, 30))
    c = make_client("M-14", first_permit=date(2024, 8, 31), client_since=date(2024, 9, 1))
    _assess(c, date(2024, 9, 2))
    _plan(c, date(2025, 1, 1), date(2025, 12, 31))


def python_next_due(client_id: int, on: date, book: RuleBook):
    client = selectors.client_with_case(pk=client_id)
    return compute_deadlines(selectors.case_snapshot(client), on=on, rules=book).next_due


@pytest.mark.parametrize(
    "on",
    [date(1999, 1, 1), date(2024, 3, 1), date(2025, 1, 1), date(2025, 6, 30), date(2026, 12, 31)],
)
def test_sql_order_equals_the_order_by_the_python_next_due(demo, on):
    mixed_cases()
    book = RuleBook.load()
    worklist = selectors.Worklist(
        user=caseworker(), on=on, options=selectors.WorklistOptions(), rules=book
    )
    assert not ClientDue.objects.exists()
    live = worklist.heads(0, None)  # computed from the case rows, then stored
    assert ClientDue.objects.count() == 14
    heads = worklist.heads(0, None)  # read from the stored rows
    assert heads == live
    assert len(heads) == worklist.count() == 14
    sql = {h["id"]: (None if h["next_due_key"] == NO_DAY else h["next_due_key"]) for h in heads}
    python = {pk: python_next_due(pk, on, book) for pk in sql}
    assert sql == python
    expected = sorted(
        heads, key=lambda h: (python[h["id"]] is None, python[h["id"]] or date.max, h["id"])
    )
    # Every client's day is distinct or tied only by name and id, which both orders use.
    assert [python[h["id"]] for h in heads] == [python[h["id"]] for h in expected]
    # The page is the head of the whole order, with the detailed deadlines of the same days.
    page = worklist[0:5]
    assert [row.client.pk for row in page] == [h["id"] for h in heads[:5]]
    assert [row.next_due for row in page] == [python[h["id"]] for h in heads[:5]]


def test_filters_by_action_kind_and_overdue_agree_with_python(demo):
    mixed_cases()
    on = date(2025, 6, 30)
    book = RuleBook.load()
    every = selectors.Worklist(
        user=caseworker(), on=on, options=selectors.WorklistOptions(), rules=book
    )
    rows = list(every)
    for code in (
        "no_service_by_referral_due",
        "review_due",
        "plan_ending",
        "assessment_not_started",
        "plan_not_drafted",
        "window_closing",
    ):
        narrowed = selectors.Worklist(
            user=caseworker(), on=on, options=selectors.WorklistOptions(action=code), rules=book
        )
        expected = {r.client.pk for r in rows if any(a.code == code for a in r.deadlines.actions)}
        assert {r.client.pk for r in narrowed} == expected, code
    overdue = selectors.Worklist(
        user=caseworker(), on=on, options=selectors.WorklistOptions(overdue=True), rules=book
    )
    assert {r.client.pk for r in overdue} == {r.client.pk for r in rows if r.deadlines.overdue}
    assert overdue.count() < every.count()


def _keys(on):
    worklist = selectors.Worklist(
        user=caseworker(), on=on, options=selectors.WorklistOptions(), rules=RuleBook.load()
    )
    return {h["external_id"]: h["next_due_key"] for h in worklist.heads(0, None)}


def test_every_write_forgets_the_stored_key_whatever_wrote_it(demo):
    """Triggers delete a client's stored row on any write to its rows (services, bulk updates,
    raw SQL) and every row on a write to the rule table; the next read is right again."""
    from django.db import connection

    from kotopolku.rules.models import StatutoryRule

    mixed_cases()
    on = date(2025, 6, 30)
    book = RuleBook.load()

    def check():
        got = _keys(on)
        assert ClientDue.objects.count() == 14
        for external_id, key in got.items():
            pk = selectors.Client.objects.get(external_id=external_id).pk
            expected = python_next_due(pk, on, book)
            assert (None if key == NO_DAY else key) == expected, external_id

    check()
    m05 = selectors.Client.objects.get(external_id="M-05")
    plan = m05.plans.get()
    # A service through the service: P4 met.
    _service(plan, referred=date(2025, 3, 1))
    assert not ClientDue.objects.filter(client=m05).exists()
    check()
    # A bulk update that no service or signal sees.
    IntegrationPlan.objects.filter(pk=plan.pk).update(end=date(2025, 6, 1))
    assert not ClientDue.objects.filter(client=m05).exists()
    check()
    # Raw SQL on a review row of another client.
    m06 = selectors.Client.objects.get(external_id="M-06")
    review = PlanReview.objects.get(plan__client=m06)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM casework_planreview WHERE id = %s", [review.pk])
    assert not ClientDue.objects.filter(client=m06).exists()
    check()
    # The client's own dates.
    selectors.Client.objects.filter(external_id="M-01").update(client_since=date(2025, 5, 1))
    assert ClientDue.objects.count() == 13
    check()
    # A rule row: every stored key goes, and the new value counts.
    StatutoryRule.objects.filter(key="referral_due_months").update(value=2)
    assert not ClientDue.objects.exists()
    book = RuleBook.load()
    check()
