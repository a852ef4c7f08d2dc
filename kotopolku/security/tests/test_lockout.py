"""Lock-out that cannot be turned on others (docs/security.md)."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from kotopolku.audit.models import AuditEvent
from kotopolku.security.lockout import client_ip, lockouts

pytestmark = pytest.mark.django_db
PASSWORD = "kotopolku-demo"
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/140 Safari/537.36"
PROXY = {"CLIENT_IP_HEADER": "X-Forwarded-For", "TRUSTED_PROXIES": ["10.0.0.5"]}


def login(username, password, *, ip="127.0.0.1", forwarded=None, agent=BROWSER):
    extra = {"REMOTE_ADDR": ip, "HTTP_USER_AGENT": agent}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post(reverse("login"), {"username": username, "password": password}, **extra)


def test_failures_from_one_address_do_not_lock_the_user_out_elsewhere(demo):
    for _ in range(6):
        login("caseworker-jarvenpaa", "wrong", ip="192.0.2.66")
    assert login("caseworker-jarvenpaa", PASSWORD, ip="192.0.2.66").status_code == 429
    # The same browser from the user's own address logs in.
    assert login("caseworker-jarvenpaa", PASSWORD, ip="198.51.100.7").status_code == 302


@override_settings(**PROXY)
def test_behind_the_proxy_an_attacker_with_the_same_browser_cannot_lock_others_out(demo):
    """Everyone reaches the app from the proxy's address and with one common browser."""
    for _ in range(6):
        login("coordinator", "wrong", ip="10.0.0.5", forwarded="203.0.113.9")
    assert login("coordinator", PASSWORD, ip="10.0.0.5", forwarded="203.0.113.9").status_code == 429
    assert (
        login("coordinator", PASSWORD, ip="10.0.0.5", forwarded="198.51.100.20").status_code == 302
    )
    assert login("viewer", PASSWORD, ip="10.0.0.5", forwarded="203.0.113.9").status_code == 302


@override_settings(**PROXY)
def test_the_header_is_believed_only_from_a_trusted_proxy():
    from django.test import RequestFactory

    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    # The proxy appends what it saw; anything the client wrote before that is not believed.
    assert client_ip(request) == "203.0.113.9"
    spoofed = factory.get("/", REMOTE_ADDR="203.0.113.50", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert client_ip(spoofed) == "203.0.113.50"
    garbage = factory.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_ip(garbage) == "10.0.0.5"


def test_without_a_configured_header_the_header_is_ignored():
    from django.test import RequestFactory

    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.8", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "192.0.2.8"


@override_settings(LOGIN_UNKNOWN_USERNAME_LIMIT=8)
def test_an_address_guessing_usernames_is_throttled_for_every_username(demo):
    for n in range(7):
        assert login(f"guess-{n}", "wrong", ip="192.0.2.99").status_code == 200
    # The eighth failure answers as a lock does.
    assert login("guess-7", "wrong", ip="192.0.2.99").status_code == 429
    # Now even a real user with the right password waits, from that address only.
    throttled = login("viewer", PASSWORD, ip="192.0.2.99")
    assert throttled.status_code == 429
    assert login("viewer", PASSWORD, ip="192.0.2.100").status_code == 302


def test_the_user_agent_plays_no_part(demo):
    for n in range(5):
        login("coordinator", "wrong", ip="192.0.2.44", agent=f"agent-{n}")
    assert login("coordinator", PASSWORD, ip="192.0.2.44", agent="another").status_code == 429


@override_settings(LOGIN_UNKNOWN_USERNAME_LIMIT=3)
def test_an_administrator_sees_and_lifts_lock_outs(demo, client_for):
    for _ in range(5):
        login("coordinator", "wrong", ip="192.0.2.10")
    for n in range(3):
        login(f"nobody-{n}", "wrong", ip="192.0.2.11")
    found = {(lock.kind, lock.username, lock.ip_address) for lock in lockouts()}
    assert found == {("account", "coordinator", "192.0.2.10"), ("address", "", "192.0.2.11")}

    admin = client_for("admin")
    page = admin.get(reverse("security:lockouts"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "coordinator" in html
    assert "192.0.2.10" in html
    assert "192.0.2.11" in html

    response = admin.post(
        reverse("security:lockouts"),
        {"kind": "account", "username": "coordinator", "ip_address": "192.0.2.10"},
    )
    assert response.status_code == 302
    assert login("coordinator", PASSWORD, ip="192.0.2.10").status_code == 302
    admin.post(
        reverse("security:lockouts"),
        {"kind": "address", "username": "", "ip_address": "192.0.2.11"},
    )
    assert login("viewer", PASSWORD, ip="192.0.2.11").status_code == 302
    assert lockouts() == []
    lifted = AuditEvent.objects.filter(object_type="LoginLockout", actor_label="admin")
    assert lifted.count() == 2


def test_only_administrators_may_see_the_lock_outs(demo, client_for):
    assert client_for("coordinator").get(reverse("security:lockouts")).status_code == 403
    assert (
        client_for("coordinator")
        .post(
            reverse("security:lockouts"),
            {"kind": "account", "username": "x", "ip_address": "1.1.1.1"},
        )
        .status_code
        == 403
    )
