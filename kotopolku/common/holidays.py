"""Finnish public holidays, as the `holidays` package defines them (Midsummer Eve and Christmas
Eve included). Used to flag course sessions planned on a day when most people are off."""

from datetime import date
from functools import lru_cache

import holidays

# The package's own translations of the holiday names.
_PACKAGE_LANGUAGE = {"fi": "fi", "sv": "sv_FI", "en": "en_US"}


@lru_cache(maxsize=64)
def _year(year: int, language: str) -> holidays.HolidayBase:
    return holidays.country_holidays("FI", years=year, language=language)


def public_holiday(day: date, language: str = "fi") -> str | None:
    """The name of the Finnish public holiday on `day` in `language`, or None on other days."""
    package_language = _PACKAGE_LANGUAGE.get((language or "fi")[:2], "fi")
    return _year(day.year, package_language).get(day)
