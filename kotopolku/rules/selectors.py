"""Reads of rule data. Single values: `rule_value(key, on=day)`; many values: `RuleBook`
(`kotopolku.rules.book`), the one reader the computations use."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kotopolku.rules import seed
from kotopolku.rules.book import RuleBook, RuleMissing, typed
from kotopolku.rules.models import StatutoryRule

__all__ = [
    "RuleBook",
    "RuleMissing",
    "regimes",
    "rule_in_force",
    "rule_list",
    "rule_regimes",
    "rule_value",
]


def rule_in_force(key: str, *, on: date) -> StatutoryRule:
    rows = list(
        StatutoryRule.objects.filter(key=key, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from")[:2]
    )
    if not rows:
        raise RuleMissing(key, on)
    return rows[0]


def rule_value(key: str, *, on: date) -> Any:
    """The value of `key` on day `on`, typed by its unit: money as Decimal, counts as int.
    Read from the request's book (`RuleBook.load()`, kept across requests), so inside a request
    it costs no query of its own (the bulk-read check runs on every list page)."""
    return RuleBook.load().value(key, on=on)


def _typed(value: Any, unit: str) -> Any:  # kept for callers of the old name
    return typed(value, unit)


@dataclass(frozen=True)
class Regime:
    """A period of the law: the act in force and its first (and last) day."""

    label: str
    start: date
    end: date | None


def regimes() -> list[Regime]:
    """The acts of the rule history, oldest first (docs/domain.md §5, law over time)."""
    return [
        Regime("493/1999", seed.FIRST_ACT_START, seed.BEFORE_HISTORY),
        Regime("1386/2010", seed.HISTORY, seed.BEFORE_LAW),
        Regime("681/2023", seed.LAW_START, None),
    ]


# The day that picks each rule's row (docs/domain.md §5, law over time), by rule code.
REFERENCE_DATES = {
    "P1": gettext_lazy("first permit date; each assessment or plan: its start"),
    "P2": gettext_lazy("the first plan's start"),
    "P3": gettext_lazy("the first plan's start"),
    "P4": gettext_lazy("the latest plan's start"),
    "P5": gettext_lazy("the latest plan's start"),
    "P6": gettext_lazy("the start of the client relationship"),
    "P7": gettext_lazy("the course's last day"),
    "P8": gettext_lazy("the test day"),
    "C1": gettext_lazy("the compensation start"),
    "C3": gettext_lazy("the compensation start"),
    "C4": gettext_lazy("the last day of the month"),
    "C5": gettext_lazy("the last day of the month"),
}


@dataclass
class RuleRegimes:
    code: str
    key: str
    description: str
    unit_label: str
    reference: str
    cells: list[list[StatutoryRule]]


def rule_regimes(*, search: str = "") -> list[RuleRegimes]:
    """Each rule key with its rows under each act, side by side: a row appears under every act
    whose period it overlaps. One query."""
    periods = regimes()
    out: dict[str, RuleRegimes] = {}
    for row in rule_list(search=search):
        entry = out.get(row.key)
        if entry is None:
            entry = out[row.key] = RuleRegimes(
                code=row.code,
                key=row.key,
                description=row.description,
                unit_label=row.get_unit_display(),
                reference=str(REFERENCE_DATES.get(row.code, _("the day of the computation"))),
                cells=[[] for _regime in periods],
            )
        for n, regime in enumerate(periods):
            starts_in_time = regime.end is None or row.effective_from <= regime.end
            ends_in_time = row.effective_to is None or row.effective_to >= regime.start
            if starts_in_time and ends_in_time:
                entry.cells[n].append(row)
    return list(out.values())


def rule_list(*, search: str = "") -> QuerySet[StatutoryRule]:
    rows = StatutoryRule.objects.all()
    if search:
        rows = rows.filter(
            Q(key__icontains=search) | Q(code__iexact=search) | Q(description__icontains=search)
        )
    return rows.order_by("code", "key", "effective_from")


def draft_list():
    """Draft rule sets, newest first, with their row counts."""
    from django.db.models import Count

    from kotopolku.rules.models import DraftRuleSet

    return DraftRuleSet.objects.select_related("created_by").annotate(row_count=Count("rows"))


def draft_detail(*, pk: int):
    from kotopolku.rules.models import DraftRuleSet

    return DraftRuleSet.objects.select_related("created_by").get(pk=pk)
