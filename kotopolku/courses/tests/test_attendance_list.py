"""GET /api/v1/attendance/ (docs/adr/0008-interoperability.md): attendance across sessions by cursor, with filters,
only for courses the caller delivers, and each page's clients audited."""

from decimal import Decimal

import pytest

from kotopolku.audit.models import AuditEvent
from kotopolku.courses import services
from kotopolku.courses.models import Course
from kotopolku.courses.tests.factories import enrol_client, make_course

pytestmark = pytest.mark.django_db


def test_attendance_list_filters_pages_by_cursor_and_audits(demo, client_for):
    course = make_course("KK-ATT", kind=Course.Kind.INTEGRATION_TRAINING, sessions=3)
    enrolment = enrol_client(course, "ATT-1")
    sessions = list(course.sessions.order_by("day", "id"))
    for session in sessions:
        services.attendance_record(actor=None, session=session, hours={enrolment.pk: Decimal("3")})
    api = client_for("coordinator")
    first = api.get("/api/v1/attendance/", {"course": course.pk, "limit": 2})
    assert first.status_code == 200, first.content
    body = first.json()
    assert "count" not in body
    assert len(body["results"]) == 2
    rest = api.get(body["next"]).json()
    rows = body["results"] + rest["results"]
    assert sorted(r["session"] for r in rows) == sorted(s.pk for s in sessions)
    assert {r["enrolment"] for r in rows} == {enrolment.pk}
    one_day = api.get("/api/v1/attendance/", {"course": course.pk, "since": sessions[-1].day})
    assert [r["session"] for r in one_day.json()["results"]] == [sessions[-1].pk]
    assert AuditEvent.objects.filter(
        object_type="Attendance", client_id=enrolment.client_id, action="view"
    ).exists()
    assert api.get("/api/v1/attendance/", {"since": "yesterday"}).status_code == 400
    # A case worker does not record delivery: no list at all.
    assert client_for("caseworker").get("/api/v1/attendance/").status_code == 403
