"""Tasks of the notifications app: sending mail, the daily digests, reminders, security checks."""

import smtplib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from kotopolku.jobs.retry import retrying
from kotopolku.notifications import services
from kotopolku.notifications.models import Kind, Notification


@task()
@retrying(retry_on=(OSError, smtplib.SMTPException), max_attempts=5, base_seconds=60)
def send_mail_task(mail_id: int) -> str:
    """Send one outbox mail. Safe to retry: a sent mail is never sent again."""
    return services.outbox_send(mail_id=mail_id)


@task()
def send_daily_digests() -> str:
    """One e-mail per user with the notices they chose to get as a daily digest."""
    day = timezone.localdate()
    users = (
        get_user_model()
        .objects.filter(is_active=True, notifications__mail=Notification.Mail.DIGEST)
        .distinct()
    )
    sent = sum(1 for user in users if services.digest_send(user=user, day=day) is not None)
    return f"{sent} digest(s)"


@task()
def deadline_digest() -> str:
    """Each case worker's and coordinator's overdue deadlines and those of the coming days."""
    from kotopolku.casework.selectors import WorklistOptions, digest_audit, worklist
    from kotopolku.organisations.models import Membership

    day = timezone.localdate()
    days = settings.DEADLINE_DIGEST_DAYS
    horizon = day + timedelta(days=days)
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__role__in=[Membership.Role.CASEWORKER, Membership.Role.COORDINATOR],
        )
        .distinct()
        .order_by("pk")
    )
    sent = 0
    for user in users:
        rows = []
        named: list[int] = []
        # Only the clients with a deadline by the horizon (SQL), computed in detail.
        for row in worklist(user=user, on=day, options=WorklistOptions(due_by=horizon)):
            if row.deadlines is None:
                continue
            named.append(row.client.pk)
            for action in row.deadlines.actions:
                if action.due <= horizon:
                    rows.append(
                        {
                            "due": action.due.isoformat(),
                            "client": row.client.external_id,
                            "code": action.code,
                            "overdue": action.overdue,
                        }
                    )
        if not rows:
            continue
        rows.sort(key=lambda r: (r["due"], r["client"]))
        overdue = sum(1 for r in rows if r["overdue"])
        notification = services.notify(
            recipient=user,
            kind=Kind.DEADLINE_DIGEST,
            key=f"deadlines:{day.isoformat()}",
            params={
                "on": day.isoformat(),
                "days": days,
                "overdue": overdue,
                "upcoming": len(rows) - overdue,
                "rows": rows,
            },
            link=reverse("casework:worklist"),
        )
        if notification is not None:
            # The digest names the clients to its reader: a read of each, on their log report.
            digest_audit(user=user, client_ids=named, channel="inbox")
            sent += 1
    return f"{sent} deadline digest(s)"


@task()
def follow_up_reminders() -> str:
    """Remind the owners of open follow-up tasks that are due tomorrow or overdue, once each."""
    from kotopolku.governance.models import FollowUpTask

    day = timezone.localdate()
    tasks = FollowUpTask.objects.filter(
        status=FollowUpTask.Status.OPEN, due__lte=day + timedelta(days=1)
    ).select_related("owner", "owner_member__user", "group")
    sent = 0
    for follow_up in tasks:
        recipient = follow_up.owner or (
            follow_up.owner_member.user if follow_up.owner_member else None
        )
        if recipient is None:  # unassigned, or a member without an account
            continue
        notification = services.notify(
            recipient=recipient,
            kind=Kind.TASK_DUE,
            key=f"task:{follow_up.pk}:due",
            params={"task": follow_up.title, "due": follow_up.due.isoformat()},
            link=reverse("governance:tasks"),
        )
        sent += notification is not None
    return f"{sent} reminder(s)"


@task()
def security_checks() -> str:
    """Hourly: the bulk-read check for everyone who read clients in the past hour (the check
    after each read may have been skipped by a failure), and jobs stuck in the queue."""
    from kotopolku.audit.models import AuditEvent
    from kotopolku.jobs.models import Job
    from kotopolku.security.services import bulk_read_alert_check

    now = timezone.now()
    readers = (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.VIEW,
            client_id__isnull=False,
            actor_id__isnull=False,
            at__gte=now - timedelta(hours=1),
        )
        .order_by()
        .values_list("actor_id", flat=True)
        .distinct()
    )
    alerts = sum(1 for user_id in readers if bulk_read_alert_check(user_id=user_id) is not None)
    stuck = Job.objects.filter(
        Q(status=Job.Status.QUEUED) | Q(status=Job.Status.RUNNING),
        created_at__lt=now - timedelta(hours=1),
    ).count()
    return f"{alerts} bulk-read alert(s); {stuck} job(s) waiting for over an hour"
