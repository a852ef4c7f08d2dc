"""Small-cell protection: the one function that every figure leaving the personal-data boundary
passes through (viewer dashboards, exports, public pages and documents).

- Primary suppression: a count resting on 1 to N−1 persons, a median of fewer than N persons,
  and a count whose complement within a rate (denominator − numerator) is 1 to N−1 persons.
  N is rule data: `small_cell_min_persons` (S1).
- Complementary suppression: the rows of a table add up to its total row, and some columns add
  up to another column. A suppressed count must not be recoverable from those sums, so more
  cells are suppressed until no suppressed count is determined by the linear system of the
  shown figures (checked exactly, with fractions).
- Derived figures: a rate is hidden when its numerator or denominator is, or when the
  denominator is below N.
Zeros rest on nobody and stay shown.
"""

from __future__ import annotations

import copy
from datetime import date
from fractions import Fraction

from django.utils import timezone

from kotopolku.rules.selectors import rule_value
from kotopolku.statistics.tables import COUNT, MEDIAN, RATE, Cell, StatTable

CellId = tuple[int, str]  # (row index in all_rows(), column key)


def small_cell_minimum(on: date | None = None) -> int:
    return int(rule_value("small_cell_min_persons", on=on or timezone.localdate()))


def _relations(table: StatTable) -> list[list[tuple[CellId, int]]]:
    rows = table.all_rows()
    relations: list[list[tuple[CellId, int]]] = []
    counts = [c.key for c in table.columns if c.kind == COUNT]
    if table.total is not None:
        total_index = len(rows) - 1
        for key in counts:
            relation = [((i, key), 1) for i in range(len(table.rows))]
            relation.append(((total_index, key), -1))
            relations.append(relation)
    for parts, whole in table.row_sums:
        for i in range(len(rows)):
            relations.append([*(((i, p), 1) for p in parts), ((i, whole), -1)])
    return relations


def _determined(suppressed: list[CellId], relations) -> set[CellId]:
    """The suppressed cells whose value follows from the shown cells through the relations."""
    index = {cell: n for n, cell in enumerate(suppressed)}
    matrix = []
    for relation in relations:
        row = [Fraction(0)] * len(suppressed)
        for cell, coefficient in relation:
            if cell in index:
                row[index[cell]] += coefficient
        if any(row):
            matrix.append(row)
    # Reduced row echelon form.
    pivots: list[int] = []
    rank = 0
    for column in range(len(suppressed)):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        lead = matrix[rank][column]
        matrix[rank] = [v / lead for v in matrix[rank]]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column] != 0:
                factor = matrix[r][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        pivots.append(column)
        rank += 1
    free = set(range(len(suppressed))) - set(pivots)
    determined = set()
    for r, column in enumerate(pivots):
        if not any(matrix[r][f] != 0 for f in free):
            determined.add(suppressed[column])
    return determined


def suppress(table: StatTable, *, minimum: int | None = None) -> StatTable:
    """A copy of `table` with small cells and their complements marked suppressed."""
    minimum = small_cell_minimum() if minimum is None else minimum
    result = copy.deepcopy(table)
    rows = result.all_rows()
    kinds = {c.key: c for c in result.columns}

    def cell(cid: CellId) -> Cell:
        return rows[cid[0]].cells[cid[1]]

    # Primary suppression.
    for row in rows:
        for key, c in row.cells.items():
            kind = kinds[key].kind
            if (kind == COUNT and 0 < c.persons < minimum) or (
                kind == MEDIAN and c.value is not None and c.persons < minimum
            ):
                c.suppressed = True
        for column in result.columns:
            if column.kind == RATE and column.of:
                num, den = row.cells[column.of[0]], row.cells[column.of[1]]
                if 0 < int(den.value or 0) - int(num.value or 0) < minimum:
                    num.suppressed = True

    # Complementary suppression.
    relations = _relations(result)
    total_index = len(rows) - 1 if result.total is not None else -1
    while True:
        hidden = [
            (i, key)
            for i, row in enumerate(rows)
            for key, c in row.cells.items()
            if kinds[key].kind == COUNT and c.suppressed
        ]
        if not hidden:
            break
        determined = _determined(hidden, relations)
        if not determined:
            break
        target = min(determined)
        touching = [r for r in relations if any(cid == target for cid, _ in r)]
        candidates = {cid for r in touching for cid, _ in r if not cell(cid).suppressed}
        if not candidates:
            candidates = {cid for r in relations for cid, _ in r if not cell(cid).suppressed}
        if not candidates:
            break

        def preference(cid: CellId) -> tuple:
            value = int(cell(cid).value or 0)
            return (value == 0, cid[0] == total_index, value, cid)

        cell(min(candidates, key=preference)).suppressed = True

    # Derived figures.
    for row in rows:
        for column in result.columns:
            if column.kind == RATE and column.of:
                num, den = row.cells[column.of[0]], row.cells[column.of[1]]
                rate_cell = row.cells[column.key]
                if num.suppressed or den.suppressed or 0 < den.persons < minimum:
                    rate_cell.suppressed = True
    result.suppressed_applied = True
    return result
