"""The one reader of rule data. Every other app asks `rule_value(key, on=day)`."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from kotopolku.rules.models import StatutoryRule


class RuleMissing(LookupError):
    """No rule row covers the key on the asked day; configuration, not user error."""


def rule_in_force(key: str, *, on: date) -> StatutoryRule:
    rows = list(
        StatutoryRule.objects.filter(key=key, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from")[:2]
    )
    if not rows:
        raise RuleMissing(f"no rule {key!r} in force on {on.isoformat()}")
    return rows[0]


def rule_value(key: str, *, on: date) -> Any:
    """The value of `key` on day `on`, typed by its unit: money as Decimal, counts as int."""
    rule = rule_in_force(key, on=on)
    return _typed(rule.value, rule.unit)


def _typed(value: Any, unit: str) -> Any:
    if unit == StatutoryRule.Unit.EUR_PER_YEAR:
        return Decimal(str(value))
    if unit in (
        StatutoryRule.Unit.YEARS,
        StatutoryRule.Unit.MONTHS,
        StatutoryRule.Unit.DAYS,
        StatutoryRule.Unit.HOURS,
        StatutoryRule.Unit.PERSONS,
    ):
        return int(value)
    if unit == StatutoryRule.Unit.CODES:
        return frozenset(value)
    return value


def rule_list(*, search: str = "") -> QuerySet[StatutoryRule]:
    rows = StatutoryRule.objects.all()
    if search:
        rows = rows.filter(
            Q(key__icontains=search) | Q(code__iexact=search) | Q(description__icontains=search)
        )
    return rows.order_by("code", "key", "effective_from")
