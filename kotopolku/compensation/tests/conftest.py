import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English; one test checks the Finnish default on purpose."""
    with translation.override("en"):
        yield


@pytest.fixture
def coordinator(client_for):
    client = client_for("coordinator")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
