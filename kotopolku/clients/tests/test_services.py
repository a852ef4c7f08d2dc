from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kotopolku.audit.models import AuditEvent
from kotopolku.clients import identity, services
from kotopolku.clients.models import Client, HomeMunicipalityPeriod
from kotopolku.clients.tests.factories import ClientFactory, ConsentFactory, valid_hetu

pytestmark = pytest.mark.django_db


def test_create_stores_token_and_hash_and_audits(staff, jarvenpaa):
    actor = staff("caseworker-jarvenpaa")
    client = ClientFactory(actor=actor, date_of_birth=date(1994, 5, 1), hetu="010594Y9032")
    client.refresh_from_db()
    assert client.hetu_hash == identity.lookup_hash("010594Y9032")
    assert identity.decrypt(client.hetu_encrypted) == "010594Y9032"
    assert client.responsible_organisation == jarvenpaa
    assert client.home_periods.get().municipality == jarvenpaa
    assert AuditEvent.objects.filter(
        action="create", object_type="Client", client_id=client.pk
    ).exists()


def test_jobseeker_is_the_employment_areas_client(staff, jarvenpaa):
    client = ClientFactory(actor=staff("caseworker-jarvenpaa"), jobseeker=True)
    assert client.responsible_organisation == jarvenpaa.employment_area
    assert client.responsible_organisation.kind == "employment_area"


def test_choosing_another_responsible_organisation_needs_a_reason(staff, tuusula):
    actor = staff("caseworker-jarvenpaa")
    with pytest.raises(ValidationError) as info:
        ClientFactory(actor=actor, responsible_organisation=tuusula)
    assert "responsible_override_reason" in info.value.message_dict
    assert not Client.objects.exists()
    client = ClientFactory(
        actor=actor, responsible_organisation=tuusula, responsible_override_reason="family"
    )
    assert client.responsible_organisation == tuusula
    assert client.responsible_overridden


def test_identity_code_must_match_birth_date_and_be_unique(staff):
    actor = staff("caseworker-jarvenpaa")
    with pytest.raises(ValidationError) as info:
        ClientFactory(actor=actor, date_of_birth=date(1994, 5, 2), hetu="010594Y9032")
    assert "hetu" in info.value.message_dict
    ClientFactory(actor=actor, date_of_birth=date(1994, 5, 1), hetu="010594Y9032")
    with pytest.raises(ValidationError) as info:
        ClientFactory(actor=actor, date_of_birth=date(1994, 5, 1), hetu="010594y9032")
    assert "hetu" in info.value.message_dict
    assert Client.objects.count() == 1


def test_duplicate_external_id_is_a_field_error(staff):
    actor = staff("caseworker-jarvenpaa")
    ClientFactory(actor=actor, external_id="JP-1")
    with pytest.raises(ValidationError) as info:
        ClientFactory(actor=actor, external_id="JP-1")
    assert "external_id" in info.value.message_dict


def test_bad_languages_change_nothing(staff):
    with pytest.raises(ValidationError):
        ClientFactory(
            actor=staff("caseworker-jarvenpaa"), languages=[{"code": "arabic", "level": "A1.1"}]
        )
    assert not Client.objects.exists()


def test_moving_closes_the_previous_period(staff, jarvenpaa, tuusula):
    actor = staff("caseworker-jarvenpaa")
    client = ClientFactory(actor=actor, home_start=date(2024, 4, 1))
    services.home_period_add(
        actor=actor, client=client, municipality=tuusula, start=date(2025, 3, 1)
    )
    periods = list(client.home_periods.order_by("start"))
    assert [(p.municipality, p.start, p.end) for p in periods] == [
        (jarvenpaa, date(2024, 4, 1), date(2025, 2, 28)),
        (tuusula, date(2025, 3, 1), None),
    ]
    # The old municipality stays responsible until a transfer with consent.
    client.refresh_from_db()
    assert client.responsible_organisation == jarvenpaa
    assert services.transfer_target(client) == tuusula


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2023, 1, 1), date(2024, 4, 1)),  # touches the first day
        (date(2024, 3, 1), None),  # ongoing, starting before the current one
        (date(2024, 4, 1), date(2024, 5, 1)),  # same start
    ],
)
def test_overlapping_periods_are_refused(staff, tuusula, start, end):
    actor = staff("caseworker-jarvenpaa")
    client = ClientFactory(actor=actor, home_start=date(2024, 4, 1))
    with pytest.raises(ValidationError):
        services.home_period_add(
            actor=actor, client=client, municipality=tuusula, start=start, end=end
        )
    assert client.home_periods.count() == 1
    assert client.home_periods.get().end is None


