"""The penetration test's attacks (docs/security.md, penetration test findings), replayed through the HTTP stack: each is
refused with 400/403/404 and changes nothing."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone, translation

from kotopolku.audit.models import AuditEvent
from kotopolku.casework import services as casework
from kotopolku.casework.models import Referral
from kotopolku.casework.tests.factories import make_case, make_client, org
from kotopolku.clients import services as clients
from kotopolku.clients.models import Client, Consent

pytestmark = pytest.mark.django_db


def _user(username):
    return get_user_model().objects.get(username=username)


def _http(username):
    http = HttpClient()
    http.force_login(_user(username))
    return http


def _accepted_referral_to_tuusula(client, **kwargs):
    referral = casework.referral_send(
        actor=_user("caseworker-jarvenpaa"),
        client=client,
        from_organisation=org("186"),
        to_organisation=org("858"),
        reason="Kotoutumiskoulutus",
        response_due=timezone.localdate() + timedelta(days=14),
        legal_basis=Referral.LegalBasis.INTEGRATION_ACT_INFORMATION,
        **kwargs,
    )
    casework.referral_accept(actor=_user("caseworker-tuusula"), referral=referral)
    return referral


def _referral_form(to_organisation, **extra):
    return {
        "to_organisation": to_organisation.pk,
        "reason": "Työnhaku",
        "response_due": (timezone.localdate() + timedelta(days=14)).isoformat(),
        **extra,
    }


# Onward referral -------------------------------------------------------------------------------


def test_receiver_cannot_refer_onward_with_free_text_consent(demo):
    client = make_case("ATTACK-0001")[0]
    _accepted_referral_to_tuusula(client)
    before = Referral.objects.count()
    tuusula = _http("caseworker-tuusula")
    url = reverse("casework:referral_add", kwargs={"pk": client.pk})
    response = tuusula.post(
        url, _referral_form(org("employment_area"), basis="consent", consent_reference="none")
    )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(
        actor__username="caseworker-tuusula",
        action=AuditEvent.Action.ACCESS_DENIED,
        reason="casework.referral_send",
    ).exists()
    assert Referral.objects.count() == before
    employment = _http("caseworker-employment")
    for name in ("clients:detail", "clients:reveal", "casework:case"):
        assert employment.get(reverse(name, kwargs={"pk": client.pk})).status_code == 404


def test_the_service_refuses_an_onward_referral_the_responsible_organisation_did_not_allow(demo):
    from django.core.exceptions import ValidationError

    client = make_case("ATTACK-0002")[0]
    _accepted_referral_to_tuusula(client)
    with pytest.raises(ValidationError) as exc:
        casework.referral_send(
            actor=_user("caseworker-tuusula"),
            client=client,
            from_organisation=org("858"),
            to_organisation=org("employment_area"),
            reason="Työnhaku",
            response_due=timezone.localdate() + timedelta(days=14),
            legal_basis=Referral.LegalBasis.EMPLOYMENT_SERVICES_ACT,
        )
    assert "from_organisation" in exc.value.message_dict
    assert not Referral.objects.filter(from_organisation=org("858")).exists()


def test_free_text_is_not_a_consent_even_for_the_responsible_organisation(demo):
    client = make_client("ATTACK-0003")
    http = _http("caseworker-jarvenpaa")
    url = reverse("casework:referral_add", kwargs={"pk": client.pk})
    response = http.post(url, _referral_form(org("858"), basis="consent", consent_reference="none"))
    assert response.status_code == 400
    assert not Referral.objects.filter(client=client).exists()
    # A consent for another purpose or another organisation is not one either.
    other = clients.consent_add(
        actor=_user("caseworker-jarvenpaa"),
        client=client,
        organisation=org("858"),
        purpose=Consent.Purpose.PLANNING,
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=30),
    )
    response = http.post(url, _referral_form(org("858"), basis="consent", consent=other.pk))
    assert response.status_code == 400
    assert not Referral.objects.filter(client=client).exists()


def test_the_referral_form_records_the_consent_in_place(demo):
    """The worker records the client's consent on the referral form."""
    client = make_client("ATTACK-0004")
    http = _http("caseworker-jarvenpaa")
    url = reverse("casework:referral_add", kwargs={"pk": client.pk})
    page = http.get(url).content.decode()
    assert 'value="new_consent"' in page
    until = timezone.localdate() + timedelta(days=90)
    response = http.post(
        url,
        _referral_form(
            org("858"),
            basis="new_consent",
            consent_valid_until=until.isoformat(),
            consent_reference="Lomake 12/2026",
        ),
    )
    assert response.status_code == 302
    referral = Referral.objects.get(client=client)
    consent = referral.consent
    assert consent is not None
    assert referral.access_until is not None
    assert consent.organisation == org("858")
    assert consent.purpose == Consent.Purpose.REFERRAL
    assert consent.valid_from == timezone.localdate()
    assert consent.valid_until == until
    assert referral.access_until <= until
    assert AuditEvent.objects.filter(
        object_type="Consent", object_id=str(consent.pk), client_id=client.pk
    ).exists()


