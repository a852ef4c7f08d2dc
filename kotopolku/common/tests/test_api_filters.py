"""Every API list documents its filters in /api/schema/, and the filters filter.

The filter sets (django-filter) narrow the queryset the access scope chose; a filter never
widens it."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kotopolku.audit.models import AuditEvent
from kotopolku.catalogue.models import Service
from kotopolku.clients import services as client_services
from kotopolku.clients.models import Client
from kotopolku.organisations.models import Organisation

pytestmark = pytest.mark.django_db

# Each list endpoint and the filters it must document. A list that appears in the schema and
# is missing here fails the test, so a new list cannot ship without its filters.
EXPECTED = {
    "/api/v1/attendance/": {"course", "session", "enrolment", "since", "until"},
    "/api/v1/audit/": {"search", "action", "object_type", "client", "since", "until", "success"},
    "/api/v1/casework/contacts/": {"search", "since", "until", "channel", "outcome"},
    "/api/v1/casework/referrals/": {"search", "status", "since", "until"},
    "/api/v1/casework/worklist/": {"search", "on"},
    "/api/v1/catalogue/categories/": {"statutory"},
    "/api/v1/catalogue/public/services/": {"category", "municipality", "language"},
    "/api/v1/catalogue/services/": {"search", "category", "municipality", "language", "state"},
    "/api/v1/clients/": {"search", "responsible_organisation", "interpreter_needed"},
    "/api/v1/clients/{id}/assessments/": {"status", "started_since"},
    "/api/v1/clients/{id}/plans/": {"in_force_on"},
    "/api/v1/compensation/claims/": {"municipality", "status", "cost_type", "year"},
    "/api/v1/compensation/payment-lists/": {"municipality", "year"},
    "/api/v1/courses/": {"search", "kind", "starts_since"},
    "/api/v1/courses/{id}/enrolments/": {"status"},
    "/api/v1/courses/{id}/sessions/": {"since", "until"},
    "/api/v1/enrolments/{id}/placements/": {"outcome", "since"},
    "/api/v1/enrolments/{id}/results/": {"since", "until"},
    "/api/v1/goals/{id}/indicators/": {"source", "welfare_plan"},
    "/api/v1/goals/{id}/measures/": {"search", "status"},
    "/api/v1/governance/groups/": {"search", "kind"},
    "/api/v1/governance/groups/{id}/memberships/": {"on"},
    "/api/v1/governance/meetings/": {"group", "year", "search"},
    "/api/v1/governance/reports/": {"year", "status"},
    "/api/v1/governance/tasks/": {"status", "search", "due_before"},
    "/api/v1/indicators/{id}/entries/": {"period_from", "period_to"},
    "/api/v1/organisations/": {"search", "kind"},
    "/api/v1/organisations/{id}/memberships/": {"role"},
    "/api/v1/programmes/": {"search", "year"},
    "/api/v1/programmes/{id}/goals/": {"search", "welfare_plan"},
    "/api/v1/programmes/{id}/policy-lines/": {"search", "municipality"},
    "/api/v1/programmes/{id}/versions/": {"status"},
    "/api/v1/plans/{id}/reviews/": {"since", "until"},
    "/api/v1/rules/drafts/": {"search", "status"},
    "/api/v1/rules/drafts/{id}/rows/": {"key", "effective_since"},
}
# Lists that are one object's parts, shown whole, and so have nothing to filter.
WHOLE = {
    "/api/v1/clients/{id}/course-progress/": "one client's summary per course",
    "/api/v1/governance/meetings/{id}/items/": "one meeting's agenda, in order",
    "/api/v1/sessions/{id}/attendance/": "one session's group for the attendance form",
}
CURSOR = {"/api/v1/clients/", "/api/v1/audit/", "/api/v1/attendance/"}


@pytest.fixture
def schema(client_for):
    # With DEBUG off the schema is for signed-in users only (security: api docs access).
    response = client_for("viewer").get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    return response.json()


def _list_operations(schema):
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        body = get["responses"].get("200", {}).get("content", {}).get("application/json", {})
        ref = body.get("schema", {}).get("$ref", "")
        if "/Paginated" in ref or body.get("schema", {}).get("type") == "array":
            yield path, get


def test_every_list_endpoint_documents_its_filters(schema):
    seen = set()
    for path, get in _list_operations(schema):
        seen.add(path)
        if path in WHOLE:
            continue
        assert path in EXPECTED, f"{path}: a list without declared filters"
        documented = {p["name"] for p in get.get("parameters", []) if p["in"] == "query"}
        missing = EXPECTED[path] - documented
        assert not missing, f"{path} does not document {sorted(missing)}"
        paging = {"cursor", "limit"} if path in CURSOR else {"limit", "offset"}
        if "/Paginated" in str(get["responses"]["200"]):
            assert paging <= documented, f"{path}: paging {sorted(paging - documented)}"
    assert seen == set(EXPECTED) | set(WHOLE)


def test_choice_filters_document_their_values(schema):
    referrals = dict(_list_operations(schema))["/api/v1/casework/referrals/"]
    status = next(p for p in referrals["parameters"] if p["name"] == "status")
    assert "accepted" in status["schema"]["enum"]
    services = dict(_list_operations(schema))["/api/v1/catalogue/services/"]
    state = next(p for p in services["parameters"] if p["name"] == "state")
    assert set(state["schema"]["enum"]) == {"active", "all", "ended", "archived"}


def _ids(response):
    assert response.status_code == 200, response.content
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return [row["id"] if "id" in row else row["code"] for row in rows]


def test_catalogue_filters_filter(demo, client_for):
    api = client_for("viewer")
    url = "/api/v1/catalogue/services/"
    everything = set(_ids(api.get(url, {"limit": 500})))
    assert len(everything) > 3
    guidance = set(_ids(api.get(url, {"category": "guidance", "limit": 500})))
    assert guidance
    assert guidance < everything
    assert set(Service.objects.filter(pk__in=guidance).values_list("category_id", flat=True)) == {
        "guidance"
    }
    jarvenpaa = set(_ids(api.get(url, {"municipality": "186", "limit": 500})))
    assert jarvenpaa
    assert all(
        Service.objects.get(pk=pk).municipalities.filter(municipality_code="186").exists()
        for pk in jarvenpaa
    )
    service = Service.objects.get(pk=min(everything))
    assert _ids(api.get(url, {"search": service.name_fi[:12]}))[0:1] == [service.pk] or (
        service.pk in _ids(api.get(url, {"search": service.name_fi[:12], "limit": 500}))
    )
    Service.objects.filter(pk=service.pk).update(archived=True)
    assert service.pk not in _ids(api.get(url, {"limit": 500}))
    assert _ids(api.get(url, {"state": "archived"})) == [service.pk]
    # A value outside the choices is a 400 problem, not a silent "everything".
    bad = api.get(url, {"state": "gone"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"
    assert api.get(url, {"municipality": "18"}).status_code == 400
    statutory = _ids(api.get("/api/v1/catalogue/categories/", {"statutory": "true"}))
    assert "guidance" in statutory
    assert "basic_services" not in statutory


def test_organisation_and_governance_filters_filter(demo, client_for):
    api = client_for("coordinator")
    municipalities = _ids(api.get("/api/v1/organisations/", {"kind": "municipality"}))
    assert municipalities
    assert set(
        Organisation.objects.filter(pk__in=municipalities).values_list("kind", flat=True)
    ) == {"municipality"}
    assert _ids(api.get("/api/v1/organisations/", {"search": "186"})) == [
        Organisation.objects.get(municipality_code="186").pk
    ]
    groups = api.get("/api/v1/governance/groups/").json()["results"]
    kinds = {g["kind"] for g in groups}
    for kind in kinds:
        assert {
            g["kind"]
            for g in api.get("/api/v1/governance/groups/", {"kind": kind}).json()["results"]
        } == {kind}
    assert api.get("/api/v1/governance/meetings/", {"group": "x"}).status_code == 400


def _make_client(*, actor, organisation, last_name, external_id, interpreter=False):
    return client_services.client_create(
        actor=actor,
        external_id=external_id,
        first_names="Testi",
        last_name=last_name,
        date_of_birth=date(1990, 1, 1),
        permit_basis=Client.PermitBasis.values[0],
        hetu="",
        home_municipality=organisation,
        responsible_organisation=organisation,
        interpreter_needed=interpreter,
    )


def test_client_filters_stay_inside_the_access_scope_and_page_by_cursor(demo, client_for, user_for):
    jarvenpaa = Organisation.objects.get(municipality_code="186")
    tuusula = Organisation.objects.get(municipality_code="858")
    coordinator = user_for("coordinator")
    for i in range(3):
        _make_client(
            actor=coordinator,
            organisation=jarvenpaa,
            last_name=f"Jarva{i}",
            external_id=f"JP-F-{i}",
            interpreter=i == 0,
        )
    _make_client(actor=coordinator, organisation=tuusula, last_name="Tuusa", external_id="TU-F-1")
    api = client_for("caseworker")  # a Järvenpää case worker
    mine = set(_ids(api.get("/api/v1/clients/", {"limit": 500})))
    assert Client.objects.get(external_id="TU-F-1").pk not in mine
    # Asking for the other organisation's clients does not reach them.
    assert _ids(api.get("/api/v1/clients/", {"responsible_organisation": tuusula.pk})) == []
    assert _ids(api.get("/api/v1/clients/", {"search": "Tuusa"})) == []
    assert set(_ids(api.get("/api/v1/clients/", {"interpreter_needed": "true"}))) == {
        Client.objects.get(external_id="JP-F-0").pk
    }
    # Cursor paging: two pages of one, then the third, with no overlap and no count query.
    first = api.get("/api/v1/clients/", {"limit": 1, "search": "Jarva"}).json()
    assert "count" not in first
    assert len(first["results"]) == 1
    second = api.get(first["next"]).json()
    third = api.get(second["next"]).json()
    seen = [r["id"] for page in (first, second, third) for r in page["results"]]
    assert len(set(seen)) == 3
    assert third["next"] is None
    with CaptureQueriesContext(connection) as queries:
        api.get("/api/v1/clients/", {"limit": 2})
    assert not any("COUNT(" in q["sql"].upper() and "client" in q["sql"] for q in queries)
    assert api.get("/api/v1/clients/", {"cursor": "not-a-cursor"}).status_code == 404


def test_audit_list_for_administrators_filters_and_pages_by_cursor(demo, client_for, user_for):
    admin = user_for("admin")
    for i in range(3):
        AuditEvent.objects.create(
            actor=admin,
            actor_label="admin",
            action="export",
            object_type="FilterTest",
            object_id=str(i),
            client_id=4242,
            reason="test",
        )
    api = client_for("admin")
    rows = api.get("/api/v1/audit/", {"object_type": "FilterTest", "limit": 2}).json()
    assert [r["object_id"] for r in rows["results"]] == ["2", "1"]
    rest = api.get(rows["next"]).json()
    assert [r["object_id"] for r in rest["results"]] == ["0"]
    assert {
        r["client_id"] for r in api.get("/api/v1/audit/", {"client": 4242}).json()["results"]
    } == {4242}
    assert api.get("/api/v1/audit/", {"action": "nonsense"}).status_code == 400
    assert client_for("coordinator").get("/api/v1/audit/").status_code == 403
    # The audit page reads the same filter set.
    page = api.get("/audit/", {"q": "FilterTest"})
    assert page.status_code == 200
    assert "FilterTest" in page.content.decode()


def test_numbers_out_of_range_are_a_400_not_a_500(demo, client_for):
    """Found by make fuzz: `year=0` reached a `__year` lookup, which raises."""
    admin = client_for("admin")
    coordinator = client_for("coordinator")
    cases = [
        (admin, "/api/v1/governance/meetings/", {"year": 0}),
        (admin, "/api/v1/governance/meetings/", {"group": 2**64}),
        (admin, "/api/v1/governance/reports/", {"year": 99999}),
        (admin, "/api/v1/audit/", {"client": 2**70}),
        (admin, "/api/v1/clients/", {"responsible_organisation": 2**70}),
        (coordinator, "/api/v1/compensation/payment-lists/", {"municipality": "186", "year": 0}),
        (coordinator, "/api/v1/compensation/claims/", {"municipality": "186", "year": 0}),
        (admin, "/api/v1/programmes/", {"year": "2025.5"}),
    ]
    for api, url, params in cases:
        response = api.get(url, params)
        assert response.status_code == 400, (url, params, response.status_code)
        assert response.json()["code"] == "invalid"
