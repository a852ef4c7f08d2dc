"""Education and work history rows of an assessment (`Assessment.education`, `.work_history`).

Each is a JSON list of rows with the keys below; `country` is an ISO 3166-1 alpha-2 code or
empty. `normalise_rows` turns what older versions stored (a text line "level; field; country;
years", a row with a country's name, a work row without `field`) into such rows without losing
any text: what does not fit a key goes into the row's free-text key.
"""

from collections.abc import Iterable
from typing import Any

from kotopolku.common import codes

EDUCATION_KEYS = ("level", "field", "country", "years")
WORK_KEYS = ("occupation", "field", "country", "years")
# The old work-history line had no field: "occupation; country; years".
_OLD_WORK_LINE = ("occupation", "country", "years")
# Where text that fits no other key goes: the row's own description.
FREE_TEXT_KEY = "field"


def _join(*parts: str) -> str:
    return "; ".join(part for part in parts if part)


def normalise_row(entry: Any, keys: tuple[str, ...]) -> dict[str, str] | None:
    """One stored entry as a row with exactly `keys`; None for an empty entry."""
    if isinstance(entry, dict):
        row = {key: str(entry.get(key) or "").strip() for key in keys}
        extra = [
            str(value).strip()
            for key, value in entry.items()
            if key not in keys and value not in (None, "")
        ]
        if extra:
            row[FREE_TEXT_KEY] = _join(row[FREE_TEXT_KEY], *extra)
    else:
        text = str(entry or "").strip()
        parts = [part.strip() for part in text.split(";")]
        if len(parts) == 1:
            # Free text without the "a; b; c; d" shape: a description, not a level.
            row = dict.fromkeys(keys, "")
            row[FREE_TEXT_KEY] = text
        else:
            order = _OLD_WORK_LINE if keys == WORK_KEYS and len(parts) == 3 else keys
            row = dict.fromkeys(keys, "")
            row.update(zip(order, parts, strict=False))
            if len(parts) > len(order):
                row[FREE_TEXT_KEY] = _join(row[FREE_TEXT_KEY], *parts[len(order) :])
    country = row["country"]
    if country:
        code = codes.country_code(country)
        if code is None:
            row[FREE_TEXT_KEY] = _join(row[FREE_TEXT_KEY], country)
            row["country"] = ""
        else:
            row["country"] = code
    if not any(row.values()):
        return None
    return row


def normalise_rows(entries: Iterable[Any] | Any, keys: tuple[str, ...]) -> list[dict[str, str]]:
    if isinstance(entries, str):
        entries = entries.splitlines()
    if not isinstance(entries, list | tuple):
        entries = [entries] if entries else []
    return [row for entry in entries if (row := normalise_row(entry, keys)) is not None]
