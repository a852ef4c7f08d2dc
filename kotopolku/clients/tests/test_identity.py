from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from kotopolku.clients import identity
from kotopolku.clients.tests.factories import valid_hetu


@pytest.mark.parametrize(
    ("code", "born"),
    [
        ("010594Y9032", date(1994, 5, 1)),  # the DATA-FORMATS example, 2023 sign Y
        ("131052-308T", date(1952, 10, 13)),  # classic 1900s sign
        ("010594-9032", date(1994, 5, 1)),
        ("010594U9032", date(1994, 5, 1)),
        ("010594V9032", date(1994, 5, 1)),
        ("010594W9032", date(1994, 5, 1)),
        ("010594X9032", date(1994, 5, 1)),
        (valid_hetu(date(2010, 3, 1), sign="A", individual=123), date(2010, 3, 1)),
        (valid_hetu(date(2010, 3, 1), sign="B", individual=123), date(2010, 3, 1)),
        (valid_hetu(date(2010, 3, 1), sign="F", individual=123), date(2010, 3, 1)),
        (valid_hetu(date(1899, 12, 31), sign="+", individual=123), date(1899, 12, 31)),
    ],
)
def test_century_signs_are_understood(code, born):
    assert identity.validate(code, born) == code
    assert identity.birth_date(code) == born


def test_temporary_numbers_are_accepted_and_recognised():
    code = valid_hetu(date(1994, 5, 1), individual=950)
    assert identity.validate(code, date(1994, 5, 1)) == code
    assert identity.is_temporary(code)
    assert not identity.is_temporary("131052-308T")


def test_wrong_check_character_is_rejected_with_a_clear_message():
    with pytest.raises(ValidationError) as info:
        identity.validate("131052-308U")
    assert info.value.code == "hetu_checksum"


def test_code_must_agree_with_date_of_birth():
    with pytest.raises(ValidationError) as info:
        identity.validate("131052-308T", date(1952, 10, 14))
    assert info.value.code == "hetu_date_mismatch"


@pytest.mark.parametrize("text", ["", "abc", "131352-308T", "131052*308T", "131052-000N"])
def test_malformed_codes_are_rejected(text):
    with pytest.raises(ValidationError):
        identity.validate(text)


@given(
    born=st.dates(min_value=date(1850, 1, 1), max_value=date(2099, 12, 31)),
    individual=st.integers(min_value=2, max_value=999),
)
def test_any_generated_code_validates_and_gives_back_its_birth_date(born, individual):
    code = valid_hetu(born, individual=individual)
    assert identity.validate(code, born) == code
    assert identity.birth_date(code) == born


def test_encryption_round_trip_hides_the_code():
    token = identity.encrypt("010594Y9032")
    assert "010594" not in token
    assert "9032" not in token
    assert identity.decrypt(token) == "010594Y9032"
    # Fernet tokens are randomised; equality lookups use the keyed hash instead.
    assert identity.encrypt("010594Y9032") != token


def test_lookup_hash_is_keyed_and_normalised(settings):
    digest = identity.lookup_hash("010594y9032 ")
    assert digest == identity.lookup_hash("010594Y9032")
    settings.HETU_HASH_KEY = "another-key"
    assert identity.lookup_hash("010594Y9032") != digest


def test_mask_shows_only_the_date_part():
    assert identity.masked(date(1994, 5, 1)) == "010594•••••"
