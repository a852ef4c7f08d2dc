"""Writing audit rows. Every read of personal data, and every security event, comes here."""

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import translation
from stdnum.fi import hetu

from kotopolku.audit.labels import reason_label
from kotopolku.audit.models import AuditEvent
from kotopolku.common.bulk import insert_rows
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


# Actions that read a client's personal data: they count toward the bulk-read alert.
CLIENT_READS = frozenset(
    {AuditEvent.Action.VIEW, AuditEvent.Action.SEARCH, AuditEvent.Action.EXPORT}
)

# Subscribers told, after the reading transaction commits, that a user has read clients.
# Higher apps (security's bulk-read detector) register in their AppConfig.ready; audit is a leaf
# and imports none of them.
_client_read_subscribers: list[Callable[[int, frozenset[int]], None]] = []


def subscribe_client_reads(callback: Callable[[int, frozenset[int]], None]) -> None:
    """Call `callback(user_id, client_ids)` after each transaction in which `user_id` read
    clients (`client_ids`: the clients that transaction's rows name)."""
    if callback not in _client_read_subscribers:
        _client_read_subscribers.append(callback)


class _ClientReadHook:
    """The on-commit callback; carries the user id so one transaction schedules it once, and
    the clients its reads named."""

    def __init__(self, user_id: int, client_ids: Iterable[int]):
        self.client_read_user_id = user_id
        self.client_ids = set(client_ids)

    def __call__(self) -> None:
        for callback in list(_client_read_subscribers):
            callback(self.client_read_user_id, frozenset(self.client_ids))


def _client_read(user_id: int, client_ids: Iterable[int]) -> None:
    if not _client_read_subscribers:
        return
    if connection.in_atomic_block:
        for entry in connection.run_on_commit:
            hook = entry[1]
            if isinstance(hook, _ClientReadHook) and hook.client_read_user_id == user_id:
                hook.client_ids.update(client_ids)
                return
    # robust: a failing subscriber never breaks the read that triggered it.
    transaction.on_commit(_ClientReadHook(user_id, client_ids), robust=True)


def _english(details: dict[str, Any] | None, reason: str) -> str:
    """The reason stored next to `details`: what the caller gave, or the summary in English
    (for the API, the log report and anyone reading the table without the labels)."""
    if reason or not details:
        return reason
    with translation.override("en"):
        return reason_label(details, "")


def _row(
    *,
    user: Any,
    label: str,
    action: str,
    object_type: str,
    object_id: str | int,
    client_id: int | None,
    reason: str,
    success: bool,
    path: str,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent(
        actor=user,
        actor_label=redact(label)[:150],
        action=action,
        object_type=object_type[:60],
        object_id=str(object_id)[:64],
        client_id=client_id,
        reason=redact(_english(details, reason))[:300],
        details=details or None,
        success=success,
        request_id=current_request_id(),
        path=redact(path)[:300],
    )


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
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """`details`: a system-made summary from `kotopolku.audit.labels.audit_summary(...)`, worded in
    the reader's language on the audit page; `reason` is for free text."""
    user: Any = actor if actor is not None and actor.is_authenticated else None
    label = actor_label or (user.get_username() if user else "")
    event = _row(
        user=user,
        label=label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        client_id=client_id,
        reason=reason,
        success=success,
        path=path,
        details=details,
    )
    event.save(force_insert=True)
    if action in CLIENT_READS and client_id is not None and user is not None and success:
        _client_read(user.pk, [int(client_id)])
    return event


def audit_client_reads(
    *,
    actor: Any,
    action: str,
    object_type: str,
    client_ids: Iterable[int],
    reason: str = "",
    path: str = "",
    details: dict[str, Any] | None = None,
) -> int:
    """One row per client shown by a list, search, export or document, in one batched insert.

    The 906/2019 § 17 log report is per client, so a page of 25 clients names all 25; the rows
    count toward the bulk-read alert like single reads. Returns the number of rows written.
    """
    user: Any = actor if actor is not None and actor.is_authenticated else None
    label = user.get_username() if user else ""
    ids = list(dict.fromkeys(int(pk) for pk in client_ids))  # unique, in the order shown
    if not ids:
        return 0
    # The rows differ only by the client: what `_row` makes of the rest is made once.
    shared = _row(
        user=user,
        label=label,
        action=action,
        object_type=object_type,
        object_id="",
        client_id=None,
        reason=_english(details, reason),
        success=True,
        path=path,
        details=details,
    )
    fields = {
        name: getattr(shared, name)
        for name in (
            "actor_id",
            "actor_label",
            "action",
            "object_type",
            "reason",
            "details",
            "success",
            "request_id",
            "path",
        )
    }
    # One INSERT of values (no model instance per row): a list page's 25 rows every request.
    insert_rows(AuditEvent, [{"object_id": str(pk)[:64], "client_id": pk, **fields} for pk in ids])
    if action in CLIENT_READS and user is not None:
        _client_read(user.pk, ids)
    return len(ids)
