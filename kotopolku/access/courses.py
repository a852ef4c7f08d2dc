"""Who may see and run courses, their participants, attendance, placements and test results.

- provider: the courses of their own organisation, and of those only the enrolled clients with
  the minimum fields (name, language, contact, attendance); never the assessment or the plan;
  records sessions, attendance, placements and test results, and the participants' status.
- coordinator: manages the courses of their region (a course held in a municipality of the
  region, or provided by their own organisation); sees participants as the registry allows.
- caseworker: sees the courses of their region, enrols the clients they work on, and sees the
  course progress of the clients they may see (`access/clients.py`).
- admin: everything a coordinator may, in every region.
- viewer: nothing here; courses hold personal data.
"""

from typing import Any

from django.db.models import Q, QuerySet

from kotopolku.access.clients import client_visible_to, visible_clients
from kotopolku.access.policy import (
    PERSONAL_DATA_STAFF,
    Permission,
    Role,
    is_admin,
    memberships_of,
    organisation_ids_with_role,
)

COURSE_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER, Role.PROVIDER})
MANAGER_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})
DELIVERY_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.PROVIDER})
ENROLLER_ROLES = frozenset({Role.COORDINATOR, Role.CASEWORKER})


def provider_organisation_ids(user: Any) -> frozenset[int]:
    return organisation_ids_with_role(user, Role.PROVIDER)


def _region_ids(user: Any, *roles: str) -> frozenset[int]:
    return frozenset(
        m.organisation.region_id
        for m in memberships_of(user)
        if m.role in roles and m.organisation.region_id is not None
    )


def _course_of(obj: Any) -> Any:
    from kotopolku.courses.models import Course

    if isinstance(obj, Course):
        return obj
    for path in ("course", "session.course", "enrolment.course"):
        current = obj
        for part in path.split("."):
            current = getattr(current, part, None)
        if isinstance(current, Course):
            return current
    return None


def staff_course_condition(user: Any, *roles: str) -> Q:
    """Courses held in the region of, or provided by, the user's organisations with `roles`."""
    condition = Q(pk__in=[])
    orgs = organisation_ids_with_role(user, *roles)
    if orgs:
        condition |= Q(provider_id__in=orgs)
    regions = _region_ids(user, *roles)
    if regions:
        condition |= Q(municipality__region_id__in=regions)
    return condition


def visible_courses(user: Any, qs: QuerySet) -> QuerySet:
    """`qs` (of Course) narrowed to the courses `user` may see."""
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if is_admin(user):
        return qs
    condition = staff_course_condition(user, Role.COORDINATOR, Role.CASEWORKER)
    providers = provider_organisation_ids(user)
    if providers:
        condition |= Q(provider_id__in=providers)
    return qs.filter(condition)


def delivered_courses(user: Any, qs: QuerySet) -> QuerySet:
    """`qs` (of Course) narrowed to the courses whose delivery `user` records."""
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if is_admin(user):
        return qs
    condition = staff_course_condition(user, Role.COORDINATOR)
    providers = provider_organisation_ids(user)
    if providers:
        condition |= Q(provider_id__in=providers)
    return qs.filter(condition)


def provides(user: Any, obj: Any) -> bool:
    """The user is a provider in the organisation that runs the course of `obj`."""
    course = _course_of(obj)
    return course is not None and course.provider_id in provider_organisation_ids(user)


def _in_scope(user: Any, course: Any, *roles: str) -> bool:
    """The course is provided by, or held in the region of, one of the user's `roles` orgs.

    Decided in Python, so that it works for a course that is not saved yet."""
    if course.provider_id in organisation_ids_with_role(user, *roles):
        return True
    region_id = course.municipality.region_id if course.municipality_id else None
    return region_id is not None and region_id in _region_ids(user, *roles)


def _sees_course(user: Any, obj: Any) -> bool:
    course = _course_of(obj)
    if course is None:
        return False
    return (
        is_admin(user)
        or provides(user, course)
        or _in_scope(user, course, Role.COORDINATOR, Role.CASEWORKER)
    )


def _manages_course(user: Any, obj: Any) -> bool:
    if is_admin(user):
        return True
    course = _course_of(obj)
    return course is not None and _in_scope(user, course, Role.COORDINATOR)


def _delivers(user: Any, obj: Any) -> bool:
    """Provider of the course, or its manager: records sessions, attendance and results."""
    return provides(user, obj) or _manages_course(user, obj)


def participant_visible_to(user: Any, enrolment: Any) -> bool:
    """A participant's course record: the course's provider (minimum fields), or staff who may
    see the client in the registry."""
    if provides(user, enrolment) and enrolment.enrolled_on is not None:
        return True
    return client_visible_to(user, enrolment.client)


def visible_participants(user: Any, course: Any, qs: QuerySet) -> QuerySet:
    """`qs` (of Enrolment on `course`) narrowed to the participants `user` may see.

    A provider sees those who were given a place, not the waiting list."""
    if provides(user, course):
        return qs.filter(enrolled_on__isnull=False)
    from kotopolku.clients.models import Client

    return qs.filter(client__in=visible_clients(user, Client.objects.all()))


def _works_on_client(user: Any, obj: Any) -> bool:
    client = getattr(obj, "client", None) or getattr(getattr(obj, "plan", None), "client", None)
    return client is not None and client_visible_to(user, client)


COURSE_LIST = Permission("course.list", COURSE_ROLES)
COURSE_VIEW = Permission("course.view", COURSE_ROLES, _sees_course)
COURSE_MANAGE = Permission("course.manage", MANAGER_ROLES, _manages_course)
# Sessions, attendance, placements, test results and participants' status.
COURSE_DELIVER = Permission("course.deliver", DELIVERY_ROLES, _delivers)
PARTICIPANT_VIEW = Permission("course.participant", COURSE_ROLES, participant_visible_to)
# Enrolling a client from their plan, and cancelling that enrolment: the client's case workers.
ENROL = Permission("course.enrol", ENROLLER_ROLES, _works_on_client)
# A client's course progress inside the plan: whoever may see the client's casework.
PROGRESS_VIEW = Permission("course.progress", PERSONAL_DATA_STAFF, client_visible_to)
