"""The administrator's block on the home page: security alerts of the last two weeks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from kotopolku.access import organisations as perms
from kotopolku.access.policy import can
from kotopolku.audit.models import AuditEvent

LOOK_BACK = timedelta(days=14)
SHOWN = 5


def audit_today(*, user: Any) -> dict[str, Any]:
    """Recent security alerts (unusual volumes of client reads, ...) for those who may read the
    audit log; None for everyone else."""
    if not can(user, perms.AUDIT_VIEW):
        return {"audit_today": None}
    alerts = AuditEvent.objects.filter(
        action=AuditEvent.Action.ALERT, at__gte=timezone.now() - LOOK_BACK
    ).order_by("-at", "-pk")
    return {"audit_today": {"count": alerts.count(), "latest": list(alerts[:SHOWN])}}
