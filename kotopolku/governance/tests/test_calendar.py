"""A meeting as a calendar file: one event, stable UID, local times, no participants."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from icalendar import Calendar

from kotopolku.governance import services
from kotopolku.governance.models import WorkingGroup
from kotopolku.governance.services import MeetingInput

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")


def _group():
    return WorkingGroup.objects.get(kind="cooperation", name_fi__startswith="Kotoutumisen")


def _event(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment;")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 1
    return events[0]


def test_meeting_file_has_the_time_place_and_a_stable_uid(demo, client_for):
    # 26 October 2031 is the day after the change to winter time: +02:00.
    meeting = services.meeting_schedule(
        actor=None,
        group=_group(),
        data=MeetingInput(date=date(2031, 10, 27), start_time=time(14, 0), place="Valtuustosali"),
    )
    http = client_for("viewer")
    url = reverse("governance:meeting_calendar", args=[meeting.pk])
    event = _event(http.get(url))
    start = event.decoded("DTSTART")
    assert start == datetime(2031, 10, 27, 14, 0, tzinfo=HELSINKI)
    assert start.utcoffset() == timedelta(hours=2)
    assert event.decoded("DTEND") == datetime(2031, 10, 27, 16, 0, tzinfo=HELSINKI)
    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert str(event["SUMMARY"]) == f"{_group().name_fi}: kokous"
    assert str(event["LOCATION"]) == "Valtuustosali"
    assert str(event["URL"]).endswith(reverse("governance:meeting", args=[meeting.pk]))
    # The same UID on every download, so a calendar updates the event instead of copying it.
    assert str(event["UID"]) == str(_event(http.get(url))["UID"])
    assert str(event["UID"]).startswith(f"kotopolku-meeting-{meeting.pk}@")


def test_meeting_file_in_swedish_without_a_start_time_is_a_whole_day(demo, client_for):
    meeting = services.meeting_schedule(
        actor=None,
        group=_group(),
        data=MeetingInput(date=date(2031, 3, 4), link="https://meet.example/abc"),
    )
    http = client_for("coordinator")
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    event = _event(http.get(reverse("governance:meeting_calendar", args=[meeting.pk])))
    assert event.decoded("DTSTART") == date(2031, 3, 4)
    assert event.decoded("DTEND") == date(2031, 3, 5)
    assert str(event["SUMMARY"]).endswith(": möte")
    assert str(event["LOCATION"]) == "https://meet.example/abc"


def test_meeting_file_names_no_participants(demo, client_for):
    group = _group()
    member = group.memberships.filter(archived=False).select_related("user").first()
    meeting = services.meeting_schedule(
        actor=None,
        group=group,
        data=MeetingInput(date=date(2031, 5, 6), place="Sali", participants=[member]),
    )
    body = client_for("viewer").get(reverse("governance:meeting_calendar", args=[meeting.pk]))
    assert member.person_name not in body.content.decode()


def test_meeting_page_links_to_the_file(demo, client_for):
    meeting = services.meeting_schedule(
        actor=None, group=_group(), data=MeetingInput(date=date(2031, 5, 7), place="Sali")
    )
    page = client_for("viewer").get(reverse("governance:meeting", args=[meeting.pk]))
    assert reverse("governance:meeting_calendar", args=[meeting.pk]) in page.content.decode()


def test_archived_meeting_file_is_404(demo, client_for):
    meeting = services.meeting_schedule(
        actor=None, group=_group(), data=MeetingInput(date=date(2031, 5, 8), place="Sali")
    )
    services.meeting_delete(actor=None, meeting=meeting)
    response = client_for("viewer").get(reverse("governance:meeting_calendar", args=[meeting.pk]))
    assert response.status_code == 404
