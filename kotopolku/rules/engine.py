"""The kinds of rule of the one rule engine, each with a Python form and a SQL form.

A rule object is built from rule data: the key whose effective-dated value it reads, the day
that picks the row in force (its reference date), and its arithmetic. From that one description
it gives a Python form for one case and a set-based SQL form (a Django expression over a
queryset, the rule row picked per row by a CASE over the rows of the same `RuleBook`). The date
arithmetic is `common.dates` in Python and `common.dates_sql` in SQL; the parity tests
(`casework/tests/test_statutory.py`, `rules/tests/test_parity.py`) prove the two forms agree.

Each domain keeps its rule objects on these kinds: `casework.statutory` (P1–P8),
`compensation.computation` (C1–C6).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Case, F, Q, Value

from kotopolku.common.choices import CefrLevel
from kotopolku.common.dates import add_months
from kotopolku.common.dates_sql import AddDays, AddMonths
from kotopolku.rules.book import RuleBook, RuleMissing


@dataclass(frozen=True)
class DateRule:
    """A day computed as `anchor + N units`, N being the value of rule `key` in force on the
    anchor day. With `last_day`, the day is the last of a period of N units that starts on the
    anchor: `anchor + N units − 1 day` (docs/domain.md §5, date arithmetic)."""

    code: str
    key: str
    unit: str  # "days", "months" or "years"
    last_day: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key,)

    # Python: one case.
    def on(
        self,
        anchor: date,
        *,
        rules: RuleBook,
        extra_months: int = 0,
        reference: date | None = None,
    ) -> date:
        """The rule's day for `anchor`, the rule read on `reference` (the anchor by default).
        `RuleMissing` when no rule row covers that day."""
        n = rules.value(self.key, on=reference or anchor)
        if self.unit == "days":
            day = anchor + timedelta(days=n)
        else:
            months = n * 12 if self.unit == "years" else n
            day = add_months(anchor, months + extra_months)
        return day - timedelta(days=1) if self.last_day else day

    # SQL: a column of days.
    def expression(
        self,
        anchor: str,
        *,
        rules: RuleBook,
        extra_months: Any = None,
        reference: str | None = None,
    ) -> AddDays | AddMonths:
        """The rule's day for the day in field (or annotation) `anchor`, the rule read on the
        day in field `reference` (the anchor by default), per row; NULL where no rule row
        covers that day. `extra_months` is an integer expression added to the months (the
        extensions of P3)."""
        n: Any = rules.case(self.key, reference or anchor)
        day: AddDays | AddMonths
        if self.unit == "days":
            day = AddDays(F(anchor), n)
        else:
            if self.unit == "years":
                n = n * Value(12)
            if extra_months is not None:
                n = n + extra_months
            day = AddMonths(F(anchor), n)
        return AddDays(day, Value(-1)) if self.last_day else day


@dataclass(frozen=True)
class HoursRule:
    """P7: completed at N attended hours or more (69.5 is not 70); N is the rule in force on the
    day given (the course's last day). No rule, no answer."""

    code: str
    key: str

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key,)

    def required(self, on: date, *, rules: RuleBook) -> Decimal | None:
        try:
            return Decimal(rules.value(self.key, on=on))
        except RuleMissing:
            return None

    def completed(self, attended: Decimal, on: date, *, rules: RuleBook) -> bool | None:
        return self.reached(attended, self.required(on, rules=rules))

    @staticmethod
    def reached(attended: Decimal, required: Decimal | None) -> bool | None:
        """Against an already read requirement (lists read the rule once)."""
        return None if required is None else attended >= required

    def required_expression(self, day: str, *, rules: RuleBook) -> Case:
        return rules.case(self.key, day)

    def completed_q(self, *, attended: str = "attended", required: str = "required") -> Q:
        """For rows annotated with the attended hours and `required_expression`."""
        return Q(**{f"{attended}__gte": F(required)})


@dataclass(frozen=True)
class LevelRule:
    """P8: a tested skill meets the target when its CEFR level is at or above the target level
    in force on the test day. An untested skill (empty level) neither meets nor fails."""

    code: str
    key: str

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key,)

    @staticmethod
    def order() -> tuple[str, ...]:
        return tuple(CefrLevel.values)

    def target(self, on: date, *, rules: RuleBook) -> str | None:
        try:
            level = str(rules.value(self.key, on=on))
        except RuleMissing:
            return None
        return level if level in self.order() else None

    def levels_meeting(self, target: str | None) -> tuple[str, ...]:
        order = self.order()
        return order[order.index(target) :] if target in order else ()

    def meets(self, level: str, on: date, *, rules: RuleBook) -> bool | None:
        """None when the skill was not tested or no target is in force."""
        return self.meets_level(level, self.target(on, rules=rules))

    def meets_level(self, level: str, target: str | None) -> bool | None:
        """Against an already read target level."""
        if not level or target is None or level not in self.order():
            return None
        return level in self.levels_meeting(target)

    def meets_q(self, skill: str, day: str, *, rules: RuleBook) -> Q:
        """Rows whose `skill` is at the target in force on the day in `day`."""
        q = Q(pk__in=[])
        for condition, value in rules.conditions(self.key, day):
            q |= condition & Q(**{f"{skill}__in": self.levels_meeting(str(value))})
        return q

    def all_meet_q(self, skills: Iterable[str], day: str, *, rules: RuleBook) -> Q:
        """Rows where every tested skill (a non-empty level) is at the target."""
        q = Q(pk__in=[])
        for condition, value in rules.conditions(self.key, day):
            levels = self.levels_meeting(str(value))
            for skill in skills:
                condition &= Q(**{skill: ""}) | Q(**{f"{skill}__in": levels})
            q |= condition
        return q


__all__ = ["DateRule", "HoursRule", "LevelRule", "RuleBook", "RuleMissing"]
