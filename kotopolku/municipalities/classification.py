"""Reading a municipality classification file.

Two shapes are read:
- the file shipped in `data/municipalities.csv` (`code;name_fi;name_sv;valid_from;valid_until;
  merged_into`), which holds the merged codes as well;
- a classification file as Statistics Finland publishes it (CSV, `;` or `,`, UTF-8 or
  Windows-1252): a code column and the Finnish and Swedish names. Its column names differ
  between releases and languages, so several spellings are accepted (ASSUMPTION: see
  docs/municipalities.md).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

SHIPPED = Path(__file__).resolve().parent / "data" / "municipalities.csv"

_ALIASES = {
    "code": {"code", "koodi", "kunta", "kuntakoodi", "kunta_koodi", "classificationitemcode"},
    "name_fi": {
        "name_fi",
        "nimi",
        "nimi_fi",
        "nimike",
        "nimike_fi",
        "name",
        "kunta_nimi",
        "classificationitemname",
        "kuntanimifi",
    },
    "name_sv": {"name_sv", "namn", "nimi_sv", "nimike_sv", "kunta_namn", "kuntanimisv"},
    "valid_from": {"valid_from", "voimassa_alkupvm", "alkupvm", "voimassaalkupvm"},
    "valid_until": {"valid_until", "voimassa_loppupvm", "loppupvm", "voimassaloppupvm"},
    "merged_into": {"merged_into", "liitetty", "uusi_kunta"},
}
_CODE = re.compile(r"^\d{1,3}$")


class ClassificationError(ValueError):
    pass


@dataclass(frozen=True)
class Row:
    code: str
    name_fi: str
    name_sv: str
    valid_from: date | None = None
    valid_until: date | None = None
    merged_into: str = ""


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def _day(value: str, line: int, column: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value):
            return date(int(m[3]), int(m[2]), int(m[1]))
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise ClassificationError(f"line {line}: {column}: not a date: {value!r}") from exc


def read_classification(path: Path) -> list[Row]:
    text = _decode(path.read_bytes())
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().strip('"').lower() for h in next(reader)]
    except StopIteration as exc:
        raise ClassificationError("the file is empty") from exc
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        for key, aliases in _ALIASES.items():
            if name in aliases and key not in columns:
                columns[key] = index
    if "code" not in columns or "name_fi" not in columns:
        raise ClassificationError(
            "line 1: header: needs a code column and a Finnish name column "
            f"(found {', '.join(header)})"
        )
    rows: list[Row] = []
    seen: set[str] = set()
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue

        def cell(key: str, values=values) -> str:
            index = columns.get(key)
            return values[index].strip() if index is not None and index < len(values) else ""

        code = cell("code")
        if not _CODE.match(code):
            raise ClassificationError(f"line {line}: code: not a municipality code: {code!r}")
        code = code.zfill(3)
        if code in seen:
            raise ClassificationError(f"line {line}: code: {code} listed twice")
        seen.add(code)
        name_fi = cell("name_fi")
        if not name_fi:
            raise ClassificationError(f"line {line}: name_fi: required")
        merged = cell("merged_into")
        rows.append(
            Row(
                code=code,
                name_fi=name_fi,
                name_sv=cell("name_sv") or name_fi,
                valid_from=_day(cell("valid_from"), line, "valid_from"),
                valid_until=_day(cell("valid_until"), line, "valid_until"),
                merged_into=merged.zfill(3) if merged else "",
            )
        )
    if not rows:
        raise ClassificationError("the file has no municipalities")
    return rows
