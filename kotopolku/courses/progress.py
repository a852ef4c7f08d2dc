"""P7 and P8 for the courses app: orientation completion and the language target.

The pages, the API, the plan view and the services call these functions, which ask the rule
objects of `casework.statutory` (the one definition of each rule, also used in SQL by the
statistics); the numbers come from the rule table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kotopolku.casework.statutory import LANGUAGE_TARGET, ORIENTATION_COMPLETION, RuleBook


def required_orientation_hours(on: date) -> Decimal | None:
    """P7: the attended hours that complete social orientation on `on`; None if no rule."""
    return ORIENTATION_COMPLETION.required(on, rules=RuleBook.load(ORIENTATION_COMPLETION.keys))


def orientation_completed(attended: Decimal, *, on: date) -> bool | None:
    """P7: completed at N attended hours or more (69.5 is not 70). None when no rule applies."""
    return hours_reached(attended, required_orientation_hours(on))


def hours_reached(attended: Decimal, required: Decimal | None) -> bool | None:
    """P7 against an already read requirement (for lists that read the rule once)."""
    return ORIENTATION_COMPLETION.reached(attended, required)


def language_target(on: date) -> str | None:
    """P8: the target level in force on `on`; None if no rule."""
    return LANGUAGE_TARGET.target(on, rules=RuleBook.load(LANGUAGE_TARGET.keys))


def meets_target(level: str, target: str | None) -> bool | None:
    """P8 for one skill: the level is at or above the target. None when not tested or no rule."""
    return LANGUAGE_TARGET.meets_level(level, target)


@dataclass(frozen=True)
class SkillResult:
    skill: str
    level: str
    meets: bool | None


def skill_results(result, *, target: str | None) -> list[SkillResult]:
    """The four skills of a `LanguageTestResult` against the target."""
    return [
        SkillResult(skill, getattr(result, skill), meets_target(getattr(result, skill), target))
        for skill in result.SKILLS
    ]
