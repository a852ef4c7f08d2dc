from django import template

from kotopolku.common import codes, pickers

register = template.Library()


@register.simple_tag
def datalist(kind: str) -> str:
    """`{% datalist "country" %}`: the one list that the page's country pickers share."""
    return pickers.datalist(kind)


@register.filter
def country_name(code: str) -> str:
    """An ISO 3166 code as the country's name in the UI language (the code if unknown)."""
    return codes.country_name(code) if code else ""


@register.filter
def language_name(code: str) -> str:
    """An ISO 639 code as the language's name in the UI language (the code if unknown)."""
    return codes.language_name(code) if code else ""
