"""API lists share one pagination; an absurd `limit` is capped instead of reaching the database
as a LIMIT it cannot hold (a 500 that `make fuzz` found on SQLite and PostgreSQL alike)."""

import pytest

from kotopolku.common.pagination import MAX_LIMIT

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("limit", [str(10**25), "-3", "x", str(MAX_LIMIT + 1)])
def test_any_limit_answers_a_page(client_for, limit):
    response = client_for("coordinator").get(
        "/api/v1/catalogue/services/", {"limit": limit, "offset": "-530416"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] > 0
    assert 0 < len(body["results"]) <= MAX_LIMIT


def test_limit_and_offset_page_through(client_for):
    client = client_for("anonymous")
    everything = client.get("/api/v1/catalogue/public/services/").json()
    assert everything["count"] >= 2
    first = client.get("/api/v1/catalogue/public/services/", {"limit": 1}).json()
    second = client.get("/api/v1/catalogue/public/services/", {"limit": 1, "offset": 1}).json()
    assert [first["results"][0]["id"], second["results"][0]["id"]] == [
        s["id"] for s in everything["results"][:2]
    ]
