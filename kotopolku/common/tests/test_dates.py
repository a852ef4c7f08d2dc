from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kotopolku.common.dates import add_months, add_years, age_on, last_day_of_month, period_end

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2024, 3, 15), 36, date(2027, 3, 15)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
    ],
)
def test_add_months_examples_of_domain(start, months, expected):
    assert add_months(start, months) == expected


def test_add_years_on_leap_day_clamps_to_28_february():
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_period_end_is_inclusive():
    # A one-year plan starting 2024-05-01 ends 2025-04-30 (P2 in docs/domain.md).
    assert period_end(date(2024, 5, 1), years=1) == date(2025, 4, 30)
    assert period_end(date(2024, 3, 1), months=1) == date(2024, 3, 31)


def test_age_on_leap_day_birthday():
    born = date(2000, 2, 29)
    assert age_on(born, date(2007, 2, 27)) == 6
    assert age_on(born, date(2007, 2, 28)) == 7
    assert age_on(born, date(2008, 2, 28)) == 7
    assert age_on(born, date(2008, 2, 29)) == 8


@given(days, st.integers(min_value=-600, max_value=600))
def test_add_months_lands_in_target_month_and_never_overflows(d, n):
    result = add_months(d, n)
    assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == n
    assert result.day == min(d.day, last_day_of_month(result).day)


@given(days, st.integers(min_value=0, max_value=100))
def test_add_years_is_twelve_months(d, n):
    assert add_years(d, n) == add_months(d, 12 * n)


@given(days, st.integers(min_value=1, max_value=120))
def test_period_covers_exactly_until_day_before_next_start(d, n):
    end = period_end(d, months=n)
    assert end + timedelta(days=1) == add_months(d, n)
    assert end >= d


@given(days, days)
def test_age_is_monotonic_and_matches_birthdays(born, on):
    if on < born:
        return
    age = age_on(born, on)
    assert age >= 0
    assert add_years(born, age) <= on
    assert add_years(born, age + 1) > on
