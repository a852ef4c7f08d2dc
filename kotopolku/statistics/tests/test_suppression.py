"""Small-cell protection: no shown figure rests on fewer than N persons, and no suppressed
count can be worked out from the shown figures and the totals."""

import csv
import io
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from kotopolku.rules.models import StatutoryRule
from kotopolku.statistics import reports, selectors
from kotopolku.statistics.filters import Filters, Period
from kotopolku.statistics.suppression import _relations, small_cell_minimum, suppress
from kotopolku.statistics.tables import COUNT, MEDIAN, RATE, Cell, Column, Row, StatTable
from kotopolku.statistics.tests.factories import build_year

MIN = 5


def count_table(grid: list[list[int]], *, row_sums: bool = True) -> StatTable:
    """Rows of category counts with a "whole" column (their sum) and a total row."""
    width = len(grid[0])
    columns = [Column(f"c{j}", f"c{j}") for j in range(width)] + [Column("whole", "whole")]

    def row(key, values):
        cells = {f"c{j}": Cell(v, v) for j, v in enumerate(values)}
        cells["whole"] = Cell(sum(values), sum(values))
        return Row(key, key, cells)

    totals = [sum(r[j] for r in grid) for j in range(width)]
    return StatTable(
        key="t",
        title="t",
        description="",
        columns=columns,
        rows=[row(f"r{i}", values) for i, values in enumerate(grid)],
        total=row("total", totals),
        row_sums=[(tuple(f"c{j}" for j in range(width)), "whole")] if row_sums else [],
    )


def recoverable(table: StatTable) -> list:
    """The suppressed counts that the shown counts determine through the table's sums
    (exact linear algebra over the rationals, independent of the implementation's)."""
    rows = table.all_rows()
    hidden = [
        (i, k)
        for i, r in enumerate(rows)
        for k, c in r.cells.items()
        if c.suppressed and table.column(k).kind == COUNT
    ]
    relations = _relations(table)
    found = []
    for target in hidden:
        # Is e_target in the row space of the relations restricted to the hidden cells?
        index = {cell: n for n, cell in enumerate(hidden)}
        matrix = []
        for relation in relations:
            vector = [Fraction(0)] * len(hidden)
            for cell, coefficient in relation:
                if cell in index:
                    vector[index[cell]] += coefficient
            matrix.append(vector)
        unit = [Fraction(int(cell == target)) for cell in hidden]
        if rank(matrix + [unit]) == rank(matrix):
            found.append(target)
    return found


