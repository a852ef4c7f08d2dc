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
