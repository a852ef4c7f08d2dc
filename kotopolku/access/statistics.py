"""Who may see which statistics, and when the small-cell protection may be lifted.

Statistics hold no personal data only once small cells are suppressed. So:
- `viewer`s (committees and managers) and admins see suppressed figures only;
- coordinators see the whole region, suppressed; figures limited to an organisation where they
  are a coordinator or case worker are inside their personal-data boundary and are shown
  unsuppressed on screen;
- case workers see their own organisation's dashboard, unsuppressed on screen;
- course providers see no statistics;
- exports, public pages and documents are always suppressed, whoever asks.
"""

from typing import Any

from kotopolku.access.policy import Permission, Role, organisation_ids_with_role, roles_of

STATISTICS_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER, Role.VIEWER})

STATISTICS_VIEW = Permission("statistics.view", STATISTICS_ROLES)
STATISTICS_EXPORT = Permission("statistics.export", STATISTICS_ROLES)
# Writing computed values into the programme's monitoring entries (the button).
MONITORING_COMPUTE = Permission("statistics.monitoring_compute", frozenset({Role.COORDINATOR}))

INSIDE_BOUNDARY_ROLES = (Role.COORDINATOR, Role.CASEWORKER)


def forced_organisations(user: Any) -> frozenset[int]:
    """The organisations a user's dashboard is limited to; empty means the whole region.

    Case workers who hold no wider role see only their own organisations.
    """
    roles = roles_of(user)
    if roles & {Role.ADMIN, Role.COORDINATOR, Role.VIEWER}:
        return frozenset()
    return organisation_ids_with_role(user, Role.CASEWORKER)


def may_see_unsuppressed(user: Any, *, organisation_id: int | None) -> bool:
    """Raw figures only for an organisation whose clients the user works with; when unsure,
    suppress."""
    if organisation_id is None:
        return False
    return organisation_id in organisation_ids_with_role(user, *INSIDE_BOUNDARY_ROLES)
