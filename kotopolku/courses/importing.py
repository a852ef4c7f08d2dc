"""Reading a provider's attendance spreadsheet (CSV or XLSX).

Columns (one header row, any order): `course_code`, `external_id` or `enrolment_id`,
`session_date` (YYYY-MM-DD or D.M.YYYY) and `hours` (a comma or a point as the decimal sign).
CSV is UTF-8 with or without BOM or Windows-1252, comma or semicolon separated. Files are read
within MAX_ROWS and MAX_COLUMNS (`common.uploads.spreadsheet_rows`). Finnish headers
(`kurssikoodi`, `asiakasnumero`, `ilmoittautuminen`, `päivä`, `tunnit`) work too.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from kotopolku.common.uploads import UploadRejected, spreadsheet_rows
from kotopolku.courses.services import AttendanceError, ImportRow

MAX_ROWS = 20_000
MAX_COLUMNS = 50
HEADERS = {
    "course_code": "course_code",
    "course": "course_code",
    "kurssikoodi": "course_code",
    "external_id": "external_id",
    "asiakasnumero": "external_id",
    "enrolment_id": "enrolment_id",
    "enrollment_id": "enrolment_id",
    "ilmoittautuminen": "enrolment_id",
    "session_date": "session_date",
    "date": "session_date",
    "päivä": "session_date",
    "paiva": "session_date",
    "hours": "hours",
    "tunnit": "hours",
}
_FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


class FileUnreadable(ValueError):
    pass


def parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    match = _FINNISH_DATE.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        return None


def _cells(name: str, content: bytes) -> list[list[Any]]:
    suffix = name.lower().rsplit(".", 1)[-1]
    kind = suffix if suffix in {"csv", "xlsx"} else ""
    if not kind:
        raise FileUnreadable(_("Upload a .csv or .xlsx file."))
    try:
        return spreadsheet_rows(kind, content, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS)
    except UploadRejected as exc:
        raise FileUnreadable(" ".join(exc.messages)) from exc


def read_attendance(name: str, content: bytes) -> tuple[list[ImportRow], list[AttendanceError]]:
    """Rows and format errors, each error on its line (the header is line 1)."""
    cells = _cells(name, content)
    while cells and not any(str(c or "").strip() for c in cells[-1]):
        cells.pop()
    if not cells:
        raise FileUnreadable(_("The file is empty."))
    header = [HEADERS.get(str(c or "").strip().lower()) for c in cells[0]]
    missing = [h for h in ("course_code", "session_date", "hours") if h not in header]
    if "external_id" not in header and "enrolment_id" not in header:
        missing.append("external_id / enrolment_id")
    if missing:
        raise FileUnreadable(
            _("The header row lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    if len(cells) - 1 > MAX_ROWS:
        raise FileUnreadable(_("At most %(n)s rows at a time.") % {"n": MAX_ROWS})
    rows: list[ImportRow] = []
    errors: list[AttendanceError] = []
    for number, raw in enumerate(cells[1:], start=2):
        if not any(str(c or "").strip() for c in raw):
            continue
        record = {key: raw[i] if i < len(raw) else None for i, key in enumerate(header) if key}
        course_code = str(record.get("course_code") or "").strip()
        participant = (
            str(record.get("external_id") or "").strip()
            or str(record.get("enrolment_id") or "").strip()
        )
        if participant.endswith(".0") and participant[:-2].isdigit():
            participant = participant[:-2]  # a spreadsheet turned the id into a float
        day = parse_date(record.get("session_date"))
        line_errors = []
        if not course_code:
            line_errors.append(AttendanceError(number, "course_code", _("Give the course code.")))
        if not participant:
            line_errors.append(
                AttendanceError(
                    number, "external_id", _("Give the external id or the enrolment id.")
                )
            )
        if day is None:
            line_errors.append(
                AttendanceError(
                    number, "session_date", _("Give the date as YYYY-MM-DD or D.M.YYYY.")
                )
            )
        if line_errors:
            errors.extend(line_errors)
            continue
        rows.append(ImportRow(number, course_code, participant, day, record.get("hours")))
    return rows, errors
