"""The case worker's block on the home page: what needs attention today.

It reads the same worklist as /casework/ (so the same deadline function, and an audit row for
each client shown), and adds the referrals that wait for the organisation's answer.
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
    counts = selectors.worklist_counts(user=user, on=on, soon=on + DUE_SOON)
    # The most urgent first: overdue, then due soon, both by the nearest deadline (SQL order).
    first = [
        r
        for r in selectors.worklist(user=user, on=on)[:SHOWN]
        if r.next_due is not None and r.next_due <= on + DUE_SOON
    ]
    # Only the rows shown name clients; each is a read of that client (906/2019 § 17).
    selectors.worklist_audit(user=user, rows=first, path="/")
    waiting = Referral.objects.filter(
        to_organisation_id__in=perms.casework_organisation_ids(user),
        status=Referral.Status.SENT,
    ).count()
    return {
        "casework_today": {
            "clients": counts.clients,
            "overdue": counts.overdue,
            "due_soon": counts.due_soon,
            "referrals_waiting": waiting,
            "first": first,
        }
    }
