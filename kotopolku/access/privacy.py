"""Who may exercise data-subject rights on a client's behalf, and the restriction gate.

- The data export, the rectification history, erasure requests and restrictions: the admins
  and coordinators of the client's responsible organisation (the controller's staff who answer
  data-subject requests).
- The log report (906/2019 use and disclosure logs): those, and the caseworkers of the
  responsible organisation for their own clients, since a client often asks at the service desk
  who has seen their data. Caseworkers who see a client only through a consent or a referral
  get no log report: the log is the responsible organisation's record.
- A restricted client (GDPR art. 18) is hidden from lists; staff who could otherwise see the
  client may open them only after giving a reason, which grants a short, audited read.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from kotopolku.access.policy import (
    PERSONAL_DATA_STAFF,
    Permission,
    Role,
    organisation_ids_with_role,
)
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record

PRIVACY_OFFICERS = frozenset({Role.ADMIN, Role.COORDINATOR})


def _officer_of(user: Any, client: Any) -> bool:
    org = getattr(client, "responsible_organisation_id", None)
    return org is not None and org in organisation_ids_with_role(user, *PRIVACY_OFFICERS)


def _log_report_of(user: Any, client: Any) -> bool:
    org = getattr(client, "responsible_organisation_id", None)
    return org is not None and org in organisation_ids_with_role(
        user, Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER
    )


def _may_open(user: Any, client: Any) -> bool:
    from kotopolku.access.clients import client_visible_to

    return client_visible_to(user, client)


PRIVACY_OVERVIEW = Permission("privacy.overview", PRIVACY_OFFICERS)
PRIVACY_EXPORT = Permission("privacy.export", PRIVACY_OFFICERS, _officer_of)
PRIVACY_HISTORY = Permission("privacy.history", PRIVACY_OFFICERS, _officer_of)
PRIVACY_MANAGE = Permission("privacy.manage", PRIVACY_OFFICERS, _officer_of)
PRIVACY_LOG_REPORT = Permission("privacy.log_report", PERSONAL_DATA_STAFF, _log_report_of)
PRIVACY_OPEN_RESTRICTED = Permission("privacy.open_restricted", PERSONAL_DATA_STAFF, _may_open)


# The restriction part of the scope. It reads privacy's tables (models only), so that access
# never imports privacy's selectors and privacy's selectors may import access (docs/security.md).


def active_restriction_q() -> Q:
    from kotopolku.privacy.models import Restriction

    return Q(Exists(Restriction.objects.filter(client=OuterRef("pk"), lifted_on__isnull=True)))


def without_restricted(qs: QuerySet) -> QuerySet:
    """`qs` (of Client) without the clients whose processing is restricted (lists, searches)."""
    return qs.exclude(active_restriction_q())


def without_restricted_clients(qs: QuerySet, *, client_field: str = "client") -> QuerySet:
    """`qs` (rows that point to a client through `client_field`, e.g. enrolments) without the
    rows of clients whose processing is restricted: the same rule as `without_restricted`."""
    from kotopolku.privacy.models import Restriction

    restricted = Restriction.objects.filter(client=OuterRef(client_field), lifted_on__isnull=True)
    return qs.exclude(Exists(restricted))


def is_restricted(client_pk: int) -> bool:
    from kotopolku.privacy.models import Restriction

    return Restriction.objects.filter(client_id=client_pk, lifted_on__isnull=True).exists()


def active_grant(*, user: Any, client_pk: int, now: datetime) -> Any:
    """The user's live grant to read a restricted client, or None."""
    from kotopolku.privacy.models import RestrictedReadGrant

    if not getattr(user, "is_authenticated", False):
        return None
    return (
        RestrictedReadGrant.objects.filter(user_id=user.pk, client_id=client_pk, expires_at__gt=now)
        .order_by("-expires_at")
        .first()
    )


class RestrictedClient(PermissionDenied):
    """The client's processing is restricted and the user has not given a reason to read it."""

    def __init__(self, client_pk: int):
        super().__init__("client restricted")
        self.client_pk = client_pk


def deny_if_restricted(user: Any, client: Any, *, path: str = "") -> None:
    """Raise RestrictedClient unless the client is unrestricted or `user` holds a live grant.

    A read under a grant writes an audit row with the grant's reason; a refusal writes an
    access_denied row.
    """
    if client is None or not is_restricted(client.pk):
        return
    grant = active_grant(user=user, client_pk=client.pk, now=timezone.now())
    if grant is None:
        audit_record(
            actor=user,
            action=AuditEvent.Action.ACCESS_DENIED,
            object_type="RestrictedClient",
            object_id=client.pk,
            client_id=client.pk,
            reason="processing restricted; no reason given",
            success=False,
            path=path,
        )
        raise RestrictedClient(client.pk)
    audit_record(
        actor=user,
        action=AuditEvent.Action.VIEW,
        object_type="RestrictedClient",
        object_id=client.pk,
        client_id=client.pk,
        reason=f"restricted read: {grant.reason}",
        path=path,
    )
