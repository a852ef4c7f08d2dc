"""Reads for data-subject rights. Reads of personal data write their audit row here."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from kotopolku.access.clients import visible_clients
from kotopolku.access.policy import organisation_ids_with_role
from kotopolku.access.privacy import (  # noqa: F401 (re-exported for the apps that read them)
    PRIVACY_OFFICERS,
    active_grant,
    active_restriction_q,
    is_restricted,
    without_restricted,
    without_restricted_clients,
)
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.clients import identity
from kotopolku.clients.models import Client
from kotopolku.common.dates import add_years
from kotopolku.privacy.models import (
    Anonymisation,
    ClientChange,
    ErasureRequest,
    Restriction,
)
from kotopolku.privacy.registry import HOLDINGS, Holding
from kotopolku.rules.selectors import rule_value

EXPORT_FORMAT = "kotopolku-data-subject-export/1"

# Actions that show who read or received the client's data (906/2019 § 17 use and disclosure
# logs); the report shows every row about the client unless narrowed to these.
READ_ACTIONS = (
    AuditEvent.Action.VIEW,
    AuditEvent.Action.SEARCH,
    AuditEvent.Action.EXPORT,
    AuditEvent.Action.DISCLOSE,
    AuditEvent.Action.REVOKE,
    AuditEvent.Action.REVEAL,
    AuditEvent.Action.ACCESS_DENIED,
)


# ---------------------------------------------------------------------------------------------
# Restriction


# The restriction reads are part of the access scope (access/privacy.py); re-exported here.


def active_restriction(*, client: Client) -> Restriction | None:
    return (
        Restriction.objects.filter(client=client, lifted_on__isnull=True)
        .select_related("erasure_request", "created_by")
        .first()
    )


def client_for_privacy(*, pk: int) -> Client | None:
    """The client with what the privacy pages show; None when missing or archived."""
    return (
        Client.objects.filter(pk=pk, archived=False)
        .select_related("responsible_organisation")
        .first()
    )


def restrictions_of(*, client: Client) -> QuerySet[Restriction]:
    return client.restrictions.select_related("erasure_request", "created_by", "modified_by")


def erasure_requests_of(*, client: Client) -> QuerySet[ErasureRequest]:
    return client.erasure_requests.select_related("decided_by", "created_by")


def privacy_overview(*, user: Any, search: str = "") -> QuerySet[Client]:
    """Clients of the user's organisations (as admin or coordinator) that are restricted or have
    an undecided erasure request: the privacy officer's worklist."""
    org_ids = organisation_ids_with_role(user, *PRIVACY_OFFICERS)
    open_request = Exists(
        ErasureRequest.objects.filter(client=OuterRef("pk"), status=ErasureRequest.Status.RECEIVED)
    )
    # Within the one client scope, narrowed to the organisations the user is an officer of.
    rows = visible_clients(user, Client.objects.all()).filter(
        Q(active_restriction_q()) | Q(open_request),
        responsible_organisation_id__in=org_ids,
    )
    search = (search or "").strip()
    if search:
        words = Q()
        for word in search.split()[:4]:
            words &= Q(last_name__icontains=word) | Q(first_names__icontains=word)
        rows = rows.filter(Q(external_id__iexact=search) | words)
    return (
        rows.annotate(restricted=active_restriction_q(), open_request=open_request)
        .select_related("responsible_organisation")
        .order_by("last_name", "first_names", "id")
    )


# ---------------------------------------------------------------------------------------------
# Export


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return None
    return value


