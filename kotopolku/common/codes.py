"""Countries (ISO 3166-1) and languages (ISO 639) with their names in fi, sv and en.

The code lists come from pycountry and the names from the Unicode CLDR through babel, so nothing
here is a hand-kept list. Stored values are codes: alpha-2 for countries, ISO 639-1 for languages
or ISO 639-3 where there is no 639-1 code (docs/data-formats.md, `languages[].code`). What people
type may be a code or a name in any of the three UI languages; `country_code` and
`language_code` turn either into the stored code, or None when they cannot tell which.
"""

import re
import unicodedata
from functools import lru_cache

import pycountry
from babel import Locale, UnknownLocaleError
from django.utils import translation

UI_LANGUAGES = ("fi", "sv", "en")

# A few ISO 639-3 codes that CLDR names under a regional locale instead of the code itself.
_CLDR_ALIASES = {"prs": "fa_AF"}
_CODE_AT_END = re.compile(r"\(([A-Za-z]{2,3})\)\s*$")


def _ui(language: str | None) -> str:
    language = (language or translation.get_language() or "fi")[:2]
    return language if language in UI_LANGUAGES else "en"


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]


def sort_key(text: str) -> str:
    """Alphabetical order as Finnish and Swedish readers expect it: accents ignored, å ä ö last."""
    out = []
    for char in unicodedata.normalize("NFC", text.casefold()):
        if char in "åäöæø":
            out.append({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"}[char])
            continue
        base = unicodedata.normalize("NFD", char)[0]
        out.append(base)
    return "".join(out)


# Countries -------------------------------------------------------------------------------------


@lru_cache(maxsize=len(UI_LANGUAGES))
def _country_names(language: str) -> dict[str, str]:
    cldr = Locale(language).territories
    return {
        country.alpha_2: _capitalised(cldr.get(country.alpha_2) or country.name)
        for country in pycountry.countries
    }


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in the UI language; the code itself when it is not a country."""
    alpha_2 = _country_alpha_2(code)
    return _country_names(_ui(language)).get(alpha_2, code) if alpha_2 else code


@lru_cache(maxsize=len(UI_LANGUAGES))
def _country_choices(language: str) -> tuple[tuple[str, str], ...]:
    names = _country_names(language)
    return tuple(sorted(names.items(), key=lambda item: sort_key(item[1])))


def country_choices(language: str | None = None) -> tuple[tuple[str, str], ...]:
    """(alpha-2 code, name) for every ISO 3166-1 country, in name order."""
    return _country_choices(_ui(language))


def _country_alpha_2(code: str) -> str | None:
    code = (code or "").strip().upper()
    if len(code) == 2 and code in _country_names("en"):
        return code
    if len(code) == 3 and (country := pycountry.countries.get(alpha_3=code)):
        return country.alpha_2
    return None


@lru_cache(maxsize=1)
def _country_index() -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for language in UI_LANGUAGES:
        for code, name in _country_names(language).items():
            index.setdefault(name.casefold(), set()).add(code)
    for country in pycountry.countries:
        for name in (
            country.name,
            getattr(country, "official_name", ""),
            getattr(country, "common_name", ""),
        ):
            if name:
                index.setdefault(name.casefold(), set()).add(country.alpha_2)
    return index


def country_code(text: str, language: str | None = None) -> str | None:
    """An alpha-2 code from a code (alpha-2 or alpha-3), "Name (SO)", or a name in fi, sv or en.

    A name that means different countries in different languages is read in the UI language."""
    text = (text or "").strip()
    if not text:
        return None
    if match := _CODE_AT_END.search(text):
        text = match.group(1)
    if re.fullmatch(r"[A-Za-z]{2,3}", text) and (code := _country_alpha_2(text)):
        return code
    found = _country_index().get(text.casefold(), set())
    if len(found) == 1:
        return next(iter(found))
    preferred = {
        code
        for code, name in _country_names(_ui(language)).items()
        if name.casefold() == text.casefold()
    }
    return next(iter(preferred)) if len(preferred) == 1 else None


# Languages -------------------------------------------------------------------------------------


def _iso639(code: str) -> str | None:
    """The stored form of an ISO 639 code: 639-1 when there is one, else 639-3; None if unknown."""
    code = (code or "").strip().lower()
    if len(code) == 2:
        found = pycountry.languages.get(alpha_2=code)
    elif len(code) == 3:
        found = pycountry.languages.get(alpha_3=code) or pycountry.languages.get(bibliographic=code)
    else:
        return None
    if found is None:
        return None
    return getattr(found, "alpha_2", None) or found.alpha_3


@lru_cache(maxsize=len(UI_LANGUAGES))
def _language_names(language: str) -> dict[str, str]:
    """Every language CLDR names in `language` that has an ISO 639 code, by stored code."""
    cldr = Locale(language).languages
    names: dict[str, str] = {}
    for key, name in cldr.items():
        if "_" in key:
            continue
        code = _iso639(key)
        if code is not None and code == key:
            names[code] = _capitalised(name)
    for code, alias in _CLDR_ALIASES.items():
        if alias in cldr:
            names[code] = _capitalised(cldr[alias])
    return names


def language_name(code: str, language: str | None = None) -> str:
    """The language's name in the UI language (CLDR, else ISO 639's English name), or the code."""
    stored = _iso639(code)
    if stored is None:
        return code
    name = _language_names(_ui(language)).get(stored)
    if name:
        return name
    found = pycountry.languages.get(alpha_3=stored) if len(stored) == 3 else None
    return found.name if found is not None else code


@lru_cache(maxsize=64)
def autonym(code: str) -> tuple[str, str]:
    """The language's name in itself (العربية for ar) and its writing direction ("rtl"/"ltr").

    Falls back to the Finnish name when CLDR has no data for the language itself."""
    stored = _iso639(code) or code
    key = _CLDR_ALIASES.get(stored, stored)
    try:
        locale = Locale.parse(key)
    except (UnknownLocaleError, ValueError):
        return language_name(stored, "fi"), "ltr"
    name = locale.languages.get(key) or locale.languages.get(locale.language)
    name = name or language_name(stored, "fi")
    direction = "rtl" if locale.character_order == "right-to-left" else "ltr"
    return _capitalised(name), direction


@lru_cache(maxsize=len(UI_LANGUAGES))
def _language_choices(language: str) -> tuple[tuple[str, str], ...]:
    names = _language_names(language)
    return tuple(sorted(names.items(), key=lambda item: sort_key(item[1])))


def language_choices(language: str | None = None) -> tuple[tuple[str, str], ...]:
    """(code, name) for every language CLDR names, in name order."""
    return _language_choices(_ui(language))


@lru_cache(maxsize=1)
def _language_index() -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for language in UI_LANGUAGES:
        for code, name in _language_names(language).items():
            index.setdefault(name.casefold(), set()).add(code)
    return index


def language_code(text: str, language: str | None = None) -> str | None:
    """A stored ISO 639 code from a code, "Name (ar)", or a name in fi, sv or en."""
    text = (text or "").strip()
    if not text:
        return None
    if match := _CODE_AT_END.search(text):
        text = match.group(1)
    if re.fullmatch(r"[A-Za-z]{2,3}", text) and (code := _iso639(text)):
        return code
    found = _language_index().get(text.casefold(), set())
    if len(found) == 1:
        return next(iter(found))
    preferred = {
        code
        for code, name in _language_names(_ui(language)).items()
        if name.casefold() == text.casefold()
    }
    return next(iter(preferred)) if len(preferred) == 1 else None
