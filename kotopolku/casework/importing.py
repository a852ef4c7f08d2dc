"""Reading and checking case files (DATA-FORMATS.md): JSON Lines, CSV and XLSX.

`read_case_file(path)` yields `(line, raw record)`; `check_record(line, raw, refs)` returns a
clean `CaseRecord` or a list of `line N: field: message` errors. Formats, codes, dates,
references, overlapping periods and hetu against date of birth are checked; statutory rules are
not (historical data is kept as it happened, and the deadline function reports problems).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from kotopolku.casework.models import PlanExtension
from kotopolku.common.choices import CefrLevel

PERMIT_BASES = (
    "quota_refugee",
    "family_of_quota_refugee",
    "asylum",
    "subsidiary_protection",
    "humanitarian_admission",
    "compassionate_grounds",
    "trafficking_victim",
    "removal_prevented",
    "temporary_protection",
    "family_of_protected",
    "work",
    "study",
    "family",
    "eu_registration",
    "nordic",
    "other",
)
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
TOP_KEYS = {
    "external_id",
    "first_names",
    "last_name",
    "hetu",
    "date_of_birth",
    "permit_basis",
    "first_permit_date",
    "arrival_date",
    "home_municipality_periods",
    "jobseeker",
    "languages",
    "assessments",
    "plans",
    # additions (DATA-FORMATS.md allows added fields)
    "client_since",
}
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
)
_LANG = re.compile(r"^[a-z]{2,3}$")
_TRUE = {"true", "1", "yes", "kyllä", "ja", "x"}
_FALSE = {"false", "0", "no", "ei", "nej", ""}
UNKNOWN_NAME = "–"  # names are optional in the case file; the registry needs something


class FileError(Exception):
    """The file cannot be read at all (wrong type, not UTF-8, no header)."""


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


@dataclass
class Problems:
    line: int
    errors: list[str] = field(default_factory=list)

    def add(self, path: str, message: str) -> None:
        self.errors.append(f"line {self.line}: {path}: {message}")


# Reading ---------------------------------------------------------------------------------------


def read_case_file(path: Path) -> tuple[int, Iterator[tuple[int, Any]]]:
    """(number of records, iterator of (line, record or parse error string))."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        rows = _read_jsonl(path)
    elif suffix == ".csv":
        rows = _read_csv(path)
    elif suffix == ".xlsx":
        rows = _read_xlsx(path)
    else:
        raise FileError(f"{path.name}: use a .jsonl, .csv or .xlsx file")
    return len(rows), iter(rows)


def _text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileError(f"{path.name}: the file is not UTF-8 (byte {exc.start})") from exc


def _read_jsonl(path: Path) -> list[tuple[int, Any]]:
    rows: list[tuple[int, Any]] = []
    for number, text in enumerate(_text(path).splitlines(), start=1):
        if not text.strip():
            continue
        try:
            rows.append((number, json.loads(text)))
        except json.JSONDecodeError as exc:
            rows.append((number, f"line {number}: json: {exc.msg} (column {exc.colno})"))
    return rows


def _flat_to_record(line: int, row: dict[str, Any]) -> Any:
    unknown = sorted(k for k in row if k not in CSV_COLUMNS)
    if unknown:
        return f"line {line}: {unknown[0]}: unknown column"
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


def _read_csv(path: Path) -> list[tuple[int, Any]]:
    text = _text(path)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    if not reader.fieldnames:
        raise FileError(f"{path.name}: no header row")
    header = [h.strip() for h in reader.fieldnames]
    reader.fieldnames = header
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        return [(1, f"line 1: {unknown[0]}: unknown column")]
    rows = []
    for row in reader:
        line = reader.line_num
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        if None in row:
            rows.append((line, f"line {line}: row: more values than columns"))
            continue
        rows.append((line, _flat_to_record(line, row)))
    return rows


