"""Reads of service delivery. Query shaping lives here, and every read of personal data (a
course's participants, a client's course progress) writes audit rows here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from kotopolku.access import courses as course_access
from kotopolku.access.policy import can
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record, redact
from kotopolku.common.middleware import current_request_id
from kotopolku.courses import progress
from kotopolku.courses.models import (
    Attendance,
    Course,
    CourseSession,
    Enrolment,
    LanguageTestResult,
    WorkPlacement,
)
from kotopolku.privacy.selectors import without_restricted_clients

Action = AuditEvent.Action
ZERO = Decimal("0")


def audit_participants(
    *, actor: Any, client_ids: Iterable[int], object_type: str, object_id: Any, path: str = ""
) -> None:
    """One `view` row per client shown, in one insert, so a per-client log report finds it."""
    user = actor if actor is not None and actor.is_authenticated else None
    request_id = current_request_id()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=user,
            actor_label=redact(user.get_username() if user else "")[:150],
            action=Action.VIEW,
            object_type=object_type,
            object_id=str(object_id)[:64],
            client_id=client_id,
            request_id=request_id,
            path=redact(path)[:300],
        )
        for client_id in sorted(set(client_ids))
    )


# Courses ---------------------------------------------------------------------------------------


def course_list(*, user: Any, search: str = "", kind: str = "") -> QuerySet[Course]:
    rows = course_access.visible_courses(user, Course.objects.filter(archived=False))
    if kind:
        rows = rows.filter(kind=kind)
    search = (search or "").strip()
    if search:
        rows = rows.filter(
            Q(code__icontains=search)
            | Q(name__icontains=search)
            | Q(location__icontains=search)
            | Q(language__iexact=search)
            | Q(municipality__name__icontains=search)
        )
    return (
        rows.select_related("provider", "municipality", "service")
        .annotate(
            waiting_count=Count("enrolments", filter=Q(enrolments__status="waiting")),
            session_count=Count("sessions", distinct=True),
        )
        .order_by("-start", "code")
    )


def course_get(*, pk: int) -> Course | None:
    return (
        Course.objects.filter(archived=False, pk=pk)
        .select_related("provider", "municipality", "service", "service__category")
        .first()
    )


def course_sessions(*, course: Course) -> QuerySet[CourseSession]:
    return course.sessions.annotate(
        attended=Coalesce(Sum("attendance__hours"), ZERO),
        marked=Count("attendance"),
    ).order_by("day", "start_time", "id")


def upcoming_sessions(*, user: Any, since: date) -> QuerySet[CourseSession]:
    """Sessions on or after `since` of the courses `user` may see (`visible_courses`: the
    provider's own courses, the region's courses for its coordinators and case workers), for
    the user's calendar feed. Sessions hold no client data."""
    courses = course_access.visible_courses(user, Course.objects.filter(archived=False))
    return (
        CourseSession.objects.filter(course__in=courses, day__gte=since)
        .select_related("course", "course__municipality")
        .order_by("day", "start_time", "id")
    )


def session_get(*, pk: int) -> CourseSession | None:
    return (
        CourseSession.objects.select_related("course", "course__provider", "course__municipality")
        .filter(pk=pk, course__archived=False)
        .first()
    )


@dataclass
class Participant:
    """What a course page shows of one participant: the minimum fields and attendance."""

    enrolment: Enrolment
    attended: Decimal
    completed_orientation: bool | None = None

    @property
    def client(self):
        return self.enrolment.client

    @property
    def mother_tongue(self) -> str:
        languages = list(self.enrolment.client.languages.all())
        first = next((lang for lang in languages if lang.mother_tongue), None)
        return first.code if first else ""


