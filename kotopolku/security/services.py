"""Writes made by the security features: SSO users and memberships, bulk-read alerts."""

import logging
import threading
from collections import OrderedDict
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from kotopolku.access.oidc import grants_from_claims
from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import CLIENT_READS, audit_record
from kotopolku.organisations.models import Membership, Organisation
from kotopolku.organisations.services import membership_add, membership_remove
from kotopolku.rules.selectors import rule_value
from kotopolku.security.signals import security_alert

logger = logging.getLogger(__name__)

ALERT = AuditEvent.Action.ALERT
"""Audit action of security alerts (bulk extraction)."""
BULK_READ = "BulkRead"


@transaction.atomic
def user_create_from_sso(*, claims: dict[str, Any]) -> Any:
    """A user for a first single sign-on log-in, when OIDC_CREATE_USERS is on.

    The user has no usable password and no memberships: roles are given in Kotopolku (or by the
    configured role claim), never assumed.
    """
    user_model = get_user_model()
    email = str(claims["email"]).strip()
    username = email.lower()[:150]
    if user_model.objects.filter(username=username).exists():
        username = f"sso-{claims.get('sub', '')}"[:150]
    user = user_model(
        username=username,
        email=email,
        first_name=str(claims.get("given_name", ""))[:150],
        last_name=str(claims.get("family_name", ""))[:150],
    )
    user.set_unusable_password()
    user.save()
    audit_record(
        actor=user,
        action=AuditEvent.Action.CREATE,
        object_type="User",
        object_id=user.pk,
        reason="created at first single sign-on",
    )
    return user


@transaction.atomic
def memberships_sync_from_claims(*, user: Any, claims: dict[str, Any]) -> tuple[int, int]:
    """Make the user's map-expressible memberships equal to the role claim; (added, removed)."""
    granted, expressible = grants_from_claims(claims)
    current = {
        (m.organisation_id, m.role): m
        for m in Membership.objects.filter(user=user).select_related("organisation")
    }
    added = removed = 0
    organisations = Organisation.objects.in_bulk({org for org, _role in granted})
    for organisation_id, role in sorted(granted - current.keys()):
        membership_add(
            actor=user, organisation=organisations[organisation_id], user=user, role=role
        )
        added += 1
    for grant in sorted((expressible - granted) & current.keys()):
        membership_remove(actor=user, membership=current[grant])
        removed += 1
    return added, removed


def on_client_read(user_id: int, client_ids: frozenset[int] = frozenset()) -> None:
    """Subscriber of audit's on-commit client-read hook (registered in SecurityConfig.ready)."""
    bulk_read_alert_check(user_id=user_id, client_ids=client_ids)


# Per process: for each of the recent users, the clients their last full count found read in
# the past hour, with the time of the latest read of each. A read of clients all in there adds
# no client to the hour's distinct set, so it cannot cross the limit the last count did not:
# the count is not repeated (a case worker paging back and forth, a refreshed worklist). Any
# other read counts afresh from the audit table, which all processes write, so a client first
# read through another process is counted by that process's check. Memory only: a restart
# loses nothing but a skipped count, and the hourly `security_checks` counts everyone again.
_COUNTED_USERS = 1000
_counted: OrderedDict[int, dict[int, Any]] = OrderedDict()
_counted_lock = threading.Lock()


def _already_counted(user_id: int, client_ids: frozenset[int], since: Any) -> bool:
    with _counted_lock:
        seen = _counted.get(user_id)
        return (
            bool(client_ids)
            and seen is not None
            and all(seen.get(pk) is not None and seen[pk] >= since for pk in client_ids)
        )


def forget_counted_reads() -> None:
    """Empty this process's memory of counted reads (tests; the next checks count afresh)."""
    with _counted_lock:
        _counted.clear()


def _remember_counted(user_id: int, last_reads: dict[int, Any]) -> None:
    with _counted_lock:
        _counted[user_id] = last_reads
        _counted.move_to_end(user_id)
        while len(_counted) > _COUNTED_USERS:
            _counted.popitem(last=False)


# Object types of client reads that the system pushes to a user (not the user's own reading).
PUSHED_READS = ("DeadlineDigest",)


