"""Corrections through the API: PATCH a session, a work placement or a test result, DELETE a
session or a result. The checks, the gates and the audit rows are those of the pages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from kotopolku.audit.models import AuditEvent
from kotopolku.courses import services
from kotopolku.courses.models import Course, CourseSession, LanguageTestResult, WorkPlacement
from kotopolku.courses.tests.factories import enrol_client, make_course, today, user
from kotopolku.organisations.models import Membership, Organisation
from kotopolku.organisations.services import membership_add
from kotopolku.privacy import services as privacy

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _audited(action: str, object_type: str, object_id, **extra) -> bool:
    return AuditEvent.objects.filter(
        action=action, object_type=object_type, object_id=str(object_id), **extra
    ).exists()


def _snapshot(obj) -> dict:
    obj.refresh_from_db()
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _patch(http, url, data):
    return http.patch(url, data, content_type=JSON)


def _session_url(session) -> str:
    return reverse("api:session-detail", args=[session.pk])


def _placement_url(placement) -> str:
    return reverse("api:placement-detail", args=[placement.pk])


def _result_url(result) -> str:
    return reverse("api:result-detail", args=[result.pk])


@pytest.fixture
def caseworker_who_also_provides(demo):
    """The Järvenpää case worker, also a provider at the NGO: past the role check, sees the
    region's courses and clients, but delivers only the NGO's courses."""
    ngo = Organisation.objects.get(kind=Organisation.Kind.NGO)
    membership_add(
        actor=None,
        organisation=ngo,
        user=user("caseworker-jarvenpaa"),
        role=Membership.Role.PROVIDER,
    )
    return "caseworker"


# Sessions --------------------------------------------------------------------------------------


def test_provider_patches_a_session(demo, client_for):
    course = make_course("API-SE", sessions=1)
    session = course.sessions.get()
    response = _patch(
        client_for("provider"), _session_url(session), {"hours": "1.5", "topic": "living"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["hours"], body["topic"]) == (session.pk, "1.5", "living")
    assert body["start_time"] == "09:00:00"
    session.refresh_from_db()
    assert (session.hours, session.topic) == (Decimal("1.5"), "living")
    assert session.day == course.start  # not given, kept
    assert _audited("update", "CourseSession", session.pk, actor=user("provider"))


def test_session_patch_refuses_bad_input_with_400_and_changes_nothing(demo, client_for):
    course = make_course("API-SE-BAD", sessions=1)
    session = course.sessions.get()
    enrolment = enrol_client(course, "APISEBAD-1")
    services.attendance_record(actor=None, session=session, hours={enrolment.pk: "3"})
    before = _snapshot(session)
    updates = AuditEvent.objects.filter(action="update", object_type="CourseSession")
    audited = updates.count()
    http = client_for("coordinator")
    url = _session_url(session)
    for data, field in (
        ({"hours": "2"}, "hours"),  # 3 hours are recorded
        ({"day": (today() + timedelta(days=2)).isoformat()}, "day"),  # marked: not the future
        ({"day": (course.end + timedelta(days=1)).isoformat()}, "day"),
        ({"hours": "kolme"}, "hours"),
        ({"hours": "1.25"}, "hours"),
        ({"hours": "0"}, "hours"),
        ({"hours": None}, "hours"),
        ({"start_time": "klo 9"}, "start_time"),
        ({"start_time": "25:00"}, "start_time"),
        ({"topic": "cooking"}, "topic"),
        ({"topic": "language"}, "topic"),  # orientation covers society, living, …
        ({"description": "x" * 301}, "description"),
    ):
        response = _patch(http, url, data)
        assert response.status_code == 400, data
        assert response.json()["code"] == "invalid"
        assert field in response.json()["detail"], (data, response.json())
    assert _patch(http, url, ["hours"]).status_code == 400
    assert http.patch(url, "{", content_type=JSON).status_code == 400
    assert _snapshot(session) == before
    assert updates.count() == audited


def test_a_second_session_at_the_same_time_is_refused(demo, client_for):
    course = make_course("API-SE-TWO", sessions=2)
    first, second = course.sessions.order_by("day")
    before = _snapshot(second)
    response = _patch(client_for("provider"), _session_url(second), {"day": first.day.isoformat()})
    assert response.status_code == 400
    assert "start_time" in response.json()["detail"]
    assert _snapshot(second) == before


def test_session_delete_removes_only_a_session_without_hours(demo, client_for):
    course = make_course("API-SE-DEL", sessions=2)
    marked, empty = course.sessions.order_by("day")
    enrolment = enrol_client(course, "APISEDEL-1")
    services.attendance_record(actor=None, session=marked, hours={enrolment.pk: "2"})
    http = client_for("provider")

    refused = http.delete(_session_url(marked))
    assert refused.status_code == 400
    assert refused.json()["detail"]["non_field_errors"]
    assert CourseSession.objects.filter(pk=marked.pk).exists()

    response = http.delete(_session_url(empty))
    assert response.status_code == 204
    assert not CourseSession.objects.filter(pk=empty.pk).exists()
    assert _audited("delete", "CourseSession", empty.pk, actor=user("provider"))
    assert http.delete(_session_url(empty)).status_code == 404


def test_session_changes_are_for_those_who_deliver_the_course(
    demo, client_for, caseworker_who_also_provides
):
    ngo = Organisation.objects.get(kind=Organisation.Kind.NGO)
    others = make_course("API-SE-NGO", provider=ngo, sessions=1)
    own = make_course("API-SE-OWN", sessions=1)
    session = others.sessions.get()
    before = _snapshot(session)
    url = _session_url(session)
    data = {"hours": "1"}
    # Another provider's course is not revealed.
    assert _patch(client_for("provider"), url, data).status_code == 404
    assert client_for("provider").delete(url).status_code == 404
    for role, expected in (("viewer", 403), ("anonymous", 401)):
        assert _patch(client_for(role), url, data).status_code == expected, role
        assert client_for(role).delete(url).status_code == expected, role
    # Sees Keuda's course in the region, but does not deliver it.
    mixed = client_for(caseworker_who_also_provides)
    own_session = own.sessions.get()
    assert _patch(mixed, _session_url(own_session), data).status_code == 403
    assert mixed.delete(_session_url(own_session)).status_code == 403
    assert _audited(
        "access_denied", "Course", own.pk, actor=user("caseworker-jarvenpaa"), success=False
    )
    assert _snapshot(session) == before
    assert own.sessions.count() == 1
    # The coordinator of the region where the course is held manages it.
    assert _patch(client_for("coordinator"), url, data).status_code == 200
    assert client_for("coordinator").delete(url).status_code == 204


def test_a_missing_session_is_404(demo, client_for):
    url = reverse("api:session-detail", args=[987654])
    assert _patch(client_for("admin"), url, {"hours": "1"}).status_code == 404
    assert client_for("admin").delete(url).status_code == 404


# Work placements -------------------------------------------------------------------------------


def test_provider_patches_a_placement(training, client_for):
    _, enrolment, placement, _ = training
    response = _patch(
        client_for("provider"),
        _placement_url(placement),
        {"supervisor": " Sari Salo ", "outcome": "job_offer"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["supervisor"], body["outcome"]) == ("Sari Salo", "job_offer")
    assert body["employer"] == "Päiväkoti Pilvi"
    placement.refresh_from_db()
    assert (placement.supervisor, placement.outcome) == ("Sari Salo", "job_offer")
    provider = user("provider")
    assert _audited(
        "update", "WorkPlacement", placement.pk, client_id=enrolment.client_id, actor=provider
    )
    # The answer shows the participant's record: a read in the client's log.
    assert _audited(
        "view", "WorkPlacement", placement.pk, client_id=enrolment.client_id, actor=provider
    )


def test_placement_patch_checks_one_end_against_the_stored_other(training, client_for):
    _, _, placement, _ = training
    before = _snapshot(placement)
    http = client_for("provider")
    url = _placement_url(placement)
    for data, field in (
        ({"end": (placement.start - timedelta(days=1)).isoformat()}, "end"),
        ({"start": (placement.end + timedelta(days=1)).isoformat()}, "end"),
        ({"employer": ""}, "employer"),
        ({"employer": "   "}, "employer"),
        ({"employer": "x" * 201}, "employer"),
        ({"outcome": "fired"}, "outcome"),
        ({"start": "31.12.2025"}, "start"),
        ({"supervisor_contact": None}, "supervisor_contact"),
    ):
        response = _patch(http, url, data)
        assert response.status_code == 400, data
        assert field in response.json()["detail"], (data, response.json())
    assert _snapshot(placement) == before
    assert not _audited("update", "WorkPlacement", placement.pk)
    assert not _audited("view", "WorkPlacement", placement.pk)
    # Both ends moved together is fine.
    later = {
        "start": (placement.end + timedelta(days=1)).isoformat(),
        "end": (placement.end + timedelta(days=20)).isoformat(),
    }
    assert _patch(http, url, later).status_code == 200


def test_placement_of_a_client_who_left_the_course_is_not_changed(training, client_for):
    _, enrolment, placement, _ = training
    services.enrolment_cancel(actor=None, enrolment=enrolment)
    before = _snapshot(placement)
    response = _patch(client_for("coordinator"), _placement_url(placement), {"note": "Myöhässä"})
    assert response.status_code == 400
    assert response.json()["detail"]["non_field_errors"]
    assert _snapshot(placement) == before


def test_placement_patch_is_for_those_who_deliver_the_course(
    training, client_for, caseworker_who_also_provides
):
    _, _, placement, _ = training
    before = _snapshot(placement)
    url = _placement_url(placement)
    data = {"outcome": "completed"}
    for role, expected in (
        ("viewer", 403),
        ("anonymous", 401),
        (caseworker_who_also_provides, 403),
    ):
        assert _patch(client_for(role), url, data).status_code == expected, role
    assert _snapshot(placement) == before
    missing = reverse("api:placement-detail", args=[placement.pk + 1000])
    assert _patch(client_for("provider"), missing, data).status_code == 404
    assert client_for("provider").delete(url).status_code == 405
    assert _patch(client_for("admin"), url, data).status_code == 200


# Test results ----------------------------------------------------------------------------------


def test_provider_corrects_a_result_and_the_answer_reads_it_against_the_target(
    training, client_for
):
    _, enrolment, _, result = training
    http = client_for("provider")
    response = _patch(http, _result_url(result), {"reading": "B1.2", "speaking": "A2.2"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["listening"], body["reading"], body["speaking"]) == ("B1.1", "B1.2", "A2.2")
    assert body["meets_target"] == {
        "listening": True,
        "reading": True,
        "speaking": False,
        "writing": None,
    }
    result.refresh_from_db()
    assert (result.reading, result.speaking) == ("B1.2", "A2.2")
    provider = user("provider")
    assert _audited(
        "update", "LanguageTestResult", result.pk, client_id=enrolment.client_id, actor=provider
    )
    assert _audited(
        "view", "LanguageTestResult", result.pk, client_id=enrolment.client_id, actor=provider
    )
    # The enrolment's list and the client's progress follow the correction.
    listed = http.get(reverse("api:enrolment-results", args=[enrolment.pk])).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows[0]["reading"] == "B1.2"


def test_result_patch_refuses_bad_input_with_400_and_changes_nothing(training, client_for):
    _, _, _, result = training
    before = _snapshot(result)
    http = client_for("provider")
    url = _result_url(result)
    for data, field in (
        ({"listening": "", "reading": ""}, "non_field_errors"),  # no skill left
        ({"reading": "C3"}, "reading"),
        ({"reading": None}, "reading"),
        ({"day": "2025-13-01"}, "day"),
        ({"test_name": "  "}, "test_name"),
        ({"test_name": "x" * 151}, "test_name"),
    ):
        response = _patch(http, url, data)
        assert response.status_code == 400, data
        assert field in response.json()["detail"], (data, response.json())
    assert _snapshot(result) == before
    assert not _audited("update", "LanguageTestResult", result.pk)


def test_result_delete_removes_it_with_an_audit_row(training, client_for):
    _, enrolment, _, result = training
    url = _result_url(result)
    assert client_for("caseworker").delete(url).status_code == 403
    assert client_for("viewer").delete(url).status_code == 403
    assert LanguageTestResult.objects.filter(pk=result.pk).exists()
    http = client_for("provider")
    response = http.delete(url)
    assert response.status_code == 204
    assert not LanguageTestResult.objects.filter(pk=result.pk).exists()
    assert _audited(
        "delete",
        "LanguageTestResult",
        result.pk,
        client_id=enrolment.client_id,
        actor=user("provider"),
    )
    assert http.delete(url).status_code == 404
    assert _patch(http, url, {"reading": "B1.1"}).status_code == 404


def test_result_of_a_client_who_left_the_course_is_kept(training, client_for):
    _, enrolment, _, result = training
    services.enrolment_interrupt(actor=None, enrolment=enrolment, day=today(), reason="Muutto")
    before = _snapshot(result)
    http = client_for("provider")
    assert http.delete(_result_url(result)).status_code == 400
    response = _patch(http, _result_url(result), {"reading": "B2.1"})
    assert response.status_code == 400
    assert response.json()["detail"]["non_field_errors"]
    assert _snapshot(result) == before


def test_result_changes_are_for_those_who_deliver_the_course(
    training, client_for, caseworker_who_also_provides
):
    _, _, _, result = training
    before = _snapshot(result)
    mixed = client_for(caseworker_who_also_provides)
    assert _patch(mixed, _result_url(result), {"reading": "B2.1"}).status_code == 403
    assert mixed.delete(_result_url(result)).status_code == 403
    assert _audited(
        "access_denied", "Enrolment", result.enrolment_id, actor=user("caseworker-jarvenpaa")
    )
    assert _snapshot(result) == before


# Other providers' records and restricted clients ------------------------------------------------


def test_other_providers_records_are_not_revealed(demo, client_for):
    ngo = Organisation.objects.get(kind=Organisation.Kind.NGO)
    course = make_course("API-KK-NGO", kind=Course.Kind.INTEGRATION_TRAINING, provider=ngo)
    enrolment = enrol_client(course, "APIKKNGO-1")
    placement = services.placement_add(
        actor=None, enrolment=enrolment, employer="Kirjasto", start=today(), end=today()
    )
    result = services.language_result_add(
        actor=None, enrolment=enrolment, day=today(), test_name="YKI", reading="A2.1"
    )
    placed, tested = _snapshot(placement), _snapshot(result)
    http = client_for("provider")
    assert _patch(http, _placement_url(placement), {"employer": "X"}).status_code == 404
    assert _patch(http, _result_url(result), {"reading": "C2"}).status_code == 404
    assert http.delete(_result_url(result)).status_code == 404
    assert (_snapshot(placement), _snapshot(result)) == (placed, tested)
    assert not AuditEvent.objects.filter(action="view", client_id=enrolment.client_id).exists()


def test_a_restricted_clients_records_stay_behind_the_reason_gate(training, client_for):
    _, enrolment, placement, result = training
    privacy.restriction_start(
        actor=user("coordinator"), client=enrolment.client, reason="Oikaisupyyntö 3/2025"
    )
    placed, tested = _snapshot(placement), _snapshot(result)
    http = client_for("provider")
    for response in (
        _patch(http, _placement_url(placement), {"employer": "X"}),
        _patch(http, _result_url(result), {"reading": "C2"}),
        http.delete(_result_url(result)),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
    assert (_snapshot(placement), _snapshot(result)) == (placed, tested)
    assert AuditEvent.objects.filter(
        action="access_denied", object_type="RestrictedClient", client_id=enrolment.client_id
    ).exists()
    assert not _audited("view", "WorkPlacement", placement.pk)


def test_options_describes_the_endpoints_without_reading_them(training, client_for):
    course, _, placement, result = training
    http = client_for("provider")
    for url in (
        _session_url(course.sessions.first()),
        _placement_url(placement),
        _result_url(result),
    ):
        response = http.options(url)
        assert response.status_code == 200, url
    assert not _audited("view", "WorkPlacement", placement.pk)
    assert WorkPlacement.objects.filter(pk=placement.pk).exists()


def test_the_answers_conform_to_the_schema(training, client_for):
    from kotopolku.common.tests.openapi import assert_conforms

    course, _, placement, result = training
    http = client_for("provider")
    session = course.sessions.order_by("day").first()
    answer = _patch(http, _session_url(session), {"description": "Ryhmätyö"})
    assert_conforms(answer, "/api/v1/sessions/{id}/", "patch")
    answer = _patch(http, _placement_url(placement), {"supervisor_contact": "040 123 4567"})
    assert_conforms(answer, "/api/v1/placements/{id}/", "patch")
    answer = _patch(http, _result_url(result), {"writing": "A2.1"})
    assert_conforms(answer, "/api/v1/results/{id}/", "patch")


def test_an_object_outside_reach_is_404_and_the_denial_is_audited(demo, client_for):
    ngo = Organisation.objects.get(kind=Organisation.Kind.NGO)
    others = make_course("API-404-NGO", provider=ngo, sessions=1)
    session = others.sessions.get()
    provider = client_for("provider")  # Keuda's: the NGO's course is not revealed
    enrolments = provider.get(f"/api/v1/courses/{others.pk}/enrolments/")
    assert enrolments.status_code == 404
    assert _audited("access_denied", "Course", others.pk, actor=user("provider"), success=False)
    assert _patch(provider, _session_url(session), {"hours": "1"}).status_code == 404
    assert _audited(
        "access_denied", "CourseSession", session.pk, actor=user("provider"), success=False
    )
