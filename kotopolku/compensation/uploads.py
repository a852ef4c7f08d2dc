"""Checks on uploaded files: size, and content that agrees with the claimed type.

Whether the content is what the name says is decided by `kotopolku.common.uploads` (the one
check every upload in the project goes through); this module adds the size limits and parses
payment lists. Limits are operational, not statutory, so they live here.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kotopolku.common.uploads import check_upload_bytes

PAYMENT_LIST_MAX_BYTES = 5 * 1024 * 1024
PAYMENT_LIST_MAX_ROWS = 20_000
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

ATTACHMENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
PAYMENT_LIST_TYPES = frozenset({"csv", "xlsx"})


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):.0f}"


def check_size(content: bytes, limit: int) -> None:
    if not content:
        raise ValidationError(_("The file is empty."), code="empty")
    if len(content) > limit:
        raise ValidationError(
            _("The file is too large. The largest allowed size is %(mb)s MB.")
            % {"mb": _megabytes(limit)},
            code="too_large",
        )


def attachment_type(file_name: str, content: bytes) -> str:
    """The MIME type of a PDF, PNG or JPEG whose content agrees with its name."""
    check_size(content, ATTACHMENT_MAX_BYTES)
    return ATTACHMENT_TYPES[check_upload_bytes(file_name, content, allowed=ATTACHMENT_TYPES)]


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line number in the file, header → text)


def normalise_header(text: str) -> str:
    return " ".join(str(text or "").split()).casefold()


def read_table(file_name: str, content: bytes) -> Table:
    """A CSV (UTF-8, comma or semicolon) or XLSX file as header → text rows."""
    check_size(content, PAYMENT_LIST_MAX_BYTES)
    kind = check_upload_bytes(file_name, content, allowed=PAYMENT_LIST_TYPES)
    table = _read_xlsx(content) if kind == "xlsx" else _read_csv(content)
    if not table.headers:
        raise ValidationError(_("The file has no header row."), code="no_header")
    if len(table.rows) > PAYMENT_LIST_MAX_ROWS:
        raise ValidationError(
            _("The file has more than %(rows)s rows.") % {"rows": PAYMENT_LIST_MAX_ROWS},
            code="too_many_rows",
        )
    return table


def _read_csv(content: bytes) -> Table:
    not_text = ValidationError(
        _("The file is not a UTF-8 CSV file. Save it as CSV (UTF-8) and try again."),
        code="wrong_type",
    )
    if b"\x00" in content or content.startswith(b"PK\x03\x04"):
        raise not_text
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise not_text from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise not_text from exc
    if not records:
        return Table(headers=[], rows=[])
    headers = [h.strip() for h in records[0]]
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        rows.append(
            (
                number,
                {h: (record[i].strip() if i < len(record) else "") for i, h in enumerate(headers)},
            )
        )
    return Table(headers=headers, rows=rows)


def _cell_text(value) -> str:
    from datetime import date, datetime

    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def _read_xlsx(content: bytes) -> Table:
    wrong = ValidationError(_("The file is not a valid XLSX workbook."), code="wrong_type")
    if not content.startswith(b"PK\x03\x04"):
        raise wrong
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise wrong
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise wrong from exc
    sheet = book.worksheets[0]
    records = sheet.iter_rows(values_only=True)
    header_row = next(records, None)
    if header_row is None:
        return Table(headers=[], rows=[])
    headers = [_cell_text(h) for h in header_row]
    rows = []
    for number, record in enumerate(records, start=2):
        cells = [_cell_text(v) for v in record]
        if not any(cells):
            continue
        rows.append(
            (number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers) if h})
        )
        if len(rows) > PAYMENT_LIST_MAX_ROWS:
            break
    book.close()
    return Table(headers=[h for h in headers if h], rows=rows)
