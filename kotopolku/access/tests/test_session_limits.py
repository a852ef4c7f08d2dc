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


def _stored_session(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key)


def test_last_seen_is_renewed_once_a_minute_not_on_every_request(client_for):
    client = client_for("coordinator")
    client.get(reverse("home"))
    first = client.session[LAST_SEEN]
    client.get(reverse("home"))
    assert client.session[LAST_SEEN] == first  # a second later: no session write

    _set_session(client, **{LAST_SEEN: time.time() - 61})
    before = _stored_session(client).expire_date
    client.get(reverse("home"))
    assert client.session[LAST_SEEN] > time.time() - 5
    # Renewing the last-seen time also renews the stored session's expiry.
    assert _stored_session(client).expire_date > before


def test_a_session_idle_just_under_the_limit_stays_in_the_store(client_for, settings):
    client = client_for("coordinator")
    client.get(reverse("home"))
    _set_session(client, **{LAST_SEEN: time.time() - 29 * 60})
    assert client.get(reverse("home")).status_code == 200
    expiry = _stored_session(client).expire_date
    from django.utils import timezone

    remaining = (expiry - timezone.now()).total_seconds()
    assert remaining > settings.SESSION_IDLE_SECONDS - 60
