"""docs/domain.md P5: a review cannot come before the plan it reviews. The form and the API refuse it
with a clear message on the field `day`, and nothing is stored."""

from datetime import date

import pytest

from kotopolku.casework.models import PlanReview
from kotopolku.casework.tests.factories import make_case

pytestmark = pytest.mark.django_db
BEFORE_EN = "A review cannot be before the plan starts."
BEFORE_FI = "Tarkistus ei voi olla ennen suunnitelman alkua."


def test_the_api_refuses_a_review_before_the_plans_start(client_for):
    _, _, plan, _ = make_case("REV-API")  # the plan starts on 2025-05-01
    http = client_for("caseworker")
    url = f"/api/v1/plans/{plan.pk}/reviews/"
    response = http.post(url, {"day": "2025-04-30"}, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert "day" in str(body)
    assert any(m in str(body) for m in (BEFORE_EN, BEFORE_FI))
    assert not PlanReview.objects.exists()

    response = http.post(url, {"day": "2025-05-01", "note": "ok"}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["day"] == "2025-05-01"
    assert [r["day"] for r in http.get(url).json()] == ["2025-05-01"]


def test_the_api_hides_a_plan_the_user_may_not_see(client_for):
    _, _, plan, _ = make_case("REV-HIDDEN")
    response = client_for("viewer").get(f"/api/v1/plans/{plan.pk}/reviews/")
    assert response.status_code in (403, 404)


def test_the_form_refuses_a_review_before_the_plans_start(client_for):
    _, _, plan, _ = make_case("REV-FORM")
    http = client_for("caseworker")
    response = http.post(
        f"/casework/plans/{plan.pk}/reviews/add/", {"day": "2025-04-30", "note": ""}
    )
    assert response.status_code == 400
    assert BEFORE_FI in response.content.decode()
    assert not PlanReview.objects.filter(plan=plan).exists()
    assert plan.start == date(2025, 5, 1)
