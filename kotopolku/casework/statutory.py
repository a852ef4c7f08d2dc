"""The statutory rules P1–P8 of DOMAIN.md §5, each defined once with two forms.

Every rule is one object built from rule data: the rule key(s) whose effective-dated value it
reads, the day that picks the row in force, and its arithmetic ("anchor + N months of rule X",
"the last day of a period of N years", "attended hours ≥ N"). From that one description it
gives:

- a Python form for one case (`on(...)`, `met(...)`, `completed(...)`), which
  `deadlines.compute_deadlines` and the pages call;
- a set-based SQL form (`expression(...)`, `met_expression(...)`, `completed_q(...)`), a Django
  expression that the statistics selectors annotate on querysets of thousands of rows, with the
  rule row in force picked per row by a CASE over the rule rows.

Both forms read the same `RuleBook` (one query for all rule rows), and the date arithmetic is
`common.dates` in Python and `common.dates_sql` in SQL. `tests/test_statutory.py` proves for
every rule that the two forms give the same answer, on SQLite and on PostgreSQL. No other module
adds months or days to compute a rule's date (docs/adr/0002-rules-once-python-and-sql.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from kotopolku.common.choices import CefrLevel
from kotopolku.common.dates import add_months
from kotopolku.common.dates_sql import AddDays, AddMonths

# ---------------------------------------------------------------- rule rows


class RuleBook:
    """Rule rows read with one query and picked per day, in memory or in SQL.

    The choice of row is the one of `rules.selectors.rule_in_force`: the row with the latest
    `effective_from` on or before the day whose `effective_to` is empty or on or after it.
    `case(key, day)` makes the same choice per row of a queryset.
    """

    def __init__(self, rows: Iterable[Any]):
        from kotopolku.rules.selectors import _typed

        self._rows: dict[str, list[tuple[date, date | None, Any]]] = {}
        for row in rows:
            self._rows.setdefault(row.key, []).append(
                (row.effective_from, row.effective_to, _typed(row.value, row.unit))
            )
        for entries in self._rows.values():
            entries.sort(key=lambda e: e[0], reverse=True)
        # Most keys have one open-ended row: answer those without a loop (hundreds of calls per
        # worklist).
        self._open: dict[str, tuple[date, Any]] = {
            key: (entries[0][0], entries[0][2])
            for key, entries in self._rows.items()
            if len(entries) == 1 and entries[0][1] is None
        }

    @classmethod
    def load(cls, keys: Iterable[str] | None = None) -> RuleBook:
        """The rows of `keys` (by default those of every rule in this module), in one query."""
        from kotopolku.rules.models import StatutoryRule

        return cls(StatutoryRule.objects.filter(key__in=list(keys or RULE_KEYS)))

    def value(self, key: str, *, on: date) -> Any:
        single = self._open.get(key)
        if single is not None and single[0] <= on:
            return single[1]
        from kotopolku.rules.selectors import RuleMissing

        for start, end, value in self._rows.get(key, ()):
            if start <= on and (end is None or end >= on):
                return value
        raise RuleMissing(f"no rule {key!r} in force on {on.isoformat()}")

    def rows(self, key: str) -> list[tuple[date, date | None, Any]]:
        """(effective_from, effective_to, value), latest first."""
        return list(self._rows.get(key, ()))

    def conditions(self, key: str, day: str) -> list[tuple[Q, Any]]:
        """Per rule row, latest first: the rows of a queryset for which it is the row in force
        on the day in field `day` (an older row that overlaps a newer one yields to it)."""
        out: list[tuple[Q, Any]] = []
        newer: Q | None = None
        for start, end, value in self.rows(key):
            here = in_force(day, start, end)
            out.append((here if newer is None else here & ~newer, value))
            newer = here if newer is None else newer | here
        return out

    def case(self, key: str, day: str, output_field: Any = None) -> Case:
        """The value of `key` in force on the day in field `day`, per row; NULL where none is."""
        whens = [
            When(in_force(day, start, end), then=Value(value))
            for start, end, value in self.rows(key)
        ]
        return Case(*whens, default=Value(None), output_field=output_field or IntegerField())


def in_force(day: str, start: date, end: date | None) -> Q:
    """The rows whose day `day` falls in a rule row's effective range."""
    q = Q(**{f"{day}__gte": start})
    if end is not None:
        q &= Q(**{f"{day}__lte": end})
    return q


# ---------------------------------------------------------------- date rules


