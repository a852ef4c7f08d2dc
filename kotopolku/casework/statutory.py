"""The statutory rules P1–P8 of docs/domain.md §5 as rule objects of the one rule engine.

The kinds of rule (`DateRule`, `HoursRule`, `LevelRule`), the book they read (`RuleBook`) and the
date arithmetic live in `kotopolku.rules`; this module holds casework's own objects on them
(P1 window with its exempt bases, P4 referral due with its "met" test, P5 review counted from the
last review) and the objects of P6–P8. Each has a Python form, which `deadlines.compute_deadlines`
and the pages call, and a set-based SQL form, which the statistics selectors annotate on
querysets. `tests/test_statutory.py` proves for every rule that the two forms agree
(docs/adr/0002-rules-once-python-and-sql.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, DateField, Exists, F, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from kotopolku.rules.book import RuleBook, in_force
from kotopolku.rules.engine import DateRule, HoursRule, LevelRule


@dataclass(frozen=True)
class PlanWindowRule(DateRule):
    """P1: the last day on which an assessment or plan may start, counted from the first permit
    date; none for the permit bases exempt on that day (`exempt_key`)."""

    exempt_key: str = ""

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key, self.exempt_key)

    def exempt(self, basis: str, *, on: date, rules: RuleBook) -> bool:
        """Is the basis exempt on `on`? Before the first row of the exempt list the answer is
        still known when every row agrees (victims of trafficking have had no window since the
        first act); otherwise `RuleMissing`."""
        return rules.member(self.exempt_key, basis, on=on)

    def window_end(
        self, first_permit: date, basis: str, *, rules: RuleBook, reference: date | None = None
    ) -> date | None:
        """The last day an assessment or plan may start, the rule read on `reference` (the
        first permit date by default); None for an exempt basis."""
        day = reference or first_permit
        if self.exempt(basis, on=day, rules=rules):
            return None
        return self.on(first_permit, rules=rules, reference=day)

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
    "DateRule",
    "HoursRule",
    "LevelRule",
    "RuleBook",
    "in_force",
]