def test_onward_referral_allowed_by_the_responsible_organisation(demo):
    client = make_case("ATTACK-0005")[0]
    first = _accepted_referral_to_tuusula(client, onward_allowed=True)
    tuusula = _http("caseworker-tuusula")
    url = reverse("casework:referral_add", kwargs={"pk": client.pk})
    response = tuusula.post(
        url,
        _referral_form(
            org("employment_area"),
            basis="law",
            legal_basis=Referral.LegalBasis.EMPLOYMENT_SERVICES_ACT,
        ),
    )
    assert response.status_code == 302
    onward = Referral.objects.get(from_organisation=org("858"), client=client)
    assert onward.parent == first
    assert onward.from_organisation == org("858")
    # The receiver may not pass the permission on: the option is not even offered to it.
    assert "onward_allowed" not in tuusula.get(url).content.decode()


def test_sender_withdraws_and_the_receivers_access_ends_at_once(demo):
    client = make_case("ATTACK-0006")[0]
    referral = _accepted_referral_to_tuusula(client)
    tuusula = _http("caseworker-tuusula")
    detail = reverse("clients:detail", kwargs={"pk": client.pk})
    assert tuusula.get(detail).status_code == 200
    # The receiver cannot withdraw (that is the sender's), nor can it reach the form.
    withdraw = reverse("casework:referral_withdraw", kwargs={"pk": referral.pk})
    assert tuusula.post(withdraw, {"text": "x"}).status_code == 403
    jarvenpaa = _http("caseworker-jarvenpaa")
    assert jarvenpaa.post(withdraw, {"text": "Asiakas muutti"}).status_code == 302
    assert tuusula.get(detail).status_code == 404
    referral.refresh_from_db()
    assert referral.status == Referral.Status.WITHDRAWN
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.REVOKE, object_id=str(referral.pk), client_id=client.pk
    ).exists()


# Hand-over by edit -----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["patch", "put"])
def test_api_edit_cannot_move_responsibility(demo, method):
    client = make_client("ATTACK-0010")
    http = _http("caseworker-jarvenpaa")
    disclosures = AuditEvent.objects.filter(action=AuditEvent.Action.DISCLOSE).count()
    response = getattr(http, method)(
        reverse("api:client-detail", kwargs={"pk": client.pk}),
        {
            "responsible_organisation": org("858").pk,
            "responsible_override_reason": "any",
            "last_name": "Muutettu",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "responsibility_by_transfer"
    client.refresh_from_db()
    assert client.responsible_organisation == org("186")
    assert client.last_name != "Muutettu"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DISCLOSE).count() == disclosures


def test_api_edit_naming_the_current_organisation_is_fine(demo):
    client = make_client("ATTACK-0011")
    http = _http("caseworker-jarvenpaa")
    response = http.patch(
        reverse("api:client-detail", kwargs={"pk": client.pk}),
        {"responsible_organisation": org("186").pk, "phone": "040 123 4567"},
        content_type="application/json",
    )
    assert response.status_code == 200
    client.refresh_from_db()
    assert client.phone == "040 123 4567"


def test_ui_edit_cannot_move_responsibility(demo):
    client = make_client("ATTACK-0012")
    http = _http("caseworker-jarvenpaa")
    url = reverse("clients:edit", kwargs={"pk": client.pk})
    data: dict[str, object] = {
        "external_id": client.external_id,
        "first_names": client.first_names,
        "last_name": client.last_name,
        "date_of_birth": client.date_of_birth.isoformat(),
        "permit_basis": client.permit_basis,
        "client_since": client.client_since.isoformat(),
    }
    data.update(
        responsible_organisation=org("858").pk,
        responsible_override_reason="any",
        last_name="Muutettu",
    )
    response = http.post(url, data)
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"__all__"}, form.errors
    with translation.override("fi"):
        expected = translation.gettext(
            "Responsibility for a client moves only by a transfer, with the client's consent "
            "or a legal basis."
        )
    assert expected in form.non_field_errors()
    client.refresh_from_db()
    assert client.responsible_organisation == org("186")
    assert client.last_name != "Muutettu"


