"""The home municipality on a day (docs/domain.md C2, C4), once in Python and once set-based.

A home-municipality period covers the days `start` … `end` inclusive; an empty `end` means
ongoing. The choice, made here and nowhere else:

    the home municipality on day D is that of the period covering D; periods of one person
    should never overlap (`clients.services` and the case import refuse it), but where stored
    rows do overlap, the covering period that started last wins (the later move).

- `home_municipality_on(periods, day)` and `period_on`: for one person's periods in memory (the
  compensation computation, the client page);
- `period_or_latest(periods, day)`: the same choice with a fallback for pages and derived
  fields (the latest period that has started, else the first one);
- `covering_q(day)`, `municipality_on(periods, client_ref=…, day=…)` and `living_in(…)`: the same
  choice per row of a queryset, for the set-based readers (statistics, lists ordered in SQL).

`rules/tests/test_periods.py` holds the Python and SQL forms together on overlapping,
open-ended and gap periods (hypothesis, on the database in use).

The functions take the periods (or their queryset) as arguments, so the rule layer does not
import the client registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Protocol

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery


class Period(Protocol):
    start: date
    end: date | None


def covers(period: Period, day: date) -> bool:
    return period.start <= day and (period.end is None or day <= period.end)


def period_on(periods: Iterable[Any], day: date) -> Any | None:
    """The period covering `day` (of overlapping ones, the one that started last), or None."""
    chosen = None
    for period in periods:
        if (
            period.start <= day
            and (period.end is None or day <= period.end)
            and (chosen is None or period.start > chosen.start)
        ):
            chosen = period
    return chosen


def home_municipality_on(
    periods: Iterable[Any], day: date, *, attribute: str = "municipality"
) -> Any | None:
    """The municipality (by default the period's `municipality`) of the period covering `day`."""
    period = period_on(periods, day)
    return None if period is None else getattr(period, attribute)


def period_or_latest(periods: Iterable[Any], day: date) -> Any | None:
    """The period covering `day`; when none does, the latest period that has started by then,
    else the first one. For pages and derived fields that want a municipality to show (the
    client page, the responsible organisation), not for counting."""
    ordered = sorted(periods, key=lambda p: p.start)
    chosen = period_on(ordered, day)
    if chosen is not None:
        return chosen
    started = [p for p in ordered if p.start <= day]
    return started[-1] if started else (ordered[0] if ordered else None)


def covering_q(day: Any, *, prefix: str = "") -> Q:
    """Periods that cover `day`: a date, or an expression such as `OuterRef("day")`; a string
    names a field of the periods' own query."""
    if isinstance(day, str):
        day = F(day)
    return Q(**{f"{prefix}start__lte": day}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": day})
    )


def _outer(day: Any) -> Any:
    return OuterRef(day) if isinstance(day, str) else day


def municipality_on(
    periods: QuerySet, *, client_ref: str, day: Any, value: str = "municipality_id"
) -> Subquery:
    """Set-based twin of `home_municipality_on`: per outer row, the `value` of the client's
    period covering the day (of overlapping ones, the one that started last). `client_ref`
    names the outer client id; `day` is an outer field name or a date."""
    return Subquery(
        periods.filter(covering_q(_outer(day)), client_id=OuterRef(client_ref))
        .order_by("-start", "-pk")
        .values(value)[:1]
    )


def living_in(
    periods: QuerySet,
    *,
    client_ref: str,
    day: Any,
    municipality_id: int | str,
    field: str = "municipality_id",
) -> Exists:
    """Per outer row: is the client's home municipality on the day (the choice above) the
    given one (an organisation id, or with `field="municipality_code"` a code)? An `EXISTS`, so a filter on it is a semi-join. The inner `NOT EXISTS` keeps
    the choice exact where stored periods overlap (a later-started covering period wins)."""
    # The inner query sits one level deeper: an outer field is reached through two OuterRefs.
    inner_day = OuterRef(OuterRef(day)) if isinstance(day, str) else day
    later = periods.filter(
        covering_q(inner_day), client_id=OuterRef("client_id"), start__gt=OuterRef("start")
    )
    return Exists(
        periods.filter(
            covering_q(_outer(day)), client_id=OuterRef(client_ref), **{field: municipality_id}
        ).filter(~Exists(later))
    )
