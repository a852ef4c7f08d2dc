"""Date inputs carry ISO values in every language, so a saved date survives an edit."""

from datetime import date

import pytest
from django import forms
from django.utils import translation

from kotopolku.common.widgets import IsoDateInput


class _Form(forms.Form):
    day = forms.DateField(widget=IsoDateInput())


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_date_renders_as_iso_in_a_date_input(language):
    with translation.override(language):
        html = str(_Form(initial={"day": date(2025, 1, 2)})["day"])
    assert 'type="date"' in html
    assert 'value="2025-01-02"' in html


def test_the_rendered_value_comes_back_as_the_same_date():
    with translation.override("fi"):
        rendered = _Form(initial={"day": date(2025, 1, 2)})["day"].value()
        value = IsoDateInput().format_value(rendered)
        form = _Form(data={"day": value})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == date(2025, 1, 2)
