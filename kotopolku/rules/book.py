"""The one rule engine's book: every effective-dated rule row, read once, picked per day.

Every rule of docs/domain.md §5 is read from its rows in force on *its reference date* (the plan's
start, the compensation start, a month's last day …), never on today's date. `RuleBook` answers
"the value of key K on day D" in memory (the Python form) and, per row of a queryset, as a SQL
`CASE` over the same rows (the set-based form), so that both forms pick the same row:

    the row with the latest `effective_from` on or before the day whose `effective_to` is empty
    or on or after it.

A day that no row covers raises `RuleMissing` (it carries the key and the day), which callers
turn into the `no_rule_in_force` problem or an unresolved person: never an abort.

Per-request caching: `RuleBook.load()` returns the book of the current scope when there is one.
`RulesConfig.ready` opens a scope for every request (and closes it when the request ends), and
any write to the rule table starts a fresh one, so a page reads the table once and never sees a
stale row. Outside a scope every `load()` reads the table afresh.

Across requests: a request's book is the process's live book (`live_book`), kept in memory with
the rule table's stamp (`RuleTableStamp`, which database triggers change on every write to the
table by any path and in any process). Each request asks the database once, in one statement,
for the stamp and, only when it differs from the one kept, the rows; so a rule edit is seen by
the next request of every process, and the query count is the same whether or not the book was
kept. Drafts never enter it: `with_draft` builds a book of its own.

Drafts (docs/data-formats.md): `book.with_draft(rows)` is a new book with the draft rows applied
in memory,
each from its `effective_from`, closing the row in force the day before. Nothing is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Case, IntegerField, Q, Value, When


class RuleMissing(LookupError):
    """No rule row covers the key on the asked day (docs/data-formats.md `no_rule_in_force`)."""

    def __init__(self, key: str, on: date):
        self.key = key
        self.on = on
        super().__init__(f"no rule {key!r} in force on {on.isoformat()}")


# Answers kept per book ((key, day) → value) before the memo starts afresh.
MEMO_LIMIT = 50_000

# Units whose values are whole numbers.
COUNT_UNITS = frozenset({"years", "months", "days", "hours", "persons"})
MONEY_UNITS = frozenset({"eur_per_year"})


def typed(value: Any, unit: str) -> Any:
    """A stored rule value as the computations use it: money as Decimal, counts as int, code
    lists as frozenset."""
    if unit in MONEY_UNITS:
        return Decimal(str(value))
    if unit in COUNT_UNITS:
        return int(value)
    if unit == "codes":
        return frozenset(value)
    return value


@dataclass(frozen=True)
class RuleRow:
    """One rule row with its value already typed."""

    key: str
    effective_from: date
    effective_to: date | None
    value: Any
    unit: str
    code: str = ""
    confidence: str = ""
    source: str = ""
    description: str = ""

    def covers(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


def _as_row(row: Any) -> RuleRow:
    if isinstance(row, RuleRow):
        return row
    return RuleRow(
        key=row.key,
        effective_from=row.effective_from,
        effective_to=row.effective_to,
        value=typed(row.value, row.unit),
        unit=row.unit,
        code=getattr(row, "code", ""),
        confidence=getattr(row, "confidence", ""),
        source=getattr(row, "source", ""),
        description=getattr(row, "description", ""),
    )


def in_force(day: str, start: date, end: date | None) -> Q:
    """The rows of a queryset whose day in field `day` falls in a rule row's range."""
    q = Q(**{f"{day}__gte": start})
    if end is not None:
        q &= Q(**{f"{day}__lte": end})
    return q


