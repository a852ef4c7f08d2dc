from datetime import timedelta

import pytest
from django.utils import timezone

from kotopolku.access.clients import client_visible_to, visible_clients
from kotopolku.clients import services
from kotopolku.clients.models import Client
from kotopolku.clients.tests.factories import ClientFactory, ConsentFactory

pytestmark = pytest.mark.django_db


def visible(user):
    return set(visible_clients(user, Client.objects.all()).values_list("external_id", flat=True))


def test_caseworkers_see_their_own_organisations_clients(staff, jarvenpaa_client):
    tuusula_client = ClientFactory(actor=staff("caseworker-tuusula"), municipality_code="858")
    assert visible(staff("caseworker-jarvenpaa")) == {jarvenpaa_client.external_id}
    assert visible(staff("caseworker-tuusula")) == {tuusula_client.external_id}
    assert client_visible_to(staff("caseworker-jarvenpaa"), jarvenpaa_client)
    assert not client_visible_to(staff("caseworker-tuusula"), jarvenpaa_client)


def test_employment_area_sees_its_jobseekers_only(staff, jarvenpaa_client):
    jobseeker = ClientFactory(actor=staff("caseworker-jarvenpaa"), jobseeker=True)
    assert visible(staff("caseworker-employment")) == {jobseeker.external_id}


def test_coordinator_and_admin_see_their_organisations_clients(staff, jarvenpaa_client):
    ClientFactory(actor=staff("caseworker-tuusula"), municipality_code="858")
    assert visible(staff("coordinator")) == {jarvenpaa_client.external_id}
    assert visible(staff("admin")) == {jarvenpaa_client.external_id}


def test_provider_and_viewer_see_no_clients(staff, jarvenpaa_client):
    assert visible(staff("provider")) == set()
    assert visible(staff("viewer")) == set()
    assert not client_visible_to(staff("provider"), jarvenpaa_client)


def test_consent_shares_while_it_lasts(staff, jarvenpaa_client, tuusula):
    actor = staff("caseworker-jarvenpaa")
    tuusula_worker = staff("caseworker-tuusula")
    today = timezone.localdate()
    consent = ConsentFactory(
        actor=actor,
        client=jarvenpaa_client,
        organisation=tuusula,
        valid_from=today,
        valid_until=today + timedelta(days=10),
    )
    assert client_visible_to(tuusula_worker, jarvenpaa_client)
    assert visible(tuusula_worker) == {jarvenpaa_client.external_id}
    assert not client_visible_to(tuusula_worker, jarvenpaa_client, on=today + timedelta(days=11))
    assert not client_visible_to(tuusula_worker, jarvenpaa_client, on=today - timedelta(days=1))
    services.consent_withdraw(actor=actor, consent=consent)
    assert not client_visible_to(tuusula_worker, jarvenpaa_client)
    assert visible(tuusula_worker) == set()


def test_consent_does_not_open_the_client_to_other_roles(staff, jarvenpaa_client, demo):
    from kotopolku.organisations.models import Organisation

    education = Organisation.objects.get(kind="education")
    ConsentFactory(
        actor=staff("caseworker-jarvenpaa"), client=jarvenpaa_client, organisation=education
    )
    assert not client_visible_to(staff("provider"), jarvenpaa_client)


def test_visible_clients_has_no_duplicates_with_several_consents(staff, jarvenpaa_client, tuusula):
    actor = staff("caseworker-jarvenpaa")
    ConsentFactory(actor=actor, client=jarvenpaa_client, organisation=tuusula)
    ConsentFactory(actor=actor, client=jarvenpaa_client, organisation=tuusula, purpose="planning")
    assert visible_clients(staff("caseworker-tuusula"), Client.objects.all()).count() == 1
