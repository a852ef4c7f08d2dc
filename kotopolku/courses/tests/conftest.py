"""Fixtures shared by the courses tests."""

from datetime import timedelta

import pytest

from kotopolku.courses import services
from kotopolku.courses.models import Course
from kotopolku.courses.tests.factories import enrol_client, make_course, today


@pytest.fixture
def training(demo):
    """An integration training course with a participant, a placement and a test result."""
    course = make_course("KK-EDIT", kind=Course.Kind.INTEGRATION_TRAINING, sessions=2)
    enrolment = enrol_client(course, "KKE-1")
    placement = services.placement_add(
        actor=None,
        enrolment=enrolment,
        employer="Päiväkoti Pilvi",
        start=today(),
        end=today() + timedelta(days=30),
    )
    result = services.language_result_add(
        actor=None,
        enrolment=enrolment,
        day=today(),
        test_name="YKI",
        listening="B1.1",
        reading="A2.2",
    )
    return course, enrolment, placement, result
