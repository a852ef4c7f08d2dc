"""The forecast of docs/domain.md C1–C6 for one municipality and year, and its file formats.

Every format (the page, the API, `compensation_forecast`, CSV and XLSX exports) is built from one
`Forecast`, which is built by calling `computation.compute_compensation` once per person.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from kotopolku.common.collector import collector_paused
from kotopolku.common.exports import csv_bytes, sheet_append
from kotopolku.compensation.computation import (
    AGE_BANDS,
    ZERO,
    Compensation,
    HomePeriod,
    RuleBook,
    RuleReader,
    compute_compensation,
    money,
    month_ends,
)

UNRESOLVED_NO_RULE = "no_rule_in_force"

CURRENCY = "EUR"
FORMATS = ("json", "csv", "xlsx")
CSV_COLUMNS = ["municipality", "year", "external_id", "month", "age_band", "amount"]


@dataclass(frozen=True)
class PersonInput:
    """What the computation needs of one client, read from the registry by the selector."""

    client_id: int
    external_id: str
    first_names: str
    last_name: str
    date_of_birth: date
    permit_basis: str
    home_periods: tuple[HomePeriod, ...]
    citizenship_date: date | None = None


@dataclass(frozen=True)
class Unresolved:
    """A person whose rule could not be read on its reference date (docs/data-formats.md)."""

    external_id: str
    reason: str
    date: date

    def as_data(self) -> dict[str, str]:
        return {
            "external_id": self.external_id,
            "reason": self.reason,
            "date": self.date.isoformat(),
        }


@dataclass(frozen=True)
class PersonForecast:
    person: PersonInput
    compensation: Compensation

    @property
    def external_id(self) -> str:
        return self.person.external_id

    @property
    def total(self) -> Decimal:
        return self.compensation.total


@dataclass
class Forecast:
    municipality: str
    year: int
    persons: list[PersonForecast] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        """C6: the sum over persons of each person's sum of rounded months."""
        return sum((p.total for p in self.persons), ZERO)

    def by_month(self) -> list[dict[str, Any]]:
        """Twelve rows, one per month, with the amount and head count per age band."""
        sums: dict[int, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(AGE_BANDS, ZERO))
        counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(AGE_BANDS, 0))
        for p in self.persons:
            for m in p.compensation.months:
                sums[m.month.month][m.age_band] += m.amount
                counts[m.month.month][m.age_band] += 1
        rows = []
        for number in range(1, 13):
            rows.append(
                {
                    "month": date(self.year, number, 1),
                    "label": f"{self.year}-{number:02d}",
                    "amounts": sums[number],
                    "persons": counts[number],
                    "total": sum(sums[number].values(), ZERO),
                    "head_count": sum(counts[number].values()),
                }
            )
        return rows

    def by_age_band(self) -> list[dict[str, Any]]:
        amounts = dict.fromkeys(AGE_BANDS, ZERO)
        months = dict.fromkeys(AGE_BANDS, 0)
        for p in self.persons:
            for m in p.compensation.months:
                amounts[m.age_band] += m.amount
                months[m.age_band] += 1
        return [{"age_band": b, "amount": amounts[b], "months": months[b]} for b in AGE_BANDS]

    def as_data(self) -> dict[str, Any]:
        """docs/data-formats.md `compensation_forecast`, field for field."""
        return {
            "municipality": self.municipality,
            "year": self.year,
            "currency": CURRENCY,
            "total": money(self.total),
            "persons": [
                {
                    "external_id": p.external_id,
                    "total": money(p.total),
                    "months": [
                        {"month": m.label, "age_band": m.age_band, "amount": money(m.amount)}
                        for m in p.compensation.months
                    ],
                }
                for p in self.persons
            ],
            "unresolved": [u.as_data() for u in self.unresolved],
        }


def build_forecast(
    *,
    municipality: str,
    year: int,
    people: Iterable[PersonInput],
    rules: RuleReader | None = None,
) -> Forecast:
    """Compute every person; keep those with a counted month, sorted by external id, and list
    those whose rule could not be read as unresolved (they count nothing)."""
    book = rules or RuleBook.load()
    months = month_ends(year, rules=book)  # once per run, with their rule reads
    persons = []
    unresolved = []
    with collector_paused():  # acyclic results (`common.collector`)
        for person in people:
            result = compute_compensation(
                permit_basis=person.permit_basis,
                date_of_birth=person.date_of_birth,
                home_periods=person.home_periods,
                year=year,
                municipality=municipality,
                rules=book,
                citizenship_date=person.citizenship_date,
                months=months,
            )
            if result.missing is not None:
                unresolved.append(
                    Unresolved(person.external_id, UNRESOLVED_NO_RULE, result.missing.on)
                )
            elif result.months:
                persons.append(PersonForecast(person=person, compensation=result))
    persons.sort(key=lambda p: p.external_id)
    unresolved.sort(key=lambda u: u.external_id)
    return Forecast(municipality=municipality, year=year, persons=persons, unresolved=unresolved)


# File formats --------------------------------------------------------------------------------


def to_json(forecast: Forecast) -> str:
    return json.dumps(forecast.as_data(), ensure_ascii=False, indent=2) + "\n"


def _rows(forecast: Forecast) -> Iterable[list[Any]]:
    for p in forecast.persons:
        for m in p.compensation.months:
            yield [
                forecast.municipality,
                forecast.year,
                p.external_id,
                m.label,
                m.age_band,
                m.amount,
            ]


def to_csv(forecast: Forecast) -> bytes:
    """One row per person and counted month; UTF-8 with BOM so that spreadsheets read it, and
    formula-safe (`common.exports`)."""
    return csv_bytes(CSV_COLUMNS, ([*row[:5], money(row[5])] for row in _rows(forecast)))


def to_xlsx(forecast: Forecast) -> bytes:
    """Two sheets: the month rows (as in CSV) and one total per person, with the grand total."""
    from openpyxl import Workbook

    book = Workbook()
    months = book.active
    months.title = "months"
    sheet_append(months, CSV_COLUMNS)
    for row in _rows(forecast):
        sheet_append(months, row)
        months.cell(row=months.max_row, column=6).number_format = "0.00"
    persons = book.create_sheet("persons")
    sheet_append(persons, ["external_id", "months", "total"])
    for p in forecast.persons:
        sheet_append(persons, [p.external_id, len(p.compensation.months), p.total])
        persons.cell(row=persons.max_row, column=3).number_format = "0.00"
    sheet_append(persons, ["total", "", forecast.total])
    persons.cell(row=persons.max_row, column=3).number_format = "0.00"
    unresolved = book.create_sheet("unresolved")
    sheet_append(unresolved, ["external_id", "reason", "date"])
    for u in forecast.unresolved:
        sheet_append(unresolved, [u.external_id, u.reason, u.date.isoformat()])
    for sheet in (months, persons, unresolved):
        sheet.freeze_panes = "A2"
        sheet.column_dimensions["A"].width = 16
        sheet.column_dimensions["C"].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render(forecast: Forecast, fmt: str) -> bytes:
    if fmt == "json":
        return to_json(forecast).encode("utf-8")
    if fmt == "csv":
        return to_csv(forecast)
    if fmt == "xlsx":
        return to_xlsx(forecast)
    raise ValueError(f"unknown format {fmt!r}")