def participants(
    *, user: Any, course: Course, path: str = "", statuses: Iterable[str] | None = None
) -> list[Participant]:
    """The participants `user` may see, with attended hours; audited per client.

    A client whose processing is restricted (privacy, GDPR art. 18) is left out, as in every
    list of clients."""
    rows = without_restricted_clients(
        course_access.visible_participants(user, course, course.enrolments.all())
    )
    if statuses is not None:
        rows = rows.filter(status__in=list(statuses))
    rows = (
        rows.select_related("client")
        .prefetch_related("client__languages")
        .annotate(attended=Coalesce(Sum("attendance__hours"), ZERO))
        .order_by("client__last_name", "client__first_names", "id")
    )
    result = []
    required = None
    if course.kind == Course.Kind.SOCIAL_ORIENTATION:
        required = progress.required_orientation_hours(min(timezone.localdate(), course.end))
    for enrolment in rows:
        completed = progress.hours_reached(enrolment.attended, required)
        result.append(Participant(enrolment, enrolment.attended, completed))
    audit_participants(
        actor=user,
        client_ids=[p.enrolment.client_id for p in result],
        object_type="Course",
        object_id=course.pk,
        path=path,
    )
    return result


def waiting_count(*, course: Course) -> int:
    return course.enrolments.filter(status=Enrolment.Status.WAITING).count()


def session_roster(*, user: Any, session: CourseSession, path: str = "") -> list[dict]:
    """The group of a session for the quick attendance form: every participant who holds (or
    held) a place, with the hours recorded so far; audited per client. Restricted clients are
    left out (their attendance stays as it is: the form changes only the rows it shows)."""
    course = session.course
    recorded = {
        a.enrolment_id: a.hours
        for a in Attendance.objects.filter(session=session).only("enrolment_id", "hours")
    }
    rows = (
        without_restricted_clients(
            course_access.visible_participants(
                user, course, course.enrolments.filter(enrolled_on__isnull=False)
            )
        )
        .filter(Q(status__in=Enrolment.HOLDS_PLACE) | Q(attendance__session=session))
        .distinct()
        .select_related("client")
        .prefetch_related("client__languages")
        .order_by("client__last_name", "client__first_names", "id")
    )
    roster = [
        {
            "enrolment": e,
            "hours": recorded.get(e.pk),
            "editable": e.status in Enrolment.HOLDS_PLACE,
        }
        for e in rows
    ]
    audit_participants(
        actor=user,
        client_ids=[r["enrolment"].client_id for r in roster],
        object_type="CourseSession",
        object_id=session.pk,
        path=path,
    )
    return roster


def enrolment_get(*, pk: int) -> Enrolment | None:
    return (
        Enrolment.objects.select_related(
            "course", "course__provider", "course__municipality", "client", "plan_service"
        )
        .prefetch_related("client__languages")
        .filter(pk=pk)
        .first()
    )


def placement_get(*, pk: int) -> WorkPlacement | None:
    return WorkPlacement.objects.select_related("enrolment").filter(pk=pk).first()


def language_result_get(*, pk: int) -> LanguageTestResult | None:
    return LanguageTestResult.objects.select_related("enrolment").filter(pk=pk).first()


def enrolment_attendance(*, enrolment: Enrolment) -> list[dict]:
    """Every session of the course with the hours the participant attended (None: not marked)."""
    marked = {a.session_id: a.hours for a in enrolment.attendance.all()}
    return [
        {"session": s, "hours": marked.get(s.pk)}
        for s in enrolment.course.sessions.order_by("day", "start_time")
    ]


# Progress of one client ------------------------------------------------------------------------


@dataclass
class ResultView:
    result: LanguageTestResult
    target: str | None
    skills: list[progress.SkillResult]

    @property
    def all_meet(self) -> bool | None:
        tested = [s.meets for s in self.skills if s.level]
        if not tested or any(m is None for m in tested):
            return None
        return all(tested)


@dataclass
class EnrolmentProgress:
    enrolment: Enrolment
    attended: Decimal
    required: Decimal | None
    completed_orientation: bool | None
    placements: list[WorkPlacement] = field(default_factory=list)
    results: list[ResultView] = field(default_factory=list)

    @property
    def course(self) -> Course:
        return self.enrolment.course

    @property
    def percent(self) -> int | None:
        goal = self.required or self.enrolment.course.planned_hours
        if not goal:
            return None
        return min(int(self.attended * 100 / goal), 100)