def test_a_past_period_before_the_first_one_is_allowed(staff, tuusula):
    actor = staff("caseworker-jarvenpaa")
    client = ClientFactory(actor=actor, home_start=date(2024, 4, 1))
    services.home_period_add(
        actor=actor,
        client=client,
        municipality=tuusula,
        start=date(2023, 1, 1),
        end=date(2024, 3, 31),
    )
    assert client.home_periods.count() == 2
    assert HomeMunicipalityPeriod.objects.get(client=client, end__isnull=True).start == date(
        2024, 4, 1
    )


def test_transfer_needs_a_valid_consent(staff, jarvenpaa, tuusula):
    actor = staff("caseworker-jarvenpaa")
    client = ClientFactory(actor=actor, home_start=date(2024, 4, 1))
    services.home_period_add(
        actor=actor, client=client, municipality=tuusula, start=date(2025, 3, 1)
    )
    with pytest.raises(ValidationError):
        services.client_transfer(actor=actor, client=client, organisation=tuusula)
    consent = ConsentFactory(actor=actor, client=client, organisation=tuusula)
    services.client_transfer(actor=actor, client=client, organisation=tuusula)
    client.refresh_from_db()
    assert client.responsible_organisation == tuusula
    assert AuditEvent.objects.filter(
        action="disclose", client_id=client.pk, reason__contains=f"consent:{consent.pk}"
    ).exists()


def test_withdrawn_or_expired_consent_does_not_allow_a_transfer(staff, tuusula):
    actor = staff("caseworker-jarvenpaa")
    client = ClientFactory(actor=actor, home_start=date(2024, 4, 1))
    services.home_period_add(
        actor=actor, client=client, municipality=tuusula, start=date(2025, 3, 1)
    )
    consent = ConsentFactory(actor=actor, client=client, organisation=tuusula)
    services.consent_withdraw(actor=actor, consent=consent)
    today = timezone.localdate()
    ConsentFactory(
        actor=actor,
        client=client,
        organisation=tuusula,
        valid_from=today - timedelta(days=100),
        valid_until=today - timedelta(days=1),
    )
    with pytest.raises(ValidationError):
        services.client_transfer(actor=actor, client=client, organisation=tuusula)


def test_consent_period_must_be_in_order(staff, jarvenpaa_client, tuusula):
    with pytest.raises(ValidationError) as info:
        ConsentFactory(
            actor=staff("caseworker-jarvenpaa"),
            client=jarvenpaa_client,
            organisation=tuusula,
            valid_from=date(2025, 2, 1),
            valid_until=date(2025, 1, 31),
        )
    assert "valid_until" in info.value.message_dict


def test_update_jobseeker_leaves_responsibility_for_a_transfer(staff, jarvenpaa):
    """An edit never hands a client over (docs/security.md): the employment area becomes the pending
    transfer target, and the transfer needs the client's consent or a legal basis."""
    actor = staff("caseworker-jarvenpaa")
    client = ClientFactory(actor=actor)
    client = services.client_update(actor=actor, client=client, jobseeker=True)
    assert client.responsible_organisation == jarvenpaa
    assert services.transfer_target(client) == jarvenpaa.employment_area
    with pytest.raises(ValidationError):
        services.client_transfer(actor=actor, client=client, organisation=jarvenpaa.employment_area)
    client = services.client_transfer(
        actor=actor,
        client=client,
        organisation=jarvenpaa.employment_area,
        legal_basis=services.TransferBasis.EMPLOYMENT_SERVICES_ACT,
    )
    assert client.responsible_organisation == jarvenpaa.employment_area


def test_update_keeps_or_removes_the_identity_code(staff):
    actor = staff("caseworker-jarvenpaa")
    born = date(1990, 5, 17)
    code = valid_hetu(born, individual=345)
    client = ClientFactory(actor=actor, date_of_birth=born, hetu=code)
    client = services.client_update(actor=actor, client=client, phone="040 123 4567")
    assert identity.decrypt(client.hetu_encrypted) == code
    with pytest.raises(ValidationError):
        services.client_update(actor=actor, client=client, date_of_birth=date(1990, 5, 18))
    client = services.client_update(actor=actor, client=client, hetu="")
    assert client.hetu_encrypted == ""
    assert client.hetu_hash == ""


def test_reveal_returns_the_code_and_audits_without_it(staff):
    actor = staff("caseworker-jarvenpaa")
    client = ClientFactory(actor=actor, date_of_birth=date(1994, 5, 1), hetu="010594Y9032")
    assert (
        services.hetu_reveal(actor=actor, client=client, reason="Kela application") == "010594Y9032"
    )
    row = AuditEvent.objects.get(action="reveal", client_id=client.pk)
    assert row.reason == "Kela application"
