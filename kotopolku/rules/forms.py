"""Forms of the draft rule sets (docs/data-formats.md): they parse input; the services decide."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kotopolku.rules.book import DraftError, RuleBook
from kotopolku.rules.services import draft_rows_parse
from kotopolku.rules.whatif import load_draft_json

MAX_DRAFT_BYTES = 256 * 1024


class DraftCreateForm(forms.Form):
    title = forms.CharField(label=_("Name of the draft"), max_length=200, required=False)
    file = forms.FileField(
        label=_("Draft file (JSON)"),
        required=False,
        help_text=_(
            'Optional: a JSON file {"title": …, "rows": [{"key", "value", "effective_from"}]}.'
        ),
    )

    def clean(self):
        cleaned: dict[str, Any] = super().clean() or {}
        upload = cleaned.get("file")
        data: Any = {"title": cleaned.get("title") or "", "rows": []}
        if upload is not None:
            if upload.size > MAX_DRAFT_BYTES:
                raise forms.ValidationError(_("The file is too large."))
            try:
                data = load_draft_json(upload.read())
                draft_rows_parse(data)
            except (DraftError, ValueError) as exc:
                raise forms.ValidationError(
                    _("The draft file was not accepted: %(error)s") % {"error": exc}
                ) from exc
        if not (cleaned.get("title") or (isinstance(data, dict) and data.get("title"))):
            self.add_error("title", _("Give the draft a name."))
        cleaned["data"] = data
        return cleaned


class DraftRowForm(forms.Form):
    key = forms.ChoiceField(label=_("Rule key"))
    value = forms.CharField(
        label=_("Value"),
        max_length=200,
        help_text=_(
            "Euros with a point as decimal separator, whole numbers, or codes separated by commas."
        ),
    )
    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.book = RuleBook.load()
        cast(forms.ChoiceField, self.fields["key"]).choices = [
            (k, k) for k in sorted(self.book.keys())
        ]

    def clean(self):
        cleaned: dict[str, Any] = super().clean() or {}
        key, value = cleaned.get("key"), cleaned.get("value")
        if key and value is not None and self.book.rule_rows(key)[0].unit == "codes":
            cleaned["value"] = [v.strip() for v in value.split(",") if v.strip()]
        elif value is not None:
            cleaned["value"] = value.strip()
        return cleaned


class PreviewForm(forms.Form):
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    on = forms.DateField(label=_("Deadlines on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["municipality"]).choices = [
            ("", _("The whole region"))
        ] + [(m.municipality_code, f"{m.name} ({m.municipality_code})") for m in municipalities]
