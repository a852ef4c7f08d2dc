"""What-if: a draft of rule rows compared with the live rule table (docs/data-formats.md
`rules_whatif`).

The draft is applied in memory (`RuleBook.with_draft`); nothing is written to the rule table.
This module compares two results that the domain functions computed under the two books: the
compensation forecasts (per person and in total) and the client deadlines (field by field). It
takes those results as arguments, so the rule layer calls no domain app; the command and a
later page wire in `compensation.selectors.forecast` and `casework.selectors.deadlines`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kotopolku.common.exports import csv_bytes, sheet_append

ZERO = Decimal("0.00")
FORMATS = ("json", "csv", "xlsx")
DEADLINE_FIELDS = ("max_plan_end", "plan_window_end", "problems", "referral_due", "review_due")


def _money(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):.2f}"


@dataclass(frozen=True)
class PersonDelta:
    external_id: str
    current: Decimal
    draft: Decimal

    @property
    def delta(self) -> Decimal:
        return self.draft - self.current


@dataclass(frozen=True)
class DeadlineDelta:
    external_id: str
    field: str
    current: str | None
    draft: str | None


@dataclass
class Preview:
    municipality: str
    year: int
    on: date
    title: str
    current_total: Decimal = ZERO
    draft_total: Decimal = ZERO
    persons: list[PersonDelta] = field(default_factory=list)
    deadlines: list[DeadlineDelta] = field(default_factory=list)

    @property
    def delta(self) -> Decimal:
        return self.draft_total - self.current_total

    def as_data(self) -> dict[str, Any]:
        """docs/data-formats.md `rules_whatif`, field for field."""
        return {
            "municipality": self.municipality,
            "year": self.year,
            "on": self.on.isoformat(),
            "title": self.title,
            "current": {"total": _money(self.current_total)},
            "draft": {"total": _money(self.draft_total)},
            "delta": _money(self.delta),
            "persons": [
                {
                    "external_id": p.external_id,
                    "current": _money(p.current),
                    "draft": _money(p.draft),
                    "delta": _money(p.delta),
                }
                for p in self.persons
            ],
            "deadlines": [
                {
                    "external_id": d.external_id,
                    "field": d.field,
                    "current": d.current,
                    "draft": d.draft,
                }
                for d in self.deadlines
            ],
        }


def person_totals(forecast: Any) -> dict[str, Decimal]:
    """External id → total of a forecast (persons with no counted month are absent: zero)."""
    return {p.external_id: p.total for p in forecast.persons}


def compare_forecasts(current: Any, draft: Any) -> tuple[Decimal, Decimal, list[PersonDelta]]:
    """The two totals and the persons whose totals differ, sorted by external id."""
    now, then = person_totals(current), person_totals(draft)
    persons = [
        PersonDelta(eid, now.get(eid, ZERO), then.get(eid, ZERO))
        for eid in sorted(set(now) | set(then))
        if now.get(eid, ZERO) != then.get(eid, ZERO)
    ]
    return current.total, draft.total, persons


def deadline_fields(deadlines: Any) -> dict[str, str | None]:
    """The compared fields of a `Deadlines`: ISO dates (or None) and the problem codes joined
    with commas."""

    def iso(day: date | None) -> str | None:
        return day.isoformat() if day else None

    return {
        "plan_window_end": iso(deadlines.plan_window_end),
        "max_plan_end": iso(deadlines.max_plan_end),
        "referral_due": iso(deadlines.referral_due),
        "review_due": iso(deadlines.review_due),
        "problems": ",".join(p.code for p in deadlines.problems),
    }


def compare_deadlines(pairs: Iterable[tuple[str, Any, Any]]) -> list[DeadlineDelta]:
    """(external id, current deadlines, draft deadlines) → the differing fields, sorted by
    external id then field."""
    out = []
    for external_id, current, draft in pairs:
        now, then = deadline_fields(current), deadline_fields(draft)
        for name in DEADLINE_FIELDS:
            if now[name] != then[name]:
                out.append(DeadlineDelta(external_id, name, now[name], then[name]))
    out.sort(key=lambda d: (d.external_id, d.field))
    return out


def preview(
    *,
    municipality: str,
    year: int,
    on: date,
    title: str,
    forecasts: tuple[Any, Any],
    deadline_pairs: Iterable[tuple[str, Any, Any]],
) -> Preview:
    current_total, draft_total, persons = compare_forecasts(*forecasts)
    return Preview(
        municipality=municipality,
        year=year,
        on=on,
        title=title,
        current_total=current_total,
        draft_total=draft_total,
        persons=persons,
        deadlines=compare_deadlines(deadline_pairs),
    )


# ---------------------------------------------------------------- file formats

CSV_COLUMNS = ["section", "external_id", "field", "current", "draft", "delta"]


def _rows(p: Preview) -> Iterable[list[Any]]:
    yield ["total", "", "total", p.current_total, p.draft_total, p.delta]
    for person in p.persons:
        yield ["person", person.external_id, "total", person.current, person.draft, person.delta]
    for d in p.deadlines:
        yield ["deadline", d.external_id, d.field, d.current or "", d.draft or "", ""]


def to_csv(p: Preview) -> bytes:
    """One table: the totals, the persons whose totals differ, the deadlines that differ."""
    return csv_bytes(CSV_COLUMNS, _rows(p))


def to_xlsx(p: Preview) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    summary.title = "summary"
    for label, value in (
        ("municipality", p.municipality),
        ("year", p.year),
        ("on", p.on.isoformat()),
        ("title", p.title),
        ("current", p.current_total),
        ("draft", p.draft_total),
        ("delta", p.delta),
    ):
        sheet_append(summary, [label, value])
    persons = book.create_sheet("persons")
    sheet_append(persons, ["external_id", "current", "draft", "delta"])
    for person in p.persons:
        sheet_append(persons, [person.external_id, person.current, person.draft, person.delta])
    deadlines = book.create_sheet("deadlines")
    sheet_append(deadlines, ["external_id", "field", "current", "draft"])
    for d in p.deadlines:
        sheet_append(deadlines, [d.external_id, d.field, d.current, d.draft])
    for sheet in (summary, persons, deadlines):
        sheet.column_dimensions["A"].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(p: Preview, fmt: str) -> bytes:
    if fmt == "json":
        return (json.dumps(p.as_data(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt == "csv":
        return to_csv(p)
    if fmt == "xlsx":
        return to_xlsx(p)
    raise ValueError(f"unknown format {fmt!r}")


def load_draft_json(text: str | bytes) -> Mapping[str, Any]:
    """The parsed draft file; `ValueError` with a one-line message when it is not JSON."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"the draft is not valid JSON: {exc}") from exc
    return data
