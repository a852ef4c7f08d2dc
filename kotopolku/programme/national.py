"""National statistics as context for programme indicators: Sotkanet (THL) REST JSON and
Statistics Finland PxWeb JSON-stat 2.0 tables.

The readers turn an answer into plain rows (`NationalData`); `services.context_series_import`
stores them. Fetching goes through a `Fetch` callable so tests replay recorded answers.
A small JSON-stat reader is written here rather than taken from a library: the maintained
Python readers load pandas, and a dataset is only an index over `size` in row-major order.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from itertools import product
from pathlib import Path
from typing import Any

import jsonschema
import requests

SCHEMAS = Path(__file__).with_name("schemas")
LANGUAGES = ("fi", "sv", "en")
MAX_ROWS = 100_000

# (url, JSON body for a POST or None) -> decoded JSON
Fetch = Callable[[str, Any], Any]


class NationalDataError(ValueError):
    """The data is not Sotkanet's or JSON-stat's format, or holds nothing to import."""


@dataclass(frozen=True)
class Row:
    area_code: str
    area_name: dict
    gender: str
    variant: str
    period: str
    value: Decimal


@dataclass
class NationalData:
    source: str  # ContextSeries.Source value
    source_reference: str
    title: dict
    unit: str = ""
    url: str = ""
    rows: list[Row] = field(default_factory=list)


@cache
def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text("utf-8"))


def check(document: Any, schema_name: str, definition: str | None = None) -> None:
    root = _schema(schema_name)
    schema = {"$ref": f"#/$defs/{definition}", "$defs": root["$defs"]} if definition else root
    error = jsonschema.exceptions.best_match(
        jsonschema.validators.validator_for(root)(schema).iter_errors(document)
    )
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        raise NationalDataError(f"{where}: {error.message}")


def http_fetch(url: str, body: Any = None) -> Any:
    try:
        if body is None:
            response = requests.get(url, timeout=60)
        else:
            response = requests.post(url, json=body, timeout=60)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as exc:
        raise NationalDataError(f"{url}: {exc}") from exc


def _decimal(value: Any, where: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and value.strip() in ("", ".", "..", "...", "-")):
        return None  # hidden or missing in the source
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise NationalDataError(f"{where}: {value!r} is not a number") from exc
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise NationalDataError(f"{where}: {value!r} is out of range")
    return number.quantize(Decimal("0.0001"))


_QUARTER = re.compile(r"^(\d{4})\s*[QK]([1-4])$")
_HALF = re.compile(r"^(\d{4})\s*H([12])$")


def period_of(code: str) -> str:
    """A year, quarter or half of the source as a monitoring period (2024, 2024-Q3, 2024-H1)."""
    code = str(code).strip().upper()
    if re.fullmatch(r"\d{4}", code):
        return code
    if match := _QUARTER.match(code):
        return f"{match[1]}-Q{match[2]}"
    if match := _HALF.match(code):
        return f"{match[1]}-H{match[2]}"
    raise NationalDataError(f"period {code!r}: only years, quarters and halves are kept")


# -- Sotkanet ------------------------------------------------------------------------------


def read_sotkanet(
    bundle: dict, *, areas: list[str] | None = None, genders: list[str] | None = None
) -> NationalData:
    """`bundle` is {"data": [...], "regions": [...], "indicator": {...}, "url": "..."}: the
    answers of /json, /regions and /indicators/N. Areas are municipality codes as Sotkanet's
    regions give them (`code`); without the regions, Sotkanet's own region numbers."""
    check(bundle, "sotkanet.schema.json", "Bundle")
    data = bundle["data"]
    if not data:
        raise NationalDataError("data: no values")
    numbers = {row["indicator"] for row in data}
    if len(numbers) != 1:
        raise NationalDataError(f"data: more than one indicator ({sorted(numbers)})")
    number = numbers.pop()
    meta = bundle.get("indicator") or {}
    if meta and meta["id"] != number:
        raise NationalDataError(f"indicator: metadata is for {meta['id']}, data for {number}")
    regions = {r["id"]: r for r in bundle.get("regions") or []}
    rows = []
    for i, item in enumerate(data):
        region = regions.get(item["region"])
        code = region["code"] if region else str(item["region"])
        if areas and code not in areas:
            continue
        if genders and item["gender"] not in genders:
            continue
        value = _decimal(item["value"], f"data/{i}/value")
        if value is None:
            continue
        rows.append(
            Row(
                area_code=code,
                area_name={
                    k: v for k, v in (region or {}).get("title", {}).items() if k in LANGUAGES
                },
                gender=item["gender"],
                variant="",
                period=str(item["year"]),
                value=value,
            )
        )
    unit = ((meta.get("primaryValueType") or {}).get("title") or {}).get("fi", "")
    title = {k: v for k, v in (meta.get("title") or {}).items() if k in LANGUAGES}
    return NationalData(
        source="sotkanet",
        source_reference=str(number),
        title=title or {"fi": f"Sotkanet {number}"},
        unit=unit,
        url=bundle.get("url") or "",
        rows=rows,
    )


