"""The provider's home page lists the recent sessions whose attendance is not marked."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from kotopolku.courses import services
from kotopolku.courses.tests.factories import enrol_client, make_course, today, user

pytestmark = pytest.mark.django_db


def _home(username: str) -> str:
    http = HttpClient()
    http.force_login(user(username))
    response = http.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_provider_home_lists_unmarked_sessions_of_the_last_two_weeks(demo):
    # Sessions every day from 60 days ago; the last two weeks and today are 15 of them.
    course = make_course("T-HOME", sessions=61, start=today() - timedelta(days=60))
    enrolment = enrol_client(course, "T-HOME-1")
    marked = course.sessions.get(day=today() - timedelta(days=3))
    services.attendance_record(
        actor=user("provider"), session=marked, hours={enrolment.pk: Decimal("3")}
    )

    page = _home("provider")
    assert "Kurssikerrat, jotka odottavat toimia" in page
    # 15 sessions in the window (today and the 14 days before it), one of them marked.
    assert "14 kurssikerralta kahden viime viikon ajalta puuttuvat" in page
    assert "1 kurssikerta tänään." in page
    attendance_url = reverse("courses:attendance", args=[marked.pk])
    assert attendance_url not in page
    oldest = course.sessions.get(day=today() - timedelta(days=14))
    assert reverse("courses:attendance", args=[oldest.pk]) in page
    too_old = course.sessions.get(day=today() - timedelta(days=15))
    assert reverse("courses:attendance", args=[too_old.pk]) not in page


def test_home_of_a_user_who_runs_no_course_has_no_course_block(demo):
    make_course("T-HOME2", sessions=3, start=today() - timedelta(days=2))
    assert 'id="courses-today"' not in _home("viewer")
    assert 'id="courses-today"' not in _home("caseworker-jarvenpaa")
    assert 'id="courses-today"' in _home("provider")
