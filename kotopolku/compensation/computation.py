"""docs/domain.md C1–C6: the one function that computes a person's computational compensation.

`compute_compensation` is pure: it reads nothing but its arguments and the rule data through the
rule book it is given (`kotopolku.rules.book.RuleBook`, the one reader), and it writes nothing.
The forecast page, the API, the `compensation_forecast` and `rules_whatif` commands, the exports
and the payment-list reconciliation all call it.

Each rule is read on its reference date (docs/domain.md §5, law over time): C1 and C3 on the
compensation start (C2), C4 and C5 on the last day of the month counted. C1 is decided first, so
an ineligible basis never reads another rule; a rule row missing on its reference date makes the
result *unresolved* (`Compensation.missing`), never an error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, lru_cache
from typing import Any

from kotopolku.common.dates import age_on, last_day_of_month, period_end
from kotopolku.rules.book import RuleBook, RuleMissing
from kotopolku.rules.engine import DateRule
from kotopolku.rules.periods import home_municipality_on, period_on
from kotopolku.rules.selectors import rule_value

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

AGE_BAND_UNDER_7 = "under_7"
AGE_BAND_7_PLUS = "7_plus"
AGE_BANDS = (AGE_BAND_7_PLUS, AGE_BAND_UNDER_7)

RECIPIENT_MUNICIPALITY = "municipality"
RECIPIENT_KINDS = ("municipality", "wellbeing_county", "aland_municipality")

# Why a person has no eligibility period; stable codes shown in reconciliation and the API.
NOT_ELIGIBLE_BASIS = "basis_not_eligible"
NO_HOME_MUNICIPALITY = "no_home_municipality"

RuleReader = Callable[[str, date], Any]

# The rule keys of C1–C5 (C5's rate keys are per recipient kind and age band).
ELIGIBLE_BASES = "compensation_eligible_bases"
CITIZENSHIP_KEPT_BASES = "compensation_citizenship_kept_bases"
QUOTA_BASES = "compensation_quota_bases"
AGE_BAND_YEARS = "compensation_age_band_years"

# C3 as rule objects of the one engine: the last day of a period of N years from the start, N
# read on the start. `eligibility_period` computes the same day in Python; the SQL form
# (`PERIOD_END_*.expression("start", rules=book)`) is for set-based readers, and
# `rules/tests/test_parity.py` proves the forms agree.
PERIOD_END_QUOTA = DateRule("C3", "compensation_period_years_quota", "years", last_day=True)
PERIOD_END_OTHER = DateRule("C3", "compensation_period_years_other", "years", last_day=True)


__all__ = [
    "AGE_BANDS",
    "Compensation",
    "Eligibility",
    "MonthEnd",
    "HomePeriod",
    "MonthAmount",
    "PERIOD_END_OTHER",
    "PERIOD_END_QUOTA",
    "RuleBook",
    "RuleMissing",
    "RuleReader",
    "compute_compensation",
    "direct_rules",
    "eligibility_period",
    "home_municipality_on",
    "money",
    "month_ends",
    "monthly_amount",
]


def round_half_up(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class HomePeriod:
    """A home-municipality period; `start` and `end` are inclusive, `end` None means ongoing."""

    municipality: str
    start: date
    end: date | None = None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Eligibility:
    """C1–C3. `start` … `end` inclusive; both None when the person is not eligible."""

    eligible: bool
    start: date | None = None
    end: date | None = None
    length_years: int | None = None
    quota: bool = False
    reason: str = ""


@dataclass(frozen=True)
class MonthAmount:
    month: date  # the first day of the calendar month
    last_day: date
    municipality: str
    age_band: str
    annual_rate: Decimal
    amount: Decimal

    @property
    def label(self) -> str:
        return self.month.strftime("%Y-%m")


@dataclass(frozen=True)
class Compensation:
    eligibility: Eligibility
    months: tuple[MonthAmount, ...] = field(default_factory=tuple)
    missing: RuleMissing | None = None
    """The rule that had no row on its reference date; then `months` is empty."""

    @property
    def unresolved(self) -> bool:
        return self.missing is not None

    @cached_property
    def total(self) -> Decimal:
        """C6: the sum of the rounded monthly amounts (the months never change: summed once;
        a forecast, its totals and a what-if comparison each ask for it)."""
        return sum((m.amount for m in self.months), ZERO)


def direct_rules(key: str, on: date) -> Any:
    """A reader without caching, for one-off computations and for checking `RuleBook`."""
    return rule_value(key, on=on)


class MonthEnd:
    """One month of a forecast's year (C4): its first and last day, and a reader of the rules
    on that last day (C4's age band limit, C5's rates) that reads each key once per run.

    A forecast builds the twelve once (`month_ends`) and passes them to every person's
    `compute_compensation`; a missing row is remembered too and raised again for each person
    who needs it, so the result is the one a direct read gives.
    """

    __slots__ = ("first", "last", "_rules", "_read", "_limit", "_rates")

    def __init__(self, first: date, last: date, rules: RuleReader):
        self.first = first
        self.last = last
        self._rules = rules
        self._read: dict[str, Any] = {}
        self._limit: int | None = None
        self._rates: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}

    def age_limit(self) -> int:
        """C4's age band limit in force on the last day (`RuleMissing` without a row)."""
        if self._limit is None:
            self._limit = int(self(AGE_BAND_YEARS, self.last))
        return self._limit

    def rate(self, recipient_kind: str, band: str) -> tuple[Decimal, Decimal]:
        """C5's annual rate in force on the last day and C4's monthly amount of it
        (`RuleMissing` without a row), read once per run."""
        try:
            return self._rates[recipient_kind, band]
        except KeyError:
            rate = Decimal(self(f"compensation_rate_{recipient_kind}_{band}", self.last))
            found = self._rates[recipient_kind, band] = (rate, monthly_amount(annual_rate=rate))
            return found

    def __call__(self, key: str, on: date) -> Any:
        if on != self.last:
            return self._rules(key, on)
        try:
            value = self._read[key]
        except KeyError:
            try:
                value = self._rules(key, on)
            except RuleMissing as missing:
                value = missing
            self._read[key] = value
        if isinstance(value, RuleMissing):
            raise RuleMissing(value.key, value.on)
        return value


