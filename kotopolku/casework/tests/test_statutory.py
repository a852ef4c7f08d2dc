"""Every statutory rule gives the same answer in its Python form (one case, as compute_deadlines
uses it) and in its SQL form (a column, as the statistics use it): on a dense table of days with
month ends, 29 February and rule rows that change over time (and a gap with no rule), and on
random days. The suite runs this on SQLite and, with DATABASE_URL, on PostgreSQL."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import BooleanField, Case, IntegerField, Value, When
from django.db.models.functions import ExtractDay
from hypothesis import given, settings
from hypothesis import strategies as st

from kotopolku.casework.statutory import (
    ASSESSMENT_DUE,
    FIRST_PLAN_END,
    LANGUAGE_TARGET,
    MAX_PLAN_END,
    ORIENTATION_COMPLETION,
    PLAN_WINDOW,
    REFERRAL_DUE,
    REVIEW_DUE,
    RULES,
    DateRule,
    RuleBook,
)
from kotopolku.common.choices import CefrLevel
from kotopolku.common.dates import add_months, period_end
from kotopolku.courses import progress
from kotopolku.rules.models import StatutoryRule
from kotopolku.rules.selectors import RuleMissing

pytestmark = pytest.mark.django_db

DATE_RULES: tuple[DateRule, ...] = (
    PLAN_WINDOW,
    FIRST_PLAN_END,
    MAX_PLAN_END,
    REFERRAL_DUE,
    REVIEW_DUE,
    ASSESSMENT_DUE,
)
LEAP = date(2024, 2, 29)
# A change of every rule on 29 February 2024 (new value from that day), and for P6 a gap in
# January 2020 when no row is in force.
CHANGES = {
    "plan_window_years": 2,
    "first_plan_max_years": 2,
    "plan_total_base_months": 18,
    "referral_due_months": 3,
    "review_interval_months": 6,
    "assessment_start_target_days": 45,
    "orientation_completion_hours": 60,
    "language_target_level": "A2.2",
    "plan_window_exempt_bases": ["trafficking_victim", "asylum"],
}
# These two keys get a newer row without the older one being closed: the rows overlap and the
# newer one decides.
OVERLAPPING = ("language_target_level", "plan_window_exempt_bases")
BASES = ("asylum", "trafficking_victim", "work")
LEVELS = ("", *CefrLevel.values)


def _change_rules() -> None:
    for key, value in CHANGES.items():
        current = StatutoryRule.objects.filter(key=key, effective_to__isnull=True).get()
        if current.effective_from >= LEAP:  # orientation hours start in 2025: a later change
            StatutoryRule.objects.create(
                key=key,
                code=current.code,
                value=value,
                unit=current.unit,
                effective_from=date(2026, 3, 1),
                source="test change",
                confidence="U",
            )
            StatutoryRule.objects.filter(pk=current.pk).update(effective_to=date(2026, 2, 28))
            continue
        if key not in OVERLAPPING:
            StatutoryRule.objects.filter(pk=current.pk).update(
                effective_to=LEAP - timedelta(days=1)
            )
        StatutoryRule.objects.create(
            key=key,
            code=current.code,
            value=value,
            unit=current.unit,
            effective_from=LEAP,
            source="test change",
            confidence="U",
        )
    # P6: no target in January 2020.
    first = StatutoryRule.objects.get(
        key="assessment_start_target_days", effective_to=LEAP - timedelta(days=1)
    )
    StatutoryRule.objects.create(
        key="assessment_start_target_days",
        code=first.code,
        value=30,
        unit=first.unit,
        effective_from=date(2020, 2, 1),
        effective_to=first.effective_to,
        source="test gap",
        confidence="U",
    )
    StatutoryRule.objects.filter(pk=first.pk).update(effective_to=date(2019, 12, 31))


def _dense_days() -> list[date]:
    days: set[date] = set()
    # Every day around the change on 29 February 2024 and around the P6 gap.
    for start, end in (
        (date(2023, 12, 1), date(2024, 3, 31)),
        (date(2019, 12, 20), date(2020, 2, 5)),
    ):
        day = start
        while day <= end:
            days.add(day)
            day += timedelta(days=1)
    # The first, the 28th-31st and the middle of every month, 2010–2028 (before the rules
    # existed in 2011, through the orientation change of 2026).
    for year in range(2010, 2029):
        for month in range(1, 13):
            first = date(year, month, 1)
            last = add_months(first, 1) - timedelta(days=1)
            days |= {first, first.replace(day=15), last}
            days |= {first.replace(day=d) for d in (28, 29, 30, 31) if d <= last.day}
    return sorted(days)


def _carriers(days: list[date]) -> None:
    """One row per day and permit basis (rule rows of a probe key: any table with a date field
    would do). `source` carries the basis; `description` and `code` two tested skill levels."""
    rows = []
    for b, basis in enumerate(BASES):
        for n, day in enumerate(days):
            rows.append(
                StatutoryRule(
                    key=f"probe-{basis}",
                    code=LEVELS[(n + b) % len(LEVELS)],
                    value=0,
                    unit="days",
                    effective_from=day,
                    source=basis,
                    confidence="U",
                    description=LEVELS[(n * 3 + b) % len(LEVELS)],
                )
            )
    StatutoryRule.objects.bulk_create(rows)


def _as_date(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _python(rule: DateRule, day: date, book: RuleBook, **kwargs):
    try:
        return rule.on(day, rules=book, **kwargs)
    except RuleMissing:
        return None


def _probes():
    return StatutoryRule.objects.filter(key__startswith="probe-")


def _check_date_rules(book: RuleBook) -> int:
    checked = 0
    for rule in DATE_RULES:
        extras = (0, 6, 12) if rule is MAX_PLAN_END else (0,)
        for extra in extras:
            expression = rule.expression(
                "effective_from",
                rules=book,
                extra_months=Value(extra, output_field=IntegerField()) if extra else None,
            )
            rows = _probes().annotate(due=expression).values_list("effective_from", "due")
            for day, due in rows:
                expected = _python(rule, day, book, **({"extra_months": extra} if extra else {}))
                assert _as_date(due) == expected, (rule.code, day, extra)
                checked += 1
    # P1 with the exempt bases in force on the first permit date.
    rows = (
        _probes()
        .annotate(end=PLAN_WINDOW.window_end_expression("effective_from", "source", rules=book))
        .values_list("effective_from", "source", "end")
    )
    for day, basis, end in rows:
        try:
            expected = PLAN_WINDOW.window_end(day, basis, rules=book)
        except RuleMissing:
            expected = None
        assert _as_date(end) == expected, ("P1", day, basis)
    return checked


def test_every_date_rule_is_the_same_day_in_python_and_sql():
    _change_rules()
    _carriers(_dense_days())
    book = RuleBook.load()
    # The change really is there: both values occur.
    assert REFERRAL_DUE.on(date(2024, 2, 28), rules=book) == date(2024, 8, 28)
    assert REFERRAL_DUE.on(LEAP, rules=book) == date(2024, 5, 29)
    with pytest.raises(RuleMissing):
        ASSESSMENT_DUE.on(date(2020, 1, 15), rules=book)
    assert _check_date_rules(book) > 3 * 6 * 1000


def test_the_forms_follow_the_domain_examples():
    book = RuleBook.load()
    # docs/domain.md §5: clamping to the month end and 29 February.
    # P3 by the first plan's start: 36 months under the old act, 24 from 2025.
    assert MAX_PLAN_END.on(date(2024, 1, 31), rules=book, extra_months=0) == date(2027, 1, 30)
    assert MAX_PLAN_END.on(date(2025, 1, 31), rules=book, extra_months=0) == date(2027, 1, 30)
    assert REFERRAL_DUE.on(date(2025, 8, 31), rules=book) == date(2026, 2, 28)
    assert REVIEW_DUE.on(LEAP, rules=book) == date(2025, 2, 28)
    assert FIRST_PLAN_END.on(LEAP, rules=book) == date(2025, 2, 27)
    assert FIRST_PLAN_END.on(date(2024, 3, 1), rules=book) == period_end(date(2024, 3, 1), years=1)
    assert REVIEW_DUE.counted_from(date(2024, 5, 1), [date(2024, 4, 1), date(2025, 3, 1)]) == date(
        2025, 3, 1
    )


def test_orientation_hours_and_language_target_agree_in_python_and_sql():
    _change_rules()
    _carriers(_dense_days())
    book = RuleBook.load()
    attended = ExtractDay("effective_from") + Value(50)  # 51–81 hours, 70 on the 20th
    rows = (
        _probes()
        .annotate(
            attended=attended,
            required=ORIENTATION_COMPLETION.required_expression("effective_from", rules=book),
            completed=Case(
                When(ORIENTATION_COMPLETION.completed_q(), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            code_meets=Case(
                When(LANGUAGE_TARGET.meets_q("code", "effective_from", rules=book), then=True),
                default=Value(False),
                output_field=BooleanField(),
            ),
            all_meet=Case(
                When(
                    LANGUAGE_TARGET.all_meet_q(
                        ("code", "description"), "effective_from", rules=book
                    ),
                    then=True,
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .values_list(
            "effective_from",
            "attended",
            "required",
            "completed",
            "code",
            "description",
            "code_meets",
            "all_meet",
        )
    )
    checked = 0
    for day, hours, required, completed, code, description, code_meets, all_meet in rows:
        hours = Decimal(str(hours))
        python = ORIENTATION_COMPLETION.completed(hours, day, rules=book)
        # No rule in force: the SQL leaves the row out (required is NULL), Python says None.
        assert (required is None) == (python is None), day
        if python is not None:
            assert bool(completed) == python, (day, hours)
            # courses.progress, which the course pages use, agrees with the rule object.
            assert progress.orientation_completed(hours, on=day) == python
        meets = LANGUAGE_TARGET.meets(code, day, rules=book)
        assert bool(code_meets) == bool(meets), (day, code)
        assert meets == progress.meets_target(code, progress.language_target(day)), (day, code)
        tested = [level for level in (code, description) if level]
        # Every tested skill at the target in force (which must exist).
        expected_all = LANGUAGE_TARGET.target(day, rules=book) is not None and all(
            LANGUAGE_TARGET.meets(level, day, rules=book) for level in tested
        )
        assert bool(all_meet) == expected_all, (day, code, description)
        checked += 1
    assert checked == len(BASES) * len(_dense_days())


@settings(max_examples=40, deadline=None)
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    st.sampled_from(BASES),
    st.integers(min_value=0, max_value=12),
)
def test_random_days_are_the_same_in_python_and_sql(day, basis, extra):
    book = RuleBook.load()
    probe = StatutoryRule.objects.create(
        key="probe-random",
        code="T",
        value=0,
        unit="days",
        effective_from=day,
        source=basis,
        confidence="U",
    )
    try:
        annotations = {
            rule.code: rule.expression("effective_from", rules=book) for rule in DATE_RULES
        }
        annotations["P3x"] = MAX_PLAN_END.expression(
            "effective_from", rules=book, extra_months=Value(extra, output_field=IntegerField())
        )
        annotations["P1b"] = PLAN_WINDOW.window_end_expression(
            "effective_from", "source", rules=book
        )
        got = StatutoryRule.objects.filter(pk=probe.pk).annotate(**annotations).values().get()
    finally:
        probe.delete()
    for rule in DATE_RULES:
        assert _as_date(got[rule.code]) == _python(rule, day, book), rule.code
    assert _as_date(got["P3x"]) == _python(MAX_PLAN_END, day, book, extra_months=extra)
    try:
        window = PLAN_WINDOW.window_end(day, basis, rules=book)
    except RuleMissing:
        window = None
    assert _as_date(got["P1b"]) == window


def test_every_rule_of_the_domain_has_an_object():
    assert {rule.code for rule in RULES} == {f"P{n}" for n in range(1, 9)}


def test_referral_due_and_review_due_of_real_plans_agree_with_compute_deadlines(demo):
    """P4 and P5 on plans made through the services: the SQL forms (due day, met, the day the
    review interval is counted from) equal the Python forms and `compute_deadlines`."""
    from kotopolku.casework import services
    from kotopolku.casework.deadlines import compute_deadlines
    from kotopolku.casework.models import IntegrationPlan
    from kotopolku.casework.selectors import case_snapshot
    from kotopolku.casework.tests.factories import caseworker, make_client, org
    from kotopolku.catalogue.models import ServiceCategory

    actor = caseworker()
    category = ServiceCategory.objects.order_by("order").first()
    starts = (date(2024, 1, 31), LEAP, date(2024, 8, 31), date(2025, 3, 31), date(2025, 5, 31))
    for n, start in enumerate(starts):
        client = make_client(
            f"STAT-{n}", first_permit=date(2024, 1, 1), client_since=date(2024, 1, 15)
        )
        plan = services.plan_create(
            actor=actor,
            client=client,
            organisation=org("186"),
            start=start,
            end=add_months(start, 11),
        )
        due = add_months(start, 6)
        # A service referred the day before, on, or the day after the due day; one started.
        referred = due + timedelta(days=(n % 3) - 1)
        services.plan_service_add(
            actor=actor, plan=plan, category=category, status="referred", referred=referred
        )
        if n == 4:
            services.plan_service_add(
                actor=actor, plan=plan, category=category, status="started", started=due
            )
        for months in range(n % 3):  # none, one or two reviews
            services.plan_review_add(actor=actor, plan=plan, day=add_months(start, 3 + months))
    book = RuleBook.load()
    rows = (
        IntegrationPlan.objects.filter(client__external_id__startswith="STAT-")
        .annotate(
            due=REFERRAL_DUE.expression("start", rules=book),
            met=REFERRAL_DUE.met_expression(due="due"),
            counted_from=REVIEW_DUE.counted_from_expression(),
            review_due=REVIEW_DUE.expression("counted_from", rules=book),
        )
        .select_related("client")
        .prefetch_related("services", "reviews")
    )
    on = date(2026, 6, 1)
    seen = set()
    for plan in rows:
        due = REFERRAL_DUE.on(plan.start, rules=book)
        assert _as_date(plan.due) == due
        assert bool(plan.met) == REFERRAL_DUE.met(plan.services.all(), due)
        counted_from = REVIEW_DUE.counted_from(plan.start, [r.day for r in plan.reviews.all()])
        assert _as_date(plan.counted_from) == counted_from
        assert _as_date(plan.review_due) == REVIEW_DUE.on(counted_from, rules=book)
        deadlines = compute_deadlines(case_snapshot(plan.client), on=on, rules=book)
        assert (deadlines.referral_due, deadlines.review_due) == (due, _as_date(plan.review_due))
        seen.add((bool(plan.met), counted_from != plan.start))
    # Both outcomes of P4 (met on the due day itself, missed by a day, met by a start) and
    # both anchors of P5 (the start, the last review) occurred.
    assert seen == {(True, False), (True, True), (False, True)}
