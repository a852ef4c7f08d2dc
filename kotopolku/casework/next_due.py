"""The set-based twin of `Deadlines.next_due` and of the worklist's actions: per client, in SQL.

`compute_deadlines` (deadlines.py) lists a client's actions and `Deadlines.next_due` is the
earliest of their days. The worklist orders and pages thousands of clients by that day, so it
needs the day as a column: `next_due_annotations(on=…, rules=…)` gives, for a queryset of
clients, the day of each kind of action (NULL when the client has none of that kind) and the
earliest of them. Each day is built from the SQL form of the same rule object
(`casework/statutory.py`) that `compute_deadlines` calls in Python, read on the same reference
date (docs/domain.md §5, law over time), so no number is written here; the rule rows come from
the one `RuleBook` (docs/adr/0002, 0003). `casework/tests/test_next_due.py` proves that the
order equals the order by the Python `next_due` on a mixed set of cases.

The actions (deadlines.py, in the same order):

- while the latest plan runs on `on` (it has not ended, by its end or its closing, before `on`):
  `no_service_by_referral_due` (P4, unless a service was referred or started by that day),
  `review_due` (P5) and `plan_ending` (the day it ends);
- `assessment_not_started` (P6) while the client has no assessment;
- without any plan: `plan_not_drafted` (the plan window's end, or the last completed assessment's
  day, once an assessment found a plan needed) and `window_closing` (P1).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import (
    Case,
    DateField,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.db.models.lookups import IsNull

from kotopolku.casework.statutory import ASSESSMENT_DUE, PLAN_WINDOW, REFERRAL_DUE, REVIEW_DUE
from kotopolku.rules.book import RuleBook

# "No action": sorts after every real day (SQLite's MIN() of several values is NULL when one is,
# so the parts are coalesced to this day and the result turned back into NULL by the caller).
NO_DAY = date.max

# The action codes of deadlines.py, as annotation names (one column each, NULL when none).
ACTION_COLUMNS = {
    "no_service_by_referral_due": "due_referral",
    "review_due": "due_review",
    "plan_ending": "due_plan_ending",
    "assessment_not_started": "due_assessment",
    "plan_not_drafted": "due_plan",
    "window_closing": "due_window",
}


def _no_day() -> Value:
    return Value(NO_DAY, output_field=DateField())


def _earliest(*days: Any) -> Least:
    return Least(*(Coalesce(d, _no_day(), output_field=DateField()) for d in days))


def _none_of(rows: Any) -> Q:
    """True for the outer row when `rows` (correlated on it) is empty."""
    return Q(IsNull(Subquery(rows.order_by().values("pk")[:1]), True))


def _latest_plan_days(*, on: date | None, rules: RuleBook) -> dict[str, Subquery]:
    """The latest plan's action days (the plan starting last, the later id on the same day, as
    compute_deadlines picks it), each a subquery correlated on the client; NULL when the plan
    does not run on `on` (with `on=None`, as if it ran) or when its rule is not in force.
    `due_plan_next` is the earliest of the three in one subquery (`NO_DAY` when none),
    `plan_ended_on` the day the plan ends (its end, or its closing day when earlier)."""
    from kotopolku.casework.models import IntegrationPlan

    ended = Case(
        When(closed_on__isnull=False, closed_on__lt=F("end"), then=F("closed_on")),
        default=F("end"),
        output_field=DateField(),
    )
    latest = (
        IntegrationPlan.objects.filter(client_id=OuterRef("pk"))
        .order_by("-start", "-id")
        .annotate(
            ended=ended,
            referral_due=REFERRAL_DUE.expression("start", rules=rules),
            counted_from=REVIEW_DUE.counted_from_expression(plan="pk", start="start"),
        )
        .annotate(
            serviced=REFERRAL_DUE.met_expression(plan="pk", due="referral_due"),
            review_due=REVIEW_DUE.expression("counted_from", rules=rules, reference="start"),
        )
    )
    running = Q(ended__gte=on) if on is not None else Q(ended__isnull=False)
    days: dict[str, Any] = {
        "due_referral": Case(
            When(running & Q(serviced=False), then=F("referral_due")),
            output_field=DateField(),
        ),
        "due_review": Case(When(running, then=F("review_due")), output_field=DateField()),
        "due_plan_ending": Case(When(running, then=F("ended")), output_field=DateField()),
    }
    days["due_plan_next"] = _earliest(*days.values())
    days["plan_ended_on"] = F("ended")
    return {
        name: Subquery(latest.annotate(day=day).values("day")[:1], output_field=DateField())
        for name, day in days.items()
    }


def _client_days(rules: RuleBook) -> dict[str, Any]:
    """The action days that do not depend on a running plan (NULL when the client has none of
    that kind): P6 without an assessment; without a plan, the plan to draft and P1's window."""
    from kotopolku.casework.models import Assessment, IntegrationPlan

    # "Has none" as an empty LIMIT 1 lookup on the client's index, not NOT EXISTS: inside a
    # CASE PostgreSQL answers NOT EXISTS with a hashed scan of the whole table, whose cost
    # grows with every client in the database, not with the caseload.
    no_assessment = _none_of(Assessment.objects.filter(client_id=OuterRef("pk")))
    no_plan = _none_of(IntegrationPlan.objects.filter(client_id=OuterRef("pk")))
    needs_plan = ~_none_of(
        Assessment.objects.filter(
            client_id=OuterRef("pk"), completed__isnull=False, plan_needed=True
        )
    )
    last_completed = Subquery(
        Assessment.objects.filter(client_id=OuterRef("pk"), completed__isnull=False)
        .order_by()
        .values("client_id")
        .annotate(last=Max("completed"))
        .values("last")[:1],
        output_field=DateField(),
    )
    window_end = PLAN_WINDOW.window_end_expression("first_permit_date", "permit_basis", rules=rules)
    return {
        "due_assessment": Case(
            When(no_assessment, then=ASSESSMENT_DUE.expression("client_since", rules=rules)),
            output_field=DateField(),
        ),
        "due_plan": Case(
            When(
                no_plan & needs_plan,
                then=Coalesce(window_end, last_completed, output_field=DateField()),
            ),
            output_field=DateField(),
        ),
        "due_window": Case(When(no_plan, then=window_end), output_field=DateField()),
    }


