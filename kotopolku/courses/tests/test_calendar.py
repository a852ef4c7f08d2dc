"""Course sessions as calendar files, and the public-holiday warning when sessions are planned."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from icalendar import Calendar

from kotopolku.courses import services
from kotopolku.courses.models import CourseSession
from kotopolku.courses.tests.factories import enrol_client, make_course, today

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")


def _next(month: int, day: int) -> date:
    """The next `day`.`month`. at least a week ahead."""
    start = today() + timedelta(days=7)
    candidate = date(start.year, month, day)
    return candidate if candidate >= start else date(start.year + 1, month, day)


def _independence_day() -> date:
    return _next(12, 6)


def _ordinary_weekday() -> date:
    """A Wednesday in the first half of September: never a holiday in Finland."""
    day = _next(9, 1)
    return day + timedelta(days=(2 - day.weekday()) % 7)


def _course_covering(code: str, *days: date):
    course = make_course(code, sessions=0)
    return services.course_update(
        actor=None, course=course, end=max(course.end, *days) + timedelta(days=1)
    )


def _form(day: date, at: str = "09:00") -> dict[str, str]:
    return {"day": day.isoformat(), "start_time": at, "hours": "3", "topic": "society"}


def test_session_file_is_one_event_at_local_time(demo, client_for):
    course = make_course("ICS-SO", sessions=0)
    day = today() + timedelta(days=3)
    session = services.session_add(
        actor=None, course=course, day=day, start_time=time(17, 30), hours=2.5, topic="living"
    )
    enrol_client(course, "ICS-CLIENT-1")
    http = client_for("caseworker")
    response = http.get(reverse("courses:session_calendar", args=[session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert event.decoded("DTSTART") == datetime.combine(day, time(17, 30), tzinfo=HELSINKI)
    assert event.decoded("DTEND") == datetime.combine(day, time(20, 0), tzinfo=HELSINKI)
    assert str(event["UID"]).startswith(f"kotopolku-course-session-{session.pk}@")
    assert str(event["SUMMARY"]) == f"ICS-SO {course.name}: asuminen ja arki"
    assert course.location in str(event["LOCATION"])
    assert "Asiakas ICS-CLIENT-1" not in response.content.decode()


def test_session_file_in_swedish(demo, client_for):
    course = make_course("ICS-SV", sessions=1)
    session = course.sessions.first()
    http = client_for("provider")
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = http.get(reverse("courses:session_calendar", args=[session.pk]))
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]).endswith(": " + str(session.get_topic_display()))
    assert "Träskända" in str(event["LOCATION"])


def test_session_list_links_each_session_to_its_file(demo, client_for):
    course = make_course("ICS-LIST", sessions=2)
    page = client_for("caseworker").get(reverse("courses:detail", args=[course.pk]))
    for session in course.sessions.all():
        assert reverse("courses:session_calendar", args=[session.pk]) in page.content.decode()


def test_session_on_independence_day_is_saved_with_a_warning(demo, client_for):
    holiday = _independence_day()
    course = _course_covering("HOL-ADD", holiday)
    http = client_for("provider")
    response = http.post(
        reverse("courses:session_add", args=[course.pk]), _form(holiday), follow=True
    )
    assert response.status_code == 200
    assert CourseSession.objects.filter(course=course, day=holiday).exists()  # not an error
    body = response.content.decode()
    assert "on Suomessa yleinen vapaapäivä (Itsenäisyyspäivä)" in body
    # The session list marks the day.
    assert "vapaapäivä: Itsenäisyyspäivä" in body


def test_session_on_an_ordinary_weekday_has_no_warning(demo, client_for):
    day = _ordinary_weekday()
    course = _course_covering("HOL-NONE", day)
    response = client_for("provider").post(
        reverse("courses:session_add", args=[course.pk]), _form(day), follow=True
    )
    assert CourseSession.objects.filter(course=course, day=day).exists()
    body = response.content.decode()
    assert "yleinen vapaapäivä" not in body
    assert "holiday-flag" not in body


def test_edit_form_of_a_holiday_session_warns_in_swedish(demo, client_for):
    holiday = _independence_day()
    course = _course_covering("HOL-EDIT", holiday)
    session = services.session_add(
        actor=None, course=course, day=holiday, start_time=time(9), hours=3, topic="society"
    )
    http = client_for("coordinator")
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    page = http.get(reverse("courses:session_edit", args=[session.pk]))
    assert page.status_code == 200
    assert "allmän helgdag i Finland (Självständighetsdagen)" in page.content.decode()
    # Moved to an ordinary day: saved, and no warning any more.
    weekday = _ordinary_weekday()
    services.course_update(actor=None, course=course, end=max(course.end, weekday))
    response = http.post(
        reverse("courses:session_edit", args=[session.pk]), _form(weekday), follow=True
    )
    session.refresh_from_db()
    assert session.day == weekday
    assert "allmän helgdag" not in response.content.decode()


def test_invalid_form_on_a_holiday_shows_the_warning_with_the_errors(demo, client_for):
    holiday = _independence_day()
    course = _course_covering("HOL-BAD", holiday)
    data = _form(holiday)
    data["hours"] = "20"
    response = client_for("provider").post(reverse("courses:session_add", args=[course.pk]), data)
    assert response.status_code == 400
    assert "Itsenäisyyspäivä" in response.content.decode()
