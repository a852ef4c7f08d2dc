"""Who may see and do casework: guidance, assessments, plans, referrals and worklists.

Casework on a client follows the one client scope (`access/clients.py`): whoever may see the
client may see and record their casework.

Referrals:
- the sending organisation and the organisation responsible for the client see every referral
  of the client, with its whole onward chain;
- the receiving organisation sees a referral while it is open: sent, or accepted and within its
  `access_until`; never after it is completed, rejected, withdrawn or expired;
- only the responsible organisation sends a referral, or a receiver whose referral the
  responsible organisation marked `onward_allowed` (recorded); a receiver never on its own;
- only the receiving organisation's case workers answer; the sender or the responsible
  organisation may withdraw an open referral at any time.
"""

from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from kotopolku.access.clients import client_visible_to, own_organisation_ids
from kotopolku.access.policy import (
    PERSONAL_DATA_STAFF,
    Permission,
    Role,
    is_admin,
    organisation_ids_with_role,
)

CASEWORK_ROLES = frozenset({Role.COORDINATOR, Role.CASEWORKER})


def casework_organisation_ids(user: Any) -> frozenset[int]:
    """Organisations on whose behalf the user records casework."""
    return organisation_ids_with_role(user, Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER)


def _client_of(obj: Any) -> Any:
    from kotopolku.clients.models import Client

    if isinstance(obj, Client):
        return obj
    return getattr(obj, "client", None)


def _sees_client(user: Any, obj: Any) -> bool:
    client = _client_of(obj)
    return client is not None and client_visible_to(user, client)


def _works_on_client(user: Any, obj: Any) -> bool:
    return bool(organisation_ids_with_role(user, *CASEWORK_ROLES)) and _sees_client(user, obj)


# Referrals ------------------------------------------------------------------------------------


def _receiver_open(on: date) -> Q:
    from kotopolku.casework.models import Referral

    return Q(status=Referral.Status.SENT) | Q(status=Referral.Status.ACCEPTED, access_until__gte=on)


def referral_scope(user: Any, on: date | None = None) -> Q:
    """The referrals `user` may see (a filter on Referral)."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    on = on or timezone.localdate()
    if is_admin(user):
        return Q()
    mine = casework_organisation_ids(user)
    own = own_organisation_ids(user)
    receiving = organisation_ids_with_role(user, *CASEWORK_ROLES)
    return (
        Q(from_organisation_id__in=mine)
        | Q(client__responsible_organisation_id__in=own)
        | (Q(to_organisation_id__in=receiving) & _receiver_open(on))
    )


def _sees_referral(user: Any, referral: Any) -> bool:
    from kotopolku.casework.models import Referral

    if is_admin(user):
        return True
    return Referral.objects.filter(referral_scope(user), pk=referral.pk).exists()


def _receives_referral(user: Any, referral: Any) -> bool:
    return (
        referral.to_organisation_id in organisation_ids_with_role(user, *CASEWORK_ROLES)
        and referral.status not in referral.ENDED
    )


def _may_withdraw(user: Any, referral: Any) -> bool:
    orgs = organisation_ids_with_role(user, *CASEWORK_ROLES)
    return referral.from_organisation_id in orgs or (
        referral.client.responsible_organisation_id in orgs
    )


def referral_sender_ids(user: Any, client: Any, on: date | None = None) -> list[int]:
    """The user's organisations that may refer `client`: the responsible one first, then any
    receiver of an accepted, running referral that the responsible organisation marked
    `onward_allowed`. Empty: the user may not refer the client."""
    from kotopolku.casework.models import Referral

    on = on or timezone.localdate()
    orgs = organisation_ids_with_role(user, *CASEWORK_ROLES)
    result = (
        [client.responsible_organisation_id] if client.responsible_organisation_id in orgs else []
    )
    onward = (
        Referral.objects.filter(
            client=client,
            to_organisation_id__in=orgs,
            status=Referral.Status.ACCEPTED,
            access_until__gte=on,
            onward_allowed=True,
        )
        .order_by("to_organisation_id")
        .values_list("to_organisation_id", flat=True)
    )
    result += [pk for pk in onward if pk not in result]
    return result


def _may_refer(user: Any, client: Any) -> bool:
    client = _client_of(client)
    return client is not None and bool(referral_sender_ids(user, client))


WORKLIST = Permission("casework.worklist", CASEWORK_ROLES)
CONTACT_LIST = Permission("casework.contact_list", PERSONAL_DATA_STAFF)
CONTACT_RECORD = Permission("casework.contact_record", CASEWORK_ROLES)
# Per client: the registry's visibility rule decides (404 when not visible).
CASE_VIEW = Permission("casework.case_view", PERSONAL_DATA_STAFF, _sees_client)
CASE_EDIT = Permission("casework.case_edit", CASEWORK_ROLES, _works_on_client)
REFERRAL_LIST = Permission("casework.referral_list", PERSONAL_DATA_STAFF)
REFERRAL_VIEW = Permission("casework.referral_view", PERSONAL_DATA_STAFF, _sees_referral)
REFERRAL_SEND = Permission("casework.referral_send", CASEWORK_ROLES, _may_refer)
REFERRAL_ANSWER = Permission("casework.referral_answer", CASEWORK_ROLES, _receives_referral)
REFERRAL_WITHDRAW = Permission("casework.referral_withdraw", CASEWORK_ROLES, _may_withdraw)
DEADLINES_VIEW = Permission("casework.deadlines", PERSONAL_DATA_STAFF, _sees_client)
