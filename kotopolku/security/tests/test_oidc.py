"""Single sign-on against a local fake OpenID Connect provider, with the failure paths."""

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.test import Client
from django.urls import reverse

from kotopolku.audit.models import AuditEvent
from kotopolku.organisations.models import Membership, Organisation
from kotopolku.security.tests.fake_oidc import CLIENT_ID, CLIENT_SECRET, FakeProvider

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def provider():
    with FakeProvider() as fake:
        yield fake


@pytest.fixture
def sso(provider, settings):
    """Kotopolku configured from the provider's discovery document."""
    found = requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=5).json()
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_ISSUER = found["issuer"]
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = found["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = found["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = found["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = found["jwks_uri"]
    settings.OIDC_CREATE_USERS = False
    settings.OIDC_ROLE_CLAIM = ""
    settings.OIDC_ROLE_MAP = {}
    provider.next_login = {}
    return provider


@pytest.fixture
def staff(demo, django_user_model):
    user = django_user_model.objects.get(username="caseworker-jarvenpaa")
    user.email = "Maija.Meikalainen@Jarvenpaa.example.fi"
    user.save()
    return user


def sso_login(client: Client, provider: FakeProvider, **login):
    """Browser round trip: Kotopolku → provider → Kotopolku's callback."""
    provider.next_login = login
    start = client.get(reverse("security:oidc-authenticate"))
    assert start.status_code == 302, start
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302
    back = urlparse(at_provider.headers["Location"])
    return client.get(back.path, parse_qs(back.query))


def failures():
    return AuditEvent.objects.filter(action="login_failed", success=False)


def test_login_page_shows_the_sso_button_only_when_configured(demo, provider, settings):
    assert "sso/login" not in Client().get(reverse("login")).content.decode()
    assert Client().get(reverse("security:oidc-authenticate")).status_code == 404
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider.issuer}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider.issuer}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider.issuer}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider.issuer}/jwks"
    page = Client().get(reverse("login")).content.decode()
    assert reverse("security:oidc-authenticate") in page
    assert "Kirjaudu kunnan tunnuksella" in page


def test_sso_login_matches_the_user_by_email_case_insensitively(sso, staff):
    client = Client()
    response = sso_login(client, sso, email="maija.meikalainen@jarvenpaa.EXAMPLE.fi")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert int(client.session["_auth_user_id"]) == staff.pk
    assert client.session["_kotopolku_auth_method"] == "oidc"
    row = AuditEvent.objects.get(action="login", actor=staff)
    assert row.path == reverse("security:oidc-callback")
    # The request carried state, nonce and a PKCE challenge.
    sent = sso.authorize_requests[-1]
    assert sent["client_id"] == CLIENT_ID
    assert sent["nonce"]
    assert sent["state"]
    assert sent["code_challenge_method"] == "S256"


def test_roles_come_from_memberships_not_from_claims(sso, staff):
    before = set(Membership.objects.filter(user=staff).values_list("organisation_id", "role"))
    client = Client()
    sso_login(
        client,
        sso,
        email=staff.email,
        extra_claims={"groups": ["kp-admins"], "roles": ["admin"]},
    )
    after = set(Membership.objects.filter(user=staff).values_list("organisation_id", "role"))
    assert before == after
    assert client.get(reverse("audit:list")).status_code == 403


def test_role_claim_maps_to_memberships_when_configured(sso, staff, settings):
    tuusula = Organisation.objects.get(municipality_code="858")
    jarvenpaa = Organisation.objects.get(municipality_code="186")
    settings.OIDC_ROLE_CLAIM = "groups"
    settings.OIDC_ROLE_MAP = {
        "kp-coordinators-858": ["coordinator", "858"],
        "kp-caseworkers-186": ["caseworker", "186"],
        "kp-broken": ["superhero", "186"],
    }
    assert Membership.objects.filter(user=staff, organisation=jarvenpaa, role="caseworker").exists()
    sso_login(Client(), sso, email=staff.email, extra_claims={"groups": ["kp-coordinators-858"]})
    roles = set(Membership.objects.filter(user=staff).values_list("organisation_id", "role"))
    assert (tuusula.pk, "coordinator") in roles
    # The caseworker membership is expressible by the map and absent from the claim: removed.
    assert (jarvenpaa.pk, "caseworker") not in roles
    assert AuditEvent.objects.filter(action="create", object_type="Membership").exists()


def test_unknown_email_is_refused_and_no_user_is_created(sso, demo, django_user_model):
    users = django_user_model.objects.count()
    client = Client()
    response = sso_login(client, sso, email="stranger@example.fi")
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert django_user_model.objects.count() == users
    row = failures().get()
    assert "no user with this e-mail" in row.reason
    assert row.actor_label == "stranger@example.fi"
    page = client.get(reverse("login")).content.decode()
    assert "Kirjautuminen kunnan tunnuksella ei onnistunut" in page


