"""Indicator tables read from the summary table (docs/adr/0010-statistics-summary-table.md).

A table function of `selectors` run under a recording `Tape` leaves the rows its figure queries
returned; those rows (raw, unsuppressed) are stored per filter set, table and breakdown in
`IndicatorSummary`. Reading replays them through the same function: the table is built by the
same code, with today's labels in the reader's language, without running a figure query.
Suppression is applied afterwards by the caller, as for a live table.

A stored table is
- *current* when it was computed at the data version in force (`DataVersion`: every committed
  write that can change a figure raises it) and its stock figures are of the same day;
- *servable* when it is current, or stale by at most `STALE_SERVED` and of the same day: the
  page shows when it was computed and that changes are being counted
  (`refresh_summaries`, scheduled every few minutes, recomputes it);
- otherwise it is computed live in the request and stored (so any filter set is served from
  the table after its first read).
Documents and the programme's figures take current tables only (`accept_stale=False`).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language

from kotopolku.statistics import selectors
from kotopolku.statistics.filters import Filters, Period
from kotopolku.statistics.models import DataVersion, IndicatorSummary
from kotopolku.statistics.suppression import suppress
from kotopolku.statistics.tables import StatTable

# Raise when a table function's queries change what they return (the stored rows of an older
# format are then computed again on their first read).
FORMAT = 1
STALE_SERVED = timedelta(minutes=30)
READ_STAMP_EVERY = timedelta(minutes=10)
REFRESH_READ_WITHIN = timedelta(days=1)
REFRESH_BUDGET_SECONDS = 120.0
PRUNE_UNREAD = timedelta(days=30)

TableFunction = Callable[..., StatTable]


# ---------------------------------------------------------------- keys


_KEY_FIELDS = (
    ("m", "municipality_id"),
    ("o", "organisation_id"),
    ("p", "permit_group"),
    ("a", "age_band"),
    ("g", "gender"),
    ("l", "language"),
)


def filter_key(filters: Filters) -> str:
    """Every filter, the organisation of an organisation-limited user included (the view puts
    it into `filters`): "2025|m|o12|p|a|g|l"."""
    parts = [filters.period.label]
    for letter, name in _KEY_FIELDS:
        value = getattr(filters, name)
        parts.append(f"{letter}{'' if value is None else value}")
    return "|".join(parts)


def filters_from_key(key: str) -> Filters:
    period, *parts = key.split("|")
    values: dict[str, Any] = {}
    for (letter, name), part in zip(_KEY_FIELDS, parts, strict=True):
        if not part.startswith(letter):
            raise ValueError(key)
        text = part[len(letter) :]
        values[name] = (int(text) if text else None) if name.endswith("_id") else text
    return Filters(Period.parse(period), **values)


# ---------------------------------------------------------------- JSON of the recorded rows


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$decimal"}:
            return Decimal(value["$decimal"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


# ---------------------------------------------------------------- the data version


def current_version() -> int:
    return DataVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def bump_version() -> None:
    """Raise the data version (after a committed write): every stored table is stale."""
    now = timezone.now()
    if DataVersion.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now):
        return
    _row, created = DataVersion.objects.get_or_create(
        pk=1, defaults={"version": 1, "changed_at": now}
    )
    if not created:
        DataVersion.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now)


class _Bump:
    """The on-commit hook; marked so that a transaction registers it once."""

    statistics_bump = True

    def __init__(self) -> None:
        self.done = False

    def __call__(self) -> None:
        self.done = True
        bump_version()


def data_changed(sender: Any = None, **kwargs: Any) -> None:
    """A write that can change a figure (signal receiver): the version goes up once the
    transaction commits (a rolled-back write changes nothing), once per transaction. Never
    recomputes: that is the scheduled refresh's work."""
    if connection.in_atomic_block and any(
        isinstance(entry[1], _Bump) and not entry[1].done for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(_Bump(), robust=True)


# ---------------------------------------------------------------- reading


@dataclass
class SummaryState:
    """What the page says about the figures: when they were computed and whether changes have
    been recorded since."""

    computed_at: datetime | None = None
    current: bool = True
    from_summary: int = 0
    computed_live: int = 0
    # Per table, in the order asked for: the key of the process's copy of a table read from
    # the summary (the stored row, its version, the language, the day and the suppression;
    # `fragments` keys its rendered HTML by it), or None for a table computed in the request.
    keys: list[tuple | None] = field(default_factory=list)

    def add(self, computed_at: datetime, *, current: bool, stored: bool) -> None:
        if self.computed_at is None or computed_at < self.computed_at:
            self.computed_at = computed_at
        self.current = self.current and current
        if stored:
            self.from_summary += 1
        else:
            self.computed_live += 1


def _name(function: TableFunction) -> str:
    return function.__name__


# Tables replayed in this process, by the stored row they were built from (its id and
# computed_at), the language and the day: a busy dashboard builds each table once per process
# and stored version. The tables are shared between requests and never changed after they are
# built (`suppress` works on a copy).
_REPLAYED: OrderedDict[tuple, StatTable] = OrderedDict()
_REPLAYED_SIZE = 512
_REPLAYED_LOCK = threading.Lock()


def _cached(key: tuple, build: Callable[[], StatTable]) -> StatTable:
    with _REPLAYED_LOCK:
        table = _REPLAYED.get(key)
        if table is not None:
            _REPLAYED.move_to_end(key)
            return table
    table = build()
    with _REPLAYED_LOCK:
        _REPLAYED[key] = table
        while len(_REPLAYED) > _REPLAYED_SIZE:
            _REPLAYED.popitem(last=False)
    return table


def _replay_key(row: IndicatorSummary, minimum: int | None) -> tuple:
    """What a table read from a stored row is built from: the row (and with it the filter set,
    the table and the breakdown), its version, the reader's language and day, and the
    suppression (None: raw)."""
    return (
        row.pk,
        row.computed_at,
        row.data_version,
        get_language(),
        timezone.localdate(),
        minimum,
    )


def _replay(
    function: TableFunction,
    filters: Filters,
    by: str,
    row: IndicatorSummary,
    minimum: int | None,
) -> tuple[StatTable, tuple]:
    """The table of a stored row, suppressed with `minimum` unless it is None, and its key
    (`_replay_key`)."""
    full = _replay_key(row, minimum)
    key = full[:-1]

    def build() -> StatTable:
        tape = selectors.Tape(replay=_decode(row.figures))
        with selectors.taped(tape):
            table = function(filters, by=by)
        tape.finish()
        return table

    raw = _cached((*key, None), build)
    if minimum is None:
        return raw, full
    return _cached((*key, minimum), lambda: suppress(raw, minimum=minimum)), full


def _record(function: TableFunction, filters: Filters, by: str) -> tuple[StatTable, list, float]:
    tape = selectors.Tape()
    started = time.perf_counter()
    with selectors.taped(tape):
        table = function(filters, by=by)
    return table, _encode(tape.recorded), time.perf_counter() - started


def _store(filters: Filters, rows: list[IndicatorSummary]) -> None:
    if not rows:
        return
    IndicatorSummary.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["filter_key", "table", "by"],
        update_fields=[
            "period",
            "as_of",
            "data_version",
            "format",
            "figures",
            "computed_at",
            "compute_seconds",
            "read_at",
        ],
    )


