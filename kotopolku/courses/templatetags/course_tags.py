"""`{% load course_tags %}{% course_progress plan %}` shows a plan's course progress (attended
hours against required hours, work placements, test results against the B1.1 target) to a case
worker, on any page that has `request` in its context. Nothing is shown to users who may not
see the client's progress; the read is audited in the selector."""

from django import template
from django.urls import reverse
from django.utils.translation import get_language

from kotopolku.access import courses as perms
from kotopolku.access.policy import can
from kotopolku.common.holidays import public_holiday
from kotopolku.courses import selectors
from kotopolku.courses.models import Course

# A service still to be arranged: enrolling is the next step.
OPEN_SERVICE_STATUSES = ("planned", "referred")

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


@register.simple_tag(takes_context=True)
def enrol_url(context, plan_service) -> str:
    """The enrolment page of a plan service whose category is a course (orientation,
    integration training, …), for a user who may enrol the client; otherwise ""."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if (
        user is None
        or plan_service.category_id not in Course.CATEGORY_OF_KIND.values()
        or plan_service.status not in OPEN_SERVICE_STATUSES
        or not can(user, perms.ENROL, plan_service.plan)
    ):
        return ""
    return reverse("courses:enrol", args=[plan_service.pk])


@register.filter
def holiday_name(day) -> str:
    """`{{ session.day|holiday_name }}`: the Finnish public holiday on the day, or ""."""
    return public_holiday(day, get_language()) or ""
