import pytest
from django.test import Client as HttpClient

from kotopolku.clients.tests.factories import ClientFactory, municipality


@pytest.fixture
def staff(demo, django_user_model):
    """Demo users by username."""

    def get(username: str):
        return django_user_model.objects.get(username=username)

    return get


@pytest.fixture
def http_for(staff):
    def make(username: str) -> HttpClient:
        http = HttpClient()
        http.force_login(staff(username))
        return http

    return make


@pytest.fixture
def jarvenpaa_client(demo, staff):
    return ClientFactory(
        actor=staff("caseworker-jarvenpaa"),
        external_id="JP-2024-0001",
        first_names="Amina",
        last_name="Hassan",
        municipality_code="186",
    )


@pytest.fixture
def jarvenpaa(demo):
    return municipality("186")


@pytest.fixture
def tuusula(demo):
    return municipality("858")
