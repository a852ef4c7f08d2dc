from django import template
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

register = template.Library()

# Languages common among newcomers that Django's own language table does not name.
EXTRA_LANGUAGES = {
    "so": _("Somali"),
    "ti": _("Tigrinya"),
    "ku": _("Kurdish"),
    "ckb": _("Sorani"),
    "prs": _("Dari"),
    "ps": _("Pashto"),
    "am": _("Amharic"),
}


@register.filter
def language_label(code: str) -> str:
    """An ISO 639 code as the language's name in the current UI language, or the code."""
    if code in EXTRA_LANGUAGES:
        return f"{str(EXTRA_LANGUAGES[code]).capitalize()} ({code})"
    try:
        name = get_language_info(code)["name_translated"]
    except KeyError:
        return code
    return f"{str(name).capitalize()} ({code})"


@register.filter
def target_group_label(code: str) -> str:
    from kotopolku.catalogue.models import TargetGroup

    try:
        return str(TargetGroup(code).label)
    except ValueError:
        return code