@dataclass(frozen=True)
class DateRule:
    """A day computed as `anchor + N units`, N being the value of rule `key` in force on the
    anchor day. With `last_day`, the day is the last of a period of N units that starts on the
    anchor: `anchor + N units − 1 day` (DOMAIN.md §5, date arithmetic)."""

    code: str
    key: str
    unit: str  # "days", "months" or "years"
    last_day: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key,)

    # Python: one case.
    def on(self, anchor: date, *, rules: RuleBook, extra_months: int = 0) -> date:
        """The rule's day for `anchor`. `RuleMissing` when no rule row covers the anchor."""
        n = rules.value(self.key, on=anchor)
        if self.unit == "days":
            day = anchor + timedelta(days=n)
        else:
            months = n * 12 if self.unit == "years" else n
            day = add_months(anchor, months + extra_months)
        return day - timedelta(days=1) if self.last_day else day

    # SQL: a column of days.
    def expression(
        self, anchor: str, *, rules: RuleBook, extra_months: Any = None
    ) -> AddDays | AddMonths:
        """The rule's day for the day in field (or annotation) `anchor`, per row; NULL where no
        rule row covers the anchor. `extra_months` is an integer expression added to the months
        (the extensions of P3)."""
        n: Any = rules.case(self.key, anchor)
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
class PlanWindowRule(DateRule):
    """P1: the last day on which an assessment or plan may start, counted from the first permit
    date; none for the permit bases exempt on that day (`exempt_key`)."""

    exempt_key: str = ""

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key, self.exempt_key)

    def window_end(self, first_permit: date, basis: str, *, rules: RuleBook) -> date | None:
        if basis in rules.value(self.exempt_key, on=first_permit):
            return None
        return self.on(first_permit, rules=rules)

    def window_end_expression(self, anchor: str, basis: str, *, rules: RuleBook) -> Case:
        """NULL for an exempt basis, and where no exempt-bases row is in force (Python raises
        `RuleMissing` there)."""
        exempt = Q(pk__in=[])
        covered = Q(pk__in=[])
        for condition, codes in rules.conditions(self.exempt_key, anchor):
            exempt |= condition & Q(**{f"{basis}__in": sorted(codes)})
            covered |= condition
        return Case(
            When(exempt, then=Value(None)),
            When(covered, then=self.expression(anchor, rules=rules)),
            default=Value(None),
            output_field=DateField(),
        )


@dataclass(frozen=True)
class ReferralDueRule(DateRule):
    """P4: the referral due day is `plan start + N months`; it is met when any service of the
    plan was referred or started on or before it."""

    def met(self, services: Iterable[Any], due: date) -> bool:
        return any(
            (s.referred is not None and s.referred <= due)
            or (s.started is not None and s.started <= due)
            for s in services
        )

    def met_expression(self, *, plan: str = "pk", due: str = "due") -> Exists:
        """For a queryset of plans annotated with the due day in `due`."""
        from kotopolku.casework.models import PlanService

        return Exists(
            PlanService.objects.filter(plan_id=OuterRef(plan)).filter(
                Q(referred__lte=OuterRef(due)) | Q(started__lte=OuterRef(due))
            )
        )


@dataclass(frozen=True)
class ReviewDueRule(DateRule):
    """P5: a review is due `N months` after the last review on or after the plan's start, or
    after the start when there is none; N is the rule in force on that day."""

    def counted_from(self, start: date, reviews: Iterable[date]) -> date:
        return max((r for r in reviews if r >= start), default=start)

    def counted_from_expression(self, *, plan: str = "pk", start: str = "start") -> Coalesce:
        from kotopolku.casework.models import PlanReview

        last_review = (
            PlanReview.objects.filter(plan_id=OuterRef(plan), day__gte=OuterRef(start))
            .order_by()
            .values("plan_id")
            .annotate(last=Max("day"))
            .values("last")[:1]
        )
        return Coalesce(Subquery(last_review), F(start))


# ---------------------------------------------------------------- threshold rules


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
        from kotopolku.rules.selectors import RuleMissing

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
        from kotopolku.rules.selectors import RuleMissing

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


# ---------------------------------------------------------------- the rules

PLAN_WINDOW = PlanWindowRule(
    "P1", "plan_window_years", "years", last_day=True, exempt_key="plan_window_exempt_bases"
)
FIRST_PLAN_END = DateRule("P2", "first_plan_max_years", "years", last_day=True)
MAX_PLAN_END = DateRule("P3", "plan_total_base_months", "months", last_day=True)
REFERRAL_DUE = ReferralDueRule("P4", "referral_due_months", "months")
REVIEW_DUE = ReviewDueRule("P5", "review_interval_months", "months")
ASSESSMENT_DUE = DateRule("P6", "assessment_start_target_days", "days")
ORIENTATION_COMPLETION = HoursRule("P7", "orientation_completion_hours")
LANGUAGE_TARGET = LevelRule("P8", "language_target_level")

# P3's extension rules are data checks, not arithmetic: their keys are read with the others.
EXTENSION_KEYS = ("plan_total_base_months", "plan_extension_cap_months", "plan_extension_reasons")

RULES = (
    PLAN_WINDOW,
    FIRST_PLAN_END,
    MAX_PLAN_END,
    REFERRAL_DUE,
    REVIEW_DUE,
    ASSESSMENT_DUE,
    ORIENTATION_COMPLETION,
    LANGUAGE_TARGET,
)

RULE_KEYS: tuple[str, ...] = tuple(
    dict.fromkeys([k for rule in RULES for k in rule.keys] + list(EXTENSION_KEYS))
)

__all__ = [
    "ASSESSMENT_DUE",
    "FIRST_PLAN_END",
    "LANGUAGE_TARGET",
    "MAX_PLAN_END",
    "ORIENTATION_COMPLETION",
    "PLAN_WINDOW",
    "REFERRAL_DUE",
    "REVIEW_DUE",
    "RULES",
    "RULE_KEYS",
    "RuleBook",
    "in_force",
]
