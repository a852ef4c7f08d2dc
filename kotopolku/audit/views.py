from django.core.paginator import Paginator
from django.shortcuts import render

from kotopolku.access import organisations as perms
from kotopolku.access.views import requires
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.selectors import audit_event_list


@requires(perms.AUDIT_VIEW)
def audit_list(request):
    search = request.GET.get("q", "").strip()[:100]
    action = request.GET.get("action", "")
    if action not in AuditEvent.Action.values:
        action = ""
    events = audit_event_list(search=search, action=action).select_related("actor")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/audit_list.html",
        {"page": page, "search": search, "action": action, "actions": AuditEvent.Action.choices},
    )
