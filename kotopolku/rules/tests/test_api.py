"""The drafts API (docs/data-formats.md): create with validation, rows, preview, and the OpenAPI
schema."""

import pytest
from rest_framework.test import APIClient

from kotopolku.rules.demo import DEMO_DRAFT_TITLE
from kotopolku.rules.models import DraftRuleSet
from kotopolku.rules.tests.test_whatif import caseload  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

RATE = "compensation_rate_municipality_7_plus"


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_drafts_api_create_rows_preview(user_for, caseload):  # noqa: F811
    coordinator = _api(user_for("coordinator"))
    bad = coordinator.post(
        "/api/v1/rules/drafts/",
        {"title": "Bad", "rows": [{"key": "nope", "value": 1, "effective_from": "2026-01-01"}]},
        format="json",
    )
    assert bad.status_code == 400
    assert "unknown rule key" in str(bad.json())
    assert not DraftRuleSet.objects.exclude(title=DEMO_DRAFT_TITLE).exists()

    made = coordinator.post(
        "/api/v1/rules/drafts/",
        {
            "title": "Rates",
            "rows": [{"key": RATE, "value": "1800.00", "effective_from": "2026-01-01"}],
        },
        format="json",
    )
    assert made.status_code == 201
    pk = made.json()["id"]
    assert "Rates" in {d["title"] for d in coordinator.get("/api/v1/rules/drafts/").json()}
    assert coordinator.get(f"/api/v1/rules/drafts/{pk}/rows/").json() == [
        {"key": RATE, "value": "1800.00", "effective_from": "2026-01-01"}
    ]
    preview = coordinator.get(
        f"/api/v1/rules/drafts/{pk}/preview/?municipality=186&year=2026&on=2026-06-01"
    ).json()
    assert preview["current"] == {"total": "10413.12"}
    assert preview["draft"] == {"total": "10103.04"}
    assert len(preview["months"]) == 12
    assert _api(user_for("caseworker")).get("/api/v1/rules/drafts/").status_code == 403


def test_the_drafts_are_in_the_openapi_schema(client_for):
    schema = client_for("admin").get("/api/schema/").content.decode()
    assert "/api/v1/rules/drafts/{id}/preview/" in schema


def test_draft_lists_filter_and_refuse_bad_filter_values(user_for, demo):
    coordinator = _api(user_for("coordinator"))
    made = coordinator.post(
        "/api/v1/rules/drafts/",
        {
            "title": "Rates 2027",
            "rows": [
                {"key": RATE, "value": "1800.00", "effective_from": "2026-01-01"},
                {"key": RATE, "value": "1900.00", "effective_from": "2027-01-01"},
            ],
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    found = coordinator.get("/api/v1/rules/drafts/", {"search": "rates 2027"}).json()
    assert [d["id"] for d in found] == [pk]
    assert coordinator.get("/api/v1/rules/drafts/", {"search": "no such draft"}).json() == []
    rows = coordinator.get(
        f"/api/v1/rules/drafts/{pk}/rows/", {"effective_since": "2026-06-01"}
    ).json()
    assert [r["effective_from"] for r in rows] == ["2027-01-01"]
    assert coordinator.get("/api/v1/rules/drafts/", {"status": "nonsense"}).status_code == 400
    bad_date = coordinator.get(f"/api/v1/rules/drafts/{pk}/rows/", {"effective_since": "x"})
    assert bad_date.status_code == 400


def test_preview_errors_are_in_the_language_of_the_user(user_for, demo):
    """The language switcher's choice (a cookie) decides, as on the pages."""
    from django.conf import settings

    draft = DraftRuleSet.objects.get(title=DEMO_DRAFT_TITLE)
    client = _api(user_for("coordinator"))
    url = f"/api/v1/rules/drafts/{draft.pk}/preview/"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    bad_year = client.get(url, {"year": "abc"})
    assert bad_year.status_code == 400
    assert bad_year.json()["detail"] == {"year": ["Ange året som ÅÅÅÅ."]}
    bad_day = client.get(url, {"year": "2027", "on": "1.6.2027"})
    assert bad_day.json()["detail"] == {"on": ["Ange dagen som ÅÅÅÅ-MM-DD."]}
    unknown = client.get(url, {"year": "2027", "municipality": "999"})
    assert unknown.status_code == 404
    assert "Okänd kommun" in str(unknown.json())
    assert "Utkastet finns inte." in str(client.get("/api/v1/rules/drafts/999999/").json())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    assert client.get(url, {"year": "1999"}).json()["detail"] == {
        "year": ["Vuosi on sallitun välin ulkopuolella."]
    }
