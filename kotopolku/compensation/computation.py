"""DOMAIN.md C1–C6: the one function that computes a person's computational compensation.

`compute_compensation` is pure: it reads nothing but its arguments and the rule data through the
`rules` reader it is given, and it writes nothing. The forecast page, the API, the
`compensation_forecast` command, the exports and the payment-list reconciliation all call it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kotopolku.common.dates import age_on, last_day_of_month, period_end
from kotopolku.rules.models import StatutoryRule
from kotopolku.rules.selectors import RuleMissing, rule_value

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

    @property
    def total(self) -> Decimal:
        """C6: the sum of the rounded monthly amounts."""
        return sum((m.amount for m in self.months), ZERO)


class RuleBook:
    """Reads rule values through `rule_value`, once per rule row.

    A forecast asks the same few keys for thousands of days. Which row is in force on a day is
    decided here in memory with exactly the ordering of `rules.selectors.rule_in_force`
    (latest `effective_from` whose period covers the day); the value of each row is read once
    through `rule_value`. A day no row covers raises `RuleMissing`, as `rule_value` does.
    """

    def __init__(self) -> None:
        self._rows: dict[str, list[tuple[date, date | None, int]]] = {}
        self._values: dict[int, Any] = {}
        self._days: dict[tuple[str, date], Any] = {}

    def __call__(self, key: str, on: date) -> Any:
        memo = (key, on)
        if memo in self._days:
            return self._days[memo]
        rows = self._rows.get(key)
        if rows is None:
            rows = sorted(
                StatutoryRule.objects.filter(key=key).values_list(
                    "effective_from", "effective_to", "pk"
                ),
                key=lambda row: row[0],
                reverse=True,
            )
            self._rows[key] = rows
        for start, end, pk in rows:
            if start <= on and (end is None or on <= end):
                if pk not in self._values:
                    self._values[pk] = rule_value(key, on=on)
                self._days[memo] = self._values[pk]
                return self._values[pk]
        raise RuleMissing(f"no rule {key!r} in force on {on.isoformat()}")


def direct_rules(key: str, on: date) -> Any:
    """A reader without caching, for one-off computations and for checking `RuleBook`."""
    return rule_value(key, on=on)


def home_municipality_on(periods: Iterable[HomePeriod], day: date) -> str | None:
    for period in periods:
        if period.covers(day):
            return period.municipality
    return None


def eligibility_period(
    *, permit_basis: str, home_periods: Sequence[HomePeriod], rules: RuleReader
) -> Eligibility:
    """C1–C3: who is eligible, from which day (C2) and for how long (C3)."""
    if not home_periods:
        return Eligibility(eligible=False, reason=NO_HOME_MUNICIPALITY)
    # C2: the first home-municipality period in Finland starts the period.
    start = min(period.start for period in home_periods)
    # C1 and C3 are read as in force on the start day: the rule then in force decides.
    if permit_basis not in rules("compensation_eligible_bases", start):
        return Eligibility(eligible=False, reason=NOT_ELIGIBLE_BASIS)
    quota = permit_basis in rules("compensation_quota_bases", start)
    years = int(
        rules(
            "compensation_period_years_quota" if quota else "compensation_period_years_other",
            start,
        )
    )
    return Eligibility(
        eligible=True,
        start=start,
        end=period_end(start, years=years),
        length_years=years,
        quota=quota,
    )


def age_band_on(*, date_of_birth: date, day: date, rules: RuleReader) -> str:
    """C4: `under_7` while the age in completed years is below the configured limit."""
    limit = int(rules("compensation_age_band_years", day))
    return AGE_BAND_UNDER_7 if age_on(date_of_birth, day) < limit else AGE_BAND_7_PLUS


def monthly_amount(*, annual_rate: Decimal) -> Decimal:
    """C4: round_half_up(annual_rate / 12, 2), in Decimal."""
    return round_half_up(Decimal(annual_rate) / 12)


def compute_compensation(
    *,
    permit_basis: str,
    date_of_birth: date,
    home_periods: Sequence[HomePeriod],
    year: int,
    municipality: str | None = None,
    recipient_kind: str = RECIPIENT_MUNICIPALITY,
    rules: RuleReader = direct_rules,
) -> Compensation:
    """C1–C5 for one person and one calendar year.

    `municipality` is a three-digit code; a month counts only when the home municipality on its
    last day is that code. With None, every counted month is returned with its municipality.
    """
    if recipient_kind not in RECIPIENT_KINDS:
        raise ValueError(f"unknown recipient kind {recipient_kind!r}")
    eligibility = eligibility_period(
        permit_basis=permit_basis, home_periods=home_periods, rules=rules
    )
    if not eligibility.eligible:
        return Compensation(eligibility=eligibility)
    start, end = eligibility.start, eligibility.end
    if start is None or end is None:  # an eligible result always has both; keeps mypy honest
        raise ValueError("eligible period without start or end")
    months = []
    for month_number in range(1, 13):
        first = date(year, month_number, 1)
        last = last_day_of_month(first)
        if not start <= last <= end:
            continue
        home = home_municipality_on(home_periods, last)
        if home is None or (municipality is not None and home != municipality):
            continue
        band = age_band_on(date_of_birth=date_of_birth, day=last, rules=rules)
        rate = Decimal(rules(f"compensation_rate_{recipient_kind}_{band}", last))
        months.append(
            MonthAmount(
                month=first,
                last_day=last,
                municipality=home,
                age_band=band,
                annual_rate=rate,
                amount=monthly_amount(annual_rate=rate),
            )
        )
    return Compensation(eligibility=eligibility, months=tuple(months))


def money(amount: Decimal) -> str:
    """Amounts in files and the API: a string with exactly two decimals."""
    return f"{round_half_up(amount):.2f}"