def _progress(enrolments: QuerySet[Enrolment], *, on: date) -> list[EnrolmentProgress]:
    rows = (
        enrolments.select_related(
            "course", "course__provider", "course__municipality", "plan_service"
        )
        .prefetch_related(
            Prefetch("placements", queryset=WorkPlacement.objects.order_by("start", "id")),
            Prefetch("test_results", queryset=LanguageTestResult.objects.order_by("day", "id")),
        )
        .annotate(attended=Coalesce(Sum("attendance__hours"), ZERO))
        .order_by("-course__start", "id")
    )
    result = []
    for e in rows:
        day = min(on, e.course.end)
        required = None
        completed = None
        if e.course.kind == Course.Kind.SOCIAL_ORIENTATION:
            required = progress.required_orientation_hours(day)
            completed = progress.orientation_completed(e.attended, on=day)
        results = []
        for r in e.test_results.all():
            target = progress.language_target(r.day)
            results.append(ResultView(r, target, progress.skill_results(r, target=target)))
        result.append(
            EnrolmentProgress(
                enrolment=e,
                attended=e.attended,
                required=required,
                completed_orientation=completed,
                placements=list(e.placements.all()),
                results=results,
            )
        )
    return result


def enrolment_progress(*, enrolment: Enrolment) -> EnrolmentProgress:
    """One participant's progress; the caller has checked PARTICIPANT_VIEW and audited."""
    return _progress(Enrolment.objects.filter(pk=enrolment.pk), on=timezone.localdate())[0]


def client_progress(*, user: Any, client: Any, path: str = "") -> list[EnrolmentProgress]:
    """Every course of a client the user may see; the caller has checked PROGRESS_VIEW."""
    items = _progress(
        Enrolment.objects.filter(client=client).exclude(status=Enrolment.Status.CANCELLED),
        on=timezone.localdate(),
    )
    audit_record(
        actor=user,
        action=Action.VIEW,
        object_type="CourseProgress",
        object_id=client.pk,
        client_id=client.pk,
        path=path,
    )
    return items


def plan_progress(*, user: Any, plan: Any, path: str = "") -> list[EnrolmentProgress]:
    """The course progress of one integration plan: enrolments made from its services, and
    the client's other courses that overlap the plan's period."""
    if not can(user, course_access.PROGRESS_VIEW, plan.client):
        return []
    enrolments = (
        Enrolment.objects.filter(client_id=plan.client_id)
        .exclude(status=Enrolment.Status.CANCELLED)
        .filter(
            Q(plan_service__plan=plan)
            | Q(plan_service__isnull=True, course__end__gte=plan.start, course__start__lte=plan.end)
        )
    )
    items = _progress(enrolments, on=timezone.localdate())
    audit_record(
        actor=user,
        action=Action.VIEW,
        object_type="CourseProgress",
        object_id=plan.pk,
        client_id=plan.client_id,
        reason="integration plan",
        path=path,
    )
    return items


def enrollable_courses(*, user: Any, category_code: str, on: date) -> QuerySet[Course]:
    kinds = [k for k, c in Course.CATEGORY_OF_KIND.items() if c == category_code]
    return (
        course_access.visible_courses(user, Course.objects.filter(archived=False))
        .filter(kind__in=kinds, end__gte=on)
        .select_related("provider", "municipality")
        .annotate(waiting_count=Count("enrolments", filter=Q(enrolments__status="waiting")))
        .order_by("start", "code")
    )


def deliverable_courses(*, user: Any) -> QuerySet[Course]:
    """Courses whose attendance the user may record (the provider's own, or managed)."""
    return course_access.delivered_courses(user, Course.objects.filter(archived=False)).order_by(
        "-start", "code"
    )


def attendance_scope(*, user: Any) -> QuerySet[Attendance]:
    """Attendance rows of the courses whose delivery `user` records (providers their own, the
    coordinators of the region), without clients whose processing is restricted. Large: the
    API pages it by cursor and audits the clients of each page shown."""
    courses = course_access.delivered_courses(user, Course.objects.filter(archived=False))
    rows = Attendance.objects.filter(
        session__course__in=courses, enrolment__enrolled_on__isnull=False
    )
    return without_restricted_clients(rows, client_field="enrolment__client").select_related(
        "session", "enrolment"
    )