def month_ends(year: int, *, rules: RuleReader) -> tuple[MonthEnd, ...]:
    """The twelve months of `year` read under `rules`; once per forecast run."""
    return tuple(
        MonthEnd(date(year, m, 1), last_day_of_month(date(year, m, 1)), rules) for m in range(1, 13)
    )


def _member(rules: RuleReader, key: str, code: str, on: date) -> bool:
    """`code` in the code list `key` on `on`; the book also answers before its first row when
    every row agrees (C1 first: a basis no list ever held needs no row)."""
    member = getattr(rules, "member", None)
    if member is not None:
        return bool(member(key, code, on=on))
    return code in rules(key, on)


def eligibility_period(
    *, permit_basis: str, home_periods: Sequence[HomePeriod], rules: RuleReader
) -> Eligibility:
    """C1–C3: who is eligible, from which day (C2) and for how long (C3)."""
    if not home_periods:
        return Eligibility(eligible=False, reason=NO_HOME_MUNICIPALITY)
    # C2: the first home-municipality period in Finland starts the period.
    start = min(period.start for period in home_periods)
    # C1 and C3 are read as in force on the start day: the rule then in force decides. C1 first.
    if not _member(rules, ELIGIBLE_BASES, permit_basis, start):
        return Eligibility(eligible=False, reason=NOT_ELIGIBLE_BASIS)
    quota = _member(rules, QUOTA_BASES, permit_basis, start)
    years = int(rules((PERIOD_END_QUOTA if quota else PERIOD_END_OTHER).key, start))
    return Eligibility(
        eligible=True,
        start=start,
        end=period_end(start, years=years),
        length_years=years,
        quota=quota,
    )


