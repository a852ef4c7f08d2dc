"""Corrections of delivery records: a session, a work placement and a language test result
(changed or removed), by service and by page, with their checks, access and audit rows."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kotopolku.audit.models import AuditEvent
from kotopolku.courses import selectors, services
from kotopolku.courses.models import Course, CourseSession, Enrolment, LanguageTestResult
from kotopolku.courses.tests.factories import enrol_client, make_course, today, user
from kotopolku.organisations.models import Organisation
from kotopolku.privacy import services as privacy
from kotopolku.rules.models import StatutoryRule

pytestmark = pytest.mark.django_db


def _audited(action: str, object_type: str, object_id, **extra) -> bool:
    return AuditEvent.objects.filter(
        action=action, object_type=object_type, object_id=str(object_id), **extra
    ).exists()


def _session_data(session: CourseSession, **changes) -> dict:
    data = {
        "day": session.day.isoformat(),
        "start_time": session.start_time.strftime("%H:%M"),
        "hours": str(session.hours),
        "topic": session.topic,
        "description": session.description,
    }
    data.update(changes)
    return data


def _snapshot(obj) -> dict:
    obj.refresh_from_db()
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


# Sessions: the service -------------------------------------------------------------------------


class TestSessionUpdate:
    def test_changes_the_session_and_writes_an_audit_row(self, demo):
        course = make_course("SE-1", sessions=2)
        session = course.sessions.order_by("day").first()
        actor = user("provider")
        services.session_update(
            actor=actor,
            session=session,
            day=session.day + timedelta(days=10),
            start_time=time(13, 0),
            hours=Decimal("2.5"),
            topic=CourseSession.Topic.WORKING,
            description="Työelämän pelisäännöt",
        )
        session.refresh_from_db()
        assert (session.start_time, session.hours, session.topic) == (
            time(13, 0),
            Decimal("2.5"),
            "working",
        )
        assert session.modified_by == actor
        event = AuditEvent.objects.get(
            action="update", object_type="CourseSession", object_id=str(session.pk)
        )
        assert event.actor == actor
        assert "hours" in event.reason
        assert "SE-1" in event.reason

    def test_checks_of_session_add_apply_and_nothing_changes(self, demo):
        course = make_course("SE-2", sessions=2)
        first, second = course.sessions.order_by("day")
        before = _snapshot(first)
        with pytest.raises(ValidationError) as error:
            services.session_update(
                actor=None,
                session=first,
                day=course.end + timedelta(days=1),
                topic=CourseSession.Topic.LANGUAGE,
            )
        assert set(error.value.message_dict) == {"day", "topic"}
        with pytest.raises(ValidationError) as error:
            services.session_update(
                actor=None, session=first, day=second.day, start_time=second.start_time
            )
        assert set(error.value.message_dict) == {"start_time"}
        with pytest.raises(ValidationError):
            services.session_update(actor=None, session=first, hours=Decimal("13"))
        assert _snapshot(first) == before
        assert not AuditEvent.objects.filter(action="update", object_type="CourseSession").exists()
        # The session's own time is not a clash with itself.
        services.session_update(actor=None, session=first, description="Sama aika")

    def test_unknown_field_is_a_programming_error(self, demo):
        session = make_course("SE-3", sessions=1).sessions.get()
        with pytest.raises(TypeError):
            services.session_update(actor=None, session=session, course=None)

    def test_recorded_hours_bound_the_length(self, demo):
        course = make_course("SE-4", sessions=1)
        session = course.sessions.get()
        most = enrol_client(course, "SE4-1")
        less = enrol_client(course, "SE4-2")
        services.attendance_record(
            actor=None, session=session, hours={most.pk: "2.5", less.pk: "1"}
        )
        with pytest.raises(ValidationError) as error:
            services.session_update(actor=None, session=session, hours=Decimal("2"))
        assert "2,5" in error.value.message_dict["hours"][0]
        session.refresh_from_db()
        assert session.hours == Decimal("3")
        services.session_update(actor=None, session=session, hours=Decimal("2.5"))
        session.refresh_from_db()
        assert session.hours == Decimal("2.5")

    def test_a_marked_session_does_not_move_to_the_future(self, demo):
        course = make_course("SE-5", sessions=1)
        session = course.sessions.get()
        enrolment = enrol_client(course, "SE5-1")
        services.attendance_record(actor=None, session=session, hours={enrolment.pk: "0"})
        with pytest.raises(ValidationError) as error:
            services.session_update(actor=None, session=session, day=today() + timedelta(days=1))
        assert set(error.value.message_dict) == {"day"}
        # Another day in the past is a correction like any other.
        services.session_update(actor=None, session=session, day=session.day + timedelta(days=1))
        # An unmarked session may be moved forward.
        other = services.session_add(
            actor=None,
            course=course,
            day=today() - timedelta(days=3),
            start_time=time(9, 0),
            hours=Decimal("3"),
            topic="society",
        )
        services.session_update(actor=None, session=other, day=today() + timedelta(days=3))

    def test_a_moved_day_reads_p7_on_the_new_day(self, demo):
        """P7 is read on the day of the last attended session: moving that day across a
        change of the rule completes (or reopens) orientation as attendance would."""
        rule = StatutoryRule.objects.get(key="orientation_completion_hours")
        change = today() - timedelta(days=10)
        StatutoryRule.objects.filter(pk=rule.pk).update(effective_to=change - timedelta(days=1))
        StatutoryRule.objects.create(
            key=rule.key,
            code=rule.code,
            value=6,
            unit=rule.unit,
            effective_from=change,
            source="testi",
            confidence=rule.confidence,
        )
        course = make_course("SE-P7", sessions=2)
        enrolment = enrol_client(course, "SEP7-1")
        first, second = course.sessions.order_by("day")
        for session in (first, second):
            services.attendance_record(actor=None, session=session, hours={enrolment.pk: "3"})
        enrolment.refresh_from_db()
        assert enrolment.status == Enrolment.Status.ENROLLED
        services.session_update(actor=None, session=second, day=today() - timedelta(days=5))
        enrolment.refresh_from_db()
        assert enrolment.status == Enrolment.Status.COMPLETED
        assert enrolment.ended_on == today() - timedelta(days=5)

    def test_attendance_is_checked_against_the_stored_length(self, demo):
        """The attendance service reads the session as stored, not the caller's copy."""
        course = make_course("SE-6", sessions=1)
        session = course.sessions.get()
        enrolment = enrol_client(course, "SE6-1")
        stale = CourseSession.objects.get(pk=session.pk)
        services.session_update(actor=None, session=session, hours=Decimal("2"))
        with pytest.raises(services.AttendanceInvalid):
            services.attendance_record(actor=None, session=stale, hours={enrolment.pk: "3"})


