"""GET /api/v1/audit/: the audit log for administrators, newest first, with cursor paging
(the log is the largest table; a cursor needs no COUNT and never skips a row)."""

from rest_framework import generics, serializers

from kotopolku.access import organisations as perms
from kotopolku.access.api import allows
from kotopolku.audit.filters import AuditEventFilter
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.selectors import audit_event_list
from kotopolku.common.pagination import CursorPagination


class AuditEventOutput(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "client_id",
            "reason",
            "details",
            "success",
            "request_id",
            "path",
        ]


class AuditEventListApi(generics.ListAPIView):
    serializer_class = AuditEventOutput
    permission_classes = [allows(perms.AUDIT_VIEW)]
    pagination_class = CursorPagination
    filterset_class = AuditEventFilter

    def get_queryset(self):
        return audit_event_list()