@dataclass(frozen=True)
class Candidates:
    """What certainly holds for every person whose forecast of `year` can count a month or be
    unresolved, read from every row of the rule table (any reference date): a superset of the
    eligible set for a set-based pre-filter. `compute_compensation` still decides each person.

    - `bases`: the permit bases some version of the C1 list holds (None: no C1 row at all, no
      filter). A basis no version ever held is ineligible on every day and needs no row.
    - `earliest_start`: a period (C2 start) before this day has ended before the year with the
      longest C3 length any row gives (None: no C3 row, no filter) ...
    - `uncovered`: ... unless the start falls on a day (inclusive ranges, None open) on which a
      rule read on the start (C1, C3, naturalisation) has no row: that person is unresolved.
    - `naturalised_by`, `kept_bases`: a person naturalised on or before `naturalised_by` (the
      year's first month end) counts no month of the year (C1, naturalisation) unless the basis
      is one some version of the kept list holds (`kept_bases`) or the start is `uncovered`
      (either None: no such filter, e.g. no kept-list row at all).
    """

    bases: frozenset[str] | None
    earliest_start: date | None
    uncovered: tuple[tuple[date | None, date | None], ...]
    naturalised_by: date | None = None
    kept_bases: frozenset[str] | None = None

    def merged(self, other: Candidates) -> Candidates:
        """A superset of the candidates under either table (a what-if reads the registry once
        for the live table and a draft)."""
        return Candidates(
            bases=None if self.bases is None or other.bases is None else self.bases | other.bases,
            earliest_start=None
            if self.earliest_start is None or other.earliest_start is None
            else min(self.earliest_start, other.earliest_start),
            uncovered=self.uncovered + other.uncovered,
            naturalised_by=None
            if self.naturalised_by is None or other.naturalised_by is None
            else min(self.naturalised_by, other.naturalised_by),
            kept_bases=None
            if self.kept_bases is None or other.kept_bases is None
            else self.kept_bases | other.kept_bases,
        )


START_KEYS = (
    ELIGIBLE_BASES,
    QUOTA_BASES,
    CITIZENSHIP_KEPT_BASES,
    PERIOD_END_QUOTA.key,
    PERIOD_END_OTHER.key,
)


def _uncovered(
    rows: Sequence[tuple[date, date | None, Any]],
) -> list[tuple[date | None, date | None]]:
    """The days no row covers, as inclusive ranges (None: open)."""
    gaps: list[tuple[date | None, date | None]] = []
    reach: date | None = None  # the last day covered so far, in date order
    for number, (start, end, _value) in enumerate(sorted(rows, key=lambda r: r[0])):
        if number == 0:
            gaps.append((None, start - timedelta(days=1)))
        elif reach is not None and start > reach + timedelta(days=1):
            gaps.append((reach + timedelta(days=1), start - timedelta(days=1)))
        if number == 0 or reach is not None:
            reach = None if end is None else (end if reach is None else max(reach, end))
    if not rows:
        gaps.append((None, None))
    elif reach is not None:
        gaps.append((reach + timedelta(days=1), None))
    return gaps


def candidates(*, year: int, rules: RuleBook) -> Candidates:
    """The necessary conditions of `Candidates`, from the rule data of `rules` (never a
    literal): C1's bases, C3's longest length and the days no start rule covers."""
    eligible_rows = rules.rows(ELIGIBLE_BASES)
    bases = frozenset().union(*(v for _f, _t, v in eligible_rows)) if eligible_rows else None
    lengths = [
        int(v)
        for key in (PERIOD_END_QUOTA.key, PERIOD_END_OTHER.key)
        for _f, _t, v in rules.rows(key)
    ]
    # A start before 1 January of (year − longest) ends, at the latest, on 30 December of the
    # year before (calendar addition only clamps downwards), before the first month end of year.
    earliest = date(year - max(lengths), 1, 1) if lengths else None
    uncovered = tuple(gap for key in START_KEYS for gap in _uncovered(rules.rows(key)))
    kept_rows = rules.rows(CITIZENSHIP_KEPT_BASES)
    return Candidates(
        bases=bases,
        earliest_start=earliest,
        uncovered=uncovered,
        # A month counts only if it ends before the citizenship date: a date on or before the
        # year's first month end leaves none (unless the basis keeps its months).
        naturalised_by=last_day_of_month(date(year, 1, 1)) if kept_rows else None,
        kept_bases=frozenset().union(*(v for _f, _t, v in kept_rows)) if kept_rows else None,
    )


def age_band_on(*, date_of_birth: date, day: date, rules: RuleReader) -> str:
    """C4: `under_7` while the age in completed years is below the configured limit."""
    return age_band(age_on(date_of_birth, day), limit=int(rules(AGE_BAND_YEARS, day)))