class RuleBook:
    """Rule rows read with one query (lazily when built without rows), picked per day."""

    def __init__(self, rows: Iterable[Any] | None = None, *, live: bool = False):
        """`rows`: the book's rows; without them, the rule table's rows, read when first used
        (with `live`, those of the process's live book, `live_book()`)."""
        self._by_key: dict[str, list[RuleRow]] | None = None
        self._memo: dict[tuple[str, date], Any] = {}
        self._live = live and rows is None
        if rows is not None:
            self._index(rows)

    # ------------------------------------------------------------ loading

    def _index(self, rows: Iterable[Any]) -> None:
        by_key: dict[str, list[RuleRow]] = {}
        for row in rows:
            typed_row = _as_row(row)
            by_key.setdefault(typed_row.key, []).append(typed_row)
        for entries in by_key.values():
            entries.sort(key=lambda r: r.effective_from, reverse=True)
        self._by_key = by_key

    def _table(self) -> dict[str, list[RuleRow]]:
        if self._by_key is None:
            if self._live:
                # The request's book shares the process's live book: its rows and its memo.
                shared = live_book()
                self._by_key, self._memo = shared._table(), shared._memo
            else:
                from kotopolku.rules.models import StatutoryRule

                self._index(StatutoryRule.objects.all())
        return self._by_key or {}

    def _rows_of(self, key: str) -> list[RuleRow]:
        return self._table().get(key, [])

    @classmethod
    def load(cls, keys: Iterable[str] | None = None) -> RuleBook:
        """The book of the current request when there is one (it holds every key); otherwise
        the rows of `keys` (all rows when None), read now in one query."""
        scoped = _scope.get()
        if scoped is not None:
            return scoped
        from kotopolku.rules.models import StatutoryRule

        rows = StatutoryRule.objects.all()
        if keys is not None:
            rows = rows.filter(key__in=list(keys))
        return cls(rows)

    # ------------------------------------------------------------ Python form

    def value(self, key: str, *, on: date) -> Any:
        """The value of `key` in force on `on`; `RuleMissing` when no row covers the day."""
        memo = (key, on)
        try:
            return self._memo[memo]
        except KeyError:
            pass
        for row in self._rows_of(key):
            if row.covers(on):
                if len(self._memo) >= MEMO_LIMIT:  # a shared book lives long: bounded
                    self._memo.clear()
                self._memo[memo] = row.value
                return row.value
        raise RuleMissing(key, on)

    def __call__(self, key: str, on: date) -> Any:
        """`book(key, day)`: the reader signature the compensation computation takes."""
        return self.value(key, on=on)

    def row(self, key: str, *, on: date) -> RuleRow:
        for row in self._rows_of(key):
            if row.covers(on):
                return row
        raise RuleMissing(key, on)

    def member(self, key: str, code: str, *, on: date) -> bool:
        """Is `code` in the code list `key` in force on `on`?

        Before the first row the answer is still known when every row agrees (a code that no
        version of the list ever held is not in it): an ineligible permit basis never needs a
        rule row (docs/domain.md, C1 first). Otherwise `RuleMissing`.
        """
        try:
            return code in self.value(key, on=on)
        except RuleMissing:
            answers = {code in row.value for row in self._rows_of(key)}
            if len(answers) == 1:
                return answers.pop()
            raise

    def rows(self, key: str) -> list[tuple[date, date | None, Any]]:
        """(effective_from, effective_to, value), latest first."""
        return [(r.effective_from, r.effective_to, r.value) for r in self._rows_of(key)]

    def rule_rows(self, key: str) -> list[RuleRow]:
        return list(self._rows_of(key))

    def keys(self) -> list[str]:
        return sorted(self._table())

    def all_rows(self) -> Iterator[RuleRow]:
        for key in self.keys():
            yield from self._rows_of(key)

    # ------------------------------------------------------------ SQL form

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

    # ------------------------------------------------------------ drafts

    def with_draft(self, rows: Iterable[DraftRow], *, source: str = "draft") -> RuleBook:
        """A new book: this one with each draft row applied from its `effective_from`.

        The row in force the day before is closed on that day; a row starting on the same day
        is replaced. Rows are applied in date order. This book is not changed.
        """
        by_key = {key: list(self._rows_of(key)) for key in self.keys()}
        for draft in sorted(rows, key=lambda r: (r.key, r.effective_from)):
            existing = by_key.get(draft.key)
            if not existing:
                raise DraftError(f"unknown rule key {draft.key!r}")
            template = existing[0]
            day_before = draft.effective_from - timedelta(days=1)
            kept = []
            for row in existing:
                if row.effective_from == draft.effective_from:
                    continue
                if row.effective_from < draft.effective_from and (
                    row.effective_to is None or row.effective_to > day_before
                ):
                    row = replace(row, effective_to=day_before)
                kept.append(row)
            kept.append(
                RuleRow(
                    key=draft.key,
                    effective_from=draft.effective_from,
                    effective_to=None,
                    value=draft.value,
                    unit=template.unit,
                    code=template.code,
                    confidence="U",
                    source=source,
                    description=template.description,
                )
            )
            kept.sort(key=lambda r: r.effective_from, reverse=True)
            by_key[draft.key] = kept
        return RuleBook(row for entries in by_key.values() for row in entries)


# ---------------------------------------------------------------- drafts


class DraftError(ValueError):
    """A draft that cannot be applied: unknown key, bad value or bad date (one line)."""


@dataclass(frozen=True)
class DraftRow:
    key: str
    value: Any  # typed by the key's unit
    effective_from: date


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_day(text: Any, *, what: str) -> date:
    if not isinstance(text, str) or not _ISO_DAY.match(text):
        raise DraftError(f"{what}: not a date YYYY-MM-DD: {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise DraftError(f"{what}: not a date YYYY-MM-DD: {text!r}") from exc


def _typed_draft_value(value: Any, unit: str, *, what: str) -> Any:
    bad = DraftError(f"{what}: bad value {value!r} for a rule in {unit}")
    if isinstance(value, bool):
        raise bad
    if unit in MONEY_UNITS:
        if not isinstance(value, (str, int, float)):
            raise bad
        try:
            amount = Decimal(str(value).strip())
            cents = amount.quantize(Decimal("0.01"))
        except InvalidOperation as exc:
            raise bad from exc
        if not amount.is_finite() or amount < 0 or amount != cents or amount >= 10**9:
            raise bad
        return cents
    if unit in COUNT_UNITS:
        whole_text = isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value)
        whole_float = isinstance(value, float) and value.is_integer()
        if not (isinstance(value, int) or whole_text or whole_float):
            raise bad
        number = int(value)
        if number < 0:
            raise bad
        return number
    if unit == "codes":
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise bad
        return frozenset(value)
    if unit == "cefr":
        from kotopolku.common.choices import CefrLevel

        if value not in CefrLevel.values:
            raise bad
        return value
    raise bad


