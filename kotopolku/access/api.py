from typing import Any

from rest_framework.permissions import BasePermission

from kotopolku.access.policy import Permission, can
from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_client_reads, audit_record


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
                details=audit_summary("denied", permission=perm.key),
                success=False,
                path=request.path,
            )
            return False

    Allows.__name__ = f"Allows[{perm.key}]"
    return Allows


class ClientReadsAudited:
    """For API lists that show clients: one audit row per client on the page served.

    Set `audit_object_type`; override `client_id_of(row)` when rows are not clients. Rows are
    written with `audit_client_reads` (one batched insert) and count toward the bulk-read alert.
    """

    audit_object_type = "ClientList"
    audit_action = AuditEvent.Action.VIEW

    def client_id_of(self, row: Any) -> int | None:
        return getattr(row, "client_id", None) or getattr(row, "pk", None)

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)  # type: ignore[misc]
        rows = page if page is not None else queryset
        request = self.request  # type: ignore[attr-defined]
        audit_client_reads(
            actor=request.user,
            action=self.audit_action,
            object_type=self.audit_object_type,
            client_ids=[pk for pk in (self.client_id_of(r) for r in rows) if pk is not None],
            details=audit_summary("api_list"),
            path=request.path,
        )
        return page