def age_band(age: int, *, limit: int) -> str:
    """C4's band of an age in completed years under the limit read on the same day."""
    return AGE_BAND_UNDER_7 if age < limit else AGE_BAND_7_PLUS


def monthly_amount(*, annual_rate: Decimal) -> Decimal:
    """C4: round_half_up(annual_rate / 12, 2), in Decimal."""
    return _monthly_amount(Decimal(annual_rate))


@lru_cache(maxsize=256)
def _monthly_amount(annual_rate: Decimal) -> Decimal:
    # A forecast has a handful of rates and asks this for every person-month.
    return round_half_up(annual_rate / 12)


def compute_compensation(
    *,
    permit_basis: str,
    date_of_birth: date,
    home_periods: Sequence[HomePeriod],
    year: int,
    municipality: str | None = None,
    recipient_kind: str = RECIPIENT_MUNICIPALITY,
    rules: RuleReader = direct_rules,
    citizenship_date: date | None = None,
    months: Sequence[MonthEnd] | None = None,
) -> Compensation:
    """C1–C5 for one person and one calendar year.

    `municipality` is a three-digit code; a month counts only when the home municipality on its
    last day is that code. With None, every counted month is returned with its municipality.
    With a `citizenship_date`, a month counts only when it ends before that day, except for the
    bases that keep their months after naturalisation (C1). A rule missing on its reference
    date gives an unresolved result (`missing` set, no months). `months` are the month ends
    of `year` under the same `rules`, built once by a caller that computes many persons.
    """
    if recipient_kind not in RECIPIENT_KINDS:
        raise ValueError(f"unknown recipient kind {recipient_kind!r}")
    eligibility = Eligibility(eligible=False, reason=NO_HOME_MUNICIPALITY)
    try:
        eligibility = eligibility_period(
            permit_basis=permit_basis, home_periods=home_periods, rules=rules
        )
        if not eligibility.eligible:
            return Compensation(eligibility=eligibility)
        counted = _months(
            eligibility=eligibility,
            permit_basis=permit_basis,
            date_of_birth=date_of_birth,
            home_periods=home_periods,
            year=year,
            municipality=municipality,
            recipient_kind=recipient_kind,
            rules=rules,
            citizenship_date=citizenship_date,
            month_list=months if months is not None else month_ends(year, rules=rules),
        )
    except RuleMissing as missing:
        return Compensation(eligibility=eligibility, missing=missing)
    return Compensation(eligibility=eligibility, months=tuple(counted))


def _months(
    *,
    eligibility: Eligibility,
    permit_basis: str,
    date_of_birth: date,
    home_periods: Sequence[HomePeriod],
    year: int,
    municipality: str | None,
    recipient_kind: str,
    rules: RuleReader,
    citizenship_date: date | None,
    month_list: Sequence[MonthEnd],
) -> list[MonthAmount]:
    start, end = eligibility.start, eligibility.end
    if start is None or end is None:  # an eligible result always has both; keeps mypy honest
        raise ValueError("eligible period without start or end")
    months: list[MonthAmount] = []
    naturalised = citizenship_date is not None and not _member(
        rules, CITIZENSHIP_KEPT_BASES, permit_basis, start
    )
    for month in month_list:
        first, last = month.first, month.last
        if not start <= last <= end:
            continue
        if naturalised and not last < citizenship_date:  # type: ignore[operator]
            continue
        period = period_on(home_periods, last)  # the home municipality on the last day
        if period is None:
            continue
        home = period.municipality
        if municipality is not None and home != municipality:
            continue
        # C4 and C5 read on the month's last day, through the run's reader of that day (each
        # rule once per run): the age band limit first, then the rate of the band.
        band = age_band(age_on(date_of_birth, last), limit=month.age_limit())
        rate, amount = month.rate(recipient_kind, band)
        months.append(
            MonthAmount(
                month=first,
                last_day=last,
                municipality=home,
                age_band=band,
                annual_rate=rate,
                amount=amount,
            )
        )
    return months


def money(amount: Decimal) -> str:
    """Amounts in files and the API: a string with exactly two decimals."""
    return f"{round_half_up(amount):.2f}"
