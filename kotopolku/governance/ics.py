"""A working-group meeting as a calendar event (common/ics.py).

Only what the meeting page shows everyone who may read it: the group, the time, the place and
the online link. Participants and agenda items stay out: a calendar is copied to phones and
shared with assistants, and the feed is read without logging in.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _

from kotopolku.common.ics import CalendarEvent, absolute_url, day_after, local_datetime, uid
from kotopolku.governance.models import Meeting

# A meeting has a start time but no end; the calendar shows it as this long.
MEETING_LENGTH = timedelta(hours=2)


def meeting_event(meeting: Meeting) -> CalendarEvent:
    """The meeting in the active language (the group's name is a translated field)."""
    page = absolute_url(reverse("governance:meeting", kwargs={"pk": meeting.pk}))
    if meeting.start_time is None:
        start, end = meeting.date, day_after(meeting.date)
    else:
        start = local_datetime(meeting.date, meeting.start_time)
        end = start + MEETING_LENGTH
    lines = []
    if meeting.link:
        lines.append(_("Online meeting: %(link)s") % {"link": meeting.link})
    lines.append(_("Agenda and minutes: %(url)s") % {"url": page})
    return CalendarEvent(
        uid=uid("meeting", meeting.pk),
        start=start,
        end=end,
        summary=_("%(group)s: meeting") % {"group": meeting.group.name},
        location=meeting.place or meeting.link,
        description="\n".join(lines),
        url=page,
        modified=meeting.modified_at,
    )