def tables(
    filters: Filters,
    wanted: Iterable[tuple[TableFunction, str]],
    *,
    accept_stale: bool = True,
    minimum: int | None = None,
) -> tuple[list[StatTable], SummaryState]:
    """The tables `wanted` ((function, breakdown) pairs) for the filters: from the summary
    table where a servable (`accept_stale`) or current one is stored, else computed live and
    stored. Two queries (the version and the stored rows) plus the labels and rule rows when
    everything is stored, whatever the size of the data. Raw, or suppressed with `minimum`
    persons when it is given (the suppressed copy of a stored table is kept with it)."""
    wanted = list(wanted)
    key = filter_key(filters)
    now = timezone.now()
    state = SummaryState()
    out: list[StatTable] = []
    new_rows: list[IndicatorSummary] = []
    with selectors.shared_reads():
        version = current_version()
        as_of = selectors._today(filters)
        stored = {
            (row.table, row.by): row
            for row in IndicatorSummary.objects.filter(
                filter_key=key, table__in={_name(f) for f, _by in wanted}
            ).only(
                "id",
                "table",
                "by",
                "as_of",
                "data_version",
                "format",
                "figures",
                "computed_at",
                "read_at",
            )
        }
        touched: list[int] = []
        for function, by in wanted:
            row = stored.get((_name(function), by))
            table = None
            if row is not None and row.format == FORMAT and row.as_of == as_of:
                current = row.data_version == version
                if current or (accept_stale and now - row.computed_at <= STALE_SERVED):
                    try:
                        table, replay_key = _replay(function, filters, by, row, minimum)
                    except (selectors.TapeMismatch, KeyError, IndexError, TypeError):
                        table = None
                    else:
                        state.add(row.computed_at, current=current, stored=True)
                        state.keys.append(replay_key)
                        if now - row.read_at > READ_STAMP_EVERY:
                            touched.append(row.pk)
            if table is None:
                table, figures, seconds = _record(function, filters, by)
                new_rows.append(
                    _summary_row(key, filters, function, by, as_of, version, figures, seconds, now)
                )
                state.add(now, current=True, stored=False)
                state.keys.append(None)
                if minimum is not None:
                    table = suppress(table, minimum=minimum)
            out.append(table)
        _store(filters, new_rows)
        if touched:
            IndicatorSummary.objects.filter(pk__in=touched).update(read_at=now)
    return out, state


def table(
    function: TableFunction, filters: Filters, *, by: str, accept_stale: bool = True
) -> StatTable:
    return tables(filters, [(function, by)], accept_stale=accept_stale)[0][0]


# ---------------------------------------------------------------- what each page wants


def dashboard_wanted(by: str) -> list[tuple[TableFunction, str]]:
    """The dashboard's tables and the breakdown each is shown by (`selectors.indicator_tables`)."""
    return [(t, selectors.own_breakdown(t, by)) for t in selectors.TABLES]


