"""Casework test data, made through the real services."""

from datetime import date

from django.contrib.auth import get_user_model

from kotopolku.casework import services
from kotopolku.casework.models import Referral
from kotopolku.clients import services as client_services
from kotopolku.clients.models import Client
from kotopolku.organisations.models import Organisation


def org(key: str) -> Organisation:
    if key == "employment_area":
        return Organisation.objects.get(kind=Organisation.Kind.EMPLOYMENT_AREA)
    return Organisation.objects.get(municipality_code=key)


def make_client(
    external_id: str,
    *,
    municipality: str = "186",
    first_permit: date = date(2025, 3, 1),
    client_since: date = date(2025, 4, 1),
    permit_basis: str = "asylum",
) -> Client:
    existing = Client.objects.filter(external_id=external_id).first()
    if existing is not None:
        return existing
    return client_services.client_create(
        actor=None,
        external_id=external_id,
        first_names="Testi",
        last_name=f"Asiakas {external_id}",
        date_of_birth=date(1990, 5, 1),
        permit_basis=permit_basis,
        first_permit_date=first_permit,
        client_since=client_since,
        home_municipality=org(municipality),
        home_start=client_since,
    )


def caseworker(username: str = "caseworker-jarvenpaa"):
    return get_user_model().objects.get(username=username)


def make_case(external_id: str = "CASE-0001"):
    """A Järvenpää client with an assessment, a plan and a referral to the employment area."""
    client = make_client(external_id)
    actor = caseworker()
    jarvenpaa = org("186")
    assessment = client.assessments.first() or services.assessment_start(
        actor=actor, client=client, organisation=jarvenpaa, started=date(2025, 4, 10)
    )
    plan = client.plans.first() or services.plan_create(
        actor=actor,
        client=client,
        organisation=jarvenpaa,
        start=date(2025, 5, 1),
        end=date(2026, 4, 30),
    )
    referral = client.referrals.first() or services.referral_send(
        actor=actor,
        client=client,
        from_organisation=jarvenpaa,
        to_organisation=org("employment_area"),
        reason="Työnhaku",
        legal_basis=Referral.LegalBasis.INTEGRATION_ACT_INFORMATION,
        response_due=date(2099, 1, 1),
    )
    return client, assessment, plan, referral