# Test results and progress: the services -----------------------------------------------------


class TestLanguageResultUpdate:
    def test_correction_is_audited_and_progress_follows(self, training):
        _, enrolment, _, result = training
        before = selectors.enrolment_progress(enrolment=enrolment).results[0]
        assert [s.meets for s in before.skills] == [True, False, None, None]
        actor = user("provider")
        services.language_result_update(
            actor=actor,
            result=result,
            day=today() - timedelta(days=1),
            test_name=" YKI perustaso ",
            listening="B1.1",
            reading="B1.1",
            speaking="",
            writing="A2.1",
        )
        result.refresh_from_db()
        assert result.test_name == "YKI perustaso"
        assert result.modified_by == actor
        after = selectors.enrolment_progress(enrolment=enrolment).results[0]
        assert [s.meets for s in after.skills] == [True, True, None, False]
        event = AuditEvent.objects.get(
            action="update", object_type="LanguageTestResult", object_id=str(result.pk)
        )
        assert event.client_id == enrolment.client_id
        assert event.actor == actor
        assert "reading" in event.reason

    @pytest.mark.parametrize(
        "changes",
        [
            {"listening": "", "reading": ""},
            {"reading": "C9"},
            {"test_name": "  "},
        ],
    )
    def test_checks_of_language_result_add_apply(self, training, changes):
        _, _, _, result = training
        before = _snapshot(result)
        with pytest.raises(ValidationError):
            services.language_result_update(actor=None, result=result, **changes)
        assert _snapshot(result) == before
        assert not _audited("update", "LanguageTestResult", result.pk)

    def test_a_client_no_longer_on_the_course_keeps_the_record(self, training):
        _, enrolment, _, result = training
        services.enrolment_interrupt(
            actor=None, enrolment=enrolment, day=today(), reason="Muutti pois"
        )
        with pytest.raises(ValidationError):
            services.language_result_update(actor=None, result=result, reading="B1.1")
        with pytest.raises(ValidationError):
            services.language_result_remove(actor=None, result=result)
        assert _snapshot(result)["reading"] == "A2.2"

    def test_removal_is_audited_and_progress_follows(self, training):
        _, enrolment, _, result = training
        pk = result.pk
        services.language_result_remove(actor=user("provider"), result=result)
        assert not LanguageTestResult.objects.filter(pk=pk).exists()
        assert selectors.enrolment_progress(enrolment=enrolment).results == []
        assert _audited("delete", "LanguageTestResult", pk, client_id=enrolment.client_id)