def overview_wanted() -> list[tuple[TableFunction, str]]:
    return [(function, "municipality") for function in selectors.OVERVIEW_TABLES]


def headline_wanted() -> list[tuple[TableFunction, str]]:
    return [
        (function, "") for function in dict.fromkeys(s.table for s in selectors.INDICATORS.values())
    ]


def standard_views(today: Any = None) -> list[tuple[Filters, list[tuple[TableFunction, str]]]]:
    """What the scheduled refresh keeps computed whatever is read: the default filters of this
    year and the last, and of this quarter and the last, as the dashboard (by municipality),
    the regional overview and the headline figures read them."""
    today = today or timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    previous = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    periods = [
        str(today.year),
        str(today.year - 1),
        f"{today.year}-Q{quarter}",
        f"{previous[0]}-Q{previous[1]}",
    ]
    wanted = list(
        dict.fromkeys([*dashboard_wanted("municipality"), *overview_wanted(), *headline_wanted()])
    )
    return [(Filters(Period.parse(p)), wanted) for p in periods]


# ---------------------------------------------------------------- the scheduled refresh


def _summary_row(
    key, filters: Filters, function, by: str, as_of, version, figures, seconds: float, now
) -> IndicatorSummary:
    """A table's stored row, as computed at `now` from the data at `version`."""
    return IndicatorSummary(
        filter_key=key,
        period=filters.period.label,
        table=_name(function),
        by=by,
        as_of=as_of,
        data_version=version,
        format=FORMAT,
        figures=figures,
        computed_at=now,
        compute_seconds=round(seconds, 3),
        read_at=now,
    )


def _compute(filters: Filters, wanted: list[tuple[TableFunction, str]]) -> int:
    """Compute and store the tables now (whatever is stored); the number computed."""
    now = timezone.now()
    key = filter_key(filters)
    rows = []
    with selectors.shared_reads():
        version = current_version()
        as_of = selectors._today(filters)
        for function, by in wanted:
            _table, figures, seconds = _record(function, filters, by)
            rows.append(
                _summary_row(key, filters, function, by, as_of, version, figures, seconds, now)
            )
        _store(filters, rows)
    return len(rows)


@dataclass
class RefreshResult:
    computed: int = 0
    filter_sets: int = 0
    left: int = 0
    pruned: int = 0
    seconds: float = 0.0

    def text(self) -> str:
        return (
            f"computed {self.computed} tables of {self.filter_sets} filter sets in "
            f"{self.seconds:.1f} s; {self.left} left for the next run; pruned {self.pruned}"
        )


def refresh_summaries(
    *, full: bool = False, budget_seconds: float = REFRESH_BUDGET_SECONDS
) -> RefreshResult:
    """Recompute the stored tables that are not current: the standard views first, then those
    read within `REFRESH_READ_WITHIN`, most recently read first, until the time budget is spent.
    `full` (nightly) recomputes the standard views whatever their state (a write that bypassed
    the signals is caught within a day) and prunes tables unread for `PRUNE_UNREAD`."""
    started = time.perf_counter()
    result = RefreshResult()
    version = current_version()
    now = timezone.now()
    today = timezone.localdate()
    functions = {_name(f): f for f in selectors.TABLES}
    if full:
        result.pruned, _kinds = IndicatorSummary.objects.filter(
            read_at__lt=now - PRUNE_UNREAD
        ).delete()
    plans: dict[str, set[tuple[TableFunction, str]]] = {}
    for filters, wanted in standard_views(today):
        key = filter_key(filters)
        if full:
            plans.setdefault(key, set()).update(wanted)
            continue
        current = {
            (row.table, row.by)
            for row in IndicatorSummary.objects.filter(
                filter_key=key, data_version=version, format=FORMAT, as_of=selectors._today(filters)
            ).only("table", "by")
        }
        missing = {(f, by) for f, by in wanted if (_name(f), by) not in current}
        if missing:
            plans.setdefault(key, set()).update(missing)
    read = (
        IndicatorSummary.objects.filter(read_at__gte=now - REFRESH_READ_WITHIN)
        .order_by("-read_at")
        .values_list("filter_key", "table", "by", "data_version", "format", "as_of")
    )
    for key, name, by, row_version, row_format, as_of in read:
        if name not in functions:
            continue
        try:
            filters = filters_from_key(key)
        except ValueError:
            continue
        if row_version == version and row_format == FORMAT and as_of == selectors._today(filters):
            continue
        plans.setdefault(key, set()).add((functions[name], by))
    order = {name: i for i, name in enumerate(functions)}
    for key, pairs in plans.items():
        if time.perf_counter() - started > budget_seconds:
            result.left += len(pairs)
            continue
        ordered = sorted(pairs, key=lambda pair: (order[_name(pair[0])], pair[1]))
        result.computed += _compute(filters_from_key(key), ordered)
        result.filter_sets += 1
    result.seconds = time.perf_counter() - started
    return result
