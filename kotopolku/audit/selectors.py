from django.db.models import Q, QuerySet

from kotopolku.audit.models import AuditEvent


def audit_event_list(*, search: str = "", action: str = "") -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action=action)
    if search:
        events = events.filter(
            Q(actor_label__icontains=search)
            | Q(object_type__icontains=search)
            | Q(request_id__iexact=search)
        )
    return events.order_by("-at", "-id")
