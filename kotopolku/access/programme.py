"""Who may see and change the integration programme, its planning and its document.

The programme holds no personal data, so every staff role may read it and its document
(committees and managers are `viewer`s). Writes are for coordinators only.
"""

from kotopolku.access.policy import ALL_ROLES, Permission, Role

PROGRAMME_VIEW = Permission("programme.view", ALL_ROLES)
PROGRAMME_DOCUMENT = Permission("programme.document", ALL_ROLES)
PROGRAMME_MANAGE = Permission("programme.manage", frozenset({Role.COORDINATOR}))
PROGRAMME_APPROVE = Permission("programme.approve", frozenset({Role.COORDINATOR}))
