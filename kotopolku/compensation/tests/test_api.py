"""The compensation API's lists are paginated like every other API list (LimitOffset)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kotopolku.compensation.demo import seed_compensation_demo
from kotopolku.compensation.services import claim_create
from kotopolku.compensation.tests.factories import municipality

pytestmark = pytest.mark.django_db


def _claims(actor, n: int):
    for month in range(1, n + 1):
        claim_create(
            actor=actor,
            municipality=municipality("186"),
            cost_type="interpreting",
            period_start=date(2025, month, 1),
            period_end=date(2025, month, 28),
        )


def test_claim_list_pages_with_limit_and_offset(demo, coordinator, user_for):
    _claims(user_for("coordinator"), 5)
    first = coordinator.get(
        "/api/v1/compensation/claims/", {"municipality": "186", "limit": 2}
    ).json()
    assert first["count"] == 5
    assert [c["period_start"] for c in first["results"]] == ["2025-05-01", "2025-04-01"]
    assert first["previous"] is None
    following = coordinator.get(first["next"].replace("http://testserver", "")).json()
    assert [c["period_start"] for c in following["results"]] == ["2025-03-01", "2025-02-01"]
    everything = coordinator.get("/api/v1/compensation/claims/", {"municipality": "186"}).json()
    assert len(everything["results"]) == 5
    assert everything["next"] is None


def test_claim_list_queries_do_not_grow(demo, coordinator, user_for):
    _claims(user_for("coordinator"), 1)
    url = "/api/v1/compensation/claims/"
    coordinator.get(url, {"municipality": "186"})  # session and first-request caches
    with CaptureQueriesContext(connection) as few:
        assert coordinator.get(url, {"municipality": "186"}).status_code == 200
    _claims(user_for("coordinator"), 6)
    with CaptureQueriesContext(connection) as many:
        assert coordinator.get(url, {"municipality": "186"}).json()["count"] == 7
    assert len(many) == len(few)


def test_payment_list_list_is_paginated_and_checks_the_municipality(demo, coordinator):
    payment_list = seed_compensation_demo()
    body = coordinator.get("/api/v1/compensation/payment-lists/", {"municipality": "186"}).json()
    assert body["count"] == 1
    assert body["results"][0]["id"] == payment_list.pk
    assert body["results"][0]["month"] == f"{payment_list.month:%Y-%m}"
    other = coordinator.get("/api/v1/compensation/payment-lists/", {"municipality": "858"})
    assert other.status_code == 403
    assert other.json()["code"] == "permission_denied"


def test_forecast_errors_answer_in_the_users_language(demo, coordinator):
    """The API answers in the language the user chose, as the pages do (Finnish by default)."""
    from django.conf import settings

    url = "/api/v1/compensation/forecast/"
    refused = coordinator.get(url, {"municipality": "186", "year": "vuosi"})
    assert refused.status_code == 400
    assert refused.json()["detail"] == {"year": ["Give the year as YYYY."]}
    del coordinator.cookies[settings.LANGUAGE_COOKIE_NAME]  # the default: Finnish
    refused = coordinator.get(url, {"municipality": "186", "year": "vuosi"})
    assert refused.json()["detail"] == {"year": ["Anna vuosi muodossa VVVV."]}
    coordinator.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    refused = coordinator.get(url, {"municipality": "186", "year": "1800"})
    assert refused.json()["detail"] == {"year": ["Året ligger utanför det tillåtna intervallet."]}
    unknown = coordinator.get(url, {"municipality": "999", "year": "2025"})
    assert unknown.status_code == 404
    assert unknown.json()["title"] == "Okänd kommun."
