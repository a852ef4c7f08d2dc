"""Checks on uploaded files: size, and content that agrees with the claimed type.

Whether the content is what the name says is decided by `kotopolku.common.uploads` (the one
check every upload in the project goes through); this module adds the size limits and parses
payment lists. Limits are operational, not statutory, so they live here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kotopolku.common.uploads import check_upload_bytes, spreadsheet_rows

PAYMENT_LIST_MAX_BYTES = 5 * 1024 * 1024
PAYMENT_LIST_MAX_ROWS = 20_000
PAYMENT_LIST_MAX_COLUMNS = 100
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
    """A CSV (UTF-8 with or without BOM, or Windows-1252; comma or semicolon) or XLSX file as
    header → text rows, read within the row and column limits (`common.uploads`)."""
    check_size(content, PAYMENT_LIST_MAX_BYTES)
    kind = check_upload_bytes(file_name, content, allowed=PAYMENT_LIST_TYPES)
    records = spreadsheet_rows(
        kind, content, max_rows=PAYMENT_LIST_MAX_ROWS, max_columns=PAYMENT_LIST_MAX_COLUMNS
    )
    if not records:
        raise ValidationError(_("The file has no header row."), code="no_header")
    headers = [_cell_text(h) for h in records[0]]
    if not any(headers):
        raise ValidationError(_("The file has no header row."), code="no_header")
    rows = []
    for number, record in enumerate(records[1:], start=2):
        cells = [_cell_text(v) for v in record]
        if not any(cells):
            continue
        rows.append(
            (number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers) if h})
        )
    return Table(headers=[h for h in headers if h], rows=rows)


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
