"""Country and language codes from names in fi, sv and en (kotopolku.common.codes)."""

import pytest
from django import forms
from django.utils import translation

from kotopolku.common import codes
from kotopolku.common.pickers import CountryField, LanguageField, LanguageListField


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Somalia", "SO"),  # fi and sv both
        ("somalia", "SO"),
        ("SO", "SO"),
        ("so", "SO"),
        ("SOM", "SO"),  # alpha-3 is read, alpha-2 stored
        ("Somalia (SO)", "SO"),  # as the datalist offers it
        ("Syyria", "SY"),
        ("Syrien", "SY"),
        ("Syria", "SY"),
        ("Ruotsi", "SE"),
        ("Sverige", "SE"),
    ],
)
def test_country_code_from_a_code_or_a_name(typed, code):
    assert codes.country_code(typed) == code


@pytest.mark.parametrize("typed", ["Somal", "Atlantis", "XX", "Kongo"])  # Kongo: two countries
def test_unknown_or_ambiguous_country_is_none(typed):
    assert codes.country_code(typed) is None


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("suomi", "fi"),
        ("Finska", "fi"),
        ("Finnish", "fi"),
        ("englanti", "en"),
        ("arabia", "ar"),
        ("ara", "ar"),  # 639-2/3 where a 639-1 code exists: the 639-1 code is stored
        ("dari", "prs"),  # 639-3 only
        ("prs", "prs"),
        ("Arabia (ar)", "ar"),
    ],
)
def test_language_code_from_a_code_or_a_name(typed, code):
    assert codes.language_code(typed) == code


def test_names_in_the_active_language_and_in_the_language_itself():
    assert codes.country_name("SO", "fi") == "Somalia"
    assert codes.country_name("SE", "sv") == "Sverige"
    assert codes.language_name("ar", "fi") == "Arabia"
    assert codes.language_name("ar", "sv") == "Arabiska"
    assert codes.autonym("ar") == ("العربية", "rtl")
    assert codes.autonym("so") == ("Soomaali", "ltr")
    with translation.override("sv"):
        assert dict(codes.language_choices())["fi"] == "Finska"


def test_choices_are_in_finnish_and_swedish_alphabetical_order():
    names = [name for _, name in codes.country_choices("sv")]
    assert names.index("Sverige") < names.index("Zimbabwe") < names.index("Åland")
    assert names.index("Åland") < names.index("Österrike")
    assert names.index("Egypten") < names.index("Elfenbenskusten") < names.index("Eritrea")


def test_fields_never_cut_and_name_what_was_typed():
    with translation.override("fi"):
        with pytest.raises(forms.ValidationError) as error:
            CountryField().clean("Somalimaa")
        assert "Somalimaa" in str(error.value)
        assert CountryField().clean("Somalia") == "SO"
        assert LanguageField().clean("Arabia (ar)") == "ar"
        assert LanguageListField().clean("suomi, englanti") == ["fi", "en"]
        assert LanguageListField().clean("fi sv ar") == ["fi", "sv", "ar"]
        with pytest.raises(forms.ValidationError) as error:
            LanguageListField().clean("suomi, haltiakieli")
        assert "haltiakieli" in str(error.value)
