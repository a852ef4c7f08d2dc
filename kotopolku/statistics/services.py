"""Writes of the statistics app: the programme's computed indicators get their monitoring
entries from the indicator selectors (by the monthly command and by a coordinator's button)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.programme import services as programme_services
from kotopolku.programme.models import Indicator
from kotopolku.statistics import selectors
from kotopolku.statistics.filters import Filters, Period
from kotopolku.statistics.suppression import small_cell_minimum, suppress


def computed_indicators() -> QuerySet[Indicator]:
    """Programme indicators with the source "computed"; `source_reference` holds the key of the
    statistics indicator they are bound to (one of `selectors.INDICATORS`)."""
    return (
        Indicator.objects.filter(source=Indicator.Source.COMPUTED, archived=False)
        .select_related("goal", "goal__programme")
        .order_by("goal__programme_id", "goal__number", "id")
    )


def monthly_periods(on: date) -> list[str]:
    """The periods a monthly run writes: the year and the quarter of the day before `on`
    (so a run on 1 February finishes January's figures into the year and Q1)."""
    day = on - timedelta(days=1)
    return [str(day.year), f"{day.year}-Q{(day.month - 1) // 3 + 1}"]


@dataclass
class ComputeResult:
    written: list[tuple[Indicator, str, Decimal]] = field(default_factory=list)
    hidden: list[tuple[Indicator, str]] = field(default_factory=list)
    unbound: list[Indicator] = field(default_factory=list)


@transaction.atomic
def monitoring_entries_compute(
    *, actor: Any, periods: list[str], on: date | None = None
) -> ComputeResult:
    """Write the monitoring entry of every bound computed indicator for each period.

    The values go into the programme and its reports, outside the personal-data boundary, so
    they are suppressed: a value resting on too few persons is not written (and reported).
    """
    on = on or timezone.localdate()
    parsed = [Period.parse(p) for p in periods]
    result = ComputeResult()
    indicators = list(computed_indicators())
    bound = [i for i in indicators if i.source_reference.strip() in selectors.INDICATORS]
    result.unbound = [i for i in indicators if i not in bound]
    for period in parsed:
        if not bound:
            break
        filters = Filters(period)
        minimum = small_cell_minimum(period.end)
        tables: dict[Any, Any] = {}
        for indicator in bound:
            spec = selectors.INDICATORS[indicator.source_reference.strip()]
            if spec.table not in tables:
                tables[spec.table] = suppress(spec.table(filters, by=""), minimum=minimum)
            cell = tables[spec.table].headline(spec.column)
            if cell is None or cell.value is None or cell.suppressed:
                result.hidden.append((indicator, period.label))
                continue
            value = Decimal(str(cell.value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            programme_services.monitoring_entry_record(
                actor=actor,
                indicator=indicator,
                period=period.label,
                value=value,
                comment=_("Computed by Kotopolku on %(day)s.") % {"day": on.isoformat()},
            )
            result.written.append((indicator, period.label, value))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="MonitoringCompute",
        reason=(
            f"periods {','.join(periods)}: written {len(result.written)}, "
            f"hidden {len(result.hidden)}, unbound {len(result.unbound)}"
        ),
    )
    return result
