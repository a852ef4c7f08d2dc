from django.core.paginator import Paginator
from django.shortcuts import render

from kotopolku.access import organisations as perms
from kotopolku.access.views import requires
from kotopolku.audit.filters import AuditEventFilter
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.selectors import audit_event_list
from kotopolku.common.filters import filtered


@requires(perms.AUDIT_VIEW)
def audit_list(request):
    data = request.GET.copy()
    if "q" in data and "search" not in data:
        data["search"] = data["q"]  # the page's search box
    filterset, events = filtered(AuditEventFilter, data, audit_event_list(), request=request)
    events = events.select_related("actor")
    search = filterset.form.cleaned_data.get("search") or ""
    action = filterset.form.cleaned_data.get("action") or ""
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/audit_list.html",
        {"page": page, "search": search, "action": action, "actions": AuditEvent.Action.choices},
    )