# The pages -------------------------------------------------------------------------------------


def test_course_page_links_each_session_to_its_edit_page(demo, client_for):
    course = make_course("SE-LINK", sessions=2)
    provider_page = client_for("provider").get(reverse("courses:detail", args=[course.pk]))
    caseworker_page = client_for("caseworker").get(reverse("courses:detail", args=[course.pk]))
    for session in course.sessions.all():
        url = reverse("courses:session_edit", args=[session.pk])
        assert url in provider_page.content.decode()
        assert url not in caseworker_page.content.decode()


def test_provider_edits_a_session(demo, client_for):
    course = make_course("SE-PAGE", sessions=1)
    session = course.sessions.get()
    http = client_for("provider")
    url = reverse("courses:session_edit", args=[session.pk])
    page = http.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["hours"] == Decimal("3")
    response = http.post(url, _session_data(session, hours="1.5", topic="living"))
    assert response.status_code == 302
    assert response.url == reverse("courses:detail", args=[course.pk])
    session.refresh_from_db()
    assert (session.hours, session.topic) == (Decimal("1.5"), "living")
    assert _audited("update", "CourseSession", session.pk, actor=user("provider"))


def test_session_edit_refuses_bad_input_with_400_and_changes_nothing(demo, client_for):
    course = make_course("SE-BAD", sessions=1)
    session = course.sessions.get()
    enrolment = enrol_client(course, "SEBAD-1")
    services.attendance_record(actor=None, session=session, hours={enrolment.pk: "3"})
    before = _snapshot(session)
    updates = AuditEvent.objects.filter(action="update", object_type="CourseSession")
    audited = updates.count()
    http = client_for("coordinator")
    url = reverse("courses:session_edit", args=[session.pk])
    for data in (
        _session_data(session, hours="2"),
        _session_data(session, day=(today() + timedelta(days=2)).isoformat()),
        _session_data(session, day=(course.end + timedelta(days=1)).isoformat()),
        _session_data(session, hours="kolme"),
    ):
        response = http.post(url, data)
        assert response.status_code == 400, data
        assert 'aria-invalid="true"' in response.content.decode()
    response = http.post(url, _session_data(session, hours="2"))
    assert "3,0" in str(response.context["form"].errors["hours"])
    assert _snapshot(session) == before
    assert updates.count() == audited


def test_session_edit_is_for_those_who_deliver_the_course(demo, client_for):
    ngo = Organisation.objects.get(kind=Organisation.Kind.NGO)
    others = make_course("SE-NGO", provider=ngo, sessions=1)
    own = make_course("SE-OWN", sessions=1)
    session = others.sessions.get()
    before = _snapshot(session)
    data = _session_data(session, hours="1")
    url = reverse("courses:session_edit", args=[session.pk])
    assert client_for("provider").post(url, data).status_code == 404
    assert client_for("caseworker").post(url, data).status_code == 403
    assert client_for("viewer").post(url, data).status_code == 403
    assert _snapshot(session) == before
    # The coordinator of the region where the course is held manages it.
    assert client_for("coordinator").post(url, data).status_code == 302
    assert own.sessions.count() == 1


def test_enrolment_page_links_placements_and_results_for_those_who_deliver(training, client_for):
    _, enrolment, placement, result = training
    url = reverse("courses:enrolment", args=[enrolment.pk])
    links = (
        reverse("courses:placement_edit", args=[placement.pk]),
        reverse("courses:result_edit", args=[result.pk]),
        reverse("courses:result_remove", args=[result.pk]),
    )
    text = client_for("provider").get(url).content.decode()
    for link in links:
        assert link in text
    text = client_for("caseworker").get(url).content.decode()
    assert "Päiväkoti Pilvi" in text
    for link in links:
        assert link not in text


