"""A searchable municipality picker: a text input with a <datalist> of every municipality.

The browser filters the list as the user types a name or a code; the field accepts a code,
"Name (code)" as the list shows it, or a name in Finnish or Swedish. Whether the code was valid
on the period's start is decided by the service (`clients.services.resolve_municipality`).
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from kotopolku.municipalities.selectors import Classification, municipality_picker

_CODE_AT_END = re.compile(r"\((\d{3})(?:,[^)]*)?\)\s*$")


class MunicipalityPicker(forms.TextInput):
    def __init__(self, attrs=None):
        base = {"autocomplete": "off", "spellcheck": "false", "inputmode": "search"}
        super().__init__(attrs={**base, **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or 'id_' + name}_options"
        attrs["list"] = list_id
        field = super().render(name, value, attrs, renderer)
        options = format_html_join("", '<option value="{}">{}</option>', municipality_picker())
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, options)


class MunicipalityCodeField(forms.CharField):
    widget = MunicipalityPicker

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 120)
        kwargs.setdefault(
            "help_text", _("Type a name or a code: any Finnish municipality, past or present.")
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        text = (super().to_python(value) or "").strip()
        if not text:
            return ""
        if re.fullmatch(r"\d{3}", text):
            return text
        if match := _CODE_AT_END.search(text):
            return match.group(1)
        wanted = text.casefold()
        found = [
            code
            for code, entry in Classification.load().entries.items()
            if wanted in (entry.name_fi.casefold(), entry.name_sv.casefold())
        ]
        if len(found) == 1:
            return found[0]
        raise ValidationError(
            _("Choose a municipality from the list, or type its three-digit code."),
            code="municipality",
        )