def next_due_annotations(*, on: date, rules: RuleBook) -> dict[str, Any]:
    """Annotations for a queryset of clients, computed from the case rows: one day per action
    kind (`ACTION_COLUMNS`) and `next_due_key`, the earliest of them, `NO_DAY` when the client
    has no action (so that an ascending order puts such clients last, as the worklist does)."""
    plan_days = _latest_plan_days(on=on, rules=rules)
    plan_next = plan_days.pop("due_plan_next")
    plan_days.pop("plan_ended_on")
    client_days = _client_days(rules)
    days: dict[str, Any] = {**plan_days, **client_days}
    # The earliest day is built from the parts (not from the annotations by name), with the
    # latest plan read once; callers `alias()` the action columns they filter on and select
    # only this one.
    return {**days, "next_due_key": _earliest(plan_next, *client_days.values())}


def stored_annotations(*, rules: RuleBook) -> dict[str, Any]:
    """The columns of `ClientDue` for a queryset of clients: the next day while the latest plan
    runs, the next day once it has ended, and the day it ends. None depends on the day asked
    about, so the stored row stays right until a row it was computed from changes."""
    plan_days = _latest_plan_days(on=None, rules=rules)
    client_days = list(_client_days(rules).values())
    return {
        "due_running": _earliest(plan_days["due_plan_next"], *client_days),
        "due_after": _earliest(*client_days),
        "plan_ended_on": plan_days["plan_ended_on"],
    }