def _rows(holding: Holding, client_pk: int) -> list[dict[str, Any]]:
    model = holding.model_class
    fields = [f for f in model._meta.concrete_fields if f.name not in holding.secret]
    relations = [f.name for f in fields if f.is_relation]
    many = [f.name for f in model._meta.many_to_many]
    qs = holding.queryset(client_pk).select_related(*relations).prefetch_related(*many)
    out = []
    for obj in qs.order_by("pk"):
        row: dict[str, Any] = {}
        for f in fields:
            if isinstance(f, models.BinaryField):
                continue
            if f.is_relation:
                related = getattr(obj, f.name)
                row[f.name] = None if related is None else str(related)
                if f.name not in ("created_by", "modified_by"):
                    row[f.attname] = getattr(obj, f.attname)
            else:
                row[f.name] = _plain(getattr(obj, f.attname))
        for name in many:
            row[name] = sorted(str(o) for o in getattr(obj, name).all())
        out.append(row)
    return out


def export_data(*, client: Client) -> dict[str, Any]:
    """Everything held about the client, model by model (no audit row; see client_export)."""
    sections = {h.model: _rows(h, client.pk) for h in HOLDINGS}
    if client.hetu_encrypted and sections["clients.Client"]:
        # The data subject's own identity code, in clear only inside their export.
        sections["clients.Client"][0]["identity_code"] = identity.decrypt(client.hetu_encrypted)
    return {
        "format": EXPORT_FORMAT,
        "generated_at": timezone.localtime().isoformat(),
        "client": {"id": client.pk, "external_id": client.external_id},
        "sections": sections,
    }


def client_export(*, actor: Any, client: Client, fmt: str, path: str = "") -> dict[str, Any]:
    data = export_data(client=client)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        object_type="DataSubjectExport",
        object_id=client.pk,
        client_id=client.pk,
        reason=f"data subject export ({fmt})",
        path=path,
    )
    return data


# ---------------------------------------------------------------------------------------------
# Log report and history


def log_report(
    *,
    client: Client,
    date_from: date | None = None,
    date_to: date | None = None,
    reads_only: bool = False,
) -> QuerySet[AuditEvent]:
    """Who read, received or changed the client's data, and when and why (906/2019 § 17)."""
    rows = AuditEvent.objects.filter(client_id=client.pk)
    if date_from:
        rows = rows.filter(at__date__gte=date_from)
    if date_to:
        rows = rows.filter(at__date__lte=date_to)
    if reads_only:
        rows = rows.filter(action__in=READ_ACTIONS)
    return rows.select_related("actor").order_by("-at", "-id")


def log_report_audit(
    *, actor: Any, client: Client, fmt: str, date_from: date | None, date_to: date | None, path=""
) -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.VIEW if fmt == "html" else AuditEvent.Action.EXPORT,
        object_type="LogReport",
        object_id=client.pk,
        client_id=client.pk,
        reason=f"log report {fmt} {date_from or '…'}–{date_to or '…'}",
        path=path,
    )


def change_history(*, client: Client) -> QuerySet[ClientChange]:
    return client.changes.select_related("changed_by").order_by("-changed_at", "-id")


def change_history_audit(*, actor: Any, client: Client, path: str = "") -> None:
    audit_record(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        object_type="ClientChangeHistory",
        object_id=client.pk,
        client_id=client.pk,
        path=path,
    )


# ---------------------------------------------------------------------------------------------
# Retention


def retention_years(*, on: date) -> int:
    return int(rule_value("retention_years_after_close", on=on))


def retention_due(*, on: date) -> QuerySet[Client]:
    """Clients whose case closed more than N years before `on` and are not yet anonymised.

    "More than N years": the day `on` is after closed_at + N years.
    """
    years = retention_years(on=on)
    # Candidates by a cheap bound, then the exact rule through the one date helper (a month-end
    # clamp such as 29 February makes "closed_at < on − N years" differ by a day).
    bound = add_years(on, -years) + timedelta(days=1)
    candidates = (
        Client.objects.filter(closed_at__isnull=False, closed_at__lte=bound)
        .exclude(Exists(Anonymisation.objects.filter(client=OuterRef("pk"))))
        .values_list("pk", "closed_at")
    )
    due = [pk for pk, closed in candidates if closed is not None and add_years(closed, years) < on]
    return Client.objects.filter(pk__in=due).order_by("closed_at", "id")
