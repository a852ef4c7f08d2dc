"""Dashboards, exports and documents built from the indicator tables.

This is the personal-data boundary: `protected` decides, through `access/statistics.py`,
whether a table may be shown raw; everything that is exported or rendered as a document is
suppressed regardless.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from kotopolku.common.exports import csv_bytes, xlsx_bytes
from kotopolku.documents.charts import bar_chart
from kotopolku.documents.model import Chart, Document, Paragraph, Section, Table
from kotopolku.statistics import selectors, summaries
from kotopolku.statistics.filters import Filters, Period
from kotopolku.statistics.suppression import small_cell_minimum, suppress
from kotopolku.statistics.tables import StatTable, display


@dataclass
class ChartView:
    svg: str
    title: str
    description: str


def chart_for(table: StatTable) -> ChartView | None:
    """A bar chart of the table's chart column, over its rows; hidden figures are left out
    (the table beside it marks them)."""
    if not table.chart_column or not table.rows:
        return None
    column = table.column(table.chart_column)
    labels: list[str] = []
    values: list[Decimal | float] = []
    for row in table.rows:
        cell = row.cells.get(column.key)
        if cell is None or cell.value is None or cell.suppressed:
            continue
        labels.append(str(row.label)[:14])
        values.append(Decimal(str(cell.value)))
    if not values:
        return None
    # "New clients: new clients" says nothing twice: name the column only when it adds something.
    same = str(column.label).casefold() == str(table.title).casefold()
    title = str(table.title) if same else f"{table.title}: {column.label}"
    description = _(
        "The chart shows %(column)s. Figures hidden by the small-cell protection are not drawn."
    ) % {"column": column.label}
    return ChartView(
        bar_chart(title=title, labels=labels, values=values, unit=str(column.unit)),
        title,
        str(table.description) + " " + description,
    )


def protect(table: StatTable, *, raw_allowed: bool = False, minimum: int | None = None):
    return table if raw_allowed else suppress(table, minimum=minimum)


def dashboard_view(
    filters: Filters, *, by: str, raw_allowed: bool = False, accept_stale: bool = True
) -> tuple[list[StatTable], summaries.SummaryState]:
    """The dashboard's tables from the summary table (`statistics.summaries`), suppressed here
    from the stored raw figures unless `raw_allowed`, and when they were computed."""
    minimum = None if raw_allowed else small_cell_minimum(filters.period.end)
    return summaries.tables(
        filters, summaries.dashboard_wanted(by), accept_stale=accept_stale, minimum=minimum
    )


def dashboard_tables(
    filters: Filters, *, by: str, raw_allowed: bool = False, accept_stale: bool = False
) -> list[StatTable]:
    return dashboard_view(filters, by=by, raw_allowed=raw_allowed, accept_stale=accept_stale)[0]


def overview_view(
    filters: Filters, *, raw_allowed: bool = False, accept_stale: bool = True
) -> tuple[StatTable, summaries.SummaryState]:
    """The regional overview; its source tables are suppressed (unless `raw_allowed`) before
    their cells are copied side by side."""
    wanted = summaries.overview_wanted()
    minimum = None if raw_allowed else small_cell_minimum(filters.period.end)
    tables, state = summaries.tables(filters, wanted, accept_stale=accept_stale, minimum=minimum)
    sources = {function: table for (function, _by), table in zip(wanted, tables, strict=True)}
    return selectors.regional_overview(filters, sources=sources), state


def overview_table(
    filters: Filters, *, raw_allowed: bool = False, accept_stale: bool = False
) -> StatTable:
    return overview_view(filters, raw_allowed=raw_allowed, accept_stale=accept_stale)[0]


def table_matrix(table: StatTable) -> tuple[list[str], list[list[str]]]:
    """Header and rows as text, suppressed cells as "x"."""
    header = [str(_("Group"))] + [
        f"{c.label} ({c.unit})" if c.unit else str(c.label) for c in table.columns
    ]
    rows = [
        [str(row.label)] + [display(row.cells.get(c.key), c) for c in table.columns]
        for row in table.all_rows()
    ]
    return header, rows


def export_table(table: StatTable, fmt: str, *, delimiter: str = ",") -> bytes:
    """CSV or XLSX of an (already suppressed) table; refuses a raw table. `delimiter` is the
    CSV separator (a semicolon for Finnish and Swedish Excel, whose decimal mark is a comma)."""
    if not table.suppressed_applied:
        raise ValueError("exports carry suppressed figures only")
    header, rows = table_matrix(table)
    if fmt == "csv":
        return csv_bytes(header, rows, delimiter=delimiter)
    if fmt == "xlsx":
        return xlsx_bytes([(str(table.title), header, rows)])
    raise ValueError(fmt)


def dashboard_document(
    filters: Filters, *, by: str, language: str, filter_summary: list[tuple[str, str]]
) -> Document:
    """The dashboard as a document (PDF/HTML), always suppressed; the same charts as the page."""
    tables = [overview_table(filters), *dashboard_tables(filters, by=by)]
    sections = []
    for table in tables:
        header, rows = table_matrix(table)
        blocks: list[Any] = [Paragraph(str(table.description))]
        chart = chart_for(table)
        data = Table(header, rows, caption=str(table.title))
        if chart:
            blocks.append(Paragraph(chart.description, style="note"))
            blocks.append(Chart(chart.svg, chart.title, data))
        else:
            blocks.append(data)
        sections.append(Section(str(table.title), blocks))
    minimum = small_cell_minimum(filters.period.end)
    notice = _(
        "Figures resting on fewer than %(n)s persons, and the figures from which they could be "
        "worked out, are shown as x."
    ) % {"n": minimum}
    sections.insert(0, Section(_("About these figures"), [Paragraph(notice)]))
    return Document(
        title=_("Integration work statistics"),
        language=language,
        subtitle=filters.period.label,
        header=_("Integration work statistics"),
        contents_title=_("Contents"),
        page_label=_("Page"),
        sections=sections,
        meta=filter_summary,
    )


def key_figures(filters: Filters) -> list[tuple[Any, str]]:
    """The headline figure of every indicator, suppressed: (label, "value unit") pairs, with
    "x" for a hidden figure and "–" for none. For documents such as the annual report."""
    minimum = small_cell_minimum(filters.period.end)
    wanted = summaries.headline_wanted()
    protected, _state = summaries.tables(filters, wanted, accept_stale=False, minimum=minimum)
    tables = {function: table for (function, _by), table in zip(wanted, protected, strict=True)}
    figures = []
    for spec in selectors.INDICATORS.values():
        table = tables[spec.table]
        column = table.column(spec.column)
        text = display(table.headline(spec.column), column)
        if spec.unit and text not in ("x", "–"):
            text = f"{text} {spec.unit}"
        figures.append((spec.label, text))
    return figures


def report_key_figures(*, year: int) -> list[tuple[Any, str]]:
    return key_figures(Filters(Period.year(year)))