def next_due_key(*, on: date, rules: RuleBook) -> Case:
    """The next deadline of each client on `on` (`NO_DAY` for none): from the stored row
    (`ClientDue`) when there is one, otherwise computed from the case rows in the query."""
    live = next_due_annotations(on=on, rules=rules)["next_due_key"]
    running = Q(due__plan_ended_on__isnull=True) | Q(due__plan_ended_on__gte=on)
    return Case(
        When(due__isnull=True, then=live),
        When(running, then=F("due__due_running")),
        default=F("due__due_after"),
        output_field=DateField(),
    )


def stored_key(*, on: date) -> Case:
    """`next_due_key` for clients whose row is stored (`Worklist.key` makes sure of that)."""
    running = Q(due__plan_ended_on__isnull=True) | Q(due__plan_ended_on__gte=on)
    return Case(
        When(running, then=F("due__due_running")),
        default=F("due__due_after"),
        output_field=DateField(),
    )


STORE_BATCH = 5000
ANALYZE_AFTER = 1000  # stored rows after which PostgreSQL's statistics of the table are renewed


def store_missing(clients: Any, *, rules: RuleBook, on: date, batch: int = STORE_BATCH) -> None:
    """Store the order key of up to `batch` clients of the queryset that have none: one INSERT …
    SELECT, whatever the number. `next_due` is stored in the form of `on` (`refresh_forms`)."""
    from django.db import connection

    missing = (
        clients.filter(due__isnull=True)
        .order_by()
        .annotate(**stored_annotations(rules=rules))
        .values("pk", "due_running", "due_after", "plan_ended_on", "responsible_organisation_id")[
            :batch
        ]
    )
    sql, params = missing.query.sql_with_params()
    columns = (
        "client_id, due_running, due_after, plan_ended_on, organisation_id, plan_over, next_due"
    )
    over = "(plan_ended_on IS NOT NULL AND plan_ended_on < %s)"
    select = (
        "SELECT pk, due_running, due_after, plan_ended_on, responsible_organisation_id, "  # noqa: S608
        f"{over}, CASE WHEN {over} THEN due_after ELSE due_running END FROM ({sql}) missing"
    )
    day = connection.ops.adapt_datefield_value(on)
    if connection.vendor == "sqlite":
        statement = f"INSERT OR IGNORE INTO casework_clientdue ({columns}) {select}"
    else:
        statement = f"INSERT INTO casework_clientdue ({columns}) {select} ON CONFLICT (client_id) DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(statement, [day, day, *params])
        if connection.vendor == "postgresql" and cursor.rowcount >= ANALYZE_AFTER:
            # After a large fill (a first read, or after a rule change) the planner would
            # still take the table for nearly empty and sort a whole caseload instead of
            # reading it by the index, until autovacuum's next look (bench/README.md).
            cursor.execute("ANALYZE casework_clientdue")


# Whether some stored row's form is not that of a day (`ClientDue.plan_over`): the plan has
# ended by then but the row holds the running form, or (a day in the past) the other way round.
# The earliest and the latest end are each one end of the index on (plan_over, plan_ended_on),
# which both databases read directly, whatever their statistics say (an EXISTS over the range
# was planned as a scan of the table when PostgreSQL expected many rows).
STALE_FORMS = (
    "(SELECT MIN(plan_ended_on) FROM casework_clientdue WHERE plan_over = FALSE) < %s"
    " OR (SELECT MAX(plan_ended_on) FROM casework_clientdue WHERE plan_over = TRUE) >= %s"
)


def refresh_forms(on: date) -> None:
    """Turn every stored row to the form of `on`: `next_due` is `due_after` once the latest plan
    has ended before `on`, `due_running` otherwise. Two UPDATEs over the index; in daily use
    the rows of the plans that ended yesterday."""
    from django.db import connection

    day = connection.ops.adapt_datefield_value(on)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE casework_clientdue SET plan_over = TRUE, next_due = due_after "
            "WHERE plan_over = FALSE AND plan_ended_on < %s",
            [day],
        )
        cursor.execute(
            "UPDATE casework_clientdue SET plan_over = FALSE, next_due = due_running "
            "WHERE plan_over = TRUE AND plan_ended_on >= %s",
            [day],
        )