def fetch_sotkanet(
    fetch: Fetch, *, base_url: str, indicator: int, years: list[int], genders: list[str]
) -> dict:
    base = base_url.rstrip("/") + "/"
    query = f"indicator={indicator}" + "".join(f"&years={y}" for y in years)
    query += "".join(f"&genders={g}" for g in genders)
    url = f"{base}json?{query}"
    return {
        "data": fetch(url, None),
        "regions": fetch(f"{base}regions", None),
        "indicator": fetch(f"{base}indicators/{indicator}", None),
        "url": url,
    }


# -- Statistics Finland PxWeb, JSON-stat 2.0 ----------------------------------------------


def _codes(dimension: dict) -> list[str]:
    index = dimension["category"].get("index")
    labels = dimension["category"].get("label") or {}
    if index is None:
        if len(labels) != 1:
            raise NationalDataError("dimension: a category without an index has one label")
        return list(labels)
    if isinstance(index, list):
        return index
    ordered = sorted(index.items(), key=lambda kv: kv[1])
    if [position for _, position in ordered] != list(range(len(ordered))):
        raise NationalDataError("dimension: category index is not 0..n-1")
    return [code for code, _ in ordered]


def _area(code: str) -> str:
    """Statistics Finland writes a municipality as KU186; the rest of Kotopolku as 186."""
    return code[2:] if re.fullmatch(r"KU\d{3}", code) else code


def _role(dataset: dict, role: str, names: tuple[str, ...]) -> str | None:
    given = (dataset.get("role") or {}).get(role) or []
    if given:
        return given[0]
    return next((d for d in dataset["id"] if d.lower() in names), None)


def read_jsonstat(
    dataset: dict, *, table: str, url: str = "", areas: list[str] | None = None
) -> NationalData:
    """One JSON-stat 2.0 dataset. The time dimension gives the periods and the geo dimension
    the areas (by role, else by the usual PxWeb names); every other dimension goes into the
    series' variant as `dimension=code`."""
    check(dataset, "jsonstat2.schema.json")
    ids, sizes = dataset["id"], dataset["size"]
    if len(ids) != len(sizes) or set(ids) != set(dataset["dimension"]):
        raise NationalDataError("id, size and dimension do not match")
    codes = {d: _codes(dataset["dimension"][d]) for d in ids}
    for d, size in zip(ids, sizes, strict=True):
        if len(codes[d]) != size:
            raise NationalDataError(f"dimension/{d}: {len(codes[d])} categories, size {size}")
    total = 1
    for size in sizes:
        total *= size
    if total > MAX_ROWS:
        raise NationalDataError(f"the table has {total} cells; at most {MAX_ROWS} are read")
    values = dataset["value"]
    if isinstance(values, list) and len(values) != total:
        raise NationalDataError(f"value: {len(values)} values for {total} cells")
    time = _role(dataset, "time", ("vuosi", "year", "år", "aika", "time", "tid", "neljännes"))
    geo = _role(dataset, "geo", ("alue", "area", "kunta", "region", "område", "municipality"))
    if time is None:
        raise NationalDataError("no time dimension (role time, or Vuosi)")
    unit = ""
    for d in ids:
        units = dataset["dimension"][d]["category"].get("unit") or {}
        for spec in units.values():
            unit = spec.get("label") or spec.get("base") or unit
    rows = []
    for position, combination in enumerate(product(*(codes[d] for d in ids))):
        cell = dict(zip(ids, combination, strict=True))
        area = _area(cell[geo]) if geo else "SSS"
        if areas and area not in areas:
            continue
        raw = values[position] if isinstance(values, list) else values.get(str(position))
        value = _decimal(raw, f"value/{position}")
        if value is None:
            continue
        variant = ";".join(f"{d}={cell[d]}" for d in ids if d not in (time, geo))
        area_label = (
            (dataset["dimension"][geo]["category"].get("label") or {}).get(cell[geo], "")
            if geo
            else ""
        )
        rows.append(
            Row(
                area_code=area[:20],
                area_name={"fi": area_label} if area_label else {},
                gender="",
                variant=variant[:200],
                period=period_of(cell[time]),
                value=value,
            )
        )
    return NationalData(
        source="statfin",
        source_reference=table[:200],
        title={"fi": dataset.get("label") or table},
        unit=unit[:60],
        url=url,
        rows=rows,
    )


def fetch_pxweb(fetch: Fetch, *, url: str, query: dict | None) -> dict:
    """PxWeb answers a POSTed query (the table's own "save query" JSON) with JSON-stat 2.0; the
    query's response format is set to json-stat2."""
    body = None
    if query is not None:
        body = dict(query)
        body["response"] = {"format": "json-stat2"}
    return fetch(url, body)