def test_unknown_email_creates_a_user_without_roles_when_configured(sso, demo, settings):
    settings.OIDC_CREATE_USERS = True
    client = Client()
    sso_login(
        client, sso, email="New.Person@example.fi", sub="new-1", extra_claims={"given_name": "Uusi"}
    )
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(email="New.Person@example.fi")
    assert not user.has_usable_password()
    assert user.first_name == "Uusi"
    assert not Membership.objects.filter(user=user).exists()
    # Logged in, but no role: the staff pages say so.
    assert client.get(reverse("home")).status_code == 403


def test_inactive_user_is_refused(sso, staff):
    staff.is_active = False
    staff.save()
    client = Client()
    sso_login(client, sso, email=staff.email)
    assert "_auth_user_id" not in client.session
    assert "inactive user" in failures().get().reason


def test_bad_signature_is_refused(sso, staff):
    client = Client()
    sso_login(client, sso, email=staff.email, bad_signature=True)
    assert "_auth_user_id" not in client.session
    assert "token rejected" in failures().get().reason


def test_wrong_nonce_is_refused(sso, staff):
    client = Client()
    sso_login(client, sso, email=staff.email, nonce="not-the-one-we-sent")
    assert "_auth_user_id" not in client.session
    assert "Nonce" in failures().get().reason


def test_wrong_state_is_refused(sso, staff):
    client = Client()
    sso_login(client, sso, email=staff.email, state_override="forged-state")
    assert "_auth_user_id" not in client.session
    assert "state" in failures().get().reason


def test_replayed_callback_is_refused(sso, staff):
    client = Client()
    provider = sso
    provider.next_login = {"email": staff.email}
    start = client.get(reverse("security:oidc-authenticate"))
    back = urlparse(
        requests.get(start["Location"], allow_redirects=False, timeout=5).headers["Location"]
    )
    assert client.get(back.path, parse_qs(back.query))["Location"] == reverse("home")
    other = Client()
    other.cookies = client.cookies
    client.logout()
    replay = client.get(back.path, parse_qs(back.query))
    assert replay["Location"] == reverse("login")
    assert "state" in failures().get().reason


def test_wrong_audience_and_expired_token_are_refused(sso, staff):
    sso_login(Client(), sso, email=staff.email, aud="some-other-client")
    sso_login(Client(), sso, email=staff.email, lifetime=-120)
    reasons = sorted(failures().values_list("reason", flat=True))
    assert any("audience" in r for r in reasons)
    assert any("ExpiredSignature" in r for r in reasons)


def test_userinfo_for_another_subject_is_refused(sso, staff):
    client = Client()
    sso_login(client, sso, email=staff.email, userinfo_sub="someone-else")
    assert "_auth_user_id" not in client.session
    assert "subject" in failures().get().reason


def test_provider_error_is_audited(sso, staff):
    client = Client()
    sso_login(client, sso, email=staff.email, error="access_denied")
    assert "access_denied" in failures().get().reason


def test_sso_reauthentication_refreshes_the_recent_login(sso, staff):
    client = Client()
    sso_login(client, sso, email=staff.email)
    session = client.session
    session["_kotopolku_auth_at"] = 0
    session.save()
    start = client.get(reverse("security:oidc-authenticate") + "?reauth=1")
    sent = parse_qs(urlparse(start["Location"]).query)
    assert sent["prompt"] == ["login"]
    back = urlparse(
        requests.get(start["Location"], allow_redirects=False, timeout=5).headers["Location"]
    )
    client.get(back.path, parse_qs(back.query))
    assert client.session["_kotopolku_auth_at"] > 0
    assert AuditEvent.objects.filter(reason="re-authentication (single sign-on)").exists()


def test_a_refused_sso_log_in_reads_in_the_audit_log_in_the_readers_language(
    sso, staff, client_for
):
    """The refusal is stored as a cause code (`security.audit_labels`) with the English text
    kept in `reason`; the audit page words it, and an old row's text reads the same."""
    staff.is_active = False
    staff.save()
    sso_login(Client(), sso, email=staff.email)
    row = failures().get()
    assert row.details == {"summary": "sso_refused", "cause": "inactive_user"}
    assert row.reason == "single sign-on: inactive user"
    AuditEvent.objects.create(
        action="login_failed", success=False, reason="single sign-on: token rejected: Nonce"
    )
    http = client_for("admin")
    http.cookies["django_language"] = "sv"
    html = http.get(reverse("audit:list"), {"action": "login_failed"}).content.decode()
    assert "single sign-on nekades: användarkontot är inte aktivt" in html
    assert "single sign-on nekades: identitetstoken avvisades (Nonce)" in html
    assert "single sign-on: inactive user" not in html
