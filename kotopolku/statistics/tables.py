"""The shape every indicator returns: a small table of cells that know how many persons each
figure rests on, so that `suppression.suppress` can protect them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

COUNT = "count"
RATE = "rate"  # a percentage of two count columns of the same row
MEDIAN = "median"


@dataclass
class Column:
    key: str
    label: Any
    kind: str = COUNT
    unit: Any = ""
    # For RATE: the keys of the numerator and denominator columns.
    of: tuple[str, str] | None = None


@dataclass
class Cell:
    value: int | float | Decimal | None
    persons: int
    suppressed: bool = False

    @property
    def shown(self) -> bool:
        return not self.suppressed


@dataclass
class Row:
    key: str
    label: Any
    cells: dict[str, Cell]


@dataclass
class StatTable:
    key: str
    title: Any
    description: Any
    columns: list[Column]
    rows: list[Row]
    total: Row | None = None
    # Column keys whose row cells add up to another column of the row: (parts, whole).
    row_sums: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    # False when a person may appear in more than one row (the rows then do not add up).
    rows_disjoint: bool = True
    suppressed_applied: bool = False
    chart_column: str = ""

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def all_rows(self) -> list[Row]:
        return [*self.rows, *([self.total] if self.total else [])]

    def headline(self, column: str) -> Cell | None:
        return self.total.cells.get(column) if self.total else None


def rate(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def median_value(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def fill_rates(table: StatTable) -> None:
    """Compute every RATE cell from its numerator and denominator cells."""
    for row in table.all_rows():
        for column in table.columns:
            if column.kind == RATE and column.of:
                num, den = row.cells[column.of[0]], row.cells[column.of[1]]
                row.cells[column.key] = Cell(
                    rate(int(num.value or 0), int(den.value or 0)), int(den.persons)
                )


def display(cell: Cell | None, column: Column) -> str:
    """The text of a cell: "–" for no value, "x" for a suppressed figure."""
    if cell is None or cell.value is None:
        return "–"
    if cell.suppressed:
        return "x"
    value = cell.value
    if isinstance(value, Decimal):
        text = f"{value:f}"
    elif isinstance(value, float):
        text = f"{value:.1f}"
    else:
        text = str(value)
    return text
