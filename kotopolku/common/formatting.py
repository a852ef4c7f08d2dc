"""Locale formatting of euro amounts, shared by templates, documents and exports.

Numbers follow Django's locale formats (fi and sv: `1 234,50`, en: `1,234.50`) with grouping
always on, whatever USE_THOUSAND_SEPARATOR says. The symbol follows the language's custom:
after the number with a no-break space in Finnish and Swedish (`1 234,50 €`), before it in
English (`€1,234.50`).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats, translation

NBSP = "\u00a0"
CENT = Decimal("0.01")
SYMBOL_FIRST = frozenset({"en"})


def euro_number(value, *, language: str | None = None) -> str:
    """The amount with two decimals in the locale's number format, without the symbol."""
    if value is None or value == "":
        return "–"
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    if amount == 0:
        amount = abs(amount)  # no "-0,00 €" for a tiny negative rounded to zero
    with translation.override(language or translation.get_language() or "fi"):
        return formats.number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)


def euros(value, *, language: str | None = None) -> str:
    """The amount with the euro sign where the language puts it: `1 234,50 €` or `€1,234.50`."""
    number = euro_number(value, language=language)
    if number == "–":
        return number
    code = (language or translation.get_language() or "fi").split("-")[0]
    if code in SYMBOL_FIRST:
        sign, digits = ("-", number[1:]) if number.startswith("-") else ("", number)
        return f"{sign}€{digits}"
    return f"{number}{NBSP}€"


def short_date(value, *, language: str | None = None) -> str:
    """A date in the language's short format (fi `27.11.2026`, sv `2026-11-27`, en `27 Nov
    2026`), for text built in Python: messages, choice labels, exports. `–` when missing."""
    if value is None:
        return "–"
    with translation.override(language or translation.get_language() or "fi"):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
