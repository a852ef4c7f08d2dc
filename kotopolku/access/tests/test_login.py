import re

import pytest
from django.test import Client
from django.urls import reverse

from kotopolku.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "kotopolku-demo"


def post_login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_is_finnish_by_default(demo):
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    assert 'lang="fi"' in response.content.decode()
    assert "Kirjaudu" in response.content.decode()


def test_successful_login_is_audited_and_lands_home(demo):
    client = Client()
    response = post_login(client, "coordinator", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert AuditEvent.objects.filter(action="login", actor_label="coordinator").count() == 1


def test_wrong_password_and_unknown_user_look_the_same(demo):
    known = post_login(Client(), "coordinator", "wrong-password")
    unknown = post_login(Client(), "nobody-here", "wrong-password")
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors
    assert AuditEvent.objects.filter(action="login_failed", success=False).count() == 2


@pytest.mark.parametrize("username", ["coordinator", "nobody-here"])
def test_five_failures_lock_the_account_with_the_same_response(demo, username):
    client = Client()
    for _ in range(4):
        assert post_login(client, username, "wrong").status_code == 200
    locked = post_login(client, username, "wrong")
    assert locked.status_code == 429
    assert "30" in locked.content.decode()
    # Even the right password is refused while the lock lasts.
    again = post_login(Client(), username, PASSWORD)
    assert again.status_code == 429
    assert AuditEvent.objects.filter(action="lockout", actor_label=username).exists()


def test_locked_responses_do_not_reveal_which_usernames_exist(demo):
    bodies = []
    for username in ("coordinator", "nobody-here"):
        client = Client(HTTP_USER_AGENT=f"agent-{username}")
        for _ in range(5):
            response = post_login(client, username, "wrong")
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        bodies.append((response.status_code, body))
    assert bodies[0] == bodies[1]


def test_logout_is_audited(client_for):
    client = client_for("viewer")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor_label="viewer").exists()


def test_denied_request_is_audited(client_for):
    response = client_for("viewer").get(reverse("audit:list"))
    assert response.status_code == 403
    row = AuditEvent.objects.get(action="access_denied")
    assert row.actor_label == "viewer"
    assert row.path == reverse("audit:list")
    assert not row.success