def parse_draft(data: Any, book: RuleBook) -> tuple[str, list[DraftRow]]:
    """The title and typed rows of a draft `{"title": …, "rows": [{key, value,
    effective_from}]}`, checked against the keys and units of `book`. `DraftError` names the
    first problem."""
    if not isinstance(data, dict):
        raise DraftError("the draft must be a JSON object with 'title' and 'rows'")
    title = data.get("title") or ""
    if not isinstance(title, str):
        raise DraftError("title: must be a string")
    rows = data.get("rows")
    if not isinstance(rows, list):
        raise DraftError("rows: must be a list")
    known = set(book.keys())
    out = []
    for n, row in enumerate(rows, start=1):
        where = f"rows[{n}]"
        if not isinstance(row, dict):
            raise DraftError(f"{where}: must be an object with key, value and effective_from")
        for field in ("key", "value", "effective_from"):
            if field not in row:
                raise DraftError(f"{where}: {field} is missing")
        key = row["key"]
        if not isinstance(key, str) or key not in known:
            raise DraftError(f"{where}: unknown rule key {key!r}")
        unit = book.rule_rows(key)[0].unit
        out.append(
            DraftRow(
                key=key,
                value=_typed_draft_value(row["value"], unit, what=f"{where}: value"),
                effective_from=parse_day(row["effective_from"], what=f"{where}: effective_from"),
            )
        )
    return title, out


# ---------------------------------------------------------------- per-request scope

_scope: ContextVar[RuleBook | None] = ContextVar("kotopolku_rule_book", default=None)


@contextmanager
def book_scope(book: RuleBook | None = None) -> Iterator[RuleBook]:
    """Within the block, `RuleBook.load()` answers with one book (read lazily, once)."""
    scoped = book if book is not None else RuleBook()
    token = _scope.set(scoped)
    try:
        yield scoped
    finally:
        _scope.reset(token)


def open_request_scope(**_: Any) -> None:
    _scope.set(RuleBook(live=True))


def close_request_scope(**_: Any) -> None:
    _scope.set(None)


def rule_table_changed(**_: Any) -> None:
    """A write to the rule table: the scope's book (if any) is read again when next used (the
    stamp the triggers changed tells the live book to read the rows again)."""
    if _scope.get() is not None:
        _scope.set(RuleBook(live=True))


# ---------------------------------------------------------------- across requests


@dataclass(frozen=True)
class _Kept:
    database: str
    stamp: int
    book: RuleBook


_kept: _Kept | None = None

# One statement, so the stamp and the rows come from one snapshot: the stamp's row, and the rule
# rows only when the stamp is not the kept one (%s; NULL when none is kept). The value as JSON
# text on both databases (PostgreSQL's jsonb cast, SQLite's text as stored).
_LIVE_SQL = (
    "SELECT 0, stamp, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL "
    "FROM rules_ruletablestamp WHERE id = 1 "
    "UNION ALL "
    'SELECT 1, NULL, "key", code, {value}, unit, effective_from, effective_to, source, '
    "confidence, description FROM rules_statutoryrule WHERE NOT EXISTS "
    "(SELECT 1 FROM rules_ruletablestamp WHERE id = 1 AND stamp = %s)"
)


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def live_book() -> RuleBook:
    """The live rule table's book, kept in this process while the table's stamp is the one it
    was read with (one query either way). A table without a stamp (emptied by a flush) is read
    afresh every time and not kept."""
    global _kept
    from django.db import connection

    database = str(connection.settings_dict.get("NAME"))
    kept = _kept if _kept is not None and _kept.database == database else None
    value = "CAST(value AS text)" if connection.vendor == "postgresql" else "value"
    with connection.cursor() as cursor:
        cursor.execute(_LIVE_SQL.format(value=value), [kept.stamp if kept else None])
        result = cursor.fetchall()
    stamp = next((r[1] for r in result if r[0] == 0), None)
    if kept is not None and stamp == kept.stamp:
        return kept.book
    book = RuleBook(
        RuleRow(
            key=key,
            code=code,
            value=typed(json.loads(raw), unit),
            unit=unit,
            effective_from=_day(start),  # type: ignore[arg-type]
            effective_to=_day(end),
            source=source,
            confidence=confidence,
            description=description,
        )
        for _kind, _stamp, key, code, raw, unit, start, end, source, confidence, description in (
            r for r in result if r[0] == 1
        )
    )
    if stamp is not None:
        _kept = _Kept(database, stamp, book)
    return book


def forget_live_book() -> None:
    """Drop the kept book (tests; the stamp makes it unnecessary otherwise)."""
    global _kept
    _kept = None


def current_book() -> RuleBook:
    return RuleBook.load()
