"""The deadline function: docs/domain.md §5 P1–P6 and the problem codes of docs/data-formats.md."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kotopolku.casework.deadlines import (
    PROBLEM_CODES,
    AssessmentSnapshot,
    CaseSnapshot,
    ExtensionSnapshot,
    PlanSnapshot,
    RuleBook,
    ServiceSnapshot,
    compute_deadlines,
)
from kotopolku.common.dates import add_months, add_years
from kotopolku.rules.seed import RULES
from kotopolku.rules.selectors import rule_value

# The seeded defaults, without the database: the function must not care where rows come from.
BOOK = RuleBook(SimpleNamespace(**row) for row in RULES)
DAYS = st.dates(min_value=date(2013, 1, 1), max_value=date(2040, 12, 31))
ONE = timedelta(days=1)


def deadlines(case, on=date(2025, 6, 1)):
    return compute_deadlines(case, on=on, rules=BOOK)


def test_the_example_of_data_formats_field_for_field():
    case = CaseSnapshot(
        permit_basis="asylum",
        first_permit_date=date(2024, 3, 15),
        assessments=(AssessmentSnapshot(date(2024, 4, 10), date(2024, 4, 24)),),
        plans=(
            PlanSnapshot(
                start=date(2024, 5, 1),
                end=date(2025, 4, 30),
                services=(ServiceSnapshot(referred=date(2024, 6, 1)),),
                reviews=(date(2025, 3, 1),),
                extensions=(ExtensionSnapshot(6, "literacy", "literacy training first"),),
            ),
        ),
    )
    result = deadlines(case).as_json(external_id="JP-2024-0001")
    assert result == {
        "external_id": "JP-2024-0001",
        "on": "2025-06-01",
        "plan_window_end": "2027-03-14",
        # The first plan began under the old act (before 2025): 2024-05-01 + (36 + 6) months
        # − 1 day. (docs/data-formats.md's illustration predates docs/domain.md's law over time.)
        "max_plan_end": "2027-10-31",
        "referral_due": "2024-11-01",
        "review_due": "2026-03-01",
        "problems": [],
    }


def test_every_problem_code_in_the_order_of_the_table():
    case = CaseSnapshot(
        permit_basis="work",
        first_permit_date=date(2020, 1, 15),
        assessments=(AssessmentSnapshot(date(2023, 1, 15)),),
        plans=(
            PlanSnapshot(start=date(2021, 1, 1), end=date(2022, 1, 1)),  # one day too long
            PlanSnapshot(
                start=date(2023, 1, 15),  # first day outside the window
                end=date(2030, 1, 1),
                extensions=(ExtensionSnapshot(10, ""), ExtensionSnapshot(16, "illness")),
            ),
        ),
    )
    result = deadlines(case, on=date(2025, 6, 1))
    # Every code but no_rule_in_force (tests/test_law_over_time.py), in the table's order.
    assert result.problem_codes == PROBLEM_CODES[1:]
    assert result.plan_window_end == date(2023, 1, 14)
    # First plan under the old act: 2021-01-01 + (36 + 26) months − 1 day; cap 24 < 26.
    assert result.max_plan_end == date(2026, 2, 28)
    assert result.referral_due == date(2023, 7, 15)
    assert result.review_due == date(2024, 1, 15)
    assert all(p.message for p in result.problems)


def test_no_plan_means_no_plan_dates_and_no_plan_problems():
    result = deadlines(CaseSnapshot("asylum", date(2024, 3, 15)))
    assert result.max_plan_end is None
    assert result.referral_due is None
    assert result.review_due is None
    assert result.problems == ()


def test_trafficking_victims_have_no_window():
    case = CaseSnapshot(
        "trafficking_victim",
        date(2015, 1, 1),
        assessments=(AssessmentSnapshot(date(2024, 1, 1)),),
        plans=(PlanSnapshot(date(2024, 2, 1), date(2025, 1, 31)),),
    )
    result = deadlines(case, on=date(2024, 3, 1))
    assert result.plan_window_end is None
    assert result.problems == ()


@pytest.mark.parametrize(
    ("first_permit", "window_end"),
    [
        (date(2024, 2, 29), date(2027, 2, 27)),  # + 3 years lands on 28 Feb, minus a day
        (date(2023, 3, 1), date(2026, 2, 28)),
        (date(2021, 2, 28), date(2024, 2, 27)),
        (date(2024, 1, 31), date(2027, 1, 30)),
    ],
)
def test_window_month_end_and_leap_day(first_permit, window_end):
    assert deadlines(CaseSnapshot("asylum", first_permit)).plan_window_end == window_end


def test_plan_starting_on_the_last_window_day_is_fine_and_the_next_day_is_not():
    base = dict(permit_basis="asylum", first_permit_date=date(2024, 2, 29))
    inside = CaseSnapshot(**base, plans=(PlanSnapshot(date(2027, 2, 27), date(2027, 3, 1)),))
    outside = CaseSnapshot(**base, plans=(PlanSnapshot(date(2027, 2, 28), date(2027, 3, 1)),))
    assert "plan_outside_window" not in deadlines(inside).problem_codes
    assert "plan_outside_window" in deadlines(outside).problem_codes


@pytest.mark.parametrize(
    ("start", "last_allowed_end"),
    [
        (date(2024, 2, 29), date(2025, 2, 27)),
        (date(2024, 1, 31), date(2025, 1, 30)),
        (date(2023, 3, 1), date(2024, 2, 29)),
        (date(2024, 5, 1), date(2025, 4, 30)),
    ],
)
def test_first_plan_length_edges(start, last_allowed_end):
    def case(end):
        return CaseSnapshot("asylum", date(2024, 1, 1), plans=(PlanSnapshot(start, end),))

    assert "first_plan_too_long" not in deadlines(case(last_allowed_end)).problem_codes
    assert "first_plan_too_long" in deadlines(case(last_allowed_end + ONE)).problem_codes


def test_referral_due_month_end_and_service_on_the_due_day():
    plan = PlanSnapshot(date(2025, 8, 31), date(2026, 8, 30))
    case = CaseSnapshot("asylum", date(2025, 1, 1), plans=(plan,))
    result = deadlines(case, on=date(2026, 2, 28))
    assert result.referral_due == date(2026, 2, 28)
    assert "no_service_by_referral_due" not in result.problem_codes  # not after the due day yet
    assert "no_service_by_referral_due" in deadlines(case, on=date(2026, 3, 1)).problem_codes
    on_time = PlanSnapshot(
        plan.start, plan.end, services=(ServiceSnapshot(started=date(2026, 2, 28)),)
    )
    late = PlanSnapshot(plan.start, plan.end, services=(ServiceSnapshot(date(2026, 3, 1)),))
    for p, expected in ((on_time, False), (late, True)):
        codes = deadlines(CaseSnapshot("asylum", date(2025, 1, 1), plans=(p,)), on=date(2026, 6, 1))
        assert ("no_service_by_referral_due" in codes.problem_codes) is expected


def test_review_counts_from_the_last_review_and_stops_when_the_plan_has_ended():
    plan = PlanSnapshot(date(2024, 2, 29), None, services=(ServiceSnapshot(date(2024, 3, 1)),))
    case = CaseSnapshot("asylum", date(2024, 1, 1), plans=(plan,))
    assert deadlines(case, on=date(2025, 2, 28)).review_due == date(2025, 2, 28)
    assert deadlines(case, on=date(2025, 2, 28)).problem_codes == ()
    assert deadlines(case, on=date(2025, 3, 1)).problem_codes == ("review_overdue",)
    reviewed = PlanSnapshot(plan.start, None, plan.services, reviews=(date(2025, 1, 31),))
    result = deadlines(CaseSnapshot("asylum", date(2024, 1, 1), plans=(reviewed,)))
    assert result.review_due == date(2026, 1, 31)
    ended = PlanSnapshot(plan.start, date(2025, 2, 27), plan.services)
    assert (
        deadlines(
            CaseSnapshot("asylum", date(2024, 1, 1), plans=(ended,)), on=date(2025, 3, 1)
        ).problem_codes
        == ()
    )


def test_latest_plan_decides_referral_and_review():
    plans = (
        PlanSnapshot(date(2025, 1, 1), date(2025, 12, 31), reviews=(date(2025, 6, 1),)),
        PlanSnapshot(date(2024, 1, 1), date(2024, 12, 31)),
    )
    result = deadlines(CaseSnapshot("asylum", date(2023, 6, 1), plans=plans), on=date(2025, 2, 1))
    assert result.referral_due == date(2025, 7, 1)
    assert result.review_due == date(2026, 6, 1)
    # The first plan (2024-01-01) decides P3, under the old act: + 36 months − 1 day.
    assert result.max_plan_end == date(2026, 12, 31)


def test_assessment_target_and_worklist_actions():
    case = CaseSnapshot("asylum", date(2025, 1, 1), client_start=date(2025, 1, 31))
    result = deadlines(case, on=date(2025, 3, 3))
    assert result.assessment_due == date(2025, 3, 2)
    codes = {a.code: a for a in result.actions}
    assert codes["assessment_not_started"].overdue
    assert not codes["window_closing"].overdue
    assert result.next_due == date(2025, 3, 2)
    assert result.overdue


@given(first=DAYS, basis=st.sampled_from(["asylum", "work", "trafficking_victim"]))
def test_window_is_three_years_minus_one_day(first, basis):
    result = deadlines(CaseSnapshot(basis, first))
    if basis == "trafficking_victim":
        assert result.plan_window_end is None
    else:
        assert result.plan_window_end + ONE == add_years(first, 3)


@given(start=DAYS, extra=st.integers(min_value=0, max_value=3))
def test_first_plan_is_too_long_exactly_after_a_year_minus_one_day(start, extra):
    last = add_years(start, 1) - ONE
    end = last + timedelta(days=extra)
    case = CaseSnapshot("asylum", start, plans=(PlanSnapshot(start, end),))
    assert ("first_plan_too_long" in deadlines(case, on=start).problem_codes) is (extra > 0)


@given(
    start=DAYS,
    months=st.lists(st.integers(min_value=1, max_value=12), max_size=4),
    on=DAYS,
)
def test_max_plan_end_and_problem_order(start, months, on):
    plan = PlanSnapshot(
        start,
        add_months(start, 30),
        extensions=tuple(ExtensionSnapshot(m, "literacy") for m in months),
    )
    result = deadlines(CaseSnapshot("work", start - timedelta(days=400), plans=(plan,)), on=on)
    # The regime of the first plan's start: 36 months and a cap of 24 under the old act.
    base, cap = (36, 24) if start < date(2025, 1, 1) else (24, 12)
    assert result.max_plan_end == add_months(start, base + sum(months)) - ONE
    assert result.referral_due == add_months(start, 6)
    indexes = [PROBLEM_CODES.index(code) for code in result.problem_codes]
    assert indexes == sorted(indexes)
    assert ("extensions_exceed_cap" in result.problem_codes) is (sum(months) > cap)


@pytest.mark.django_db
def test_rule_book_reads_the_same_rows_as_rule_value():
    book = RuleBook.load()
    for day in (date(2012, 1, 1), date(2024, 12, 31), date(2025, 1, 1), date(2031, 7, 31)):
        for key in (
            "plan_window_years",
            "plan_window_exempt_bases",
            "first_plan_max_years",
            "plan_total_base_months",
            "plan_extension_cap_months",
            "plan_extension_reasons",
            "referral_due_months",
            "review_interval_months",
            "assessment_start_target_days",
        ):
            assert book.value(key, on=day) == rule_value(key, on=day)
