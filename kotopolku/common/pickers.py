"""Type-ahead pickers for countries and languages, and repeatable rows in a form.

A picker is a text input tied to a <datalist> of "Name (code)" in the user's language, as the
home-municipality picker (`kotopolku.municipalities.forms`). It accepts the code or a name in
fi, sv or en, and stores the code (`kotopolku.common.codes`). Anything else is an error that
names what was typed; nothing is cut or guessed.

Rows are a small form per row in a Django formset: one blank row more than the stored ones, a
"Remove" box per row, and an "Add a row" button that kotopolku.js makes work without a reload.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from kotopolku.common import codes

# Ids of the shared datalists: one per page, rendered by the first picker or `{% datalist %}`.
COUNTRY_LIST = "country-options"
LANGUAGE_LIST = "language-options"


class CodePicker(forms.TextInput):
    """A text input with a datalist. `list_id` lets several inputs share one list: only the
    input built with `datalist=True` renders it."""

    kind = ""

    def __init__(self, attrs=None, *, list_id: str = "", datalist: bool = True):
        base = {"autocomplete": "off", "spellcheck": "false", "inputmode": "search"}
        super().__init__(attrs={**base, **(attrs or {})})
        self.list_id = list_id
        self.datalist = datalist

    def choices(self) -> tuple[tuple[str, str], ...]:
        raise NotImplementedError

    def name_for(self, code: str) -> str:
        raise NotImplementedError

    def format_value(self, value):
        value = super().format_value(value)
        if value and value.isascii() and value.isalpha() and 2 <= len(value) <= 3:
            name = self.name_for(value)
            if name != value:
                return f"{name} ({value})"
        return value

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = self.list_id or f"{attrs.get('id') or 'id_' + name}_options"
        attrs["list"] = list_id
        field = super().render(name, value, attrs, renderer)
        if not self.datalist:
            return field
        return format_html("{}{}", field, _datalist(list_id, self.choices()))


def _datalist(list_id: str, choices) -> str:
    options = format_html_join(
        "", '<option value="{} ({})"></option>', ((name, code) for code, name in choices)
    )
    return format_html('<datalist id="{}">{}</datalist>', list_id, options)


def datalist(kind: str) -> str:
    """The shared datalist of "country" or "language", for pickers built with datalist=False."""
    if kind == "country":
        return _datalist(COUNTRY_LIST, codes.country_choices())
    if kind == "language":
        return _datalist(LANGUAGE_LIST, codes.language_choices())
    raise ValueError(kind)


class CountryPicker(CodePicker):
    def choices(self):
        return codes.country_choices()

    def name_for(self, code):
        return codes.country_name(code)


class LanguagePicker(CodePicker):
    def choices(self):
        return codes.language_choices()

    def name_for(self, code):
        return codes.language_name(code)


class _CodeField(forms.CharField):
    """A code typed as a code or a name, stored as the code; `lookup` finds it (None: unknown)."""

    lookup = staticmethod(lambda text: None)

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)

    def to_python(self, value):
        text = (super().to_python(value) or "").strip()
        if not text:
            return ""
        code = self.lookup(text)
        if code is None:
            raise ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": text}
            )
        return code


class CountryField(_CodeField):
    """An ISO 3166-1 alpha-2 code from a code or a country's name."""

    widget = CountryPicker
    lookup = staticmethod(codes.country_code)
    default_error_messages = {
        "unknown": _(
            "“%(value)s” is not a country we know. Choose one from the list, or type its "
            "two-letter code, such as SO."
        ),
    }


class LanguageField(_CodeField):
    """An ISO 639 code (639-1, or 639-3 where there is none) from a code or a language's name."""

    widget = LanguagePicker
    lookup = staticmethod(codes.language_code)
    default_error_messages = {
        "unknown": _(
            "“%(value)s” is not a language we know. Choose one from the list, or type its "
            "ISO 639 code, such as ar."
        ),
    }


class LanguageListInput(forms.TextInput):
    """Several languages in one input: shown as names, separated by commas."""

    def __init__(self, attrs=None):
        base = {"autocomplete": "off", "spellcheck": "false", "size": "48"}
        super().__init__(attrs={**base, **(attrs or {})})

    def value_from_datadict(self, data, files, name):
        # A script may post one value per language; a browser posts one text.
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        values = [v for v in values if v is not None]
        return ", ".join(values) if len(values) > 1 else (values[0] if values else None)

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(codes.language_name(code) for code in value)
        return super().format_value(value)


