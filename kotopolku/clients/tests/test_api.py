import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotopolku.audit.models import AuditEvent
from kotopolku.clients.models import Client
from kotopolku.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def test_other_municipalitys_caseworker_gets_404_and_an_audit_row(http_for, jarvenpaa_client):
    """Acceptance 2 (API)."""
    response = http_for("caseworker-tuusula").get(
        reverse("api:client-detail", args=[jarvenpaa_client.pk])
    )
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/")
    assert AuditEvent.objects.filter(
        action="access_denied",
        actor__username="caseworker-tuusula",
        client_id=jarvenpaa_client.pk,
        success=False,
    ).exists()
    patch = http_for("caseworker-tuusula").patch(
        reverse("api:client-detail", args=[jarvenpaa_client.pk]),
        {"phone": "1"},
        content_type="application/json",
    )
    assert patch.status_code == 404


def test_detail_never_returns_the_identity_code(http_for, staff, demo):
    from datetime import date

    client = ClientFactory(
        actor=staff("caseworker-jarvenpaa"), date_of_birth=date(1994, 5, 1), hetu="010594Y9032"
    )
    response = http_for("caseworker-jarvenpaa").get(reverse("api:client-detail", args=[client.pk]))
    assert response.status_code == 200
    assert "010594Y9032" not in response.content.decode()
    assert response.json()["has_hetu"] is True
    assert response.json()["hetu_masked"] == "010594•••••"


def test_list_has_constant_queries_and_only_visible_clients(http_for, staff, jarvenpaa_client):
    ClientFactory(actor=staff("caseworker-tuusula"), municipality_code="858")
    http = http_for("caseworker-jarvenpaa")
    with CaptureQueriesContext(connection) as few:
        response = http.get(reverse("api:client-list"))
    assert [row["external_id"] for row in response.json()["results"]] == ["JP-2024-0001"]
    for n in range(10):
        ClientFactory(actor=staff("caseworker-jarvenpaa"), external_id=f"JP-API-{n}")
    with CaptureQueriesContext(connection) as many:
        response = http.get(reverse("api:client-list"))
    # Cursor paging (docs/adr/0008-interoperability.md): no count; all eleven fit on the default page.
    assert len(response.json()["results"]) == 11
    assert response.json()["next"] is None
    assert len(many) == len(few)


def test_list_audit_rows_name_the_api_list_not_a_page_the_caller_chose(http_for, jarvenpaa_client):
    """Found by the schema test (common/tests/test_api_schema.py): the cursor-paged list still
    read the undocumented `offset` and wrote it into the audit log as the page number."""
    response = http_for("caseworker-jarvenpaa").get(reverse("api:client-list"), {"offset": 7})
    assert response.status_code == 200
    row = AuditEvent.objects.get(object_type="ClientList", client_id=jarvenpaa_client.pk)
    assert row.details == {"summary": "api_list"}
    assert row.reason == "list through the API"


def test_identity_code_in_a_query_string_is_refused(http_for, demo):
    response = http_for("caseworker-jarvenpaa").get(
        reverse("api:client-list") + "?search=010594Y9032"
    )
    assert response.status_code == 400


def test_search_by_identity_code_in_the_body(http_for, staff, demo):
    from datetime import date

    ClientFactory(
        actor=staff("caseworker-jarvenpaa"), date_of_birth=date(1994, 5, 1), hetu="010594Y9032"
    )
    response = http_for("caseworker-jarvenpaa").post(
        reverse("api:client-search"), {"q": "010594Y9032"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["count"] == 1
    # The search itself, and one row naming the client found (docs/security.md); neither holds the code.
    rows = AuditEvent.objects.filter(action="search")
    assert rows.count() == 2
    assert rows.filter(client_id__isnull=False).count() == 1
    assert not any("9032" in row.reason for row in rows)


def test_create_and_update_through_the_api(http_for, demo):
    http = http_for("caseworker-jarvenpaa")
    payload = {
        "external_id": "JP-API-NEW",
        "first_names": "Olena",
        "last_name": "Kovalenko",
        "date_of_birth": "1994-05-01",
        "hetu": "010594Y9032",
        "permit_basis": "temporary_protection",
        "home_municipality": "186",
        "languages": [{"code": "uk", "mother_tongue": True}, {"code": "fi", "level": "A1.1"}],
    }
    response = http.post(reverse("api:client-list"), payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert "hetu" not in body
    assert body["home_municipality_periods"][0]["municipality"] == "186"
    client = Client.objects.get(external_id="JP-API-NEW")
    response = http.patch(
        reverse("api:client-detail", args=[client.pk]),
        {"jobseeker": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    client.refresh_from_db()
    # An edit never hands the client over (docs/security.md): the move waits for a transfer.
    assert client.responsible_organisation.kind == "municipality"
    assert client.jobseeker


def test_bad_input_is_a_400_problem_and_stores_nothing(http_for, demo):
    http = http_for("caseworker-jarvenpaa")
    response = http.post(
        reverse("api:client-list"),
        {
            "external_id": "X",
            "first_names": "A",
            "last_name": "B",
            "date_of_birth": "1994-05-02",
            "hetu": "010594Y9032",
            "permit_basis": "asylum",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "hetu" in response.content.decode()
    assert not Client.objects.exists()
    response = http.post(
        reverse("api:client-list"), {"permit_basis": "tourist"}, content_type="application/json"
    )
    assert response.status_code == 400


def test_provider_has_no_registry_access(http_for, jarvenpaa_client):
    http = http_for("provider")
    assert http.get(reverse("api:client-list")).status_code == 403
    assert http.get(reverse("api:client-detail", args=[jarvenpaa_client.pk])).status_code == 403


def test_the_identity_code_hint_answers_in_the_users_language(http_for, demo):
    """The API answers in the language the user chose, as the pages do (Finnish by default)."""
    from django.conf import settings

    http = http_for("caseworker-jarvenpaa")
    refused = http.get(reverse("api:client-list"), {"search": "010594Y9032"})
    assert refused.json()["detail"] == {
        "search": ["Hae henkilötunnuksella osoitteella POST /api/v1/clients/search/."]
    }
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    refused = http.get(reverse("api:client-list"), {"search": "010594Y9032"})
    assert refused.status_code == 400
    assert refused.json()["detail"] == {
        "search": ["Sök på personbeteckning med POST /api/v1/clients/search/."]
    }
