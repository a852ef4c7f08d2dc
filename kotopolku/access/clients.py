"""Who may see and change clients of the registry: the one visibility scope.

`client_scope(user)` answers "which clients may this user see, and why". Every list, object
check, worklist, API, export and document goes through it (`visible_clients`,
`client_visible_to`, `deny_unless_visible`, `access_reasons`); nothing else writes the rule.

- own organisation: admins, coordinators and case workers see the clients their organisation is
  responsible for (the privacy officers of that organisation are among them);
- referral: case workers of an organisation that accepted a referral of the client, until the
  referral's `access_until` and never after it is completed, rejected, withdrawn or expired;
- consent: case workers of an organisation the client has consented, in a recorded and valid
  `Consent`, to share their data with;
- provider and viewer: no access to the registry.

A client the user may not see answers 404, never 403, so that existence is not revealed; the
denial is audited (`deny_unless_visible`).
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kotopolku.access.policy import (
    PERSONAL_DATA_STAFF,
    Permission,
    Role,
    organisation_ids_with_role,
)
from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record

_OWN_ORGANISATION_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER)
_NOTHING = Q(pk__in=[])


class Reason(StrEnum):
    """Why a user may see a client."""

    OWN_ORGANISATION = "own_organisation"
    REFERRAL = "referral"
    CONSENT = "consent"


# The parts of the scope a user works on (the worklist); consent only lets them read.
CASELOAD = frozenset({Reason.OWN_ORGANISATION, Reason.REFERRAL})


@dataclass(frozen=True)
class ScopePart:
    reason: Reason
    condition: Q


def own_organisation_ids(user: Any) -> frozenset[int]:
    """Organisations whose clients the user sees because they are responsible for them."""
    return organisation_ids_with_role(user, *_OWN_ORGANISATION_ROLES)


def shared_organisation_ids(user: Any) -> frozenset[int]:
    """Organisations through which a user sees other organisations' clients (referral, consent)."""
    return organisation_ids_with_role(user, Role.CASEWORKER)


def consent_condition(org_ids: frozenset[int], on: date) -> Q:
    """Clients who consent, on `on`, to share their data with one of `org_ids`."""
    from kotopolku.clients.models import Consent

    if not org_ids:
        return _NOTHING
    return Q(
        Exists(
            Consent.objects.filter(
                client=OuterRef("pk"),
                organisation_id__in=org_ids,
                withdrawn_at__isnull=True,
                valid_from__lte=on,
                valid_until__gte=on,
            )
            # A consent to a referral opens the record only through that referral's lifecycle
            # (referral_condition), never on its own: not before acceptance, not after its end.
            .exclude(purpose=Consent.Purpose.REFERRAL)
        )
    )


def referral_condition(org_ids: frozenset[int], on: date) -> Q:
    """Clients referred to one of `org_ids` by an accepted referral whose access runs on `on`.

    Completed, rejected, withdrawn and expired referrals grant nothing; neither does an accepted
    one after its `access_until` (whether or not the expiry job has run yet), nor one whose
    consent the client has withdrawn.
    """
    from kotopolku.casework.models import Referral

    if not org_ids:
        return _NOTHING
    # `pk IN (referred clients)`, not a correlated EXISTS: SQLite then starts from the few
    # accepted referrals (their receiver index) instead of probing every client in the registry.
    return Q(
        pk__in=Referral.objects.filter(
            to_organisation_id__in=org_ids,
            status=Referral.Status.ACCEPTED,
            access_until__gte=on,
        )
        .filter(Q(consent__isnull=True) | Q(consent__withdrawn_at__isnull=True))
        .values("client_id")
    )


@dataclass(frozen=True)
class ScopeKey:
    """Everything the scope of a user is built from: the organisations they see clients of as
    responsible (`own`) and through referrals and consents (`shared`), and the day."""

    own: frozenset[int]
    shared: frozenset[int]
    on: date


def client_scope_key(user: Any, on: date | None = None) -> ScopeKey | None:
    """What `client_scope(user, on)` is made of (None: a user who sees nobody). The scope is
    built from this key alone (`scope_parts`), so equal keys give the same parts and the same
    SQL: a caller may keep what it built from the parts under the key (the worklist keeps its
    compiled query). Who sees which client is still decided by the database on every read."""
    if not user.is_authenticated or not user.is_active:
        return None
    return ScopeKey(
        own=own_organisation_ids(user),
        shared=shared_organisation_ids(user),
        on=on or timezone.localdate(),
    )


def client_scope(user: Any, on: date | None = None) -> list[ScopePart]:
    """The clients `user` may see on `on`, as named parts whose union is the scope.

    Callers that need one filter use `visible_clients`; the worklist unions the parts it calls
    its caseload (own organisation and referrals), which keeps each part index-friendly.
    """
    return scope_parts(client_scope_key(user, on))


