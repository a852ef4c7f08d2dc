"""Writing audit rows. Every read of personal data, and every security event, comes here."""

import re
from typing import Any

from stdnum.fi import hetu

from kotopolku.audit.models import AuditEvent
from kotopolku.common.middleware import current_request_id

# Anything shaped like a Finnish identity code, with any century sign, old or new.
_HETU_SHAPE = re.compile(r"\b\d{6}[-+A-FYXWVU]\d{3}[0-9A-Y]\b", re.IGNORECASE)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """Remove identity codes (valid or not) from free text before it is stored or logged."""
    text = _HETU_SHAPE.sub(REDACTED, text)
    compact = text.replace(" ", "")
    if hetu.is_valid(compact):
        return REDACTED
    return text


def audit_record(
    *,
    actor: Any,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    client_id: int | None = None,
    reason: str = "",
    success: bool = True,
    path: str = "",
    actor_label: str = "",
) -> AuditEvent:
    user: Any = actor if actor is not None and actor.is_authenticated else None
    label = actor_label or (user.get_username() if user else "")
    event = AuditEvent.objects.create(
        actor=user,
        actor_label=redact(label)[:150],
        action=action,
        object_type=object_type[:60],
        object_id=str(object_id)[:64],
        client_id=client_id,
        reason=redact(reason)[:300],
        success=success,
        request_id=current_request_id(),
        path=redact(path)[:300],
    )
    if action == AuditEvent.Action.VIEW and client_id is not None and user is not None:
        # Bulk-extraction detector (security app); it runs after the read commits.
        from kotopolku.security.services import schedule_bulk_read_check

        schedule_bulk_read_check(user.pk)
    return event
