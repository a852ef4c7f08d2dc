"""Writes for data-subject rights: change history, erasure requests, restriction, retention."""

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record, redact
from kotopolku.clients.models import Client
from kotopolku.clients.services import (  # noqa: F401 (the history is the registry's)
    CHANGED,
    HETU_FIELD,
    TRACKED_FIELDS,
    client_changes_record,
    client_snapshot,
)
from kotopolku.privacy import selectors
from kotopolku.privacy.models import (
    Anonymisation,
    ErasureRequest,
    RestrictedReadGrant,
    Restriction,
)
from kotopolku.privacy.registry import HOLDINGS, MASK, MASK_TEXT, Mask

Action = AuditEvent.Action

# ---------------------------------------------------------------------------------------------
# Erasure requests and restriction


@transaction.atomic
def erasure_request_create(
    *, actor: Any, client: Client, received_on: date, channel: str = "", note: str = ""
) -> ErasureRequest:
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The day cannot be in the future.")})
    request = ErasureRequest.objects.create(
        client=client,
        received_on=received_on,
        channel=(channel or "").strip()[:100],
        note=redact((note or "").strip()),
        created_by=actor,
        modified_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        object_type="ErasureRequest",
        object_id=request.pk,
        client_id=client.pk,
    )
    return request


@transaction.atomic
def erasure_request_decide(
    *, actor: Any, request: ErasureRequest, decision: str, reason: str
) -> ErasureRequest:
    """Decide an erasure request. `restrict` keeps the data for its retention period and
    restricts processing (GDPR 17(3)(b) and 18); `reject` records why nothing changes."""
    request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == ErasureRequest.Status.DECIDED:
        raise ValidationError(_("This request has already been decided."))
    if decision not in ErasureRequest.Decision.values:
        raise ValidationError({"decision": _("Choose a decision.")})
    reason = redact((reason or "").strip())
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    today = timezone.localdate()
    request.status = ErasureRequest.Status.DECIDED
    request.decision = decision
    request.decision_reason = reason
    request.decided_on = today
    request.decided_by = actor
    request.modified_by = actor
    request.save()
    if decision == ErasureRequest.Decision.RESTRICT and not selectors.is_restricted(
        request.client_id
    ):
        restriction_start(
            actor=actor, client=request.client, reason=reason, erasure_request=request
        )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        object_type="ErasureRequest",
        object_id=request.pk,
        client_id=request.client_id,
        reason=f"decided: {decision}",
    )
    return request


@transaction.atomic
def restriction_start(
    *, actor: Any, client: Client, reason: str, erasure_request: ErasureRequest | None = None
) -> Restriction:
    reason = redact((reason or "").strip())
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the restriction.")})
    Client.objects.select_for_update().get(pk=client.pk)
    if selectors.is_restricted(client.pk):
        raise ValidationError(_("The client's processing is already restricted."))
    restriction = Restriction.objects.create(
        client=client,
        erasure_request=erasure_request,
        reason=reason,
        started_on=timezone.localdate(),
        created_by=actor,
        modified_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        object_type="Restriction",
        object_id=restriction.pk,
        client_id=client.pk,
    )
    return restriction


@transaction.atomic
def restriction_lift(*, actor: Any, restriction: Restriction, reason: str) -> Restriction:
    restriction = Restriction.objects.select_for_update().get(pk=restriction.pk)
    if not restriction.active:
        raise ValidationError(_("This restriction has already been lifted."))
    reason = redact((reason or "").strip())
    if not reason:
        raise ValidationError({"reason": _("Give the reason for lifting the restriction.")})
    restriction.lifted_on = timezone.localdate()
    restriction.lift_reason = reason
    restriction.modified_by = actor
    restriction.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        object_type="Restriction",
        object_id=restriction.pk,
        client_id=restriction.client_id,
        reason="lifted",
    )
    return restriction


