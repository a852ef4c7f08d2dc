"""Calendar files (RFC 5545) with `icalendar`: one event to download, or a feed of many.

The domain apps turn their objects into `CalendarEvent`s (governance/ics.py, courses/ics.py);
this module knows no domain. Times are local to Europe/Helsinki and the file carries the
VTIMEZONE, so calendar apps show the same wall-clock time as Kotopolku.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event

PRODID = "-//Kotopolku//Kotopolku calendar//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


@dataclass(frozen=True)
class CalendarEvent:
    """One event. `start` and `end` are both aware datetimes, or both dates (a whole day; `end`
    is then the day after, as RFC 5545 wants)."""

    uid: str
    start: datetime | date
    end: datetime | date
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    modified: datetime | None = None


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_datetime(day: date, at) -> datetime:
    """`day` at wall-clock time `at` in the project's time zone (Europe/Helsinki)."""
    return datetime.combine(day, at, tzinfo=local_zone())


def uid(kind: str, pk: int) -> str:
    """A stable, globally unique UID: the same object keeps its UID in every download and feed,
    so a calendar app updates the event instead of adding a copy."""
    host = urlsplit(settings.SITE_URL).hostname or "kotopolku"
    return f"kotopolku-{kind}-{pk}@{host}"


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _event(item: CalendarEvent, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", item.start)
    event.add("dtend", item.end)
    event.add("summary", item.summary)
    if item.location:
        event.add("location", item.location)
    if item.description:
        event.add("description", item.description)
    if item.url:
        event.add("url", item.url)
    if item.modified is not None:
        event.add("last-modified", item.modified)
    return event


def calendar_bytes(events: Iterable[CalendarEvent], *, name: str = "") -> bytes:
    """A VCALENDAR with the events and the VTIMEZONE of every zone they use."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name:
        cal.add("x-wr-calname", name)
        cal.add("name", name)
    stamp = timezone.now().replace(microsecond=0)
    days: list[date] = []
    for item in events:
        cal.add_component(_event(item, stamp))
        days += [_day(item.start), _day(item.end)]
    if days:
        # The zone's rules only for the years the events cover, not from 1970 on.
        cal.add_missing_timezones(
            first_date=min(days) - timedelta(days=366), last_date=max(days) + timedelta(days=366)
        )
    return cal.to_ical()


def _day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def ics_response(content: bytes, *, filename: str, download: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # Personal calendars: never kept by shared caches.
    response["Cache-Control"] = "private, no-store"
    return response


def day_after(day: date) -> date:
    return day + timedelta(days=1)
