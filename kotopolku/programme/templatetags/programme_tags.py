from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

KINDS = {
    "service": _("service"),
    "policy_line": _("policy line"),
    "goal": _("goal"),
    "measure": _("measure"),
    "indicator": _("indicator"),
}
CHANGES = {"added": _("added"), "removed": _("removed"), "changed": _("changed")}


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
