"""Who may see and do casework: guidance, assessments, plans, referrals and worklists.

Casework on a client follows the registry's rule (`access/clients.py`): whoever may see the
client may see and record their casework. A referral is seen by the staff of the sending and of
the receiving organisation; only the receiving organisation's case workers answer it, and only
the sending side may send one.
"""

from typing import Any

from kotopolku.access.clients import client_visible_to
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


def _party_to_referral(user: Any, referral: Any) -> bool:
    if is_admin(user):
        return True
    orgs = casework_organisation_ids(user)
    return referral.from_organisation_id in orgs or referral.to_organisation_id in orgs


def _receives_referral(user: Any, referral: Any) -> bool:
    return referral.to_organisation_id in organisation_ids_with_role(user, *CASEWORK_ROLES)


WORKLIST = Permission("casework.worklist", CASEWORK_ROLES)
CONTACT_LIST = Permission("casework.contact_list", PERSONAL_DATA_STAFF)
CONTACT_RECORD = Permission("casework.contact_record", CASEWORK_ROLES)
# Per client: the registry's visibility rule decides (404 when not visible).
CASE_VIEW = Permission("casework.case_view", PERSONAL_DATA_STAFF, _sees_client)
CASE_EDIT = Permission("casework.case_edit", CASEWORK_ROLES, _works_on_client)
REFERRAL_LIST = Permission("casework.referral_list", PERSONAL_DATA_STAFF)
REFERRAL_VIEW = Permission("casework.referral_view", PERSONAL_DATA_STAFF, _party_to_referral)
REFERRAL_ANSWER = Permission("casework.referral_answer", CASEWORK_ROLES, _receives_referral)
DEADLINES_VIEW = Permission("casework.deadlines", PERSONAL_DATA_STAFF, _sees_client)