def bulk_read_alert_check(
    *, user_id: int, client_ids: frozenset[int] = frozenset()
) -> AuditEvent | None:
    """Alert when one user has read more distinct clients in the past hour than the rule allows.

    Writes one `alert` audit row per user per hour and e-mails the administrators. The limit is
    rule data (`bulk_read_alert_per_hour`), so a municipality can tune it without a release.
    `client_ids` are the clients just read: when this process's last count found each of them
    read within the hour, the distinct set has not grown and the count is skipped (`_counted`).
    """
    now = timezone.now()
    since = now - timedelta(hours=1)
    if _already_counted(user_id, client_ids, since):
        return None
    limit = rule_value("bulk_read_alert_per_hour", on=timezone.localdate())
    rows = (
        AuditEvent.objects.filter(
            actor_id=user_id,
            action__in=CLIENT_READS,
            client_id__isnull=False,
            success=True,
            at__gte=since,
        )
        # What the system sent the user unasked (the morning's deadline digest) is not reading.
        .exclude(object_type__in=PUSHED_READS)
        .order_by()
        .values("client_id")
        .annotate(last=Max("at"))
        .values_list("client_id", "last")
    )
    last_reads = {int(client_id): last for client_id, last in rows if client_id is not None}
    _remember_counted(user_id, last_reads)
    reads = len(last_reads)
    if reads <= limit:
        return None
    with transaction.atomic():
        already = AuditEvent.objects.filter(
            action=ALERT, object_type=BULK_READ, object_id=str(user_id), at__gte=since
        ).exists()
        if already:
            return None
        user = get_user_model().objects.get(pk=user_id)
        row = audit_record(
            actor=user,
            action=ALERT,
            object_type=BULK_READ,
            object_id=user_id,
            details=audit_summary("bulk_read", reads=reads, limit=limit),
        )
    _notify_admins(user=user, reads=reads, limit=limit, at=now)
    return row


def admin_emails() -> list[str]:
    user_model = get_user_model()
    admins = (
        user_model.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(memberships__role=Membership.Role.ADMIN))
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return sorted(set(admins))


def _notify_admins(*, user: Any, reads: int, limit: int, at: Any) -> None:
    """Tell the administrators (the notifications app listens): inbox and, by their
    preference, e-mail, sent by a task, never inside the reader's request."""
    if not admin_emails():
        logger.warning("bulk-read alert for user %s: no administrator has an e-mail", user.pk)
    security_alert.send_robust(
        sender=BULK_READ,
        key=f"bulk-read:{user.pk}:{timezone.localtime(at):%Y%m%d%H}",
        params={
            "user": user.get_username(),
            "reads": reads,
            "limit": limit,
            "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M"),
        },
    )


@transaction.atomic
def otp_device_start(*, actor: Any) -> Any:
    """A new unconfirmed TOTP device; an earlier unconfirmed one is discarded."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=actor, name="Kotopolku", confirmed=False)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="TOTPDevice",
        object_id=device.pk,
        reason="two-factor enrolment started",
    )
    return device


@transaction.atomic
def otp_device_confirm(*, actor: Any, device: Any, token: str) -> bool:
    ok = bool(device.verify_token(token))
    if ok:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="TOTPDevice",
        object_id=device.pk,
        reason="two-factor enrolment confirmed" if ok else "two-factor enrolment: wrong code",
        success=ok,
    )
    return ok


@transaction.atomic
def otp_device_remove(*, actor: Any, device: Any, token: str) -> bool:
    """Removing needs a valid code, so a stolen session alone cannot switch two-factor off."""
    if not device.verify_token(token):
        audit_record(
            actor=actor,
            action=AuditEvent.Action.DELETE,
            object_type="TOTPDevice",
            object_id=device.pk,
            reason="two-factor removal: wrong code",
            success=False,
        )
        return False
    pk = device.pk
    device.delete()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        object_type="TOTPDevice",
        object_id=pk,
        reason="two-factor removed",
    )
    return True


def otp_verify(*, actor: Any, device: Any, token: str) -> bool:
    """Check a code (django-otp throttles repeated failures) and audit the outcome."""
    ok = bool(device.verify_token(token))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.LOGIN if ok else AuditEvent.Action.LOGIN_FAILED,
        object_type="TOTPDevice",
        object_id=device.pk,
        reason="two-factor code",
        success=ok,
    )
    return ok