def test_a_jobseeker_edit_leaves_responsibility_for_the_transfer(demo):
    client = make_client("ATTACK-0013")
    clients.client_update(actor=_user("caseworker-jarvenpaa"), client=client, jobseeker=True)
    client.refresh_from_db()
    assert client.responsible_organisation == org("186")
    assert clients.transfer_target(client) == org("employment_area")


def test_api_transfer_needs_consent_or_a_legal_basis(demo):
    client = make_client("ATTACK-0014")
    clients.home_period_add(
        actor=_user("caseworker-jarvenpaa"),
        client=client,
        municipality=org("858"),
        start=timezone.localdate(),
    )
    http = _http("caseworker-jarvenpaa")
    url = reverse("api:client-transfer", kwargs={"pk": client.pk})
    response = http.post(url, {"organisation": org("858").pk}, content_type="application/json")
    assert response.status_code == 400
    assert Client.objects.get(pk=client.pk).responsible_organisation == org("186")
    response = http.post(
        url,
        {"organisation": org("858").pk, "legal_basis": "free text"},
        content_type="application/json",
    )
    assert response.status_code == 400
    response = http.post(
        url,
        {"organisation": org("858").pk, "legal_basis": "integration_act_move"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert Client.objects.get(pk=client.pk).responsible_organisation == org("858")
    rows = AuditEvent.objects.filter(client_id=client.pk, object_type="Client")
    assert rows.filter(action=AuditEvent.Action.DISCLOSE, reason__contains="basis:").exists()
    assert rows.filter(action=AuditEvent.Action.REVOKE).exists()
    # The hand-over is in the client's rectification history too.
    assert client.changes.filter(field="responsible_organisation", source="transfer").exists()


# List and search reads -------------------------------------------------------------------------


def test_api_list_and_search_name_every_client_and_count_toward_the_alert(
    demo, monkeypatch, django_capture_on_commit_callbacks
):
    made = [make_client(f"ATTACK-LIST-{n}") for n in range(3)]
    http = _http("caseworker-jarvenpaa")
    monkeypatch.setattr("kotopolku.security.services.rule_value", lambda key, on: 2)
    with django_capture_on_commit_callbacks(execute=True):
        listed = http.get(reverse("api:client-list"))
    assert listed.status_code == 200
    rows = AuditEvent.objects.filter(
        actor__username="caseworker-jarvenpaa", object_type="ClientList"
    )
    assert set(rows.values_list("client_id", flat=True)) == {c.pk for c in made}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ALERT).exists()
    searched = http.post(
        reverse("api:client-search"), {"q": "ATTACK-LIST-1"}, content_type="application/json"
    )
    assert searched.json()["count"] == 1
    search_rows = AuditEvent.objects.filter(object_type="ClientSearch")
    assert list(search_rows.values_list("client_id", flat=True)) == [made[1].pk]


def test_ui_list_names_every_client_shown(demo):
    made = [make_client(f"ATTACK-UI-{n}") for n in range(2)]
    http = _http("caseworker-jarvenpaa")
    assert http.get(reverse("clients:list")).status_code == 200
    rows = AuditEvent.objects.filter(object_type="ClientList")
    assert set(rows.values_list("client_id", flat=True)) == {c.pk for c in made}
    http.post(reverse("clients:list"), {"q": "ATTACK-UI-0"})
    assert list(
        AuditEvent.objects.filter(object_type="ClientSearch").values_list("client_id", flat=True)
    ) == [made[0].pk]


@pytest.mark.usefixtures("one_rate_window")
def test_api_search_is_rate_limited_like_the_ui(demo):
    http = _http("caseworker-jarvenpaa")
    url = reverse("api:client-search")
    statuses = [
        http.post(url, {"q": "Hassan"}, content_type="application/json").status_code
        for _ in range(31)
    ]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    assert http.get(reverse("api:client-list"), {"search": "Hassan"}).status_code == 429
