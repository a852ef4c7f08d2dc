"""The pages: the quick attendance form, what a provider sees, enrolment and cancellation,
the case worker's progress view, audit rows and query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotopolku.access.tests.test_url_matrix import MATRIX
from kotopolku.audit.models import AuditEvent
from kotopolku.casework import services as casework_services
from kotopolku.casework.models import PlanService
from kotopolku.courses import services
from kotopolku.courses.models import Attendance, Course, Enrolment
from kotopolku.courses.tests.factories import (
    enrol_client,
    make_course,
    plan_service_for,
    today,
    user,
)

pytestmark = pytest.mark.django_db

PLAN_SECRET = "SALAINEN-SUUNNITELMA-TAVOITE"
ASSESSMENT_SECRET = "SALAINEN-ARVIOINTI-TAVOITE"


def _group(size: int, code: str = "GRP"):
    course = make_course(code, sessions=2, capacity=20)
    people = [enrol_client(course, f"{code}-{n:02d}") for n in range(size)]
    return course, course.sessions.order_by("day").first(), people


def test_provider_marks_a_group_of_15_in_one_form(demo, client_for):
    course, session, people = _group(15)
    http = client_for("provider")
    url = reverse("courses:attendance", args=[session.pk])
    page = http.get(url)
    assert page.status_code == 200
    for person in people:
        assert f'name="hours-{person.pk}"' in page.content.decode()
    data = {f"hours-{p.pk}": "3" for p in people}
    data[f"hours-{people[4].pk}"] = "1,5"
    data[f"hours-{people[7].pk}"] = "0"
    response = http.post(url, data)
    assert response.status_code == 302
    rows = Attendance.objects.filter(session=session)
    assert rows.count() == 15
    assert rows.get(enrolment=people[4]).hours == Decimal("1.5")
    assert rows.get(enrolment=people[7]).hours == 0
    # Saved again with one change: one row changes.
    data[f"hours-{people[7].pk}"] = "3"
    http.post(url, data)
    assert rows.get(enrolment=people[7]).hours == Decimal("3")


def test_one_bad_row_in_the_form_saves_nothing_and_names_it(demo, client_for):
    course, session, people = _group(4, "BAD")
    data = {f"hours-{p.pk}": "3" for p in people}
    data[f"hours-{people[2].pk}"] = "9"
    response = client_for("provider").post(reverse("courses:attendance", args=[session.pk]), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert people[2].client.full_name in text
    assert 'aria-invalid="true"' in text
    assert not Attendance.objects.exists()


def test_attendance_page_queries_do_not_grow_with_the_group(demo, client_for):
    small, small_session, _ = _group(3, "Q-S")
    large, large_session, _ = _group(15, "Q-L")
    http = client_for("provider")
    http.get(reverse("courses:attendance", args=[small_session.pk]))
    counts = []
    for session in (small_session, large_session):
        with CaptureQueriesContext(connection) as queries:
            assert http.get(reverse("courses:attendance", args=[session.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    counts = []
    for course in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert http.get(reverse("courses:detail", args=[course.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_course_list_has_search_empty_state_and_constant_queries(demo, client_for):
    http = client_for("coordinator")
    response = http.get(reverse("courses:list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert 'class="empty-state"' in response.content.decode()
    make_course("LIST-1")
    with CaptureQueriesContext(connection) as one:
        http.get(reverse("courses:list"))
    for n in range(2, 6):
        make_course(f"LIST-{n}", language="uk" if n % 2 else "ar")
    with CaptureQueriesContext(connection) as five:
        response = http.get(reverse("courses:list"))
    assert response.context["page"].paginator.count == 5
    assert len(one) == len(five)
    response = http.get(reverse("courses:list"), {"q": "list-3"})
    assert [c.code for c in response.context["page"].object_list] == ["LIST-3"]
    response = http.get(reverse("courses:list"), {"q": "nothing-like-this"})
    assert "empty-state" in response.content.decode()


def test_reading_participants_is_audited_per_client(demo, client_for):
    course, session, people = _group(3, "AUD")
    before = AuditEvent.objects.filter(action="view", object_type="Course").count()
    client_for("provider").get(reverse("courses:detail", args=[course.pk]))
    rows = AuditEvent.objects.filter(action="view", object_type="Course")
    assert rows.count() == before + 3
    assert set(rows.values_list("client_id", flat=True)) == {p.client_id for p in people}


def test_provider_sees_only_own_courses(demo, client_for):
    from kotopolku.organisations.models import Organisation

    ngo = Organisation.objects.get(kind=Organisation.Kind.NGO)
    other = make_course("NGO-COURSE", provider=ngo)
    enrol_client(other, "NGO-CLIENT")
    own = make_course("OWN-COURSE")
    http = client_for("provider")
    listed = http.get(reverse("courses:list")).context["page"].object_list
    assert [c.code for c in listed] == ["OWN-COURSE"]
    assert http.get(reverse("courses:detail", args=[other.pk])).status_code == 404
    enrolment = Enrolment.objects.get(course=other)
    assert http.get(reverse("courses:enrolment", args=[enrolment.pk])).status_code == 404
    assert own.pk


def test_provider_sees_no_assessment_or_plan_data_on_any_url(demo, client_for):
    """Every URL of the system, as the provider, with a participant of the provider's course
    whose plan and assessment hold marker texts: the markers never appear."""
    course = make_course("MATRIX-SO", sessions=2)
    enrolment = enrol_client(course, "MATRIX-COURSE-1")
    client = enrolment.client
    assessment = casework_services.assessment_start(
        actor=None,
        client=client,
        organisation=client.responsible_organisation,
        started=today() - timedelta(days=190),
    )
    casework_services.assessment_update(
        actor=None, assessment=assessment, goals=ASSESSMENT_SECRET, life_situation=PLAN_SECRET
    )
    services.attendance_record(
        actor=None,
        session=course.sessions.order_by("day").first(),
        hours={enrolment.pk: "3"},
    )
    http = client_for("provider")
    seen = 0
    for name in sorted(MATRIX):
        expect = MATRIX[name]
        url = reverse(name, kwargs=expect.kwargs()) + expect.query
        response = http.get(url)
        if response.status_code != 200:
            continue
        seen += 1
        body = b"".join(response) if response.streaming else response.content
        text = body.decode("utf-8", errors="ignore")
        assert PLAN_SECRET not in text, name
        assert ASSESSMENT_SECRET not in text, name
    assert seen >= 10
    # The provider does see the participant's minimum fields where they work.
    page = http.get(reverse("courses:detail", args=[course.pk])).content.decode()
    assert client.last_name in page
    for casework_url in (
        reverse("casework:plan_detail", args=[enrolment.plan_service.plan_id]),
        reverse("casework:case", args=[client.pk]),
        reverse("courses:client_progress", args=[client.pk]),
    ):
        assert http.get(casework_url).status_code in (403, 404)


def test_caseworker_enrols_from_the_plan_and_lands_on_the_waiting_list(demo, client_for):
    course = make_course("ENR", capacity=1)
    enrol_client(course, "ENR-HOLDER")
    row = plan_service_for("ENR-1", "social_orientation")
    http = client_for("caseworker")
    url = reverse("courses:enrol", args=[row.pk])
    page = http.get(url)
    assert page.status_code == 200
    assert course in page.context["form"].fields["course"].queryset
    response = http.post(url, {"course": course.pk})
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(course=course, client=row.plan.client)
    assert enrolment.status == Enrolment.Status.WAITING
    # Choosing nothing is a clear error, not a 500.
    assert http.post(url, {"course": ""}).status_code == 400


def test_cancel_has_a_confirmation_step_and_moves_the_waiting_list(demo, client_for):
    course = make_course("CNL", capacity=1)
    holder = enrol_client(course, "CNL-1")
    waiting = enrol_client(course, "CNL-2")
    http = client_for("caseworker")
    url = reverse("courses:enrolment_cancel", args=[holder.pk])
    page = http.get(url)
    assert page.status_code == 200
    holder.refresh_from_db()
    assert holder.status == Enrolment.Status.ENROLLED
    assert http.post(url).status_code == 302
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert holder.status == Enrolment.Status.CANCELLED
    assert waiting.status == Enrolment.Status.INVITED


def test_provider_records_status_result_and_placement(demo, client_for):
    course = make_course("KK-V", kind=Course.Kind.INTEGRATION_TRAINING, sessions=1)
    enrolment = enrol_client(course, "KKV-1")
    http = client_for("provider")
    response = http.post(
        reverse("courses:result_add", args=[enrolment.pk]),
        {
            "day": today().isoformat(),
            "test_name": "YKI",
            "listening": "B1.1",
            "reading": "A2.2",
            "speaking": "B1.2",
            "writing": "",
        },
    )
    assert response.status_code == 302
    response = http.post(
        reverse("courses:placement_add", args=[enrolment.pk]),
        {
            "employer": "Päiväkoti Pilvi",
            "start": today().isoformat(),
            "end": (today() + timedelta(days=30)).isoformat(),
            "outcome": "ongoing",
        },
    )
    assert response.status_code == 302
    # Interruption without a reason: a translated error, nothing changes.
    response = http.post(
        reverse("courses:enrolment_status", args=[enrolment.pk]),
        {"action": "interrupt", "day": today().isoformat(), "reason": ""},
    )
    assert response.status_code == 400
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ENROLLED
    response = http.post(
        reverse("courses:enrolment_status", args=[enrolment.pk]),
        {"action": "complete", "day": today().isoformat()},
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert PlanService.objects.get(pk=enrolment.plan_service_id).status == "completed"


def test_caseworker_sees_progress_against_the_target(demo, client_for):
    course = make_course("KK-P", kind=Course.Kind.INTEGRATION_TRAINING, sessions=2)
    enrolment = enrol_client(course, "KKP-1")
    services.attendance_record(
        actor=None, session=course.sessions.order_by("day").first(), hours={enrolment.pk: "3"}
    )
    services.language_result_add(
        actor=None,
        enrolment=enrolment,
        day=today(),
        test_name="YKI",
        listening="B1.1",
        reading="A2.2",
    )
    services.placement_add(
        actor=None,
        enrolment=enrolment,
        employer="Kirjasto",
        start=today(),
        end=today() + timedelta(days=20),
    )
    http = client_for("caseworker")
    response = http.get(reverse("courses:client_progress", args=[enrolment.client_id]))
    assert response.status_code == 200
    item = response.context["items"][0]
    assert item.attended == Decimal("3")
    assert [s.meets for s in item.results[0].skills] == [True, False, None, None]
    text = response.content.decode()
    assert "B1.1" in text
    assert "Kirjasto" in text
    assert AuditEvent.objects.filter(
        object_type="CourseProgress", client_id=enrolment.client_id
    ).exists()


def test_plan_page_extension_tag_shows_progress_only_to_those_who_may(demo):
    course = make_course("TAG", sessions=1)
    enrolment = enrol_client(course, "TAG-1")
    plan = enrolment.plan_service.plan
    template = Template("{% load course_tags %}{% course_progress plan %}")
    request = RequestFactory().get("/casework/plans/1/")
    request.user = user("caseworker-jarvenpaa")
    html = template.render(Context({"request": request, "plan": plan}))
    assert course.code in html
    request.user = user("caseworker-tuusula")
    assert course.code not in template.render(Context({"request": request, "plan": plan}))
    request.user = user("provider")
    assert template.render(Context({"request": request, "plan": plan})).strip() == ""


def test_course_form_refuses_bad_input_with_400(demo, client_for):
    http = client_for("coordinator")
    response = http.post(reverse("courses:create"), {"code": "X", "capacity": "-1"})
    assert response.status_code == 400
    assert not Course.objects.exists()


def test_coordinator_creates_a_course_in_own_region_only(demo, client_for):
    from kotopolku.courses.tests.factories import keuda, service_of
    from kotopolku.organisations.models import Organisation, Region

    data = {
        "code": "NEW-1",
        "name": "Yhteiskuntaorientaatio ukrainaksi",
        "kind": "social_orientation",
        "provider": keuda().pk,
        "service": service_of("social_orientation").pk,
        "language": "uk",
        "municipality": Organisation.objects.get(municipality_code="858").pk,
        "location": "Hyvinkääntie 1",
        "start": today().isoformat(),
        "end": (today() + timedelta(days=90)).isoformat(),
        "capacity": "15",
        "planned_hours": "72",
    }
    http = client_for("coordinator")
    response = http.post(reverse("courses:create"), data)
    assert response.status_code == 302
    course = Course.objects.get(code="NEW-1")
    assert course.places_taken == 0
    region = Region.objects.create(slug="muu", name="Muu alue")
    elsewhere = Organisation.objects.create(
        kind="municipality", name="Muukunta", municipality_code="998", region=region
    )
    response = http.post(
        reverse("courses:create"), {**data, "code": "NEW-2", "municipality": elsewhere.pk}
    )
    assert response.status_code == 400
    assert not Course.objects.filter(code="NEW-2").exists()


def test_session_removal_asks_first_and_keeps_marked_sessions(demo, client_for):
    course = make_course("DEL", sessions=2)
    enrolment = enrol_client(course, "DEL-1")
    first, second = course.sessions.order_by("day")
    services.attendance_record(actor=None, session=first, hours={enrolment.pk: "3"})
    http = client_for("provider")
    assert http.get(reverse("courses:session_delete", args=[second.pk])).status_code == 200
    assert course.sessions.count() == 2
    assert http.post(reverse("courses:session_delete", args=[second.pk])).status_code == 302
    assert course.sessions.count() == 1
    response = http.post(reverse("courses:session_delete", args=[first.pk]))
    assert response.status_code == 400
    assert course.sessions.count() == 1


def test_plan_page_shows_test_results_against_the_target(demo, client_for):
    course = make_course("KK-PLAN", kind=Course.Kind.INTEGRATION_TRAINING, sessions=1)
    enrolment = enrol_client(course, "KKPLAN-1")
    services.language_result_add(
        actor=None,
        enrolment=enrolment,
        day=today(),
        test_name="YKI-PLAN",
        listening="B1.1",
        reading="A2.2",
    )
    plan = enrolment.plan_service.plan
    page = client_for("caseworker").get(reverse("casework:plan_detail", args=[plan.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "KK-PLAN" in text
    assert "YKI-PLAN" in text
    assert "B1.1" in text
    assert "A2.2" in text
