"""CSV and XLSX output that spreadsheets cannot be tricked by (CSV/formula injection).

A text cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
spreadsheets skip before reading one of those) is turned into literal text by a leading
apostrophe, in CSV and in XLSX alike. Numbers, dates and None are written as they are, so a
negative number stays a number. Every CSV or XLSX export of the project should write through
`csv_bytes` / `xlsx_bytes`, or, for a sheet with its own layout, append its rows with
`sheet_append` (or at least pass each cell through `escape_formula`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: Any) -> Any:
    """The value, with text that a spreadsheet would read as a formula made literal."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _row(values: Iterable[Any]) -> list[Any]:
    return [escape_formula(v) for v in values]


def csv_bytes(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], *, delimiter: str = ","
) -> bytes:
    """UTF-8 with a BOM (so that spreadsheets detect it), CRLF line ends, every cell escaped."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(_row(str(h) for h in header))
    for row in rows:
        writer.writerow(_row(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def sheet_append(sheet: Any, values: Sequence[Any]) -> None:
    """Append one row to an openpyxl worksheet, escaped as `xlsx_bytes` does: for exports with
    their own layout (title rows, number formats, totals) that cannot be one plain table."""
    sheet.append(_row(values))
    if not values:
        return
    for cell in sheet[sheet.max_row]:
        # openpyxl reads a string that starts with "=" as a formula; after escaping none does,
        # but the type is fixed as well so that no text cell is ever written as a formula.
        if isinstance(cell.value, str):
            cell.data_type = "s"


def xlsx_bytes(
    sheets: Sequence[tuple[str, Sequence[Any], Iterable[Sequence[Any]]]],
) -> bytes:
    """A workbook of (title, header, rows) sheets; every text cell is stored as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for index, (title, header, rows) in enumerate(sheets, start=1):
        name = "".join(ch for ch in str(title) if ch not in "[]:*?/\\")[:31] or f"Sheet{index}"
        sheet = book.create_sheet(name)
        sheet_append(sheet, [str(h) for h in header])
        for cell in sheet[1]:
            cell.font = bold
        for row in rows:
            sheet_append(sheet, list(row))
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
