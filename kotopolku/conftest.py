import pytest
from django.core.cache import cache
from django.test import Client

from kotopolku.demo.seed import seed_demo

ROLE_USERS = {
    "admin": "admin",
    "coordinator": "coordinator",
    "caseworker": "caseworker-jarvenpaa",
    "provider": "provider",
    "viewer": "viewer",
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; ids repeat across tests, so start each clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo(db):
    """The demo region, organisations and users, loaded through the real seed service."""
    return seed_demo(with_users=True, clients=0)


@pytest.fixture
def user_for(demo, django_user_model):
    def get(role: str):
        return django_user_model.objects.get(username=ROLE_USERS[role])

    return get


@pytest.fixture
def client_for(user_for):
    """A logged-in test client for a role name, or an anonymous one for 'anonymous'."""

    def make(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(user_for(role))
        return client

    return make
