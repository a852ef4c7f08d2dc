"""The case worker's block on the home page: what needs attention today (issue 10, screens).

It reads the same worklist as /casework/ (so the same deadline function and the same audit
row), and adds the referrals that wait for the organisation's answer.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from kotopolku.access import casework as perms
from kotopolku.access.policy import can
from kotopolku.casework import selectors
from kotopolku.casework.models import Referral

# How far ahead "due soon" looks: a working fortnight, a screen of the day's planning.
DUE_SOON = timedelta(days=14)
SHOWN = 5


def casework_today(*, user: Any, on=None) -> dict[str, Any]:
    """`casework_today` for the home template, or None for users without a worklist."""
    if not can(user, perms.WORKLIST):
        return {"casework_today": None}
    on = on or timezone.localdate()
    rows = selectors.worklist(user=user, on=on)
    overdue = [r for r in rows if r.deadlines and r.deadlines.overdue]
    due_soon = [
        r
        for r in rows
        if r.deadlines and not r.deadlines.overdue and r.next_due and r.next_due <= on + DUE_SOON
    ]
    waiting = Referral.objects.filter(
        to_organisation_id__in=perms.casework_organisation_ids(user),
        status=Referral.Status.SENT,
    ).count()
    return {
        "casework_today": {
            "clients": len(rows),
            "overdue": len(overdue),
            "due_soon": len(due_soon),
            "referrals_waiting": waiting,
            "first": (overdue + due_soon)[:SHOWN],
        }
    }
