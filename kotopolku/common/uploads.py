"""Check that an uploaded file's content is what its declared type says (ASVS 12.2.1).

A file's name and Content-Type are chosen by the sender. Before a CSV is parsed, an XLSX opened
or a PDF stored, call:

    from kotopolku.common.uploads import UploadRejected, check_upload

    try:
        kind = check_upload(request.FILES["file"], allowed={"csv", "xlsx"})
    except UploadRejected as exc:
        form.add_error("file", exc.message)

or use `UploadContentValidator({"pdf", "png", "jpeg"})` as a form field validator, or, in a
service that gets a name and bytes, `check_upload_bytes(name, content, allowed=…)`. The check
reads only the first bytes (and, for XLSX, the zip's table of contents), so it is cheap.
"""

import zipfile
from collections.abc import Iterable
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".pdf": "pdf",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
}
CONTENT_TYPES = {
    "text/csv": "csv",
    "text/plain": "csv",
    "application/csv": "csv",
    "application/vnd.ms-excel": "csv",  # what some browsers send for .csv
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpeg",
}
HEAD = 8192


class UploadRejected(ValidationError):
    pass


def _head(upload: IO[bytes] | Any, size: int = HEAD) -> bytes:
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    data = upload.read(size)
    upload.seek(position)
    return data if isinstance(data, bytes) else data.encode()


def declared_kind(upload: Any) -> str | None:
    """The type the sender claims, from the name and, when given, the Content-Type.

    A Content-Type that names another known type (a PDF sent as `foo.xlsx`) is a refusal. One
    we do not know (`text/x-csv`, `image/pjpeg`: operating systems differ) is left to the
    content check, which is the real test."""
    by_name = EXTENSIONS.get(PurePath(getattr(upload, "name", "") or "").suffix.lower())
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    by_type = CONTENT_TYPES.get(content_type) if content_type else None
    if by_type is not None and by_type != by_name:
        return None
    return by_name


_CONTROL = set(range(0x00, 0x09)) | {0x0B} | set(range(0x0E, 0x20)) | {0x7F}


def _is_text(head: bytes) -> bool:
    """UTF-8 (with or without BOM) or Windows-1252 text without control characters."""
    if any(b in _CONTROL for b in head):
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The head may end inside a multi-byte character.
        if exc.start < len(head) - 3:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return True


def _is_xlsx(upload: Any, head: bytes) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    position = upload.tell()
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(position)
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def content_matches(upload: Any, kind: str) -> bool:
    head = _head(upload)
    if kind == "csv":
        return bool(head) and _is_text(head)
    if kind == "xlsx":
        return _is_xlsx(upload, head)
    if kind == "pdf":
        return head.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF-")
    if kind == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if kind == "jpeg":
        return head.startswith(b"\xff\xd8\xff")
    return False


def check_upload(upload: Any, *, allowed: Iterable[str]) -> str:
    """Return the file's kind ("csv", "xlsx", "pdf", "png", "jpeg") or raise UploadRejected."""
    allowed = set(allowed)
    kind = declared_kind(upload)
    if kind is None or kind not in allowed:
        raise UploadRejected(
            _("This type of file is not accepted here. Accepted: %(kinds)s."),
            code="upload_type",
            params={"kinds": ", ".join(sorted(allowed))},
        )
    if not content_matches(upload, kind):
        raise UploadRejected(
            _("The file's content does not match its type (%(kind)s)."),
            code="upload_content",
            params={"kind": kind},
        )
    return kind


def check_upload_bytes(file_name: str, content: bytes, *, allowed: Iterable[str]) -> str:
    """`check_upload` for a file already read, as services get it (a name and the bytes)."""
    from django.core.files.base import ContentFile

    return check_upload(ContentFile(content, name=file_name), allowed=allowed)


@deconstructible
class UploadContentValidator:
    """Form or model field validator: `validators=[UploadContentValidator({"pdf"})]`."""

    def __init__(self, allowed: Iterable[str]):
        self.allowed = frozenset(allowed)

    def __call__(self, upload: Any) -> None:
        check_upload(upload, allowed=self.allowed)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadContentValidator) and other.allowed == self.allowed


# ---------------------------------------------------------------- spreadsheets, bounded
#
# A spreadsheet is small on the wire and can be huge inside: an XLSX of 5 KB may declare one
# cell at XFD1048576, and openpyxl then pads every row to 16,384 cells and yields a million
# rows (docs/security.md). So every spreadsheet is read here, and the limits are checked before a
# cell is read: the size of the unpacked parts, the declared dimension, then each row's and
# each cell's position as the sheet streams past. Every row read counts, empty ones too.

XLSX_MAX_UNPACKED_BYTES = 40 * 1024 * 1024
XLSX_MAX_PARTS = 500
CSV_ENCODINGS = ("utf-8-sig", "cp1252")  # Excel on Finnish Windows saves CSV as Windows-1252


class SpreadsheetTooLarge(UploadRejected):
    pass


