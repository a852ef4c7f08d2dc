"""Reads of the calendar feed: whose token it is, and the events that user may see.

Who sees what is the domains' own decision: meetings need GOVERNANCE_VIEW (every meeting is
open to its readers, access/governance.py), course sessions come from `visible_courses`
(access/courses.py). The events carry no client data, so reading the feed is not an audited
read of personal data.
"""

from datetime import date, timedelta
from typing import Any

from kotopolku.access import courses as course_perms
from kotopolku.access import governance as governance_perms
from kotopolku.access.policy import can
from kotopolku.calendar.models import CalendarFeed
from kotopolku.common.ics import CalendarEvent
from kotopolku.courses.ics import session_event
from kotopolku.courses.selectors import upcoming_sessions
from kotopolku.governance.ics import meeting_event
from kotopolku.governance.selectors import upcoming_meetings

# Events of the last weeks stay in the feed, so that a calendar does not lose this morning's
# meeting when it refreshes in the afternoon.
PAST_DAYS = 30
# A bound on the size of one answer; a calendar app polls the whole feed every time.
MAX_EVENTS = 1000


def feed_for(*, user: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_by_token(*, token: str) -> CalendarFeed | None:
    """The feed of an active user with this token, or None."""
    if not token:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )


def feed_events(*, user: Any, today: date) -> list[CalendarEvent]:
    """The user's meetings and course sessions from PAST_DAYS ago on, in the active language."""
    since = today - timedelta(days=PAST_DAYS)
    events: list[CalendarEvent] = []
    if can(user, governance_perms.GOVERNANCE_VIEW):
        events += [meeting_event(m) for m in upcoming_meetings(since=since)[:MAX_EVENTS]]
    if can(user, course_perms.COURSE_LIST):
        sessions = upcoming_sessions(user=user, since=since)[:MAX_EVENTS]
        events += [session_event(s) for s in sessions]
    return events
