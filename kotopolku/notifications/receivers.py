"""Turn events of the lower apps into notifications. Connected in NotificationsConfig.ready.

Each receiver runs inside the transaction of the service that sent the event, so a rolled-back
change leaves no notice behind; e-mails are queued only after the commit.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.dispatch import receiver
from django.urls import reverse

from kotopolku.casework.signals import referral_changed
from kotopolku.governance.signals import follow_up_task_assigned
from kotopolku.jobs.services import job_finished
from kotopolku.notifications.models import Kind
from kotopolku.notifications.services import notify
from kotopolku.organisations.models import Membership
from kotopolku.security.signals import security_alert


def _caseworkers_of(organisation_id: int):
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__role=Membership.Role.CASEWORKER,
        )
        .distinct()
        .order_by("pk")
    )


def _name(organisation) -> str:
    return organisation.short_name or organisation.name


@receiver(referral_changed, dispatch_uid="kotopolku.notifications.referral")
def _referral(sender, referral, event, actor, **kwargs):
    link = reverse("casework:referral_detail", args=[referral.pk])
    params = {
        "from": _name(referral.from_organisation),
        "to": _name(referral.to_organisation),
        "due": referral.response_due.isoformat() if referral.response_due else "",
    }
    key = f"referral:{referral.pk}:{event}"
    actor_id = getattr(actor, "pk", None)
    if event in ("sent", "withdrawn"):
        kind = Kind.REFERRAL_RECEIVED if event == "sent" else Kind.REFERRAL_WITHDRAWN
        for user in _caseworkers_of(referral.to_organisation_id):
            if user.pk != actor_id:
                notify(recipient=user, kind=kind, key=key, params=params, link=link)
        return
    if event in ("accepted", "rejected", "completed"):
        sender_user = referral.created_by
        if sender_user is None or sender_user.pk == actor_id:
            return
        if event == "completed":
            kind = Kind.REFERRAL_COMPLETED
        else:
            kind = Kind.REFERRAL_ANSWERED
            params["answer"] = event
        notify(recipient=sender_user, kind=kind, key=key, params=params, link=link)


@receiver(follow_up_task_assigned, dispatch_uid="kotopolku.notifications.task_assigned")
def _task_assigned(sender, task, actor, **kwargs):
    # A member without an account hears of the task from the minutes, not from the inbox.
    recipient = task.owner or (task.owner_member.user if task.owner_member else None)
    if recipient is None or recipient.pk == getattr(actor, "pk", None):
        return
    notify(
        recipient=recipient,
        kind=Kind.TASK_ASSIGNED,
        key=f"task:{task.pk}:assigned",
        params={"task": task.title, "group": task.group.name, "due": task.due.isoformat()},
        link=reverse("governance:tasks"),
    )


@receiver(job_finished, dispatch_uid="kotopolku.notifications.job_finished")
def _job_finished(sender, job, **kwargs):
    notify(
        recipient=job.owner,
        kind=Kind.JOB_FINISHED,
        key=f"job:{job.pk}",
        params={"job": job.title, "status": job.status, "error": job.error},
        link=reverse("jobs:detail", args=[job.pk]),
    )


@receiver(security_alert, dispatch_uid="kotopolku.notifications.security_alert")
def _security_alert(sender, key, params, **kwargs):
    admins = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(memberships__role=Membership.Role.ADMIN))
        .distinct()
        .order_by("pk")
    )
    for admin in admins:
        notify(
            recipient=admin,
            kind=Kind.SECURITY_ALERT,
            key=key,
            params=params,
            link=reverse("audit:list"),
        )
