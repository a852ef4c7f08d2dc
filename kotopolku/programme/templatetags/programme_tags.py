from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kotopolku.programme.models import ContextSeries
from kotopolku.programme.selectors import comparison_rows, context_series_content

register = template.Library()

KINDS = {
    "service": _("service"),
    "policy_line": _("policy line"),
    "goal": _("goal"),
    "measure": _("measure"),
    "indicator": _("indicator"),
}
CHANGES = {"added": _("added"), "removed": _("removed"), "changed": _("changed")}
# The keys of a version's content (selectors.version_content) as people call them.
FIELDS = {
    "name": _("name"),
    "title": _("title"),
    "text": pgettext_lazy("programme content field", "text"),
    "description": _("description"),
    "details": _("details"),
    "definition": _("definition"),
    "number": _("number"),
    "code": _("code"),
    "kind": _("kind"),
    "status": _("status"),
    "starts": _("starts"),
    "ends": _("ends"),
    "active_from": _("active from"),
    "active_to": _("active until"),
    "baseline": _("baseline"),
    "baseline_year": _("baseline year"),
    "unit": _("unit"),
    "value": _("value"),
    "category": _("category"),
    "categories": _("categories"),
    "channels": _("channels"),
    "languages": _("languages"),
    "target_groups": _("target groups"),
    "municipalities": _("municipalities"),
    "municipality": _("municipality"),
    "responsible": _("responsible organisation"),
    "responsible_unit": _("responsible unit"),
    "cooperating": _("cooperating organisations"),
    "capacity": _("capacity"),
    "statutory": _("statutory"),
    "statutory_item": _("statutory item"),
    "ptv_id": _("Suomi.fi service id"),
    "parties": _("parties"),
}


@register.filter
def pick(value: dict) -> str:
    """A {"fi": …, "sv": …, "en": …} value in the current language, Finnish as fallback."""
    if not isinstance(value, dict):
        return str(value)
    return value.get((get_language() or "fi")[:2]) or value.get("fi") or ""


@register.filter
def change_kind(value: str) -> str:
    return str(KINDS.get(value, value)).capitalize()


@register.filter
def change_label(value: str) -> str:
    return str(CHANGES.get(value, value))


@register.filter
def field_labels(names: list[str]) -> str:
    """The changed fields of a comparison row, named in the user's language."""
    return ", ".join(str(FIELDS.get(n, n.replace("_", " "))) for n in names or [])


@register.simple_tag
def national_comparison(indicator) -> dict:
    """An indicator's own figures beside its national series, for the goal page and dashboards:
    `{"series": [content dicts], "rows": [{"period", "own", "context": [...]}]}`."""
    series = []
    for row in indicator.context_series.all():
        content = context_series_content(row)
        content["retrieved"] = row.retrieved_on
        series.append(content)
    data = {
        "entries": [{"period": e.period, "value": str(e.value)} for e in indicator.entries.all()],
        "context": series,
    }
    return {
        "series": series,
        "rows": comparison_rows(data) if series else [],
        "latest": data["entries"][-1] if data["entries"] else None,
    }


@register.filter
def context_source_label(code: str) -> str:
    return str(dict(ContextSeries.Source.choices).get(code, code))


@register.filter
def plain_number(value) -> str:
    """A figure as the locale writes it, without trailing zeros (64,5; 4904)."""
    if value in (None, ""):
        return "–"
    try:
        number = Decimal(str(value)).normalize()
    except InvalidOperation:
        return str(value)
    if number == number.to_integral():
        number = number.quantize(Decimal(1))
    return formats.number_format(number, use_l10n=True)
