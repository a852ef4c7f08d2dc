"""`{% load formatting %}`: `{{ amount|euros }}` gives `1 234,50 €` (fi, sv) or `€1,234.50` (en);
`{{ amount|euros:"number" }}` gives the number alone, for a column whose heading says (€)."""

from django import template

from kotopolku.common import formatting

register = template.Library()


@register.filter
def euros(value, style: str = "") -> str:
    if style == "number":
        return formatting.euro_number(value)
    return formatting.euros(value)
