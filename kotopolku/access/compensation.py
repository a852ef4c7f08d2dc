"""Who may see and handle state compensation: the coordinators of a municipality, and admins.

Compensation data names persons and sums of money owed to one municipality, so a coordinator
sees only the municipalities where they hold the coordinator role; nobody else sees any of it.
"""

from typing import Any

from django.db.models import QuerySet

from kotopolku.access.policy import Permission, Role, is_admin, organisation_ids_with_role
from kotopolku.organisations.models import Organisation

COMPENSATION_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})


def _municipality_of(obj: Any) -> Organisation | None:
    if isinstance(obj, Organisation):
        return obj
    municipality = getattr(obj, "municipality", None)
    return municipality if isinstance(municipality, Organisation) else None


def _handles(user: Any, obj: Any) -> bool:
    if is_admin(user):
        return True
    municipality = _municipality_of(obj)
    return (
        municipality is not None
        and municipality.kind == Organisation.Kind.MUNICIPALITY
        and municipality.pk in organisation_ids_with_role(user, Role.COORDINATOR)
    )


# Role level: may open the compensation pages at all. Per object (a municipality, or anything
# with a `municipality`): only that municipality's coordinators, and admins.
COMPENSATION_VIEW = Permission("compensation.view", COMPENSATION_ROLES, _handles)
COMPENSATION_MANAGE = Permission("compensation.manage", COMPENSATION_ROLES, _handles)


def compensation_municipalities(user: Any) -> QuerySet[Organisation]:
    """The municipalities whose compensation the user may see, in name order."""
    rows = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY, archived=False)
    if not is_admin(user):
        rows = rows.filter(pk__in=organisation_ids_with_role(user, Role.COORDINATOR))
    return rows.order_by("name_fi")