class LanguageListField(forms.CharField):
    """Languages separated by commas, each a code or a name: "suomi, englanti" → ["fi", "en"]."""

    widget = LanguageListInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 500)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return list(value)
        text = super().to_python(value) or ""
        found, unknown = [], []
        for part in (p.strip() for p in text.replace(";", ",").replace("\n", ",").split(",")):
            if not part:
                continue
            code = codes.language_code(part)
            if code is not None:
                parts = [code]
            else:
                # Codes separated by spaces only ("fi sv ar"), as the old field took them.
                parts = [codes.language_code(word) for word in part.split()]
                if len(parts) < 2 or None in parts:
                    unknown.append(part)
                    continue
            for each in parts:
                if each and each not in found:
                    found.append(each)
        if unknown:
            raise ValidationError(
                _(
                    "Not languages we know: %(values)s. Write the names or the ISO 639 codes, "
                    "separated by commas, such as “suomi, englanti” or “fi, en”."
                ),
                code="unknown",
                params={"values": ", ".join(f"“{part}”" for part in unknown)},
            )
        return found

    def prepare_value(self, value):
        return value


# Rows -----------------------------------------------------------------------------------------


class RowForm(forms.Form):
    """A row whose fields are all optional; a row left empty is dropped."""

    def row(self) -> dict | None:
        data = getattr(self, "cleaned_data", None) or {}
        if data.get("DELETE"):
            return None
        values = {name: data.get(name) or "" for name in self.fields if name != "DELETE"}
        if not any(str(v).strip() for v in values.values()):
            return None
        return values


class BaseRowFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this row")


def row_formset(form: type[RowForm]) -> type[forms.BaseFormSet]:
    return forms.formset_factory(
        form,
        formset=BaseRowFormSet,
        extra=1,
        can_delete=True,
        can_delete_extra=True,
        max_num=50,
        validate_max=True,
    )


class WithRows:
    """A form that owns formsets of rows: `row_sets = {name: formset class}`; the initial rows
    come from `initial[name]` (a list of dicts). `is_valid()` checks the form and every row;
    a row's error is also listed above the form, naming the row."""

    row_sets: dict[str, type[forms.BaseFormSet]] = {}
    row_labels: dict[str, Any] = {}
    row_names: dict[str, Any] = {}
    row_after: dict[str, str] = {}
    row_help: dict[str, Any] = {}
    datalists: tuple[str, ...] = ()

    def _build_rows(self, data, initial: dict) -> None:
        self.rows_forms = {}
        self.rows_kept: dict[str, list[dict]] = {}
        for name, formset in self.row_sets.items():
            stored = list(initial.get(name) or [])
            if data is not None and f"{name}-TOTAL_FORMS" not in data:
                # A post without these rows at all (an older form, a script): keep what is stored.
                self.rows_kept[name] = stored
                self.rows_forms[name] = formset(prefix=name, initial=stored)
            else:
                self.rows_forms[name] = formset(data, prefix=name, initial=stored)

    def is_valid(self) -> bool:
        valid = super().is_valid()  # type: ignore[misc]
        for name, formset in self.rows_forms.items():
            if name in self.rows_kept or formset.is_valid():
                continue
            valid = False
            label = self.row_labels.get(name, name)
            for number, row in enumerate(formset.forms, start=1):
                for field, errors in row.errors.items():
                    for error in errors:
                        self.add_error(  # type: ignore[attr-defined]
                            None,
                            _("%(rows)s, row %(number)s, %(field)s: %(error)s")
                            % {
                                "rows": label,
                                "number": number,
                                "field": row.fields[field].label if field in row.fields else "",
                                "error": error,
                            },
                        )
            for error in formset.non_form_errors():
                self.add_error(None, f"{label}: {error}")  # type: ignore[attr-defined]
        valid = valid and not self.errors  # type: ignore[attr-defined]
        if valid:
            for name in self.rows_forms:
                self.cleaned_data[name] = self.rows(name)  # type: ignore[attr-defined]
        return valid

    def row_groups(self) -> list[dict]:
        """For templates: each row set with its legend, row name and the field it follows."""
        return [
            {
                "rows": formset,
                "legend": self.row_labels.get(name, name),
                "row_name": self.row_names.get(name, ""),
                "after": self.row_after.get(name, ""),
                "help": self.row_help.get(name, ""),
            }
            for name, formset in self.rows_forms.items()
        ]

    def rows(self, name: str) -> list[dict]:
        if name in self.rows_kept:
            return self.rows_kept[name]
        return [row for form in self.rows_forms[name].forms if (row := form.row()) is not None]
