"""`{% load formatting %}`: `{{ amount|euros }}` gives `1 234,50 €` (fi, sv) or `€1,234.50` (en);
`{{ amount|euros:"number" }}` gives the number alone, for a column whose heading says (€)."""

from django import template
from django.utils.html import format_html

from kotopolku.common import formatting

register = template.Library()


@register.filter
def euros(value, style: str = "") -> str:
    if style == "number":
        return formatting.euro_number(value)
    return formatting.euros(value)


@register.simple_tag
def date_range(start, end) -> str:
    """`{% date_range start end %}`: `27.11.2026–31.12.2026`, which a narrow table cell breaks
    after the dash only, never inside a date. A missing end reads `…`."""
    return format_html(
        '<span class="nowrap">{}–</span><span class="nowrap">{}</span>',
        formatting.short_date(start) if start else "…",
        formatting.short_date(end) if end else "…",
    )
