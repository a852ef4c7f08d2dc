"""Reads of the municipality classification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import translation

from kotopolku.municipalities.models import Municipality


@dataclass(frozen=True)
class Entry:
    code: str
    name_fi: str
    name_sv: str
    valid_from: date | None
    valid_until: date | None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def name(self, language: str | None = None) -> str:
        language = language or translation.get_language() or "fi"
        return self.name_sv if language.startswith("sv") and self.name_sv else self.name_fi


class Classification:
    """The whole classification in memory (one query), for bulk checks such as an import."""

    def __init__(self, entries: dict[str, Entry]):
        self.entries = entries

    @classmethod
    def load(cls) -> Classification:
        return cls(
            {
                code: Entry(code, fi, sv, start, until)
                for code, fi, sv, start, until in Municipality.objects.values_list(
                    "code", "name_fi", "name_sv", "valid_from", "valid_until"
                )
            }
        )

    def __contains__(self, code: object) -> bool:
        return code in self.entries

    def get(self, code: str) -> Entry | None:
        return self.entries.get(code)

    def valid_on(self, code: str, day: date) -> bool:
        entry = self.entries.get(code)
        return entry is not None and entry.valid_on(day)

    def problem(self, code: object, day: date | None) -> str | None:
        """None when `code` is a municipality code valid on `day`, else why not (English)."""
        if not isinstance(code, str) or code not in self.entries:
            return f"unknown municipality code {code!r}"
        entry = self.entries[code]
        if day is not None and not entry.valid_on(day):
            if entry.valid_until is not None and day > entry.valid_until:
                return f"municipality {code} ({entry.name_fi}) ended on {entry.valid_until}"
            return f"municipality {code} ({entry.name_fi}) began on {entry.valid_from}"
        return None


def municipality_valid_on(code: str, day: date) -> bool:
    entry = Municipality.objects.filter(code=code).first()
    return entry is not None and entry.valid_on(day)


_NAMES: dict[str, Entry] = {}


def forget_names() -> None:
    """After the classification changes (municipalities_refresh)."""
    _NAMES.clear()


def municipality_name(code: str, language: str | None = None) -> str:
    """The name of a code in the UI language; one query per process, then from memory."""
    if not _NAMES:
        _NAMES.update(Classification.load().entries)
    entry = _NAMES.get(code)
    return entry.name(language) if entry else code


def municipality_picker(language: str | None = None) -> list[tuple[str, str]]:
    """(code, "Name (code)") for a searchable picker: current municipalities first, then the
    merged ones with the year they ended, both in name order."""
    language = language or translation.get_language() or "fi"
    rows = list(Municipality.objects.all())
    current = sorted(
        (m for m in rows if m.valid_until is None), key=lambda m: m.name(language).casefold()
    )
    merged = sorted(
        (m for m in rows if m.valid_until is not None), key=lambda m: m.name(language).casefold()
    )
    choices = [(m.code, f"{m.name(language)} ({m.code})") for m in current]
    choices += [
        (m.code, f"{m.name(language)} ({m.code}, –{m.valid_until.year})")  # type: ignore[union-attr]
        for m in merged
    ]
    return choices
