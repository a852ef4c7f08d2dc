"""Two enrolments for the last place at the same moment, on PostgreSQL: one place, one waiting.

SQLite serialises every write, so the race cannot happen there; CI runs the suite on
PostgreSQL too (`.ci/run`), where this test does run.
"""

import threading

import pytest
from django.db import connection, connections

from kotopolku.courses import services
from kotopolku.courses.models import Course, Enrolment
from kotopolku.courses.tests.factories import make_course, plan_service_for

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real threads"
    ),
]


@pytest.fixture
def _audit_triggers_back_on(django_db_blocker):
    """Set up before the database, torn down after its flush: triggers fire again."""
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")


@pytest.fixture
def race_db(_audit_triggers_back_on, django_db_serialized_rollback, transactional_db):
    """Real commits, so that two threads see each other. The flush that ends a transactional
    test truncates every table, which the append-only audit table refuses by trigger; this
    session alone skips triggers for that flush (superuser in the test cluster)."""
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")


def test_two_parallel_enrolments_never_oversubscribe(race_db, demo):
    course = make_course("RACE", capacity=1)
    rows = [plan_service_for(f"RACE-{n}", "social_orientation") for n in range(2)]
    start = threading.Barrier(2)
    outcome: list[str] = []
    errors: list[BaseException] = []

    def enrol(row):
        try:
            start.wait(timeout=10)
            enrolment = services.enrolment_create(actor=None, course=course, plan_service=row)
            outcome.append(enrolment.status)
        except BaseException as exc:  # noqa: BLE001 (reported by the assertion below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=enrol, args=(row,)) for row in rows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(outcome) == [Enrolment.Status.ENROLLED, Enrolment.Status.WAITING]
    course = Course.objects.get(pk=course.pk)
    assert course.places_taken == 1
    assert course.enrolments.filter(status__in=Enrolment.HOLDS_PLACE).count() == 1


def test_many_parallel_enrolments_fill_exactly_the_capacity(race_db, demo):
    course = make_course("RACE-8", capacity=3)
    rows = [plan_service_for(f"RACE8-{n}", "social_orientation") for n in range(8)]
    start = threading.Barrier(len(rows))
    errors: list[BaseException] = []

    def enrol(row):
        try:
            start.wait(timeout=10)
            services.enrolment_create(actor=None, course=course, plan_service=row)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=enrol, args=(row,)) for row in rows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    course = Course.objects.get(pk=course.pk)
    assert course.places_taken == 3
    assert course.enrolments.filter(status__in=Enrolment.HOLDS_PLACE).count() == 3
    assert course.enrolments.filter(status=Enrolment.Status.WAITING).count() == 5


def test_shortening_a_session_while_hours_are_recorded_keeps_them_within_it(race_db, demo):
    """One user shortens a session to 2 hours while another records 3 hours on it: whichever
    comes second is refused, so no participant has more hours than the session is long."""
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    from kotopolku.courses.models import Attendance
    from kotopolku.courses.tests.factories import enrol_client

    course = make_course("RACE-S", sessions=5)
    enrolment = enrol_client(course, "RACE-S-1")
    errors: list[BaseException] = []

    def run(work, start):
        try:
            start.wait(timeout=10)
            work()
        except ValidationError:
            pass  # the second of the two is refused: that is the point
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    for session in course.sessions.all():
        start = threading.Barrier(2)
        threads = [
            threading.Thread(
                target=run,
                args=(
                    lambda s=session: services.session_update(
                        actor=None, session=s, hours=Decimal("2")
                    ),
                    start,
                ),
            ),
            threading.Thread(
                target=run,
                args=(
                    lambda s=session: services.attendance_record(
                        actor=None, session=s, hours={enrolment.pk: "3"}
                    ),
                    start,
                ),
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not errors, errors
        session.refresh_from_db()
        recorded = Attendance.objects.filter(session=session).values_list("hours", flat=True)
        assert all(hours <= session.hours for hours in recorded), (session.hours, list(recorded))
