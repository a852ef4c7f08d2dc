"""Reading and checking case files (docs/data-formats.md): JSON Lines, CSV and XLSX.

`read_case_file(path)` streams `(line, raw record)` pairs without reading the whole file;
`check_record(line, raw, refs)` returns a clean `CaseRecord` or a list of `line N: field:
message` errors. Formats, codes, dates, references (municipality codes valid on the period's
start), overlapping periods, reviews before their plan, duplicate external ids and identity codes
and hetu against date of birth are checked; statutory rules are not (historical data is kept as
it happened, and the deadline function reports problems).

Byte offsets: `not UTF-8 (byte B)` gives B as the 0-based offset of the first bad byte from the
start of the file, the same number `bytes.decode` reports for the whole file.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from kotopolku.casework.models import PlanExtension
from kotopolku.clients import identity
from kotopolku.clients.models import Client
from kotopolku.common.choices import CefrLevel
from kotopolku.municipalities.selectors import Classification

PERMIT_BASES = tuple(Client.PermitBasis.values)
CATEGORY_CODES = (
    "basic_services",
    "guidance",
    "assessment",
    "integration_plan",
    "social_orientation",
    "integration_training",
    "language_studies",
    "literacy",
    "employment_training",
    "wellbeing",
    "participation",
    "population_relations",
)
# The order of the case file's fields (docs/data-formats.md example); export_cases writes this order.
TOP_KEYS = (
    "external_id",
    "first_names",
    "last_name",
    "hetu",
    "date_of_birth",
    "permit_basis",
    "first_permit_date",
    "arrival_date",
    # additions (docs/data-formats.md allows added fields)
    "citizenship_date",
    "client_since",
    "home_municipality_periods",
    "jobseeker",
    "languages",
    "assessments",
    "plans",
)
REQUIRED = ("external_id", "date_of_birth", "permit_basis", "home_municipality_periods")
CSV_COLUMNS = (
    "external_id",
    "first_names",
    "last_name",
    "hetu",
    "date_of_birth",
    "permit_basis",
    "first_permit_date",
    "arrival_date",
    "municipality",
    "municipality_start",
    "jobseeker",
    "mother_tongue",
    # addition
    "citizenship_date",
)
_LANG = re.compile(r"^[a-z]{2,3}$")
_TRUE = {"true", "1", "yes", "kyllä", "ja", "x"}
_FALSE = {"false", "0", "no", "ei", "nej", ""}
UNKNOWN_NAME = "–"  # names are optional in the case file; the registry needs something
# Free-text fields may hold tabs and line breaks; names and codes may hold no control character.
FREE_TEXT = re.compile(r"^plans\[\d+\]\.extensions\[\d+\]\.note$")
_CONTROL = re.compile(r"[\x00-\x1f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SUSPECT = re.compile(r"[\x00-\x1f\ud800-\udfff]")  # what _CONTROL or _SURROGATE may find
XLSX_MAX_UNCOMPRESSED = 1024 * 1024 * 1024  # a zip bomb is refused before anything is parsed


class FileError(Exception):
    """The file cannot be read at all (wrong type, not a spreadsheet, no header)."""


class LineErrors(list):
    """What the reader found wrong on a line (`line N: field: message` strings)."""


@dataclass
class CaseRecord:
    line: int
    external_id: str
    client: dict[str, Any]
    hetu: str | None
    periods: list[tuple[str, date, date | None]]
    languages: list[dict[str, Any]] | None
    assessments: list[dict[str, Any]] | None = None
    plans: list[dict[str, Any]] | None = None
    hetu_hash: str = ""


@dataclass
class Problems:
    line: int
    errors: list[str] = field(default_factory=list)

    def add(self, path: str, message: str) -> None:
        self.errors.append(f"line {self.line}: {path}: {message}")


# Reading ---------------------------------------------------------------------------------------


class CaseReader:
    """Iterates over `(line, record)` of a case file, holding one record at a time.

    `size` and `position` are in bytes, for a progress bar. A record is a dict (or, for a JSON
    line that is not an object, whatever it holds), or `LineErrors` when the line could not be
    read at all.
    """

    def __init__(self, path: Path):
        self.path = path
        self.suffix = path.suffix.lower()
        if self.suffix not in (".jsonl", ".csv", ".xlsx"):
            raise FileError(f"{path.name}: use a .jsonl, .csv or .xlsx file")
        self.size = path.stat().st_size
        self.position = 0
        if self.suffix == ".xlsx":
            _check_xlsx(path)

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        if self.suffix == ".jsonl":
            return self._jsonl()
        if self.suffix == ".csv":
            return self._csv()
        return self._xlsx()

    def _lines(self) -> Iterator[tuple[int, int, bytes]]:
        """(line number, file offset of its first byte, bytes) without the UTF-8 BOM."""
        with self.path.open("rb") as stream:
            offset = 0
            for number, raw in enumerate(stream, start=1):
                start = offset
                offset += len(raw)
                self.position = offset
                if number == 1 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8) :]
                    start += len(codecs.BOM_UTF8)
                yield number, start, raw

    def _jsonl(self) -> Iterator[tuple[int, Any]]:
        for number, start, raw in self._lines():
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield number, LineErrors([_not_utf8(number, start + exc.start)])
                continue
            if not text.strip():
                continue
            try:
                value = json.loads(
                    text, object_pairs_hook=_object_without_repeats, parse_constant=_no_constant
                )
            except _RepeatedKey as exc:
                yield number, LineErrors([f"line {number}: {_show(exc.key)}: given twice"])
                continue
            except ValueError as exc:  # json.JSONDecodeError and the constants above
                message = getattr(exc, "msg", str(exc))
                column = getattr(exc, "colno", None)
                where = f" (column {column})" if column else ""
                yield number, LineErrors([f"line {number}: json: {message}{where}"])
                continue
            yield number, value

    def _csv(self) -> Iterator[tuple[int, Any]]:
        bad: dict[int, str] = {}

        def text_lines() -> Iterator[str]:
            for number, start, raw in self._lines():
                try:
                    yield raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    bad[number] = _not_utf8(number, start + exc.start)
                    yield raw.decode("utf-8", "replace")

        lines = text_lines()
        first = next(lines, None)
        if first is None or not first.strip():
            raise FileError(f"{self.path.name}: no header row")
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)
        try:
            header = [h.strip() for h in next(reader)]
        except csv.Error as exc:
            raise FileError(f"{self.path.name}: line 1: {exc}") from exc
        if 1 in bad:
            yield 1, LineErrors([bad[1]])
            return
        problems = _header_problems(header)
        if problems:
            yield 1, LineErrors(problems)
            return
        while True:
            line = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield reader.line_num, LineErrors([f"line {reader.line_num}: file: {exc}"])
                return
            errors = [bad[n] for n in range(line, reader.line_num + 1) if n in bad]
            if errors:
                yield line, LineErrors(errors)
                continue
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header):
                yield line, LineErrors([f"line {line}: row: more values than columns"])
                continue
            row = dict(zip(header, values, strict=False))
            yield line, _flat_to_record(row)

    def _xlsx(self) -> Iterator[tuple[int, Any]]:
        from openpyxl import load_workbook

        try:
            book = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several types for a broken file
            raise FileError(
                f"{self.path.name}: not a readable XLSX file ({exc.__class__.__name__})"
            ) from exc
        try:
            sheet = book.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            try:
                header = [str(h).strip() if h is not None else "" for h in next(rows)]
            except StopIteration as exc:
                raise FileError(f"{self.path.name}: no header row") from exc
            problems = _header_problems([h for h in header if h])
            if problems:
                yield 1, LineErrors(problems)
                return
            for line, values in enumerate(rows, start=2):
                if not any(v not in (None, "") for v in values):
                    continue
                row = {}
                for name, value in zip(header, values, strict=False):
                    if name:
                        row[name] = _cell_text(value)
                yield line, _flat_to_record(row)
        finally:
            book.close()
            self.position = self.size


def read_case_file(path: Path) -> CaseReader:
    return CaseReader(path)


def _not_utf8(line: int, offset: int) -> str:
    return f"line {line}: file: not UTF-8 (byte {offset})"


class _RepeatedKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _object_without_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _RepeatedKey(key)
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _check_xlsx(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileError(f"{path.name}: not a readable XLSX file") from exc
    if total > XLSX_MAX_UNCOMPRESSED:
        raise FileError(f"{path.name}: the spreadsheet unpacks to more than 1 GB")


def _header_problems(header: list[str]) -> list[str]:
    problems = [f"line 1: {_show(h)}: unknown column" for h in header if h not in CSV_COLUMNS]
    seen: set[str] = set()
    for name in header:
        if name in seen and name in CSV_COLUMNS:
            problems.append(f"line 1: {name}: column given twice")
        seen.add(name)
    return problems


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _flat_to_record(row: dict[str, Any]) -> dict[str, Any]:
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
    record: dict[str, Any] = {}
    for key in (
        "external_id",
        "first_names",
        "last_name",
        "hetu",
        "date_of_birth",
        "permit_basis",
        "first_permit_date",
        "arrival_date",
        "citizenship_date",
    ):
        if values.get(key) not in (None, ""):
            record[key] = values[key]
    if values.get("jobseeker") not in (None, ""):
        record["jobseeker"] = values["jobseeker"]
    record["home_municipality_periods"] = (
        [
            {
                "municipality": values["municipality"],
                "start": values.get("municipality_start"),
                "end": None,
            }
        ]
        if values.get("municipality") not in (None, "")
        else []
    )
    if values.get("mother_tongue") not in (None, ""):
        record["languages"] = [{"code": values["mother_tongue"], "mother_tongue": True}]
    return record


# Checking --------------------------------------------------------------------------------------


def _show(text: Any) -> str:
    """A key or value as it may be printed: with escapes for anything unprintable."""
    text = str(text)
    return text if text.isprintable() else ascii(text)


def _suspect(value: Any) -> bool:
    """Whether any text of `value` (keys too) has a character `_characters` may name: a quick
    pass without the paths, so that a clean record, nearly every one, is walked once."""
    if isinstance(value, str):
        return _SUSPECT.search(value) is not None
    if isinstance(value, dict):
        return any(
            (isinstance(key, str) and _SUSPECT.search(key) is not None) or _suspect(item)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return any(_suspect(item) for item in value)
    return False


def _characters(value: Any, path: str, problems: Problems) -> None:
    """Control characters and lone surrogates, wherever they are in the record."""
    if not path and not _suspect(value):
        return
    if isinstance(value, str):
        if match := _SURROGATE.search(value):
            problems.add(path, f"lone surrogate U+{ord(match.group()):04X}")
        pattern = _CONTROL_IN_TEXT if FREE_TEXT.match(path) else _CONTROL
        if match := pattern.search(value):
            problems.add(path, f"control character U+{ord(match.group()):04X}")
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and _SURROGATE.search(key):
                problems.add(f"{path}.{ascii(key)}" if path else ascii(key), "lone surrogate")
                continue
            _characters(item, f"{path}.{_show(key)}" if path else _show(key), problems)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _characters(item, f"{path}[{index}]", problems)


def _date(value: Any, path: str, problems: Problems, *, required: bool = False) -> date | None:
    if value is None or value == "":
        if required:
            problems.add(path, "required")
        return None
    if not isinstance(value, str):
        problems.add(path, "must be a date YYYY-MM-DD")
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
        if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value):
            return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        problems.add(path, f"no such day: {_show(value)}")
        return None
    problems.add(path, f"must be a date YYYY-MM-DD (got {ascii(value)})")
    return None


def _bool(value: Any, path: str, problems: Problems) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    problems.add(path, "must be true or false")
    return False


def _str(value: Any, path: str, problems: Problems, *, max_length: int = 150) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.add(path, "must be text")
        return ""
    if len(value) > max_length:
        problems.add(path, f"at most {max_length} characters")
    return value.strip()


def _list(value: Any, path: str, problems: Problems) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.add(path, "must be a list")
        return []
    return value


def _object(value: Any, path: str, problems: Problems, keys: set[str]) -> dict | None:
    if not isinstance(value, dict):
        problems.add(path, "must be an object")
        return None
    for key in sorted(set(value) - keys, key=str):
        problems.add(f"{path}.{_show(key)}", "unknown key")
    return value


@dataclass
class References:
    """What records refer to, loaded once: the municipality classification. Also what earlier
    lines of the same file held (external ids and identity codes), to name duplicates."""

    municipalities: frozenset[str] | None = None  # no longer used: the classification decides
    classification: Classification | None = None
    seen_ids: dict[str, int] = field(default_factory=dict)
    seen_hetu: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.classification is None:
            self.classification = Classification.load()


def check_record(line: int, raw: Any, refs: References) -> CaseRecord | list[str]:
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, LineErrors):
        return list(raw)
    problems = Problems(line)
    if not isinstance(raw, dict):
        problems.add("record", "must be a JSON object")
        return problems.errors
    _characters(raw, "", problems)
    for key in sorted(set(raw) - set(TOP_KEYS), key=str):
        problems.add(_show(key), "unknown key")
    for key in REQUIRED:
        if key not in raw or raw[key] is None or raw[key] == "":
            problems.add(key, "required")

    external_id = _str(raw.get("external_id"), "external_id", problems, max_length=64)
    if external_id:
        if external_id in refs.seen_ids:
            problems.add("external_id", f"also on line {refs.seen_ids[external_id]}")
        else:
            refs.seen_ids[external_id] = line
    dob = _date(raw.get("date_of_birth"), "date_of_birth", problems)
    if dob and dob > date.today():  # noqa: DTZ011 (a calendar day, not a moment)
        problems.add("date_of_birth", "cannot be in the future")
    basis = raw.get("permit_basis")
    if basis is not None and basis not in PERMIT_BASES:
        problems.add("permit_basis", f"unknown code {ascii(basis)}")

    client: dict[str, Any] = {
        "date_of_birth": dob,
        "permit_basis": basis,
        "first_permit_date": _date(raw.get("first_permit_date"), "first_permit_date", problems),
        "arrival_date": _date(raw.get("arrival_date"), "arrival_date", problems),
        "citizenship_date": _date(raw.get("citizenship_date"), "citizenship_date", problems),
        "jobseeker": _bool(raw.get("jobseeker", False), "jobseeker", problems),
    }
    # Names are optional in the file: a re-import without them keeps the stored names.
    for key in ("first_names", "last_name"):
        if raw.get(key) not in (None, ""):
            client[key] = _str(raw.get(key), key, problems)
    for key in ("first_permit_date", "arrival_date", "citizenship_date"):
        if client[key] and dob and client[key] < dob:
            problems.add(key, "cannot be before the date of birth")

    hetu = raw.get("hetu")
    hetu_hash = ""
    if hetu not in (None, ""):
        if not isinstance(hetu, str):
            problems.add("hetu", "must be text")
            hetu = None
        else:
            try:
                hetu = identity.validate(hetu, dob)
            except ValidationError as exc:
                problems.add("hetu", " ".join(str(m) for m in exc.messages))
                hetu = None
        if hetu:
            if hetu in refs.seen_hetu:
                problems.add("hetu", f"also on line {refs.seen_hetu[hetu]}")
            else:
                refs.seen_hetu[hetu] = line
            hetu_hash = identity.lookup_hash(hetu)
    else:
        hetu = None

    classification = refs.classification or Classification.load()
    periods: list[tuple[str, date, date | None]] = []
    for i, entry in enumerate(
        _list(raw.get("home_municipality_periods"), "home_municipality_periods", problems)
    ):
        path = f"home_municipality_periods[{i}]"
        obj = _object(entry, path, problems, {"municipality", "start", "end"})
        if obj is None:
            continue
        code = obj.get("municipality")
        start = _date(obj.get("start"), f"{path}.start", problems, required=True)
        end = _date(obj.get("end"), f"{path}.end", problems)
        problem = classification.problem(code, start)
        if problem:
            problems.add(f"{path}.municipality", problem)
        if start and end and end < start:
            problems.add(f"{path}.end", "before the start")
        if start and dob and start < dob:
            problems.add(f"{path}.start", "cannot be before the date of birth")
        if start and isinstance(code, str):
            periods.append((code, start, end))
    ordered = sorted(periods, key=lambda p: p[1])
    for a, b in itertools.pairwise(ordered):
        if a[2] is None or a[2] >= b[1]:
            problems.add("home_municipality_periods", f"periods starting {a[1]} and {b[1]} overlap")

    languages = None
    if "languages" in raw:
        languages = []
        codes = set()
        for i, entry in enumerate(_list(raw.get("languages"), "languages", problems)):
            path = f"languages[{i}]"
            obj = _object(entry, path, problems, {"code", "level", "mother_tongue"})
            if obj is None:
                continue
            code = obj.get("code")
            if not isinstance(code, str) or not _LANG.match(code):
                problems.add(f"{path}.code", f"not an ISO 639 code: {ascii(code)}")
                continue
            if code in codes:
                problems.add(f"{path}.code", f"{code} listed twice")
            codes.add(code)
            level = obj.get("level") or ""
            if level and level not in CefrLevel.values:
                problems.add(f"{path}.level", f"not a CEFR level A1.1…C2: {ascii(level)}")
            languages.append(
                {
                    "code": code,
                    "level": level,
                    "mother_tongue": _bool(
                        obj.get("mother_tongue", False), f"{path}.mother_tongue", problems
                    ),
                }
            )

    assessments = None
    if "assessments" in raw:
        assessments = []
        for i, entry in enumerate(_list(raw.get("assessments"), "assessments", problems)):
            path = f"assessments[{i}]"
            obj = _object(
                entry, path, problems, {"started", "completed", "multi_agency", "plan_needed"}
            )
            if obj is None:
                continue
            started = _date(obj.get("started"), f"{path}.started", problems, required=True)
            completed = _date(obj.get("completed"), f"{path}.completed", problems)
            if started and completed and completed < started:
                problems.add(f"{path}.completed", "before the start")
            plan_needed = obj.get("plan_needed")
            if plan_needed is not None:
                plan_needed = _bool(plan_needed, f"{path}.plan_needed", problems)
            assessments.append(
                {
                    "started": started,
                    "completed": completed,
                    "multi_agency": _bool(
                        obj.get("multi_agency", False), f"{path}.multi_agency", problems
                    ),
                    "plan_needed": plan_needed,
                }
            )

    plans = None
    if "plans" in raw:
        plans = []
        for i, entry in enumerate(_list(raw.get("plans"), "plans", problems)):
            plan = _check_plan(entry, f"plans[{i}]", problems)
            if plan is not None:
                plans.append(plan)

    client_since = _date(raw.get("client_since"), "client_since", problems)
    if client_since is None:
        candidates = [p[1] for p in periods] + [
            d for d in (client["arrival_date"],) if d is not None
        ]
        client_since = min(candidates) if candidates else None
    if client_since and dob and client_since < dob:
        client_since = dob
    if client_since:
        client["client_since"] = client_since

    if problems.errors:
        return problems.errors
    return CaseRecord(
        line=line,
        external_id=external_id,
        client=client,
        hetu=hetu,
        hetu_hash=hetu_hash,
        periods=ordered,
        languages=languages,
        assessments=assessments,
        plans=plans,
    )


def _check_plan(entry: Any, path: str, problems: Problems) -> dict[str, Any] | None:
    obj = _object(entry, path, problems, {"start", "end", "services", "reviews", "extensions"})
    if obj is None:
        return None
    start = _date(obj.get("start"), f"{path}.start", problems, required=True)
    end = _date(obj.get("end"), f"{path}.end", problems, required=True)
    if start and end and end < start:
        problems.add(f"{path}.end", "before the start")
    services = []
    for j, s in enumerate(_list(obj.get("services"), f"{path}.services", problems)):
        spath = f"{path}.services[{j}]"
        sobj = _object(s, spath, problems, {"category", "referred", "started"})
        if sobj is None:
            continue
        if sobj.get("category") not in CATEGORY_CODES:
            problems.add(f"{spath}.category", f"unknown category {ascii(sobj.get('category'))}")
        services.append(
            {
                "category": sobj.get("category"),
                "referred": _date(sobj.get("referred"), f"{spath}.referred", problems),
                "started": _date(sobj.get("started"), f"{spath}.started", problems),
            }
        )
    reviews = []
    for j, r in enumerate(_list(obj.get("reviews"), f"{path}.reviews", problems)):
        day = _date(r, f"{path}.reviews[{j}]", problems, required=True)
        if day and start and day < start:
            # docs/domain.md P5: a review cannot come before the plan it reviews.
            problems.add(f"{path}.reviews[{j}]", f"before the plan's start {start}")
        if day:
            reviews.append(day)
    extensions = []
    for j, e in enumerate(_list(obj.get("extensions"), f"{path}.extensions", problems)):
        epath = f"{path}.extensions[{j}]"
        eobj = _object(e, epath, problems, {"months", "reason", "note"})
        if eobj is None:
            continue
        months = eobj.get("months")
        if not isinstance(months, int) or isinstance(months, bool) or months < 1 or months > 32767:
            problems.add(f"{epath}.months", "must be a whole number of months, at least 1")
        reason = eobj.get("reason") or ""
        if reason and reason not in PlanExtension.Reason.values:
            problems.add(f"{epath}.reason", f"unknown reason code {ascii(reason)}")
        extensions.append(
            {
                "months": months,
                "reason": reason,
                "note": _str(eobj.get("note"), f"{epath}.note", problems, max_length=2000),
            }
        )
    return {
        "start": start,
        "end": end,
        "services": services,
        "reviews": reviews,
        "extensions": extensions,
    }
