"""Two-factor for administrators and re-authentication before sensitive actions."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import Client
from django.urls import path, reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kotopolku.access.organisations import STAFF_HOME
from kotopolku.access.reauth import AUTH_AT, requires_recent_auth
from kotopolku.access.views import requires
from kotopolku.audit.models import AuditEvent
from kotopolku.config.urls import urlpatterns as project_urls

pytestmark = pytest.mark.django_db
PASSWORD = "kotopolku-demo"


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def enrol(client: Client) -> TOTPDevice:
    page = client.post(reverse("security:otp-setup"), {"action": "start"})
    assert page.status_code == 200
    html = page.content.decode()
    figure = html[html.index('<figure class="qr-code">') : html.index("</figure>")]
    assert "<svg" in figure
    assert "otpauth" not in figure
    assert "<script" not in figure
    assert "style=" not in figure
    device = TOTPDevice.objects.get(confirmed=False)
    done = client.post(
        reverse("security:otp-setup"), {"action": "confirm", "token": code_for(device)}
    )
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_admin_enrols_with_an_inline_svg_qr_code(client_for):
    client = client_for("admin")
    assert "Ota kaksivaiheinen" in client.get(reverse("security:otp-setup")).content.decode()
    enrol(client)
    assert AuditEvent.objects.filter(
        object_type="TOTPDevice", reason="two-factor enrolment confirmed"
    ).exists()


def test_wrong_code_does_not_confirm(client_for):
    client = client_for("admin")
    client.post(reverse("security:otp-setup"), {"action": "start"})
    device = TOTPDevice.objects.get()
    response = client.post(reverse("security:otp-setup"), {"action": "confirm", "token": "000000"})
    assert response.status_code == 200
    assert "Koodi ei ole oikein" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    bad = client.post(reverse("security:otp-setup"), {"action": "confirm", "token": "abc"})
    assert "kuusi numeroa" in bad.content.decode()


def test_other_roles_cannot_enrol(client_for):
    assert client_for("coordinator").get(reverse("security:otp-setup")).status_code == 403


def test_enrolled_admin_needs_a_code_for_admin_pages_only(client_for, user_for):
    admin = user_for("admin")
    enrol(client_for("admin"))
    fresh = Client()
    assert (
        fresh.post(reverse("login"), {"username": "admin", "password": PASSWORD}).status_code == 302
    )
    # Ordinary pages work with the password alone.
    assert fresh.get(reverse("home")).status_code == 200
    for url in (reverse("audit:list"), reverse("admin:index")):
        response = fresh.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("security:otp-verify"))
    device = TOTPDevice.objects.get(user=admin)
    wrong = fresh.post(reverse("security:otp-verify"), {"token": "123456", "next": "/audit/"})
    assert wrong.status_code == 200
    # django-otp throttles after a failure; stand in for the wait.
    device.refresh_from_db()
    device.throttle_reset()
    ok = fresh.post(
        reverse("security:otp-verify"),
        {"token": code_for(device, 30), "next": reverse("audit:list")},
    )
    assert ok["Location"] == reverse("audit:list")
    assert fresh.get(reverse("audit:list")).status_code == 200
    assert fresh.get(reverse("admin:index")).status_code == 200
    assert AuditEvent.objects.filter(object_type="TOTPDevice", action="login_failed").exists()


def test_removing_the_device_needs_a_code_and_confirmation(client_for):
    client = client_for("admin")
    device = enrol(client)
    refused = client.post(
        reverse("security:otp-setup"), {"action": "remove", "token": code_for(device, 30)}
    )
    assert refused.status_code == 200
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    removed = client.post(
        reverse("security:otp-setup"),
        {"action": "remove", "token": code_for(device, 30), "confirm": "on"},
    )
    assert removed.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


# --- re-authentication ------------------------------------------------------------------


@requires(STAFF_HOME)
@requires_recent_auth(max_age=60)
def _sensitive(request):
    return HttpResponse("secret shown")


urlpatterns = [*project_urls, path("test-sensitive/", _sensitive, name="test-sensitive")]


@pytest.fixture
def sensitive_urls(settings):
    settings.ROOT_URLCONF = __name__
    return "/test-sensitive/"


def age_login(client: Client, seconds: int) -> None:
    session = client.session
    session[AUTH_AT] = time.time() - seconds
    session.save()


def test_recent_login_passes_and_old_login_must_reauthenticate(client_for, sensitive_urls):
    client = client_for("caseworker")
    assert client.get(sensitive_urls).content == b"secret shown"
    age_login(client, 3600)
    response = client.get(sensitive_urls)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('security:reauth')}?next=%2Ftest-sensitive%2F"
    page = client.get(response["Location"])
    assert "Vahvista henkilöllisyytesi" in page.content.decode()

    wrong = client.post(reverse("security:reauth"), {"password": "nope", "next": sensitive_urls})
    assert wrong.status_code == 200
    assert "Salasana on väärin" in wrong.content.decode()
    assert client.get(sensitive_urls).status_code == 302
    assert AuditEvent.objects.filter(
        action="login_failed", actor_label="caseworker-jarvenpaa"
    ).exists()

    right = client.post(reverse("security:reauth"), {"password": PASSWORD, "next": sensitive_urls})
    assert right["Location"] == sensitive_urls
    assert client.get(sensitive_urls).content == b"secret shown"
    assert AuditEvent.objects.filter(action="login", reason="re-authentication").exists()


def test_reauth_refuses_an_outside_next_address(client_for):
    client = client_for("viewer")
    response = client.post(
        reverse("security:reauth"), {"password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_password_login_counts_as_recent(demo, sensitive_urls):
    client = Client()
    client.post(reverse("login"), {"username": "coordinator", "password": PASSWORD})
    assert client.get(sensitive_urls).status_code == 200


def test_sso_only_user_is_offered_the_provider(demo, sensitive_urls):
    user = get_user_model().objects.get(username="coordinator")
    user.set_unusable_password()
    user.save()
    client = Client()
    client.force_login(user)
    age_login(client, 3600)
    page = client.get(reverse("security:reauth")).content.decode()
    assert 'name="password"' not in page
