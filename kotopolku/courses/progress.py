"""P7 and P8: the one place that decides orientation completion and the language target.

The pages, the API, the plan view and the services all call these functions; the numbers come
from the rule table (`orientation_completion_hours`, `language_target_level`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kotopolku.casework.models import CefrLevel
from kotopolku.rules.selectors import RuleMissing, rule_value

CEFR_ORDER: tuple[str, ...] = tuple(CefrLevel.values)


def required_orientation_hours(on: date) -> Decimal | None:
    """P7: the attended hours that complete social orientation on `on`; None if no rule."""
    try:
        return Decimal(rule_value("orientation_completion_hours", on=on))
    except RuleMissing:
        return None


def orientation_completed(attended: Decimal, *, on: date) -> bool | None:
    """P7: completed at N attended hours or more (69.5 is not 70). None when no rule applies."""
    return hours_reached(attended, required_orientation_hours(on))


def hours_reached(attended: Decimal, required: Decimal | None) -> bool | None:
    """P7 against an already read requirement (for lists that read the rule once)."""
    if required is None:
        return None
    return attended >= required


def language_target(on: date) -> str | None:
    try:
        level = str(rule_value("language_target_level", on=on))
    except RuleMissing:
        return None
    return level if level in CEFR_ORDER else None


def meets_target(level: str, target: str | None) -> bool | None:
    """P8 for one skill: the level is at or above the target. None when not tested or no rule."""
    if not level or target is None or level not in CEFR_ORDER:
        return None
    return CEFR_ORDER.index(level) >= CEFR_ORDER.index(target)


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
