"""A service's ValidationError lands on the form field it names, or above the form."""

from django import forms
from django.core.exceptions import ValidationError

from kotopolku.common.forms import errors_to_form


class _Form(forms.Form):
    name = forms.CharField()
    file = forms.CharField(required=False)


def _bound() -> _Form:
    form = _Form({"name": "x"})
    assert form.is_valid()
    return form


def test_field_errors_go_to_their_fields_and_unknown_ones_above_the_form():
    form = _bound()
    errors_to_form(form, ValidationError({"name": ["Too short."], "other": ["Not here."]}))
    assert form.errors["name"] == ["Too short."]
    assert form.non_field_errors() == ["Not here."]


def test_plain_errors_go_above_the_form_or_to_the_default_field():
    form = _bound()
    errors_to_form(form, ValidationError(["First.", "Second."]))
    assert form.non_field_errors() == ["First.", "Second."]
    form = _bound()
    errors_to_form(form, ValidationError("Unreadable."), default_field="file")
    assert form.errors["file"] == ["Unreadable."]
