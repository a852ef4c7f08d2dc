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
