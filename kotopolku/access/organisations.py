"""Who may see organisations, their staff, the rule table, the audit log and the admin site."""

from typing import Any

from kotopolku.access.policy import (
    ALL_ROLES,
    PERSONAL_DATA_STAFF,
    Permission,
    Role,
    is_admin,
    organisation_ids_with_role,
)
from kotopolku.organisations.models import Organisation


def _manages(user: Any, organisation: Any) -> bool:
    if is_admin(user):
        return True
    return isinstance(organisation, Organisation) and organisation.pk in organisation_ids_with_role(
        user, Role.COORDINATOR
    )


STAFF_HOME = Permission("staff.home", ALL_ROLES)
ORGANISATION_LIST = Permission("organisation.list", ALL_ROLES)
ORGANISATION_VIEW = Permission("organisation.view", ALL_ROLES)
ORGANISATION_VIEW_MEMBERS = Permission("organisation.view_members", PERSONAL_DATA_STAFF)
# Admins anywhere; coordinators in their own organisation (decided per object).
ORGANISATION_MANAGE_MEMBERS = Permission(
    "organisation.manage_members", frozenset({Role.ADMIN, Role.COORDINATOR}), _manages
)
RULES_VIEW = Permission("rules.view", frozenset({Role.ADMIN, Role.COORDINATOR}))
AUDIT_VIEW = Permission("audit.view", frozenset({Role.ADMIN}))
ADMIN_SITE = Permission("admin.site", frozenset({Role.ADMIN}))
# Drafts of the rule table (docs/data-formats.md, rules_whatif): administrators and coordinators draft and preview;
# only administrators publish a draft into the live table.
RULES_DRAFT = Permission("rules.draft", frozenset({Role.ADMIN, Role.COORDINATOR}))
RULES_PUBLISH = Permission("rules.publish", frozenset({Role.ADMIN}))