def scope_parts(key: ScopeKey | None) -> list[ScopePart]:
    """The parts of the scope of `key` (`client_scope_key`)."""
    if key is None:
        return []
    parts = []
    if key.own:
        parts.append(ScopePart(Reason.OWN_ORGANISATION, Q(responsible_organisation_id__in=key.own)))
    if key.shared:
        parts.append(ScopePart(Reason.REFERRAL, referral_condition(key.shared, key.on)))
        parts.append(ScopePart(Reason.CONSENT, consent_condition(key.shared, key.on)))
    return parts


def scope_condition(user: Any, on: date | None = None, *, reasons=None) -> Q:
    condition = _NOTHING
    for part in client_scope(user, on):
        if reasons is None or part.reason in reasons:
            condition |= part.condition
    return condition


def visible_clients(user: Any, qs: QuerySet | None = None, on: date | None = None) -> QuerySet:
    """`qs` (of Client, default all) narrowed to what `user` may see; every list uses this."""
    if qs is None:
        from kotopolku.clients.models import Client

        qs = Client.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    return qs.filter(scope_condition(user, on), archived=False)


def visible_client_ids(user: Any, on: date | None = None) -> QuerySet:
    """The ids of the visible clients, as a subquery for lists of other objects."""
    return visible_clients(user, on=on).values("pk")


def access_reasons(user: Any, client: Any, on: date | None = None) -> list[Reason]:
    """Why `user` may see `client` on `on` (empty: not at all)."""
    if client is None or getattr(client, "archived", False):
        return []
    from kotopolku.clients.models import Client

    reasons: list[Reason] = []
    for part in client_scope(user, on):
        if part.reason == Reason.OWN_ORGANISATION:
            if client.responsible_organisation_id in own_organisation_ids(user):
                reasons.append(part.reason)
        elif Client.objects.filter(part.condition, pk=client.pk).exists():
            reasons.append(part.reason)
    return reasons


def client_visible_to(user: Any, client: Any, on: date | None = None) -> bool:
    if not user.is_authenticated or not user.is_active or client is None or client.archived:
        return False
    if client.responsible_organisation_id in own_organisation_ids(user):
        return True
    from kotopolku.clients.models import Client

    return visible_clients(user, Client.objects.filter(pk=client.pk), on).exists()


def _responsible_staff(user: Any, client: Any) -> bool:
    """Changes that move responsibility stay with the responsible organisation's staff."""
    return client.responsible_organisation_id in own_organisation_ids(user)


CLIENT_LIST = Permission("client.list", PERSONAL_DATA_STAFF)
CLIENT_CREATE = Permission("client.create", PERSONAL_DATA_STAFF)
CLIENT_VIEW = Permission("client.view", PERSONAL_DATA_STAFF, client_visible_to)
CLIENT_EDIT = Permission("client.edit", PERSONAL_DATA_STAFF, _responsible_staff)
CLIENT_REVEAL_HETU = Permission("client.reveal_hetu", PERSONAL_DATA_STAFF, client_visible_to)
CLIENT_MOVE = Permission("client.move", PERSONAL_DATA_STAFF, _responsible_staff)
CLIENT_TRANSFER = Permission("client.transfer", PERSONAL_DATA_STAFF, _responsible_staff)
CONSENT_MANAGE = Permission("client.consent", PERSONAL_DATA_STAFF, _responsible_staff)
# A case file carries the whole case (identity code, plans): only the responsible
# organisation's staff export it, never an organisation that sees the client by a referral.
CLIENT_EXPORT = Permission("client.export", PERSONAL_DATA_STAFF, _responsible_staff)


def exportable_clients(user: Any, qs: QuerySet | None = None, on: date | None = None) -> QuerySet:
    """`qs` narrowed to the clients whose case file `user` may export: the part of their scope
    that is their own organisation's responsibility."""
    return visible_clients(user, qs, on).filter(
        scope_condition(user, on, reasons={Reason.OWN_ORGANISATION})
    )


def deny_unless_visible(user: Any, client: Any, *, path: str = "", object_id: Any = "") -> None:
    """Raise Http404, with an access_denied audit row, unless `user` may see `client`.

    `client` may be None (no such client): the answer and the audit row are the same, so a
    probe cannot tell a hidden client from a missing one.
    """
    from kotopolku.access.policy import can

    if client is not None and can(user, CLIENT_VIEW, client):
        # privacy (kotopolku/privacy/README.md): a restricted client is read only with a reason (audited).
        from kotopolku.access.privacy import deny_if_restricted

        deny_if_restricted(user, client, path=path)
        return
    audit_record(
        actor=user,
        action=AuditEvent.Action.ACCESS_DENIED,
        object_type="Client",
        object_id=getattr(client, "pk", None) or object_id,
        client_id=getattr(client, "pk", None),
        reason=str(CLIENT_VIEW),
        details=audit_summary("denied", permission=CLIENT_VIEW.key),
        success=False,
        path=path,
    )
    raise Http404
