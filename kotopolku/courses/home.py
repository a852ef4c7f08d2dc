"""The provider's "needs attention today" block on the home page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from kotopolku.access import courses as course_access
from kotopolku.courses.models import Attendance, CourseSession

# How far back a session without marked attendance is still shown, and how many at most.
LOOK_BACK_DAYS = 14
SHOWN = 10


def courses_today(*, user: Any, on=None) -> dict[str, Any]:
    """Sessions of the user's own courses, from two weeks ago to today, whose attendance is not
    marked yet (no row for anyone), and today's sessions; None for users who run no course."""
    organisations = course_access.provider_organisation_ids(user)
    if not organisations:
        return {"courses_today": None}
    on = on or timezone.localdate()
    sessions = list(
        CourseSession.objects.filter(
            course__provider_id__in=organisations,
            day__range=(on - timedelta(days=LOOK_BACK_DAYS), on),
        )
        .annotate(marked=Exists(Attendance.objects.filter(session_id=OuterRef("pk"))))
        .select_related("course")
        .order_by("day", "start_time", "pk")
    )
    unmarked = [s for s in sessions if not s.marked]
    return {
        "courses_today": {
            "unmarked": unmarked[:SHOWN],
            "unmarked_count": len(unmarked),
            "today": [s for s in sessions if s.day == on],
        }
    }
