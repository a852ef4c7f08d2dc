from django import template
from django.utils.html import format_html
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kotopolku.common import codes

register = template.Library()


@register.filter
def language_label(code: str) -> str:
    """An ISO 639 code as the language's name in the current UI language, with the code."""
    name = codes.language_name(code)
    return f"{name} ({code})" if name != code else code


@register.filter
def language_own_name(code: str) -> str:
    """The language in its own name and script (العربية), marked with its language and
    direction; the UI-language name follows when it reads differently."""
    own, direction = codes.autonym(code)
    local = codes.language_name(code)
    html = format_html('<span lang="{}" dir="{}">{}</span>', code, direction, own)
    if local.casefold() != own.casefold():
        html = format_html("{} ({})", html, local)
    return html


@register.filter
def target_group_label(code: str) -> str:
    from kotopolku.catalogue.models import TargetGroup

    try:
        return str(TargetGroup(code).label)
    except ValueError:
        return code


_PTV_KINDS = {
    "service": pgettext_lazy("ptv", "service"),
    "channel": pgettext_lazy("ptv", "channel"),
    "organisation": pgettext_lazy("ptv", "organisation"),
}
_PTV_ACTIONS = {
    "create": pgettext_lazy("ptv", "new"),
    "update": pgettext_lazy("ptv", "changed"),
    "add": pgettext_lazy("ptv", "added"),
    "delete": pgettext_lazy("ptv", "removed"),
    "keep_local": pgettext_lazy("ptv", "kept"),
}
_PTV_FIELDS = {
    "name_fi": _("Name in Finnish"),
    "name_sv": _("Name in Swedish"),
    "name_en": _("Name in English"),
    "description_fi": _("Description in Finnish"),
    "description_sv": _("Description in Swedish"),
    "description_en": _("Description in English"),
    "languages": _("Languages of service"),
    "municipalities": _("Municipalities where offered"),
    "responsible_organisation": _("Responsible organisation"),
    "classification": _("Service classes, ontology terms and target groups"),
    "kind": _("Channel"),
    "value": _("Address, number or link"),
    "opening_hours": _("Opening hours"),
    "details_fi": _("Channel name in Finnish"),
    "details_sv": _("Channel name in Swedish"),
    "details_en": _("Channel name in English"),
    "names": _("Names"),
    "business_code": _("Business id"),
    "municipality_code": _("Municipality code"),
    "organisation_type": _("Type"),
    "organisation": _("Local organisation"),
    "modified": _("Modified in PTV"),
}


@register.filter
def ptv_kind_label(code: str) -> str:
    return str(_PTV_KINDS.get(code, code))


@register.filter
def ptv_action_label(code: str) -> str:
    return str(_PTV_ACTIONS.get(code, code))


@register.filter
def ptv_field_label(code: str) -> str:
    return str(_PTV_FIELDS.get(code, code)) if code else ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


_WEEKDAYS = {
    "Monday": _("Monday"),
    "Tuesday": _("Tuesday"),
    "Wednesday": _("Wednesday"),
    "Thursday": _("Thursday"),
    "Friday": _("Friday"),
    "Saturday": _("Saturday"),
    "Sunday": _("Sunday"),
}


@register.filter
def weekday_label(day: str) -> str:
    return str(_WEEKDAYS.get(day, day))


@register.filter
def localised(values) -> str:
    """A `{"fi": …, "sv": …, "en": …}` text in the user's language, else Finnish, else any."""
    if not isinstance(values, dict) or not values:
        return ""
    language = (get_language() or "fi")[:2]
    return values.get(language) or values.get("fi") or next(iter(values.values()))
