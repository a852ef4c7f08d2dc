"""The text of each kind of notification, written in the active language when shown or mailed.

Parameters hold only what the recipient may see anyway: organisation names, dates, counts, the
title of their own task or job. Never a client's name or identity code.
"""

from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kotopolku.notifications.models import Kind


def _day(value: Any) -> str:
    if not value:
        return ""
    try:
        return date_format(date.fromisoformat(str(value)[:10]), "SHORT_DATE_FORMAT")
    except ValueError:
        return str(value)


def deadline_label(code: str) -> str:
    return {
        "assessment_not_started": _("Assessment not started"),
        "plan_not_drafted": _("Plan not drafted"),
        "no_service_by_referral_due": _("No service by the referral due date"),
        "review_due": _("Review due"),
        "plan_ending": _("Plan ending"),
        "window_closing": _("Plan window closing"),
    }.get(code, code)


def title(kind: str, params: dict[str, Any]) -> str:
    p = params
    if kind == Kind.REFERRAL_RECEIVED:
        return _("New referral from %(organisation)s") % {"organisation": p.get("from", "")}
    if kind == Kind.REFERRAL_ANSWERED:
        if p.get("answer") == "rejected":
            return _("%(organisation)s declined your referral") % {"organisation": p.get("to", "")}
        return _("%(organisation)s accepted your referral") % {"organisation": p.get("to", "")}
    if kind == Kind.REFERRAL_COMPLETED:
        return _("%(organisation)s completed your referral") % {"organisation": p.get("to", "")}
    if kind == Kind.REFERRAL_WITHDRAWN:
        return _("%(organisation)s withdrew a referral") % {"organisation": p.get("from", "")}
    if kind == Kind.TASK_ASSIGNED:
        return _("New follow-up task: %(task)s") % {"task": p.get("task", "")}
    if kind == Kind.TASK_DUE:
        return _("Follow-up task due %(due)s: %(task)s") % {
            "task": p.get("task", ""),
            "due": _day(p.get("due")),
        }
    if kind == Kind.DEADLINE_DIGEST:
        return _("Your deadlines: %(overdue)s overdue, %(upcoming)s in the next %(days)s days") % {
            "overdue": p.get("overdue", 0),
            "upcoming": p.get("upcoming", 0),
            "days": p.get("days", 14),
        }
    if kind == Kind.JOB_FINISHED:
        if p.get("status") == "failed":
            return _("Failed: %(job)s") % {"job": p.get("job", "")}
        return _("Ready: %(job)s") % {"job": p.get("job", "")}
    if kind == Kind.SECURITY_ALERT:
        return _("Security alert: unusual number of client reads")
    return str(kind)


def body(kind: str, params: dict[str, Any]) -> str:
    """A sentence or two under the title; empty when the title says it all."""
    p = params
    if kind == Kind.REFERRAL_RECEIVED:
        return _("A referral from %(from)s to %(to)s is waiting for an answer by %(due)s.") % {
            "from": p.get("from", ""),
            "to": p.get("to", ""),
            "due": _day(p.get("due")),
        }
    if kind == Kind.REFERRAL_ANSWERED and p.get("answer") == "rejected":
        return _("Open the referral to read the reason.")
    if kind == Kind.REFERRAL_COMPLETED:
        return _("Open the referral to read the outcome.")
    if kind == Kind.TASK_ASSIGNED:
        return _("Group: %(group)s. Due %(due)s.") % {
            "group": p.get("group", ""),
            "due": _day(p.get("due")),
        }
    if kind == Kind.DEADLINE_DIGEST:
        overdue = _("overdue")
        lines = [
            f"{_day(row.get('due'))}  {row.get('client', '')}  "
            f"{deadline_label(str(row.get('code', '')))}"
            + (f" ({overdue})" if row.get("overdue") else "")
            for row in p.get("rows", [])
        ]
        return "\n".join(lines)
    if kind == Kind.JOB_FINISHED and p.get("status") == "failed":
        return str(p.get("error", ""))
    if kind == Kind.SECURITY_ALERT:
        return _(
            "User %(user)s read %(reads)s clients within one hour (limit %(limit)s), last at "
            "%(at)s. See the audit log for details."
        ) % {
            "user": p.get("user", ""),
            "reads": p.get("reads", ""),
            "limit": p.get("limit", ""),
            "at": p.get("at", ""),
        }
    return ""
