import time

import pytest
from django.urls import reverse

from kotopolku.access.middleware import LAST_SEEN, STARTED

pytestmark = pytest.mark.django_db


def _set_session(client, **values):
    session = client.session
    session.update(values)
    session.save()


def test_idle_session_ends_after_30_minutes(client_for):
    client = client_for("coordinator")
    assert client.get(reverse("home")).status_code == 200
    _set_session(client, **{LAST_SEEN: time.time() - 31 * 60})
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_active_session_ends_after_12_hours(client_for):
    client = client_for("coordinator")
    client.get(reverse("home"))
    _set_session(client, **{STARTED: time.time() - 12 * 3600 - 5, LAST_SEEN: time.time()})
    assert client.get(reverse("home")).status_code == 302


def test_session_within_limits_continues(client_for):
    client = client_for("coordinator")
    client.get(reverse("home"))
    _set_session(client, **{STARTED: time.time() - 11 * 3600, LAST_SEEN: time.time() - 29 * 60})
    assert client.get(reverse("home")).status_code == 200