def _too_many_rows(max_rows: int) -> SpreadsheetTooLarge:
    return SpreadsheetTooLarge(
        _("The file has more than %(rows)s rows. Split it into smaller files."),
        code="too_many_rows",
        params={"rows": max_rows},
    )


def _too_many_columns(max_columns: int) -> SpreadsheetTooLarge:
    return SpreadsheetTooLarge(
        _("The file has more than %(columns)s columns. Remove the extra columns."),
        code="too_many_columns",
        params={"columns": max_columns},
    )


def decode_text(content: bytes) -> str:
    """A CSV file's text: UTF-8 (with or without BOM), else Windows-1252."""
    for encoding in CSV_ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadRejected(
        _("The file is not text in UTF-8 or Windows-1252. Save it as CSV and try again."),
        code="encoding",
    )


def csv_rows(content: bytes, *, max_rows: int, max_columns: int) -> list[list[str]]:
    """A CSV file (comma or semicolon) as rows of text, the header first. `max_rows` counts
    the rows after the header."""
    import csv
    import io

    text = decode_text(content)
    if "\x00" in text:
        raise UploadRejected(_("The file is not a CSV file."), code="wrong_type")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(rows) > max_rows:
                raise _too_many_rows(max_rows)
            if len(record) > max_columns:
                raise _too_many_columns(max_columns)
            rows.append(record)
    except csv.Error as exc:
        raise UploadRejected(_("The file is not a readable CSV file."), code="wrong_type") from exc
    return rows


def _column_number(reference: str) -> int:
    number = 0
    for char in reference:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        elif char.isdigit():
            break
        else:
            return 0
    return number


def _scan_sheet(source: IO[bytes], *, max_rows: int, max_columns: int) -> None:
    """Stream the sheet's XML once and refuse a row or a cell outside the limits (positions
    and counts both: a row without `r` or a row of cells without `r` count one by one)."""
    from defusedxml.ElementTree import iterparse

    row_number = 0
    cells = 0
    for event, element in iterparse(source, events=("start", "end")):
        tag = element.tag.rsplit("}", 1)[-1]
        if event == "start" and tag == "row":
            declared = element.get("r")
            row_number = int(declared) if declared and declared.isdigit() else row_number + 1
            if row_number > max_rows + 1:
                raise _too_many_rows(max_rows)
            cells = 0
        elif event == "start" and tag == "c":
            cells += 1
            column = _column_number(element.get("r") or "") or cells
            if cells > max_columns or column > max_columns:
                raise _too_many_columns(max_columns)
        elif event == "end" and tag in {"row", "c"}:
            element.clear()


def xlsx_rows(content: bytes, *, max_rows: int, max_columns: int) -> list[list[Any]]:
    """The first sheet of an XLSX workbook as rows of values (None for an empty cell), the
    header first, each at most `max_columns` wide. `max_rows` counts the rows after the
    header."""
    import io

    not_xlsx = UploadRejected(_("The file is not a readable XLSX workbook."), code="wrong_type")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise not_xlsx from exc
    if len(parts) > XLSX_MAX_PARTS or sum(p.file_size for p in parts) > XLSX_MAX_UNPACKED_BYTES:
        raise SpreadsheetTooLarge(
            _("The workbook is too large when unpacked. Save only the needed sheet."),
            code="too_large",
        )
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise not_xlsx from exc
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None or not hasattr(sheet, "_get_source"):
            raise not_xlsx
        # The declared dimension (<dimension ref="A1:XFD1048576"/>) comes first.
        if (sheet.max_row or 0) > max_rows + 1:
            raise _too_many_rows(max_rows)
        if (sheet.max_column or 0) > max_columns:
            raise _too_many_columns(max_columns)
        try:
            with sheet._get_source() as source:
                _scan_sheet(source, max_rows=max_rows, max_columns=max_columns)
        except UploadRejected:
            raise
        except Exception as exc:  # a broken or hostile XML part
            raise not_xlsx from exc
        # Now the reading itself, bounded again: no padding past max_columns, no row past the
        # limit, whatever the file declared.
        sheet.reset_dimensions()
        rows: list[list[Any]] = []
        # (No max_row: openpyxl would pad the sheet with empty rows up to it.)
        for record in sheet.iter_rows(min_row=1, max_col=max_columns, values_only=True):
            if len(rows) > max_rows:
                raise _too_many_rows(max_rows)
            rows.append(list(record))
    finally:
        book.close()
    return rows


def spreadsheet_rows(
    kind: str, content: bytes, *, max_rows: int, max_columns: int
) -> list[list[Any]]:
    """The rows of a CSV or XLSX upload, the header first, within the limits or refused with
    an UploadRejected that names the limit. `kind` is what `check_upload` returned."""
    if kind == "xlsx":
        return xlsx_rows(content, max_rows=max_rows, max_columns=max_columns)
    if kind == "csv":
        return csv_rows(content, max_rows=max_rows, max_columns=max_columns)
    raise UploadRejected(_("Upload a .csv or .xlsx file."), code="upload_type")
