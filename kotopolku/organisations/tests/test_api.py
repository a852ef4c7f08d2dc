import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kotopolku.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_organisations_with_translated_names(client_for):
    response = client_for("coordinator").get("/api/v1/organisations/", {"kind": "municipality"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 6
    jp = next(o for o in body["results"] if o["municipality_code"] == "186")
    assert jp["name"] == {"fi": "Järvenpää", "sv": "Träskända", "en": "Järvenpää"}
    assert jp["region"] == "keski-uusimaa"


def test_token_authentication(user_for):
    token = Token.objects.create(user=user_for("viewer"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/organisations/").status_code == 200


def test_errors_are_json_with_stable_code(client_for):
    anonymous = client_for("anonymous").get("/api/v1/organisations/")
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "not_authenticated"
    missing = client_for("coordinator").get("/api/v1/organisations/999999/")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    denied = client_for("viewer").get(
        f"/api/v1/organisations/{Organisation.objects.get(municipality_code='186').pk}/memberships/"
    )
    assert denied.status_code == 403
    assert denied.json()["code"] == "permission_denied"
    unknown = client_for("coordinator").get("/api/v1/nothing-here/")
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "not_found"


def test_memberships_readable_for_coordinator(client_for):
    pk = Organisation.objects.get(municipality_code="186").pk
    body = client_for("coordinator").get(f"/api/v1/organisations/{pk}/memberships/").json()
    assert {m["username"] for m in body["results"]} >= {"coordinator", "caseworker-jarvenpaa"}


def test_api_list_query_count_is_constant(client_for):
    client = client_for("coordinator")
    client.get("/api/v1/organisations/")
    with CaptureQueriesContext(connection) as first:
        client.get("/api/v1/organisations/")
    for n in range(5):
        Organisation.objects.create(kind="ngo", name=f"Yhdistys {n}", name_fi=f"Yhdistys {n}")
    with CaptureQueriesContext(connection) as second:
        client.get("/api/v1/organisations/")
    assert len(second) == len(first) <= 8


def test_openapi_schema_and_offline_docs(client_for):
    client = client_for("viewer")  # a log-in is needed with DEBUG off (security/test_api_docs)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/organisations/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower()
    assert "<script>" not in docs  # no inline script, the CSP forbids it
