"""Who may see and change clients of the registry.

- admin and coordinator: the clients their own organisation(s) are responsible for;
- caseworker: the clients their own organisation is responsible for, and clients of another
  organisation while a recorded consent to share with the caseworker's organisation is valid
  (and, added by casework, while an accepted referral to it is open);
- provider and viewer: no access to the registry.

A client the user may not see answers 404, never 403, so that existence is not revealed; the
denial is audited (`deny_unless_visible`).
"""

from datetime import date
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
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record

_OWN_ORGANISATION_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER)
_NOTHING = Q(pk__in=[])


def own_organisation_ids(user: Any) -> frozenset[int]:
    """Organisations whose clients the user sees because they are responsible for them."""
    return organisation_ids_with_role(user, *_OWN_ORGANISATION_ROLES)


def consent_condition(user: Any, on: date) -> Q:
    """Clients who consent, on `on`, to share their data with one of the user's caseworker orgs."""
    from kotopolku.clients.models import Consent

    org_ids = organisation_ids_with_role(user, Role.CASEWORKER)
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
        )
    )


def referral_condition(user: Any, on: date) -> Q:
    """Clients referred to one of the user's caseworker organisations by an accepted, open
    referral. Completing (closing) the referral ends the access."""
    from kotopolku.casework.models import Referral

    org_ids = organisation_ids_with_role(user, Role.CASEWORKER)
    if not org_ids:
        return _NOTHING
    return Q(
        Exists(
            Referral.objects.filter(
                client=OuterRef("pk"),
                to_organisation_id__in=org_ids,
                status=Referral.Status.ACCEPTED,
            )
        )
    )


def shared_condition(user: Any, on: date) -> Q:
    """Clients of other organisations that are shared with the user, on `on`."""
    return consent_condition(user, on) | referral_condition(user, on)


def visible_clients(user: Any, qs: QuerySet, on: date | None = None) -> QuerySet:
    """`qs` (of Client) narrowed to what `user` may see; the one filter every list uses."""
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    on = on or timezone.localdate()
    own = own_organisation_ids(user)
    condition = Q(responsible_organisation_id__in=own) if own else _NOTHING
    condition |= shared_condition(user, on)
    return qs.filter(condition, archived=False)


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


def deny_unless_visible(user: Any, client: Any, *, path: str = "", object_id: Any = "") -> None:
    """Raise Http404, with an access_denied audit row, unless `user` may see `client`.

    `client` may be None (no such client): the answer and the audit row are the same, so a
    probe cannot tell a hidden client from a missing one.
    """
    from kotopolku.access.policy import can

    if client is not None and can(user, CLIENT_VIEW, client):
        # privacy (issue 9): a restricted client is read only with a reason (audited).
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
        success=False,
        path=path,
    )
    raise Http404