def _read_xlsx(path: Path) -> list[tuple[int, Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a broken file
        raise FileError(
            f"{path.name}: not a readable XLSX file ({exc.__class__.__name__})"
        ) from exc
    sheet = book.worksheets[0]
    rows_iter = sheet.iter_rows(values_only=True)
    try:
        header = [str(h).strip() if h is not None else "" for h in next(rows_iter)]
    except StopIteration as exc:
        raise FileError(f"{path.name}: no header row") from exc
    unknown = [h for h in header if h and h not in CSV_COLUMNS]
    if unknown:
        return [(1, f"line 1: {unknown[0]}: unknown column")]
    rows = []
    for line, values in enumerate(rows_iter, start=2):
        if not any(v not in (None, "") for v in values):
            continue
        row = {}
        for name, value in zip(header, values, strict=False):
            if not name:
                continue
            if isinstance(value, datetime):
                value = value.date().isoformat()
            elif isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, float) and value.is_integer():
                value = str(int(value))
            row[name] = "" if value is None else str(value)
        rows.append((line, _flat_to_record(line, row)))
    book.close()
    return rows


# Checking --------------------------------------------------------------------------------------


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
        problems.add(path, f"no such day: {value}")
        return None
    problems.add(path, f"must be a date YYYY-MM-DD (got {value!r})")
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
    for key in sorted(set(value) - keys):
        problems.add(f"{path}.{key}", "unknown key")
    return value


@dataclass
class References:
    """What records refer to: municipality codes that exist in the database."""

    municipalities: frozenset[str]
    seen_ids: dict[str, int] = field(default_factory=dict)


def check_record(line: int, raw: Any, refs: References) -> CaseRecord | list[str]:
    if isinstance(raw, str):
        return [raw]
    problems = Problems(line)
    if not isinstance(raw, dict):
        problems.add("record", "must be a JSON object")
        return problems.errors
    for key in sorted(set(raw) - TOP_KEYS):
        problems.add(key, "unknown key")
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
        problems.add("permit_basis", f"unknown code {basis!r}")

    client: dict[str, Any] = {
        "date_of_birth": dob,
        "permit_basis": basis,
        "first_permit_date": _date(raw.get("first_permit_date"), "first_permit_date", problems),
        "arrival_date": _date(raw.get("arrival_date"), "arrival_date", problems),
        "jobseeker": _bool(raw.get("jobseeker", False), "jobseeker", problems),
    }
    # Names are optional in the file: a re-import without them keeps the stored names.
    for key in ("first_names", "last_name"):
        if raw.get(key) not in (None, ""):
            client[key] = _str(raw.get(key), key, problems)
    for key in ("first_permit_date", "arrival_date"):
        if client[key] and dob and client[key] < dob:
            problems.add(key, "cannot be before the date of birth")

    hetu = raw.get("hetu")
    if hetu not in (None, ""):
        from kotopolku.clients import identity

        try:
            hetu = identity.validate(str(hetu), dob)
        except ValidationError as exc:
            problems.add("hetu", " ".join(str(m) for m in exc.messages))
    else:
        hetu = None

    periods: list[tuple[str, date, date | None]] = []
    for i, entry in enumerate(
        _list(raw.get("home_municipality_periods"), "home_municipality_periods", problems)
    ):
        path = f"home_municipality_periods[{i}]"
        obj = _object(entry, path, problems, {"municipality", "start", "end"})
        if obj is None:
            continue
        code = obj.get("municipality")
        if not isinstance(code, str) or code not in refs.municipalities:
            problems.add(f"{path}.municipality", f"unknown municipality code {code!r}")
        start = _date(obj.get("start"), f"{path}.start", problems, required=True)
        end = _date(obj.get("end"), f"{path}.end", problems)
        if start and end and end < start:
            problems.add(f"{path}.end", "before the start")
        if start and dob and start < dob:
            problems.add(f"{path}.start", "cannot be before the date of birth")
        if start and isinstance(code, str):
            periods.append((code, start, end))
    ordered = sorted(periods, key=lambda p: p[1])
    for a, b in zip(ordered, ordered[1:], strict=False):
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
                problems.add(f"{path}.code", f"not an ISO 639 code: {code!r}")
                continue
            if code in codes:
                problems.add(f"{path}.code", f"{code} listed twice")
            codes.add(code)
            level = obj.get("level") or ""
            if level and level not in CefrLevel.values:
                problems.add(f"{path}.level", f"not a CEFR level A1.1…C2: {level!r}")
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
            path = f"plans[{i}]"
            obj = _object(
                entry, path, problems, {"start", "end", "services", "reviews", "extensions"}
            )
            if obj is None:
                continue
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
                    problems.add(f"{spath}.category", f"unknown category {sobj.get('category')!r}")
                services.append(
                    {
                        "category": sobj.get("category"),
                        "referred": _date(sobj.get("referred"), f"{spath}.referred", problems),
                        "started": _date(sobj.get("started"), f"{spath}.started", problems),
                    }
                )
            reviews = [
                _date(r, f"{path}.reviews[{j}]", problems, required=True)
                for j, r in enumerate(_list(obj.get("reviews"), f"{path}.reviews", problems))
            ]
            extensions = []
            for j, e in enumerate(_list(obj.get("extensions"), f"{path}.extensions", problems)):
                epath = f"{path}.extensions[{j}]"
                eobj = _object(e, epath, problems, {"months", "reason", "note"})
                if eobj is None:
                    continue
                months = eobj.get("months")
                if not isinstance(months, int) or isinstance(months, bool) or months < 1:
                    problems.add(f"{epath}.months", "must be a whole number of months, at least 1")
                reason = eobj.get("reason") or ""
                if reason and reason not in PlanExtension.Reason.values:
                    problems.add(f"{epath}.reason", f"unknown reason code {reason!r}")
                extensions.append(
                    {
                        "months": months,
                        "reason": reason,
                        "note": _str(eobj.get("note"), f"{epath}.note", problems, max_length=2000),
                    }
                )
            plans.append(
                {
                    "start": start,
                    "end": end,
                    "services": services,
                    "reviews": [r for r in reviews if r],
                    "extensions": extensions,
                }
            )

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
        periods=ordered,
        languages=languages,
        assessments=assessments,
        plans=plans,
    )