def rank(matrix) -> int:
    rows = [list(r) for r in matrix if any(r)]
    r = 0
    for column in range(len(rows[0]) if rows else 0):
        pivot = next((i for i in range(r, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        for i in range(len(rows)):
            if i != r and rows[i][column] != 0:
                factor = rows[i][column] / rows[r][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r], strict=True)]
        r += 1
    return r


def assert_protected(table: StatTable, minimum: int = MIN) -> None:
    for row in table.all_rows():
        for key, cell in row.cells.items():
            kind = table.column(key).kind
            if cell.suppressed or cell.value is None:
                continue
            if kind == COUNT:
                assert cell.persons == 0 or cell.persons >= minimum, (row.key, key, cell)
            if kind in (RATE, MEDIAN):
                assert cell.persons >= minimum, (row.key, key, cell)
    assert recoverable(table) == []


def test_a_small_cell_and_its_complement_are_hidden():
    table = suppress(count_table([[3, 10], [8, 12], [9, 20]]), minimum=MIN)
    cells = {(r.key, k): c.suppressed for r in table.all_rows() for k, c in r.cells.items()}
    assert cells[("r0", "c0")]  # 3 persons
    # Its row would give it away through r0's whole, its column through the total: two more.
    assert sum(cells[("r0", k)] for k in ("c1", "whole")) >= 1
    assert sum(cells[(r, "c0")] for r in ("r1", "r2", "total")) >= 1
    assert_protected(table)


def test_nothing_small_nothing_hidden():
    table = suppress(count_table([[5, 10], [8, 0]]), minimum=MIN)
    assert not any(c.suppressed for r in table.all_rows() for c in r.cells.values())


def test_without_complementary_suppression_the_cell_would_be_recoverable():
    raw = count_table([[3, 10], [8, 12]])
    primary_only = count_table([[3, 10], [8, 12]])
    primary_only.rows[0].cells["c0"].suppressed = True
    assert recoverable(primary_only) == [(0, "c0")]
    assert recoverable(suppress(raw, minimum=MIN)) == []


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=4),
        min_size=1,
        max_size=6,
    ).filter(lambda g: len({len(r) for r in g}) == 1),
    st.booleans(),
)
def test_hypothesis_no_shown_small_cell_and_nothing_recoverable(grid, row_sums):
    assert_protected(suppress(count_table(grid, row_sums=row_sums), minimum=MIN))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=40)),
        min_size=1,
        max_size=6,
    )
)
def test_hypothesis_rates_rest_on_enough_persons(pairs):
    columns = [
        Column("meets", "meets"),
        Column("all", "all"),
        Column("share", "share", RATE, "%", of=("meets", "all")),
    ]

    def row(key, meets, everyone):
        return Row(key, key, {"meets": Cell(meets, meets), "all": Cell(everyone, everyone)})

    rows = [row(f"r{i}", min(a, b), max(a, b)) for i, (a, b) in enumerate(pairs)]
    total = row("total", sum(min(a, b) for a, b in pairs), sum(max(a, b) for a, b in pairs))
    table = StatTable("t", "t", "", columns, rows, total)
    from kotopolku.statistics.tables import fill_rates

    fill_rates(table)
    protected = suppress(table, minimum=MIN)
    assert_protected(protected)
    for r in protected.all_rows():
        meets, everyone = r.cells["meets"], r.cells["all"]
        if not r.cells["share"].suppressed and everyone.value:
            # Neither those at the target nor the others are a small group.
            assert meets.value == 0 or meets.value >= MIN
            assert everyone.value - meets.value == 0 or everyone.value - meets.value >= MIN


@pytest.mark.django_db
def test_the_threshold_is_rule_data(demo):
    assert small_cell_minimum() == 5
    StatutoryRule.objects.filter(key="small_cell_min_persons").update(value=3)
    assert small_cell_minimum() == 3
    table = suppress(count_table([[3, 10], [8, 12]]))
    assert not table.rows[0].cells["c0"].suppressed


def test_every_viewer_visible_and_exported_figure_is_protected(year_data, client_for):
    """The hand-built year is small: most figures rest on fewer than five persons."""
    filters = Filters(Period.parse("2025"))
    for table in reports.dashboard_tables(filters, by="municipality"):
        assert table.suppressed_applied
        assert_protected(table)
    overview = reports.overview_table(filters)
    for row in overview.all_rows():
        for key, cell in row.cells.items():
            if not cell.suppressed and cell.value is not None:
                assert cell.persons == 0 or cell.persons >= MIN, (row.key, key)
    viewer = client_for("viewer")
    page = viewer.get("/statistics/?period=2025").content.decode()
    assert "x</td>" in page
    for key in ("new_clients", "orientation", "referrals", "guidance_contacts"):
        response = viewer.get(f"/statistics/export/{key}.csv?period=2025")
        assert response.status_code == 200
        # The viewer works in Finnish: the export is semicolon-separated, as Finnish Excel opens it.
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert rows[0][0]
        raw = getattr(selectors, key)(filters, by="municipality")
        for raw_row, shown in zip(raw.all_rows(), rows[1:], strict=False):
            for column, text in zip(raw.columns, shown[1:], strict=True):
                cell = raw_row.cells[column.key]
                if column.kind == COUNT and 0 < cell.persons < MIN:
                    assert text == "x", (key, raw_row.key, column.key)
        xlsx = viewer.get(f"/statistics/export/{key}.xlsx?period=2025")
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert [c.value for c in sheet[1]][0] == rows[0][0]
    # The headline figures in documents are suppressed too.
    figures = dict(reports.key_figures(filters))
    assert figures[selectors.INDICATORS["new_clients"].label] == "x"  # 2 new clients


@pytest.fixture
def year_data(demo):
    return build_year()
