"""The date arithmetic of docs/domain.md §5. Every rule that adds months or years calls these."""

import calendar
from datetime import date, timedelta
from functools import lru_cache

# The worklist computes thousands of rule days per page from a few thousand distinct anchors;
# the functions are pure, so their answers are kept (a few MB at most per process).
_CACHED = 16384


def last_day_of_month(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


@lru_cache(maxsize=_CACHED)
def add_months(d: date, months: int) -> date:
    """Calendar addition, clamped to the last day of the target month (2024-01-31 + 1 = 2024-02-29)."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def add_years(d: date, years: int) -> date:
    """`d + N years` is `d + 12·N months`, so 2024-02-29 + 1 year = 2025-02-28."""
    return add_months(d, 12 * years)


@lru_cache(maxsize=_CACHED)
def period_end(start: date, *, months: int = 0, years: int = 0, days: int = 0) -> date:
    """The last day of a period of the given length that starts on `start`, inclusive.

    A period of length L starting on S covers S … S + L − 1 day.
    """
    return add_months(start, months + 12 * years) + timedelta(days=days) - timedelta(days=1)


def age_on(birth: date, on: date) -> int:
    """Completed years on `on`. A 29 February birthday falls on 28 February in other years."""
    years = on.year - birth.year
    birthday = add_years(birth, years)
    if on < birthday:
        years -= 1
    return years


def months_between(first: date, last: date) -> list[date]:
    """The first day of every calendar month from `first`'s month to `last`'s month, inclusive."""
    months = []
    current = first.replace(day=1)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months