@transaction.atomic
def restricted_read_grant(*, actor: Any, client: Client, reason: str) -> RestrictedReadGrant:
    """Let `actor` read a restricted client for a short while, for the reason they give."""
    reason = redact((reason or "").strip())
    if len(reason) < 5:
        raise ValidationError({"reason": _("Say why you need to open this client's data.")})
    minutes = getattr(settings, "PRIVACY_RESTRICTED_READ_MINUTES", 15)
    grant = RestrictedReadGrant.objects.create(
        client=client,
        user=actor,
        reason=reason[:300],
        expires_at=timezone.now() + timedelta(minutes=minutes),
    )
    audit_record(
        actor=actor,
        action=Action.VIEW,
        object_type="RestrictedReadGrant",
        object_id=grant.pk,
        client_id=client.pk,
        reason=f"reason given: {grant.reason}",
    )
    return grant


# ---------------------------------------------------------------------------------------------
# Retention


def _rows_of(holding, client_pks: list[int]):
    if holding.rows is None:
        # _base_manager: archived history rows are anonymised with the rest.
        return [holding.model_class._base_manager.filter(**{f"{holding.path}__in": client_pks})]
    return [holding.queryset(pk) for pk in client_pks]


def _anonymise_holding(holding, client_pks: list[int]) -> None:
    masked = [name for name, value in holding.anonymise.items() if isinstance(value, Mask)]
    plain = {k: v for k, v in holding.anonymise.items() if not isinstance(v, Mask)}
    for rows in _rows_of(holding, client_pks):
        for name in masked:
            rows.exclude(**{name: ""}).update(**{name: MASK_TEXT})
        if plain:
            rows.update(**plain)


@transaction.atomic
def clients_anonymise(*, actor: Any, clients: Iterable[Client], on: date, years: int) -> list[int]:
    """Anonymise each client through every holding of the registry; keeps what statistics count.

    Audit rows are append-only and hold no names, so they are kept as they are.
    """
    pks = [c.pk for c in clients]
    if not pks:
        return []
    for holding in HOLDINGS:
        if holding.anonymise:
            _anonymise_holding(holding, pks)
    # Live grants and restrictions end with the data they protected.
    RestrictedReadGrant.objects.filter(client_id__in=pks).update(expires_at=timezone.now())
    Anonymisation.objects.bulk_create(
        [Anonymisation(client_id=pk, as_of=on, retention_years=years) for pk in pks]
    )
    return pks


def retention_apply(
    *,
    actor: Any,
    on: date,
    dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 200,
) -> dict[str, Any]:
    """List (dry run) or anonymise the clients past retention on `on`; one audit summary row.

    Each batch is its own transaction, so a long run can be interrupted without half-written
    clients; a rerun continues where it stopped (anonymised clients are not due any more).
    """
    years = selectors.retention_years(on=on)
    due = list(selectors.retention_due(on=on).values("pk", "external_id", "closed_at"))
    done = 0
    if not dry_run:
        for start in range(0, len(due), batch):
            chunk = due[start : start + batch]
            clients_anonymise(
                actor=actor,
                clients=[Client(pk=row["pk"]) for row in chunk],
                on=on,
                years=years,
            )
            done += len(chunk)
            if progress:
                progress(done, len(due))
    summary = {
        "on": on.isoformat(),
        "retention_years": years,
        "dry_run": dry_run,
        "due": len(due),
        "anonymised": done,
        "clients": [
            {
                "id": r["pk"],
                "external_id": r["external_id"],
                "closed_at": r["closed_at"].isoformat() if r["closed_at"] else None,
            }
            for r in due
        ],
    }
    audit_record(
        actor=actor,
        action=Action.UPDATE if not dry_run else Action.VIEW,
        object_type="Retention",
        reason=(
            f"retention {'dry run' if dry_run else 'run'} on {on.isoformat()}: "
            f"{len(due)} due, {done} anonymised ({years} years after close)"
        ),
        actor_label="" if actor is not None else "apply_retention",
    )
    return summary


__all__ = [
    "MASK",
    "client_changes_record",
    "client_snapshot",
    "clients_anonymise",
    "erasure_request_create",
    "erasure_request_decide",
    "restricted_read_grant",
    "restriction_lift",
    "restriction_start",
    "retention_apply",
]