def test_provider_changes_a_placement(training, client_for):
    _, enrolment, placement, _ = training
    http = client_for("provider")
    url = reverse("courses:placement_edit", args=[placement.pk])
    page = http.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["employer"] == "Päiväkoti Pilvi"
    response = http.post(
        url,
        {
            "employer": "Päiväkoti Pilvi",
            "start": placement.start.isoformat(),
            "end": placement.end.isoformat(),
            "supervisor": "Sari Salo",
            "outcome": "job_offer",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("courses:enrolment", args=[enrolment.pk])
    placement.refresh_from_db()
    assert (placement.supervisor, placement.outcome) == ("Sari Salo", "job_offer")
    assert _audited("update", "WorkPlacement", placement.pk, client_id=enrolment.client_id)


def test_placement_edit_refuses_bad_input_and_other_roles(training, client_for):
    _, _, placement, _ = training
    before = _snapshot(placement)
    url = reverse("courses:placement_edit", args=[placement.pk])
    bad = {
        "employer": "Päiväkoti Pilvi",
        "start": placement.start.isoformat(),
        "end": (placement.start - timedelta(days=1)).isoformat(),
        "outcome": "ongoing",
    }
    response = client_for("provider").post(url, bad)
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    good = {**bad, "end": placement.end.isoformat(), "outcome": "completed"}
    assert client_for("caseworker").post(url, good).status_code == 403
    assert client_for("viewer").post(url, good).status_code == 403
    assert _snapshot(placement) == before
    assert not _audited("update", "WorkPlacement", placement.pk)
    missing = reverse("courses:placement_edit", args=[placement.pk + 1000])
    assert client_for("provider").get(missing).status_code == 404


def test_provider_corrects_a_result_and_the_progress_page_follows(training, client_for):
    _, enrolment, _, result = training
    http = client_for("provider")
    url = reverse("courses:result_edit", args=[result.pk])
    page = http.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["reading"] == "A2.2"
    response = http.post(
        url,
        {
            "day": result.day.isoformat(),
            "test_name": "YKI",
            "listening": "B1.1",
            "reading": "B1.2",
            "speaking": "A2.2",
            "writing": "",
        },
    )
    assert response.status_code == 302
    result.refresh_from_db()
    assert (result.reading, result.speaking) == ("B1.2", "A2.2")
    assert _audited("update", "LanguageTestResult", result.pk, client_id=enrolment.client_id)
    progress = client_for("caseworker").get(
        reverse("courses:client_progress", args=[enrolment.client_id])
    )
    skills = progress.context["items"][0].results[0].skills
    assert [s.meets for s in skills] == [True, True, False, None]


def test_result_edit_refuses_bad_input_and_other_roles(training, client_for):
    _, _, _, result = training
    before = _snapshot(result)
    url = reverse("courses:result_edit", args=[result.pk])
    empty = {"day": result.day.isoformat(), "test_name": "YKI"}
    response = client_for("provider").post(url, empty)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    good = {**empty, "reading": "B2.1"}
    assert client_for("caseworker").post(url, good).status_code == 403
    assert client_for("viewer").post(url, good).status_code == 403
    assert _snapshot(result) == before
    assert not _audited("update", "LanguageTestResult", result.pk)


def test_result_removal_asks_first(training, client_for):
    _, enrolment, _, result = training
    http = client_for("provider")
    url = reverse("courses:result_remove", args=[result.pk])
    page = http.get(url)
    assert page.status_code == 200
    assert "YKI" in page.content.decode()
    assert LanguageTestResult.objects.filter(pk=result.pk).exists()
    assert client_for("caseworker").post(url).status_code == 403
    assert LanguageTestResult.objects.filter(pk=result.pk).exists()
    response = http.post(url)
    assert response.status_code == 302
    assert response.url == reverse("courses:enrolment", args=[enrolment.pk])
    assert not LanguageTestResult.objects.filter(pk=result.pk).exists()
    assert _audited("delete", "LanguageTestResult", result.pk, actor=user("provider"))
    page = http.get(reverse("courses:enrolment", args=[enrolment.pk]))
    assert page.context["item_list"][0].results == []
    assert reverse("courses:result_edit", args=[result.pk]) not in page.content.decode()
    assert http.get(url).status_code == 404


def test_removal_refused_once_the_client_has_left_the_course(training, client_for):
    _, enrolment, _, result = training
    services.enrolment_interrupt(actor=None, enrolment=enrolment, day=today(), reason="Muutto")
    response = client_for("provider").post(reverse("courses:result_remove", args=[result.pk]))
    assert response.status_code == 400
    assert LanguageTestResult.objects.filter(pk=result.pk).exists()


def test_other_providers_records_are_not_revealed(demo, client_for):
    ngo = Organisation.objects.get(kind=Organisation.Kind.NGO)
    course = make_course("KK-NGO", kind=Course.Kind.INTEGRATION_TRAINING, provider=ngo)
    enrolment = enrol_client(course, "KKNGO-1")
    placement = services.placement_add(
        actor=None, enrolment=enrolment, employer="Kirjasto", start=today(), end=today()
    )
    result = services.language_result_add(
        actor=None, enrolment=enrolment, day=today(), test_name="YKI", reading="A2.1"
    )
    http = client_for("provider")
    for url in (
        reverse("courses:placement_edit", args=[placement.pk]),
        reverse("courses:result_edit", args=[result.pk]),
        reverse("courses:result_remove", args=[result.pk]),
    ):
        assert http.get(url).status_code == 404, url
        assert http.post(url).status_code == 404, url
    assert LanguageTestResult.objects.filter(pk=result.pk).exists()


def test_a_restricted_clients_records_stay_behind_the_reason_gate(training, client_for):
    _, enrolment, placement, result = training
    privacy.restriction_start(
        actor=user("coordinator"), client=enrolment.client, reason="Oikaisupyyntö 3/2025"
    )
    before = _snapshot(result)
    http = client_for("provider")
    gate = reverse("privacy:restricted_open", kwargs={"pk": enrolment.client_id})
    for url, data in (
        (reverse("courses:placement_edit", args=[placement.pk]), {"employer": "X"}),
        (reverse("courses:result_edit", args=[result.pk]), {"reading": "C2"}),
        (reverse("courses:result_remove", args=[result.pk]), {}),
    ):
        for response in (http.get(url), http.post(url, data)):
            assert response.status_code == 302, url
            assert gate in response.url
    assert _snapshot(result) == before
    assert placement.employer == _snapshot(placement)["employer"]


def test_session_length_takes_a_decimal_comma_as_in_the_attendance_form(demo, client_for):
    course = make_course("SE-COMMA", sessions=1)
    session = course.sessions.get()
    http = client_for("provider")  # Finnish by default: 2,5 is how the number is written
    response = http.post(
        reverse("courses:session_edit", args=[session.pk]), _session_data(session, hours="2,5")
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.hours == Decimal("2.5")


def test_placement_of_a_client_who_left_the_course_is_not_changed(training):
    _, enrolment, placement, _ = training
    services.enrolment_cancel(actor=None, enrolment=enrolment)
    before = _snapshot(placement)
    with pytest.raises(ValidationError):
        services.placement_update(actor=None, placement=placement, supervisor="Sari Salo")
    assert _snapshot(placement) == before


def test_provider_pages_that_name_the_client_write_a_view_row_for_that_client(training, client_for):
    """The placement and language-result add/edit pages show the client's name."""

    _, enrolment, placement, result = training
    http = client_for("provider")
    pages = [
        (reverse("courses:placement_add", args=[enrolment.pk]), "Enrolment", enrolment.pk),
        (reverse("courses:placement_edit", args=[placement.pk]), "WorkPlacement", placement.pk),
        (reverse("courses:result_add", args=[enrolment.pk]), "Enrolment", enrolment.pk),
        (reverse("courses:result_edit", args=[result.pk]), "LanguageTestResult", result.pk),
        (reverse("courses:result_remove", args=[result.pk]), "LanguageTestResult", result.pk),
    ]
    for url, object_type, object_id in pages:
        before = AuditEvent.objects.filter(action="view", path=url).count()
        response = http.get(url)
        assert response.status_code == 200
        assert enrolment.client.last_name in response.content.decode()
        rows = AuditEvent.objects.filter(action="view", path=url)
        assert rows.count() == before + 1, url
        row = rows.latest("pk")
        assert (row.client_id, row.object_type, row.object_id) == (
            enrolment.client_id,
            object_type,
            str(object_id),
        )
        assert row.actor == user("provider")
    # A form sent back with errors shows the name again, and is read again.
    url = reverse("courses:result_edit", args=[result.pk])
    http.post(url, {"day": result.day.isoformat(), "test_name": "YKI"})
    assert AuditEvent.objects.filter(action="view", path=url).count() == 2
