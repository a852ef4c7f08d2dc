from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kotopolku.audit.models import AuditEvent
from kotopolku.casework.models import IntegrationPlan
from kotopolku.casework.tests.factories import make_case, make_client

pytestmark = pytest.mark.django_db


def test_deadlines_api_is_the_command_output(client_for):
    client, *_ = make_case("API-1")
    response = client_for("caseworker").get(
        f"/api/v1/clients/{client.pk}/deadlines/", {"on": "2025-06-01"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "external_id": "API-1",
        "on": "2025-06-01",
        "plan_window_end": "2028-02-29",
        "max_plan_end": "2027-04-30",
        "referral_due": "2025-11-01",
        "review_due": "2026-05-01",
        "problems": [],
    }


def test_hidden_client_is_404_and_audited(client_for, django_user_model):
    from django.test import Client as HttpClient

    client, *_ = make_case("API-2")
    http = HttpClient()
    http.force_login(django_user_model.objects.get(username="caseworker-tuusula"))
    for url in (
        f"/api/v1/clients/{client.pk}/deadlines/",
        f"/api/v1/clients/{client.pk}/plans/",
        f"/api/v1/clients/{client.pk}/assessments/",
    ):
        response = http.get(url)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert AuditEvent.objects.filter(action="access_denied", client_id=client.pk).count() == 3


def test_plan_post_refuses_a_breach_without_override(client_for):
    client = make_client("API-3", first_permit=timezone.localdate() - timedelta(days=30))
    http = client_for("caseworker")
    start = timezone.localdate()
    body = {"start": start.isoformat(), "end": (start + timedelta(days=400)).isoformat()}
    response = http.post(
        f"/api/v1/clients/{client.pk}/plans/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "rule_breach"
    assert response.json()["detail"][0]["code"] == "first_plan_too_long"
    assert not IntegrationPlan.objects.exists()
    body["override_reason"] = "Lukutaitokoulutus ensin"
    response = http.post(
        f"/api/v1/clients/{client.pk}/plans/", body, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["override_codes"] == ["first_plan_too_long"]


def test_worklist_api_query_count_is_constant(client_for):
    http = client_for("caseworker")
    make_case("WL-1")
    with CaptureQueriesContext(connection) as few:
        assert http.get("/api/v1/casework/worklist/").status_code == 200
    for n in range(2, 10):
        make_case(f"WL-{n}")
    with CaptureQueriesContext(connection) as many:
        response = http.get("/api/v1/casework/worklist/")
    assert response.status_code == 200
    assert len(many) == len(few)
    data = response.json()
    rows = data["results"] if isinstance(data, dict) else data
    assert {row["external_id"] for row in rows} >= {"WL-1", "WL-9"}


def test_a_bad_worklist_day_is_refused_in_the_users_language(client_for):
    """The API answers in the language the user chose, as the pages do (Finnish by default)."""
    from django.conf import settings

    http = client_for("caseworker")
    refused = http.get("/api/v1/casework/worklist/", {"on": "3.12.2026"})
    assert refused.status_code == 400
    assert refused.json()["detail"] == {"on": ["Käytä muotoa VVVV-KK-PP."]}
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    refused = http.get("/api/v1/casework/worklist/", {"on": "3.12.2026"})
    assert refused.json()["detail"] == {"on": ["Använd formatet ÅÅÅÅ-MM-DD."]}
