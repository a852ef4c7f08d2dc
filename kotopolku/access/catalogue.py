"""Who may see and change the service catalogue. The public page needs no permission."""

from kotopolku.access.policy import ALL_ROLES, Permission, Role

CATALOGUE_VIEW = Permission("catalogue.view", ALL_ROLES)
# Writes are for coordinators only; administrators keep the system, not the content.
CATALOGUE_MANAGE = Permission("catalogue.manage", frozenset({Role.COORDINATOR}))
COMPLETENESS_VIEW = Permission("catalogue.completeness", ALL_ROLES)
