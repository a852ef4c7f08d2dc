"""Home periods in any Finnish municipality (docs/domain.md C2), citizenship_date and the 89 § basis
through the forms and the API."""

import pytest
from django.urls import reverse

from kotopolku.clients.models import Client

pytestmark = pytest.mark.django_db


def test_a_past_period_in_helsinki_through_the_picker(http_for, jarvenpaa_client):
    http = http_for("caseworker-jarvenpaa")
    page = http.get(reverse("clients:move", args=[jarvenpaa_client.pk])).content.decode()
    assert "<datalist" in page
    assert "Helsinki (091)" in page
    response = http.post(
        reverse("clients:move", args=[jarvenpaa_client.pk]),
        {"municipality": "Helsinki (091)", "start": "2020-01-01", "end": "2020-12-31"},
    )
    assert response.status_code == 302
    first = jarvenpaa_client.home_periods.order_by("start").first()
    assert (first.municipality_code, first.municipality) == ("091", None)
    detail = http.get(reverse("clients:detail", args=[jarvenpaa_client.pk]))
    assert "Helsinki" in detail.content.decode()
    jarvenpaa_client.refresh_from_db()
    assert jarvenpaa_client.responsible_organisation.municipality_code == "186"


def test_a_code_not_valid_on_the_start_is_refused(http_for, jarvenpaa_client):
    response = http_for("caseworker-jarvenpaa").post(
        reverse("clients:move", args=[jarvenpaa_client.pk]),
        {"municipality": "476", "start": "2016-01-01", "end": "2016-06-30"},
    )
    assert response.status_code == 400
    assert "476" in str(response.context["form"].errors)
    assert jarvenpaa_client.home_periods.count() == 1


def test_citizenship_date_and_89_through_form_and_api(http_for, demo):
    http = http_for("caseworker-jarvenpaa")
    response = http.post(
        reverse("clients:create"),
        {
            "external_id": "NAT-1",
            "first_names": "Sara",
            "last_name": "Ali",
            "date_of_birth": "1990-01-01",
            "permit_basis": "humanitarian_protection",
            "citizenship_date": "2022-05-05",
            "home_municipality": "Järvenpää (186)",
            "home_start": "2015-01-01",
            "client_since": "2015-01-01",
        },
    )
    assert response.status_code == 302, response.content
    client = Client.objects.get(external_id="NAT-1")
    assert client.citizenship_date.isoformat() == "2022-05-05"
    assert client.is_compensation_eligible
    body = http.get(reverse("api:client-detail", args=[client.pk])).json()
    assert body["citizenship_date"] == "2022-05-05"
    assert body["permit_basis"] == "humanitarian_protection"
    response = http.patch(
        reverse("api:client-detail", args=[client.pk]),
        {"citizenship_date": "1980-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 400  # before the date of birth
    response = http.post(
        reverse("api:client-list"),
        {
            "external_id": "API-HKI",
            "first_names": "Omar",
            "last_name": "Ali",
            "date_of_birth": "1990-01-01",
            "permit_basis": "asylum",
            "home_municipality": "091",
            "home_start": "2024-01-01",
            "responsible_organisation": client.responsible_organisation_id,
            "responsible_override_reason": "moved here soon",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["home_municipality_periods"][0]["municipality"] == "091"
