"""The courses API: minimum fields, results against the target, attendance all or nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotopolku.common.tests.openapi import assert_conforms
from kotopolku.courses import services
from kotopolku.courses.models import Attendance, Course
from kotopolku.courses.tests.factories import enrol_client, make_course, plan_service_for, today

pytestmark = pytest.mark.django_db


def test_course_list_queries_are_constant(demo, client_for):
    http = client_for("provider")
    make_course("API-1")
    http.get(reverse("api:course-list"))  # the session's first request writes its last-seen time
    with CaptureQueriesContext(connection) as one:
        assert http.get(reverse("api:course-list")).status_code == 200
    for n in range(2, 6):
        make_course(f"API-{n}")
    with CaptureQueriesContext(connection) as five:
        response = http.get(reverse("api:course-list"))
    assert len(response.json()["results"] if "results" in response.json() else response.json()) == 5
    assert len(one) == len(five)


def test_participants_have_only_the_minimum_fields(demo, client_for):
    course = make_course("API-MIN", sessions=1)
    enrolment = enrol_client(course, "API-MIN-1")
    response = client_for("provider").get(reverse("api:course-enrolments", args=[course.pk]))
    assert response.status_code == 200
    (row,) = response.json()
    assert set(row) == {
        "id",
        "status",
        "first_names",
        "last_name",
        "mother_tongue",
        "phone",
        "email",
        "attended_hours",
        "orientation_completed",
    }
    assert row["id"] == enrolment.pk


def test_results_show_against_the_b1_1_target(demo, client_for):
    course = make_course("API-KK", kind=Course.Kind.INTEGRATION_TRAINING)
    enrolment = enrol_client(course, "API-KK-1")
    services.language_result_add(
        actor=None,
        enrolment=enrolment,
        day=today(),
        test_name="YKI",
        listening="B1.2",
        reading="A2.2",
        speaking="B1.1",
        writing="A1.3",
    )
    response = client_for("caseworker").get(reverse("api:enrolment-results", args=[enrolment.pk]))
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert rows[0]["target"] == "B1.1"
    assert rows[0]["meets_target"] == {
        "listening": True,
        "reading": False,
        "speaking": True,
        "writing": False,
    }
    progress = client_for("caseworker").get(
        reverse("api:client-course-progress", args=[enrolment.client_id])
    )
    assert progress.json()[0]["results"][0]["meets_target"]["reading"] is False


def test_attendance_post_is_all_or_nothing(demo, client_for):
    course = make_course("API-ATT", sessions=1)
    people = [enrol_client(course, f"API-ATT-{n}") for n in range(3)]
    session = course.sessions.get()
    http = client_for("provider")
    url = reverse("api:session-attendance", args=[session.pk])
    bad = {"attendance": [{"enrolment": p.pk, "hours": "3"} for p in people]}
    bad["attendance"][1]["hours"] = "-1"
    response = http.post(url, bad, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_attendance"
    assert response.json()["detail"][0]["enrolment"] == people[1].pk
    assert not Attendance.objects.exists()
    good = {"attendance": [{"enrolment": p.pk, "hours": "3"} for p in people]}
    response = http.post(url, good, content_type="application/json")
    assert response.status_code == 200
    assert Attendance.objects.count() == 3
    listed = http.get(url).json()
    assert {row["hours"] for row in listed} == {"3.0"}
    # Malformed input is a 400 problem, not a 500.
    assert http.post(url, {"attendance": "x"}, content_type="application/json").status_code == 400


def test_caseworker_enrols_through_the_api(demo, client_for):
    course = make_course("API-ENR", capacity=1)
    row = plan_service_for("API-ENR-1", "social_orientation")
    http = client_for("caseworker")
    response = http.post(
        reverse("api:enrolment-create"),
        {"course": course.pk, "plan_service": row.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["status"] == "enrolled"
    again = http.post(
        reverse("api:enrolment-create"),
        {"course": course.pk, "plan_service": row.pk},
        content_type="application/json",
    )
    assert again.status_code == 400
    other = client_for("provider").post(
        reverse("api:enrolment-create"),
        {"course": course.pk, "plan_service": row.pk},
        content_type="application/json",
    )
    assert other.status_code == 403


def test_hidden_course_is_404_for_a_caseworker_of_another_region(demo, client_for):
    from kotopolku.organisations.models import Organisation, Region

    region = Region.objects.create(slug="muu", name="Muu alue")
    other = Organisation.objects.create(
        kind="municipality", name="Muukunta", municipality_code="999", region=region
    )
    course = make_course("API-HID", municipality="999")
    assert course.municipality == other
    response = client_for("caseworker").get(reverse("api:course-detail", args=[course.pk]))
    assert response.status_code == 404


def test_course_sessions_and_roster_conform_to_the_schema(demo, client_for):
    """Found by make fuzz: times without an offset declared as `format: time`, a null waiting
    count and null hours declared as integer and string."""
    course = make_course("API-SCH", sessions=2)
    enrol_client(course, "API-SCH-1")
    session = course.sessions.order_by("day").first()
    http = client_for("provider")
    assert_conforms(
        http.get(f"/api/v1/courses/{course.pk}/sessions/"), "/api/v1/courses/{id}/sessions/"
    )
    assert_conforms(http.get(f"/api/v1/courses/{course.pk}/"), "/api/v1/courses/{id}/")
    roster = http.get(f"/api/v1/sessions/{session.pk}/attendance/")
    assert roster.json()[0]["hours"] is None
    assert_conforms(roster, "/api/v1/sessions/{id}/attendance/")


def test_attendance_for_a_session_still_to_come_is_a_400(demo, client_for):
    """Found by make fuzz: the service's refusal was not caught and ended in a 500."""
    from datetime import timedelta

    course = make_course("API-FUT", sessions=1, start=today() + timedelta(days=7))
    enrolment = enrol_client(course, "API-FUT-1")
    url = reverse("api:session-attendance", args=[course.sessions.get().pk])
    response = client_for("provider").post(
        url,
        {"attendance": [{"enrolment": enrolment.pk, "hours": "3"}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not Attendance.objects.exists()
