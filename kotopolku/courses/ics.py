"""A course session as a calendar event (common/ics.py).

The course, the topic, the time and the place: nothing about the participants, and not the
session's free-text description, which the feed (read without logging in) must not carry.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _

from kotopolku.common.ics import CalendarEvent, absolute_url, local_datetime, uid
from kotopolku.courses.models import CourseSession


def session_event(session: CourseSession) -> CalendarEvent:
    """The session in the active language; needs `course` and `course.municipality` loaded."""
    course = session.course
    start = local_datetime(session.day, session.start_time)
    end = start + timedelta(minutes=int(session.hours * 60))
    page = absolute_url(reverse("courses:detail", kwargs={"pk": course.pk}))
    place = ", ".join(p for p in (course.location, course.municipality.name) if p)
    return CalendarEvent(
        uid=uid("course-session", session.pk),
        start=start,
        end=end,
        summary=_("%(code)s %(name)s: %(topic)s")
        % {"code": course.code, "name": course.name, "topic": session.get_topic_display()},
        location=place,
        description=_("Course page: %(url)s") % {"url": page},
        url=page,
        modified=session.modified_at,
    )
