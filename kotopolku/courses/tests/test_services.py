"""Enrolment, capacity and the waiting list, attendance and P7, placements and P8."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kotopolku.casework.models import PlanService
from kotopolku.courses import progress, services
from kotopolku.courses.models import Attendance, Course, Enrolment
from kotopolku.courses.tests.factories import (
    enrol_client,
    make_course,
    plan_service_for,
    today,
    user,
)
from kotopolku.rules.models import StatutoryRule

pytestmark = pytest.mark.django_db
S = Enrolment.Status


def _attend(enrolment, hours_per_session, *, actor=None):
    """Record the given hours, session by session in order, for one participant."""
    sessions = list(enrolment.course.sessions.order_by("day", "start_time"))
    for session, hours in zip(sessions, hours_per_session, strict=False):
        services.attendance_record(
            actor=actor, session=session, hours={enrolment.pk: Decimal(hours)}
        )


class TestOrientationCompletion:
    def test_69_5_hours_is_not_completed_and_70_is(self, demo):
        course = make_course("P7", sessions=24)
        below = enrol_client(course, "P7-BELOW")
        exact = enrol_client(course, "P7-EXACT")
        # 23 × 3 h = 69 h, then half an hour: 69.5 h.
        _attend(below, ["3"] * 23 + ["0.5"])
        # 23 × 3 h = 69 h, then one hour: 70 h.
        _attend(exact, ["3"] * 23 + ["1"])
        below.refresh_from_db()
        exact.refresh_from_db()
        assert services.attended_hours(below) == Decimal("69.5")
        assert below.status == S.ENROLLED
        assert services.attended_hours(exact) == Decimal("70")
        assert exact.status == S.COMPLETED
        last_session = course.sessions.order_by("-day").first()
        assert exact.ended_on == last_session.day

    def test_plan_service_moves_on_its_own(self, demo):
        course = make_course("P7-PLAN", sessions=24)
        enrolment = enrol_client(course, "P7-PLAN-1")
        row = PlanService.objects.get(pk=enrolment.plan_service_id)
        assert row.status == PlanService.Status.REFERRED
        assert row.referred == today()
        _attend(enrolment, ["3"])
        row.refresh_from_db()
        assert row.status == PlanService.Status.STARTED
        first_day = course.sessions.order_by("day").first().day
        assert row.started == first_day
        _attend(enrolment, ["3"] * 24)
        row.refresh_from_db()
        assert row.status == PlanService.Status.COMPLETED
        assert row.ended == course.sessions.order_by("-day").first().day

    def test_correction_below_p7_reopens(self, demo):
        course = make_course("P7-FIX", sessions=24)
        enrolment = enrol_client(course, "P7-FIX-1")
        _attend(enrolment, ["3"] * 24)
        enrolment.refresh_from_db()
        assert enrolment.status == S.COMPLETED
        last = course.sessions.order_by("-day").first()
        services.attendance_record(actor=None, session=last, hours={enrolment.pk: "0"})
        enrolment.refresh_from_db()
        assert services.attended_hours(enrolment) == Decimal("69")
        assert enrolment.status == S.ENROLLED
        row = PlanService.objects.get(pk=enrolment.plan_service_id)
        assert row.status == PlanService.Status.STARTED
        assert row.ended is None

    def test_required_hours_come_from_the_rule_table(self, demo):
        StatutoryRule.objects.filter(key="orientation_completion_hours").update(value=80)
        assert progress.orientation_completed(Decimal("79.5"), on=today()) is False
        assert progress.orientation_completed(Decimal("80"), on=today()) is True
        assert progress.orientation_completed(Decimal("80"), on=date(2020, 1, 1)) is None

    def test_provider_cannot_complete_orientation_short_of_p7(self, demo):
        course = make_course("P7-MAN", sessions=3)
        enrolment = enrol_client(course, "P7-MAN-1")
        _attend(enrolment, ["3", "3"])
        with pytest.raises(ValidationError):
            services.enrolment_complete(actor=None, enrolment=enrolment, day=today())


class TestCapacityAndWaitingList:
    def test_past_capacity_goes_to_the_waiting_list(self, demo):
        course = make_course("CAP", capacity=2)
        first = enrol_client(course, "CAP-1")
        second = enrol_client(course, "CAP-2")
        third = enrol_client(course, "CAP-3")
        fourth = enrol_client(course, "CAP-4")
        assert [first.status, second.status] == [S.ENROLLED, S.ENROLLED]
        assert [third.status, fourth.status] == [S.WAITING, S.WAITING]
        course.refresh_from_db()
        assert course.places_taken == 2
        row = PlanService.objects.get(pk=third.plan_service_id)
        assert row.status == PlanService.Status.PLANNED

    def test_cancelling_moves_the_first_waiting_client_in(self, demo):
        course = make_course("CAP-MOVE", capacity=1)
        holder = enrol_client(course, "MOVE-1")
        first_waiting = enrol_client(course, "MOVE-2")
        second_waiting = enrol_client(course, "MOVE-3")
        services.enrolment_cancel(actor=None, enrolment=holder)
        holder.refresh_from_db()
        first_waiting.refresh_from_db()
        second_waiting.refresh_from_db()
        assert holder.status == S.CANCELLED
        assert first_waiting.status == S.INVITED
        assert first_waiting.enrolled_on == today()
        assert second_waiting.status == S.WAITING
        course.refresh_from_db()
        assert course.places_taken == 1
        # The moved client's plan service is now referred; the cancelled one's is planned again.
        assert first_waiting.plan_service.status == PlanService.Status.REFERRED
        assert PlanService.objects.get(pk=holder.plan_service_id).status == "planned"

    def test_interruption_needs_a_reason_and_frees_the_place(self, demo):
        course = make_course("CAP-INT", capacity=1, sessions=2)
        holder = enrol_client(course, "INT-1")
        waiting = enrol_client(course, "INT-2")
        _attend(holder, ["3"])
        with pytest.raises(ValidationError):
            services.enrolment_interrupt(actor=None, enrolment=holder, day=today(), reason=" ")
        with pytest.raises(ValidationError):
            services.enrolment_cancel(actor=None, enrolment=holder)  # attended already
        services.enrolment_interrupt(
            actor=None, enrolment=holder, day=today(), reason="Muutti toiselle paikkakunnalle"
        )
        waiting.refresh_from_db()
        assert waiting.status == S.INVITED
        row = PlanService.objects.get(pk=holder.plan_service_id)
        assert row.status == PlanService.Status.INTERRUPTED
        assert row.ended == today()

    def test_larger_capacity_lets_the_waiting_list_in(self, demo):
        course = make_course("CAP-UP", capacity=1)
        enrol_client(course, "UP-1")
        waiting = enrol_client(course, "UP-2")
        services.course_update(actor=None, course=course, capacity=2)
        waiting.refresh_from_db()
        assert waiting.status == S.INVITED

    def test_capacity_cannot_shrink_below_places_taken(self, demo):
        course = make_course("CAP-DOWN", capacity=2)
        enrol_client(course, "DOWN-1")
        enrol_client(course, "DOWN-2")
        with pytest.raises(ValidationError) as error:
            services.course_update(actor=None, course=course, capacity=1)
        assert "capacity" in error.value.message_dict

    def test_the_database_refuses_an_oversubscribed_course(self, demo):
        course = make_course("CAP-DB", capacity=1)
        enrol_client(course, "DB-1")
        with pytest.raises(IntegrityError), transaction.atomic():
            Course.objects.filter(pk=course.pk).update(places_taken=2)

    def test_the_same_client_cannot_enrol_twice(self, demo):
        course = make_course("TWICE")
        enrolment = enrol_client(course, "TWICE-1")
        with pytest.raises(ValidationError):
            services.enrolment_create(actor=None, course=course, client=enrolment.client)

    def test_plan_service_of_another_category_cannot_enrol(self, demo):
        course = make_course("CAT", kind=Course.Kind.INTEGRATION_TRAINING)
        row = plan_service_for("CAT-1", "social_orientation")
        with pytest.raises(ValidationError) as error:
            services.enrolment_create(actor=None, course=course, plan_service=row)
        assert "course" in error.value.message_dict
        assert not Enrolment.objects.filter(course=course).exists()


class TestAttendance:
    def test_whole_group_at_once_and_all_or_nothing(self, demo):
        course = make_course("ATT", sessions=1)
        people = [enrol_client(course, f"ATT-{n}") for n in range(3)]
        session = course.sessions.get()
        with pytest.raises(services.AttendanceInvalid) as error:
            services.attendance_record(
                actor=None,
                session=session,
                hours={people[0].pk: "3", people[1].pk: "4", people[2].pk: "x"},
            )
        assert {e.key for e in error.value.errors} == {people[1].pk, people[2].pk}
        assert not Attendance.objects.exists()
        changed = services.attendance_record(
            actor=None,
            session=session,
            hours={people[0].pk: "3", people[1].pk: "2,5", people[2].pk: "0"},
        )
        assert changed == 3
        assert sorted(Attendance.objects.values_list("hours", flat=True)) == [
            Decimal("0"),
            Decimal("2.5"),
            Decimal("3"),
        ]

    def test_future_session_cannot_be_marked(self, demo):
        course = make_course("ATT-FUT", start=today() - timedelta(days=1))
        session = services.session_add(
            actor=None,
            course=course,
            day=today() + timedelta(days=3),
            start_time=time(9, 0),
            hours=Decimal("3"),
            topic="society",
        )
        enrolment = enrol_client(course, "FUT-1")
        with pytest.raises(ValidationError):
            services.attendance_record(actor=None, session=session, hours={enrolment.pk: "3"})

    def test_session_outside_the_course_or_off_topic_is_refused(self, demo):
        course = make_course("SES")
        with pytest.raises(ValidationError) as error:
            services.session_add(
                actor=None,
                course=course,
                day=course.end + timedelta(days=1),
                start_time=time(9, 0),
                hours=Decimal("3"),
                topic="language",
            )
        assert set(error.value.message_dict) == {"day", "topic"}


class TestPlacementsAndResults:
    def test_result_against_the_b1_1_target(self, demo):
        course = make_course("KK", kind=Course.Kind.INTEGRATION_TRAINING)
        enrolment = enrol_client(course, "KK-1")
        result = services.language_result_add(
            actor=user("provider"),
            enrolment=enrolment,
            day=today(),
            test_name="YKI perustaso",
            listening="B1.1",
            reading="B1.2",
            speaking="A2.2",
            writing="",
        )
        target = progress.language_target(result.day)
        assert target == "B1.1"
        meets = {s.skill: s.meets for s in progress.skill_results(result, target=target)}
        assert meets == {"listening": True, "reading": True, "speaking": False, "writing": None}

    def test_result_needs_a_skill_and_placement_needs_order(self, demo):
        course = make_course("KK-2", kind=Course.Kind.INTEGRATION_TRAINING)
        enrolment = enrol_client(course, "KK-2-1")
        with pytest.raises(ValidationError):
            services.language_result_add(
                actor=None, enrolment=enrolment, day=today(), test_name="YKI"
            )
        with pytest.raises(ValidationError):
            services.placement_add(
                actor=None,
                enrolment=enrolment,
                employer="Työpaikka Oy",
                start=today(),
                end=today() - timedelta(days=1),
            )
        placement = services.placement_add(
            actor=None,
            enrolment=enrolment,
            employer="Työpaikka Oy",
            start=today(),
            end=today() + timedelta(days=30),
            supervisor="Sari Salo",
        )
        assert placement.outcome == "ongoing"
