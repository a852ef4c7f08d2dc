"""`{% load course_tags %}{% course_progress plan %}` shows a plan's course progress (attended
hours against required hours, work placements, test results against the B1.1 target) to a case
worker, on any page that has `request` in its context. Nothing is shown to users who may not
see the client's progress; the read is audited in the selector."""

from django import template

from kotopolku.access import courses as perms
from kotopolku.access.policy import can
from kotopolku.courses import selectors

register = template.Library()


@register.inclusion_tag("courses/plan_progress.html", takes_context=True)
def course_progress(context, plan):
    request = context.get("request")
    user = getattr(request, "user", None)
    items = None
    if user is not None and plan is not None and can(user, perms.PROGRESS_VIEW, plan.client):
        items = selectors.plan_progress(user=user, plan=plan, path=getattr(request, "path", ""))
    return {
        "progress_items": items,
        "progress_id": f"p{getattr(plan, 'pk', '')}",
        "request": request,
    }
