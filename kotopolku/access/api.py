from typing import Any

from rest_framework.permissions import BasePermission

from kotopolku.access.policy import Permission, can
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record


class DenyByDefault(BasePermission):
    """Any API view that forgets to name its permission is closed."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return False


def allows(perm: Permission) -> type[BasePermission]:
    class Allows(BasePermission):
        def has_permission(self, request: Any, view: Any) -> bool:
            if not request.user or not request.user.is_authenticated:
                return False
            if can(request.user, perm):
                return True
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.ACCESS_DENIED,
                reason=str(perm),
                success=False,
                path=request.path,
            )
            return False

    Allows.__name__ = f"Allows[{perm.key}]"
    return Allows
