import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kotopolku.programme.models import Programme

pytestmark = pytest.mark.django_db


def _programme():
    return Programme.objects.get(name_fi="Keski-Uudenmaan kotoutumisohjelma")


def test_read_programme_versions_and_planning(client_for):
    client = client_for("viewer")
    pk = _programme().pk
    programmes = client.get("/api/v1/programmes/").json()
    assert programmes["results"][0]["name"]["sv"] == "Integrationsprogrammet för Mellersta Nyland"
    versions = client.get(f"/api/v1/programmes/{pk}/versions/").json()["results"]
    assert [(v["number"], v["status"], v["frozen"]) for v in versions] == [
        (2, "draft", False),
        (1, "approved", True),
    ]
    v1 = client.get(f"/api/v1/programmes/{pk}/versions/1/").json()
    assert v1["decisions"][0]["date"] == "2024-10-23"
    assert len(v1["content"]["policy_lines"]) == 7
    lines = client.get(f"/api/v1/programmes/{pk}/policy-lines/").json()["results"]
    assert [line["number"] for line in lines] == [1, 2, 3, 4, 5, 6, 7]
    assert lines[6]["text"]["sv"].startswith("Migrationsfrågor")
    goals = client.get(f"/api/v1/programmes/{pk}/goals/").json()["results"]
    goal = goals[0]["id"]
    assert client.get(f"/api/v1/goals/{goal}/measures/").json()["count"] == 1
    indicator = client.get(f"/api/v1/goals/{goal}/indicators/").json()["results"][0]
    assert indicator["direction"] == "decrease"
    entries = client.get(f"/api/v1/indicators/{indicator['id']}/entries/").json()["results"]
    assert [e["period"] for e in entries] == ["2023", "2024", "2025"]


def test_viewer_cannot_write(client_for):
    pk = _programme().pk
    response = client_for("viewer").post(
        f"/api/v1/programmes/{pk}/goals/", {"title": {"fi": "X"}}, content_type="application/json"
    )
    assert response.status_code == 403


def test_coordinator_plans_and_approves_through_the_api(client_for):
    client = client_for("coordinator")
    pk = _programme().pk
    goal = client.post(
        f"/api/v1/programmes/{pk}/goals/",
        {"title": {"fi": "Nuorten kotoutuminen", "sv": "Ungas integration"}, "welfare_plan": True},
        content_type="application/json",
    )
    assert goal.status_code == 201, goal.json()
    goal_id = goal.json()["id"]
    measure = client.post(
        f"/api/v1/goals/{goal_id}/measures/",
        {
            "title": {"fi": "Nuorisotyön kielikahvila"},
            "responsible_unit": {"fi": "Nuorisopalvelut"},
            "starts": "2026-01-01",
            "status": "planned",
        },
        content_type="application/json",
    )
    assert measure.status_code == 201, measure.json()
    indicator = client.post(
        f"/api/v1/goals/{goal_id}/indicators/",
        {
            "name": {"fi": "Kävijät"},
            "definition": {"fi": "Kävijöitä vuodessa"},
            "unit": {"fi": "hlöä"},
            "direction": "increase",
            "source": "manual",
            "target": "500",
        },
        content_type="application/json",
    )
    assert indicator.status_code == 201, indicator.json()
    entry = client.post(
        f"/api/v1/indicators/{indicator.json()['id']}/entries/",
        {"period": "2026-H1", "value": "120.5", "comment": "kevät"},
        content_type="application/json",
    )
    assert entry.status_code == 201, entry.json()
    bad = client.post(
        f"/api/v1/indicators/{indicator.json()['id']}/entries/",
        {"period": "kevät", "value": "1"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"

    approve = client.post(
        f"/api/v1/programmes/{pk}/versions/2/approve/",
        {
            "body": {"fi": "Hyvinvointilautakunta"},
            "text": {"fi": "Hyväksytään."},
            "date": "2026-02-01",
            "section": "§ 12",
        },
        content_type="application/json",
    )
    assert approve.status_code == 200, approve.json()
    assert approve.json()["status"] == "approved"
    compare = client.get(f"/api/v1/programmes/{pk}/compare/", {"from": "1", "to": "2"}).json()
    assert {"kind": "goal", "change": "added"} in [
        {"kind": c["kind"], "change": c["change"]} for c in compare["changes"]
    ]
    again = client.post(
        f"/api/v1/programmes/{pk}/versions/2/approve/",
        {"body": {"fi": "X"}, "text": {"fi": "Y"}, "date": "2026-02-02"},
        content_type="application/json",
    )
    assert again.status_code == 400


def test_programme_list_query_count(client_for, user_for):
    from kotopolku.programme import services

    client = client_for("viewer")
    client.get("/api/v1/programmes/")
    with CaptureQueriesContext(connection) as first:
        client.get("/api/v1/programmes/")
    existing = _programme()
    services.programme_create(
        actor=user_for("coordinator"),
        data=services.ProgrammeInput(
            region=existing.region,
            name_fi="Toinen ohjelma",
            period_start=2029,
            period_end=2032,
            municipalities=list(existing.municipalities.all()),
        ),
    )
    with CaptureQueriesContext(connection) as second:
        client.get("/api/v1/programmes/")
    assert len(second) == len(first) <= 14


def test_compare_documents_its_versions_and_refuses_an_unknown_one_in_the_users_language(
    client_for,
):
    """Found by the schema test (common/tests/test_api_schema.py): `from` and `to` were read
    but not in /api/schema/, and an unknown version was an English error keyed by the value."""
    from django.conf import settings

    client = client_for("viewer")
    url = f"/api/v1/programmes/{_programme().pk}/compare/"
    assert client.get(url, {"from": "1"}).status_code == 200
    missing = client.get(url)
    assert missing.status_code == 400
    assert missing.json()["code"] == "invalid"
    assert list(missing.json()["detail"]) == ["from"]
    assert missing.json()["detail"]["from"] == ["Anna ohjelman version numero tai current."]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    unknown = client.get(url, {"from": "1", "to": "99"})
    assert unknown.status_code == 400
    assert unknown.json()["detail"] == {
        "to": ["Ange ett versionsnummer för programmet, eller current."]
    }
