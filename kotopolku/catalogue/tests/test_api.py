import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kotopolku.audit.models import AuditEvent
from kotopolku.catalogue.models import Service
from kotopolku.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _payload(**extra):
    data = {
        "name": {"fi": "Työnhakuklinikka", "sv": "Jobbsökarklinik"},
        "description": {"fi": "Apua työnhakuun."},
        "category": "employment_training",
        "responsible_organisation": Organisation.objects.get(kind="employment_area").pk,
        "municipalities": [Organisation.objects.get(municipality_code="106").pk],
        "languages": ["fi", "sv", "ar"],
        "target_groups": ["jobseekers"],
        "channels": [{"kind": "phone", "value": "+358 9 123", "details": {"fi": "arkisin"}}],
        "active_from": "2025-02-01",
    }
    data.update(extra)
    return data


def test_public_lists_need_no_login(client_for):
    client = client_for("anonymous")
    categories = client.get("/api/v1/catalogue/categories/").json()
    assert len(categories) == 12
    guidance = next(c for c in categories if c["code"] == "guidance")
    assert guidance == {
        "code": "guidance",
        "name": {
            "fi": "Ohjaus ja neuvonta",
            "sv": "Handledning och rådgivning",
            "en": "Guidance and counselling",
        },
        "statutory": True,
        "statutory_item": 6,
    }
    assert next(c for c in categories if c["code"] == "basic_services")["statutory"] is False
    services = client.get("/api/v1/catalogue/public/services/", {"language": "so"}).json()
    assert services["count"] >= 1
    assert all("so" in s["languages"] for s in services["results"])
    assert client.get("/api/v1/catalogue/services/").status_code == 401


def test_coordinator_creates_patches_and_archives(client_for):
    client = client_for("coordinator")
    created = client.post(
        "/api/v1/catalogue/services/", _payload(), content_type="application/json"
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["name"] == {"fi": "Työnhakuklinikka", "sv": "Jobbsökarklinik", "en": None}
    assert body["languages"] == ["ar", "fi", "sv"]
    assert body["channels"][0]["details"]["fi"] == "arkisin"
    pk = body["id"]

    patched = client.patch(
        f"/api/v1/catalogue/services/{pk}/",
        {"name": {"en": "Job-search clinic"}, "capacity": 30},
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.json()
    assert patched.json()["name"] == {
        "fi": "Työnhakuklinikka",
        "sv": "Jobbsökarklinik",
        "en": "Job-search clinic",
    }
    assert patched.json()["capacity"] == 30
    assert patched.json()["languages"] == ["ar", "fi", "sv"]  # untouched by the PATCH

    archived = client.post(f"/api/v1/catalogue/services/{pk}/archive/")
    assert archived.status_code == 200
    assert archived.json()["archived"] is True
    again = client.post(f"/api/v1/catalogue/services/{pk}/archive/")
    assert again.status_code == 400
    assert again.json()["code"] == "invalid"
    assert AuditEvent.objects.filter(object_type="Service", object_id=str(pk)).count() == 3


@pytest.mark.parametrize(
    "bad",
    [
        {"name": {"fi": ""}},
        {"name": {"de": "Klinik"}},
        {"languages": ["Finnish"]},
        {"category": "nope"},
        {"active_from": "1.2.2025"},
        {"active_to": "2024-01-01"},
        {"municipalities": "employment_area"},
    ],
)
def test_bad_input_is_400_with_code_and_changes_nothing(client_for, bad):
    before = Service.objects.count()
    if bad == {"municipalities": "employment_area"}:  # not a municipality
        bad = {"municipalities": [Organisation.objects.get(kind="employment_area").pk]}
    response = client_for("coordinator").post(
        "/api/v1/catalogue/services/", _payload(**bad), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert Service.objects.count() == before


def test_writes_are_for_coordinators_only(client_for):
    for role in ("admin", "caseworker", "provider", "viewer"):
        response = client_for(role).post(
            "/api/v1/catalogue/services/", _payload(), content_type="application/json"
        )
        assert response.status_code == 403, role
        assert response.json()["code"] == "permission_denied"


def test_completeness_api(client_for):
    client = client_for("viewer")
    assert client.get("/api/v1/catalogue/completeness/").json()["warnings"] == []
    literacy = Service.objects.get(category_id="literacy", archived=False)
    client_for("coordinator").post(f"/api/v1/catalogue/services/{literacy.pk}/archive/")
    warnings = client.get("/api/v1/catalogue/completeness/").json()["warnings"]
    assert {"category": "literacy", "code": "no_active_service"} in [
        {"category": w["category"], "code": w["code"]} for w in warnings
    ]


def test_service_list_query_count_is_constant(client_for):
    client = client_for("coordinator")
    for url in ("/api/v1/catalogue/services/", "/api/v1/catalogue/public/services/"):
        client.get(url)
        with CaptureQueriesContext(connection) as first:
            client.get(url)
        client.post(
            "/api/v1/catalogue/services/",
            _payload(name={"fi": f"Lisäpalvelu {url}"}),
            content_type="application/json",
        )
        with CaptureQueriesContext(connection) as second:
            client.get(url)
        assert len(second) == len(first), url
        assert len(first) <= 12


def test_completeness_answer_conforms_to_the_openapi_schema(client_for):
    """The answer is `{"warnings": [...]}` and the published schema says so (make fuzz found a
    schema that promised a bare array)."""
    import jsonschema
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/catalogue/completeness/"]["get"]
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    literacy = Service.objects.get(category_id="literacy", archived=False)
    client_for("coordinator").post(f"/api/v1/catalogue/services/{literacy.pk}/archive/")
    answer = client_for("viewer").get("/api/v1/catalogue/completeness/").json()
    assert answer["warnings"]
    jsonschema.validate(answer, {**body, "components": schema["components"]})
