"""A participant whose processing is restricted (privacy, GDPR art. 18) is left out of the
course's participant lists, pages and API alike; opening their enrolment asks for a reason."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kotopolku.audit.models import AuditEvent
from kotopolku.courses import selectors, services
from kotopolku.courses.models import Attendance
from kotopolku.courses.tests.factories import enrol_client, make_course, user
from kotopolku.privacy import services as privacy

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(demo):
    course = make_course("RST", sessions=1, capacity=10)
    session = course.sessions.get()
    kept = enrol_client(course, "RST-01")
    hidden = enrol_client(course, "RST-02")
    services.attendance_record(
        actor=user("provider"), session=session, hours={kept.pk: "3", hidden.pk: "2"}
    )
    privacy.restriction_start(
        actor=user("coordinator"), client=hidden.client, reason="Poistopyyntö 2/2025"
    )
    return course, session, kept, hidden


def test_participant_lists_leave_the_restricted_client_out(group):
    course, session, kept, hidden = group
    for username in ("provider", "coordinator", "caseworker-jarvenpaa"):
        people = selectors.participants(user=user(username), course=course)
        assert [p.enrolment.pk for p in people] == [kept.pk], username
    roster = selectors.session_roster(user=user("provider"), session=session)
    assert [row["enrolment"].pk for row in roster] == [kept.pk]
    viewed = AuditEvent.objects.filter(action="view", object_type="Course")
    assert not viewed.filter(client_id=hidden.client_id).exists()
    assert viewed.filter(client_id=kept.client_id).exists()


def test_pages_and_api_show_no_trace_of_the_restricted_participant(group, client_for):
    course, session, kept, hidden = group
    http = client_for("provider")
    for url in (
        reverse("courses:detail", args=[course.pk]),
        reverse("courses:attendance", args=[session.pk]),
    ):
        page = http.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert kept.client.last_name in html
        assert hidden.client.last_name not in html, url
        assert f"hours-{hidden.pk}" not in html

    listed = http.get(f"/api/v1/courses/{course.pk}/enrolments/").json()
    assert [row["id"] for row in listed] == [kept.pk]
    roster = http.get(f"/api/v1/sessions/{session.pk}/attendance/").json()
    assert [row["enrolment"] for row in roster] == [kept.pk]


def test_saving_the_group_keeps_the_hidden_participants_hours(group, client_for):
    _, session, kept, hidden = group
    response = client_for("provider").post(
        reverse("courses:attendance", args=[session.pk]), {f"hours-{kept.pk}": "1"}
    )
    assert response.status_code == 302
    hours = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "hours"))
    assert hours == {kept.pk: Decimal("1"), hidden.pk: Decimal("2")}


def test_opening_the_restricted_enrolment_asks_for_a_reason(group, client_for):
    _, _, kept, hidden = group
    http = client_for("coordinator")
    assert http.get(reverse("courses:enrolment", args=[kept.pk])).status_code == 200
    response = http.get(reverse("courses:enrolment", args=[hidden.pk]))
    assert response.status_code == 302
    assert reverse("privacy:restricted_open", kwargs={"pk": hidden.client_id}) in response.url
    api = http.get(f"/api/v1/enrolments/{hidden.pk}/results/")
    assert api.status_code == 403
    assert AuditEvent.objects.filter(
        action="access_denied", object_type="RestrictedClient", client_id=hidden.client_id
    ).exists()


def test_no_attendance_is_written_for_the_restricted_participant(group, client_for):
    """Restricted processing: the hidden participant's hours cannot be changed by the form, the
    API or the spreadsheet import, whether named by enrolment id or by client number."""
    course, session, kept, hidden = group
    before = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "hours"))
    http = client_for("provider")

    form = http.post(
        reverse("courses:attendance", args=[session.pk]),
        {f"hours-{kept.pk}": "1", f"hours-{hidden.pk}": "3"},
    )
    assert form.status_code == 400
    assert f'name="hours-{hidden.pk}"' not in form.content.decode()

    api = http.post(
        f"/api/v1/sessions/{session.pk}/attendance/",
        {"attendance": [{"enrolment": hidden.pk, "hours": "3"}]},
        content_type="application/json",
    )
    assert api.status_code == 400, api.content

    for participant in (str(hidden.pk), hidden.client.external_id):
        csv = (
            "course_code;enrolment_id;session_date;hours\n"
            f"{course.code};{participant};{session.day.isoformat()};3\n"
        )
        upload = http.post(
            reverse("courses:attendance_import"),
            {"file": SimpleUploadedFile("viikko.csv", csv.encode(), content_type="text/csv")},
        )
        assert upload.status_code == 400, participant

    after = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "hours"))
    assert after == before
