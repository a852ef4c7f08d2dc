"""A service's refusal reaches API clients in one shape, whichever app answers."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from rest_framework import exceptions

from kotopolku.common.api import call_service, service_errors


def test_field_and_form_wide_messages_keep_their_place():
    exc = ValidationError({"end": ["Too late."], NON_FIELD_ERRORS: ["Overlaps."]})
    assert service_errors(exc).detail == {"end": ["Too late."], "non_field_errors": ["Overlaps."]}


def test_a_plain_message_is_a_non_field_error():
    assert service_errors(ValidationError("Draft only.")).detail == {
        "non_field_errors": ["Draft only."]
    }


def test_call_service_turns_a_refusal_into_a_400_and_passes_results_through():
    def refuse(**_kwargs):
        raise ValidationError({"day": ["In the future."]})

    with pytest.raises(exceptions.ValidationError) as caught:
        call_service(refuse, day=None)
    assert caught.value.detail == {"day": ["In the future."]}
    assert call_service(lambda **kw: kw["x"] * 2, x=21) == 42
