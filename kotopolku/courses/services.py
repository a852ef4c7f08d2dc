"""Writes of service delivery: courses, sessions, enrolments with a waiting list, attendance,
work placements and language test results.

Capacity: every change to who holds a place locks the course row (`select_for_update`) and
keeps `Course.places_taken` in step, so two enrolments at the same moment cannot both take the
last place; the database's check constraint refuses an oversubscribed course as a last guard.

The plan service that enrolled a client follows the enrolment through casework's own service:
a place given → referred; first attended hours → started; completion (P7 for orientation, the
provider's decision otherwise) → completed; interruption → interrupted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.casework import services as casework_services
from kotopolku.casework.models import PlanService
from kotopolku.courses import progress
from kotopolku.courses.models import (
    Attendance,
    Course,
    CourseSession,
    Enrolment,
    LanguageTestResult,
    WorkPlacement,
)
from kotopolku.organisations.models import Organisation
from kotopolku.privacy.selectors import without_restricted_clients

Action = AuditEvent.Action
Status = Enrolment.Status

ORIENTATION_TOPICS = frozenset(
    {
        CourseSession.Topic.SOCIETY,
        CourseSession.Topic.LIVING,
        CourseSession.Topic.WORKING,
        CourseSession.Topic.RIGHTS_DUTIES,
        CourseSession.Topic.OTHER,
    }
)


def _today() -> date:
    return timezone.localdate()


def _error(field: str | None, message: str) -> ValidationError:
    return ValidationError({field: [message]} if field else message)


# Courses ---------------------------------------------------------------------------------------

COURSE_FIELDS = (
    "code",
    "name",
    "kind",
    "provider",
    "service",
    "language",
    "municipality",
    "location",
    "start",
    "end",
    "capacity",
    "planned_hours",
)


def _check_course(course: Course) -> None:
    errors: dict[str, list[str]] = {}
    for field in ("provider", "service", "municipality"):
        if getattr(course, f"{field}_id") is None:
            errors[field] = [_("This field is required.")]
    if (
        course.kind in Course.Kind.values
        and course.service_id is not None
        and course.service.category_id != course.category_code
    ):
        errors["service"] = [_("The service belongs to another category than the course.")]
    if course.municipality_id is not None and (
        course.municipality.kind != Organisation.Kind.MUNICIPALITY
    ):
        errors["municipality"] = [_("Choose a municipality.")]
    if course.capacity is not None and course.capacity < course.places_taken:
        errors["capacity"] = [
            _("%(taken)s places are taken; the capacity cannot be smaller.")
            % {"taken": course.places_taken}
        ]
    if course.start and course.end and course.end < course.start:
        errors["end"] = [_("The end cannot be before the start.")]
    if course.pk and course.start and course.end:
        outside = course.sessions.exclude(day__range=(course.start, course.end)).exists()
        if outside:
            errors["start"] = [_("Some sessions fall outside these dates.")]
    try:
        course.full_clean(exclude=["provider", "service", "municipality"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def course_create(*, actor: Any, **values: Any) -> Course:
    unknown = set(values) - set(COURSE_FIELDS)
    if unknown:
        raise TypeError(f"unknown course fields: {sorted(unknown)}")
    course = Course(created_by=actor, modified_by=actor, **values)
    _check_course(course)
    course.save()
    audit_record(actor=actor, action=Action.CREATE, object_type="Course", object_id=course.pk)
    return course


@transaction.atomic
def course_update(*, actor: Any, course: Course, **values: Any) -> Course:
    course = Course.objects.select_for_update().get(pk=course.pk)
    for key, value in values.items():
        if key not in COURSE_FIELDS:
            raise TypeError(f"unknown course field: {key}")
        setattr(course, key, value)
    if "kind" in values and course.enrolments.exists():
        original = Course.objects.get(pk=course.pk)
        if original.kind != course.kind:
            raise _error("kind", _("The kind cannot change once clients are enrolled."))
    _check_course(course)
    course.modified_by = actor
    course.save()
    audit_record(actor=actor, action=Action.UPDATE, object_type="Course", object_id=course.pk)
    # A larger capacity frees places for the waiting list.
    _fill_from_waiting_list(course, actor=actor)
    return course


# Sessions --------------------------------------------------------------------------------------


SESSION_FIELDS = ("day", "start_time", "hours", "topic", "description")


def _session_errors(session: CourseSession, course: Course) -> dict[str, list[str]]:
    """The checks of a new or changed session; {field: messages}."""
    errors: dict[str, list[str]] = {}
    if session.day is not None and not course.start <= session.day <= course.end:
        errors["day"] = [_("The day is outside the course's dates.")]
    if course.kind == Course.Kind.SOCIAL_ORIENTATION and session.topic not in ORIENTATION_TOPICS:
        errors["topic"] = [
            _("Social orientation covers society, living, working, and rights and duties.")
        ]
    clash = course.sessions.filter(day=session.day, start_time=session.start_time)
    if session.pk is not None:
        clash = clash.exclude(pk=session.pk)
    if clash.exists():
        errors["start_time"] = [_("The course already has a session at this time.")]
    try:
        session.full_clean(exclude=["course"], validate_unique=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    return errors


@transaction.atomic
def session_add(
    *,
    actor: Any,
    course: Course,
    day: date,
    start_time: time,
    hours: Decimal,
    topic: str,
    description: str = "",
) -> CourseSession:
    session = CourseSession(
        course=course,
        day=day,
        start_time=start_time,
        hours=hours,
        topic=topic,
        description=description,
        created_by=actor,
        modified_by=actor,
    )
    errors = _session_errors(session, course)
    if errors:
        raise ValidationError(errors)
    session.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        object_type="CourseSession",
        object_id=session.pk,
        reason=course.code,
    )
    return session


@transaction.atomic
def session_update(*, actor: Any, session: CourseSession, **values: Any) -> CourseSession:
    """Correct a session: the checks of `session_add`, and once attendance is recorded the
    session keeps room for every participant's hours and stays in the past.

    The session row is locked, as `attendance_record` locks it, so hours cannot be written
    against a length that is being shortened."""
    unknown = set(values) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"unknown session fields: {sorted(unknown)}")
    # Only the session row: a join with the course would lock the course row too.
    session = CourseSession.objects.select_for_update().get(pk=session.pk)
    course = session.course
    before = {f: getattr(session, f) for f in SESSION_FIELDS}
    for key, value in values.items():
        setattr(session, key, value)
    errors = _session_errors(session, course)
    marked = Attendance.objects.filter(session=session)
    most = marked.aggregate(most=Max("hours"))["most"]
    if most is not None:
        if session.hours is not None and session.hours < most:
            errors.setdefault("hours", []).append(
                _(
                    "A participant has %(hours)s hours recorded for this session; "
                    "the session cannot be shorter."
                )
                % {"hours": number_format(most.quantize(Decimal("0.1")))}
            )
        if session.day is not None and session.day > _today():
            errors.setdefault("day", []).append(
                _("Attendance has been recorded for this session; its day cannot be in the future.")
            )
    if errors:
        raise ValidationError(errors)
    changed = [f for f in SESSION_FIELDS if getattr(session, f) != before[f]]
    session.modified_by = actor
    session.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        object_type="CourseSession",
        object_id=session.pk,
        reason=f"{course.code}: {', '.join(changed) or 'no change'}",
    )
    if "day" in changed and most is not None:
        # P7 is read on the day of the last attended session, so a moved day may move it.
        attended = session_participants(session).filter(
            attendance__session=session, attendance__hours__gt=0
        )
        for enrolment in attended.select_related("course", "plan_service"):
            _after_attendance(enrolment, actor=actor)
    return session


@transaction.atomic
def session_delete(*, actor: Any, session: CourseSession) -> None:
    if session.attendance.filter(hours__gt=0).exists():
        raise ValidationError(
            _("Attendance has been recorded for this session; it cannot be removed.")
        )
    pk, code = session.pk, session.course.code
    session.delete()
    audit_record(
        actor=actor, action=Action.DELETE, object_type="CourseSession", object_id=pk, reason=code
    )


# Enrolment -------------------------------------------------------------------------------------


def _locked(course: Course) -> Course:
    return Course.objects.select_for_update().get(pk=course.pk)


def _take_place(course: Course) -> None:
    Course.objects.filter(pk=course.pk).update(places_taken=F("places_taken") + 1)
    course.places_taken += 1


def _free_place(course: Course) -> None:
    Course.objects.filter(pk=course.pk, places_taken__gt=0).update(
        places_taken=F("places_taken") - 1
    )
    course.places_taken = max(course.places_taken - 1, 0)


def _plan_service_to(
    row: PlanService | None,
    *,
    actor: Any,
    status: str,
    day: date | None = None,
    reopen: bool = False,
) -> None:
    """Moves the plan service along with the enrolment, through casework's service.

    `reopen` takes a service that this app completed back to started (a corrected attendance
    fell below P7)."""
    if row is None:
        return
    row = PlanService.objects.select_related("plan").get(pk=row.pk)
    S = PlanService.Status
    day = day or _today()
    if status == S.REFERRED and row.status == S.PLANNED:
        values: dict[str, Any] = {"status": S.REFERRED, "referred": row.referred or day}
    elif status == S.STARTED and row.status in (S.PLANNED, S.REFERRED):
        values = {"status": S.STARTED, "started": row.started or day}
    elif status == S.STARTED and reopen and row.status == S.COMPLETED:
        values = {"status": S.STARTED, "ended": None}
    elif status in (S.COMPLETED, S.INTERRUPTED) and row.status != status:
        values = {"status": status, "started": row.started or day, "ended": day}
    elif status == S.PLANNED and row.status == S.REFERRED:
        # An enrolment cancelled before it started leaves the plan service as planned.
        values = {"status": S.PLANNED}
    else:
        return
    casework_services.plan_service_update(actor=actor, row=row, **values)


def _check_enrollable(course: Course, client: Any, plan_service: PlanService | None) -> None:
    if plan_service is not None:
        if plan_service.category_id != course.category_code:
            raise _error(
                "course", _("The course does not match the category of the plan's service.")
            )
        if plan_service.plan.is_closed:
            raise _error(None, _("The plan is closed."))
        if plan_service.status in (PlanService.Status.COMPLETED, PlanService.Status.INTERRUPTED):
            raise _error(None, _("The plan's service has already ended."))
    if course.archived or course.end < _today():
        raise _error("course", _("The course has ended; choose a running or coming course."))
    if Enrolment.objects.filter(
        course=course, client=client, status__in=[*Enrolment.ACTIVE, Status.COMPLETED]
    ).exists():
        raise _error("course", _("The client is already on this course."))


@transaction.atomic
def enrolment_create(
    *,
    actor: Any,
    course: Course,
    plan_service: PlanService | None = None,
    client: Any = None,
    invite: bool = False,
) -> Enrolment:
    """Give the client a place on the course, or put them on its waiting list when it is full.

    `plan_service` (of the course's category) enrols its plan's client and follows the
    enrolment; without it, `client` is enrolled directly.
    """
    if plan_service is not None:
        plan_service = PlanService.objects.select_related("plan__client").get(pk=plan_service.pk)
        client = plan_service.plan.client
    if client is None:
        raise _error(None, _("Choose the client or the plan's service to enrol."))
    course = _locked(course)
    _check_enrollable(course, client, plan_service)
    enrolment = Enrolment(
        course=course,
        client=client,
        plan_service=plan_service,
        created_by=actor,
        modified_by=actor,
    )
    if course.places_taken < course.capacity:
        enrolment.status = Status.INVITED if invite else Status.ENROLLED
        enrolment.enrolled_on = _today()
        _take_place(course)
    else:
        enrolment.status = Status.WAITING
        enrolment.waiting_since = timezone.now()
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as exc:
        raise _error("course", _("The client is already on this course.")) from exc
    audit_record(
        actor=actor,
        action=Action.CREATE,
        object_type="Enrolment",
        object_id=enrolment.pk,
        client_id=client.pk,
        reason=f"{course.code}: {enrolment.status}",
        details=audit_summary("enrolment", course=course.code, status=enrolment.status),
    )
    if enrolment.holds_place:
        _plan_service_to(plan_service, actor=actor, status=PlanService.Status.REFERRED)
    return enrolment


def _fill_from_waiting_list(course: Course, *, actor: Any) -> list[Enrolment]:
    """Move the first waiting clients in while there are free places (course row locked)."""
    moved = []
    while course.places_taken < course.capacity:
        first = (
            Enrolment.objects.select_for_update()
            .filter(course=course, status=Status.WAITING)
            .order_by("waiting_since", "id")
            .first()
        )
        if first is None:
            break
        first.status = Status.INVITED
        first.enrolled_on = _today()
        first.modified_by = actor
        first.save(update_fields=["status", "enrolled_on", "modified_by", "modified_at"])
        _take_place(course)
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            object_type="Enrolment",
            object_id=first.pk,
            client_id=first.client_id,
            reason=f"{course.code}: from the waiting list",
        )
        _plan_service_to(first.plan_service, actor=actor, status=PlanService.Status.REFERRED)
        moved.append(first)
    return moved


def _end(
    enrolment: Enrolment, *, actor: Any, status: str, day: date | None, reason: str = ""
) -> Enrolment:
    course = _locked(enrolment.course)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    held = enrolment.holds_place
    before = enrolment.status
    enrolment.status = status
    enrolment.ended_on = day
    enrolment.interruption_reason = reason if status == Status.INTERRUPTED else ""
    enrolment.modified_by = actor
    enrolment.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        object_type="Enrolment",
        object_id=enrolment.pk,
        client_id=enrolment.client_id,
        reason=f"{course.code}: {before} → {status}",
        details=audit_summary("enrolment", course=course.code, before=before, status=status),
    )
    if held and status not in Enrolment.HOLDS_PLACE:
        _free_place(course)
        _fill_from_waiting_list(course, actor=actor)
    return enrolment


@transaction.atomic
def enrolment_cancel(*, actor: Any, enrolment: Enrolment) -> Enrolment:
    """Withdraw a client before the course has started for them; the place goes to the first
    client on the waiting list."""
    if enrolment.status not in Enrolment.ACTIVE:
        raise ValidationError(_("Only a waiting, invited or enrolled client can be cancelled."))
    if enrolment.attendance.filter(hours__gt=0).exists():
        raise ValidationError(
            _("The client has attended already; mark the enrolment interrupted instead.")
        )
    enrolment = _end(enrolment, actor=actor, status=Status.CANCELLED, day=_today())
    _plan_service_to(enrolment.plan_service, actor=actor, status=PlanService.Status.PLANNED)
    return enrolment


@transaction.atomic
def enrolment_confirm(*, actor: Any, enrolment: Enrolment) -> Enrolment:
    if enrolment.status != Status.INVITED:
        raise ValidationError(_("Only an invited client can be confirmed."))
    enrolment.status = Status.ENROLLED
    enrolment.modified_by = actor
    enrolment.save(update_fields=["status", "modified_by", "modified_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        object_type="Enrolment",
        object_id=enrolment.pk,
        client_id=enrolment.client_id,
        reason="invited → enrolled",
    )
    return enrolment


@transaction.atomic
def enrolment_no_show(*, actor: Any, enrolment: Enrolment, day: date) -> Enrolment:
    if enrolment.status not in (Status.INVITED, Status.ENROLLED):
        raise ValidationError(_("Only an invited or enrolled client can be marked absent."))
    if enrolment.attendance.filter(hours__gt=0).exists():
        raise ValidationError(_("The client has attended; mark the enrolment interrupted instead."))
    enrolment = _end(enrolment, actor=actor, status=Status.NO_SHOW, day=day)
    _plan_service_to(
        enrolment.plan_service, actor=actor, status=PlanService.Status.INTERRUPTED, day=day
    )
    return enrolment


@transaction.atomic
def enrolment_interrupt(*, actor: Any, enrolment: Enrolment, day: date, reason: str) -> Enrolment:
    if enrolment.status not in (Status.INVITED, Status.ENROLLED):
        raise ValidationError(_("Only an invited or enrolled client can be interrupted."))
    if not reason.strip():
        raise _error("reason", _("Give the reason for the interruption."))
    if day < enrolment.course.start:
        raise _error("day", _("The day is before the course starts."))
    enrolment = _end(
        enrolment, actor=actor, status=Status.INTERRUPTED, day=day, reason=reason.strip()
    )
    _plan_service_to(
        enrolment.plan_service, actor=actor, status=PlanService.Status.INTERRUPTED, day=day
    )
    return enrolment


@transaction.atomic
def enrolment_complete(*, actor: Any, enrolment: Enrolment, day: date) -> Enrolment:
    """The provider's decision that a client completed the course. Social orientation needs
    the hours of P7; it completes on its own when they are reached."""
    if enrolment.status not in (Status.INVITED, Status.ENROLLED):
        raise ValidationError(_("Only an enrolled client can complete the course."))
    if enrolment.course.kind == Course.Kind.SOCIAL_ORIENTATION:
        attended = attended_hours(enrolment)
        if not progress.orientation_completed(attended, on=day):
            raise ValidationError(
                _("Social orientation is completed at %(hours)s attended hours.")
                % {"hours": progress.required_orientation_hours(day)}
            )
    enrolment = _end(enrolment, actor=actor, status=Status.COMPLETED, day=day)
    _plan_service_to(
        enrolment.plan_service, actor=actor, status=PlanService.Status.COMPLETED, day=day
    )
    return enrolment


# Attendance ------------------------------------------------------------------------------------


def attended_hours(enrolment: Enrolment) -> Decimal:
    total = enrolment.attendance.aggregate(total=Sum("hours"))["total"]
    return total if total is not None else Decimal("0")


def _parse_hours(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    text = str(value).strip().replace(",", ".")
    if text == "":
        return Decimal("0")
    try:
        hours = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not hours.is_finite():
        raise ValueError(text)
    return hours


def check_hours(session: CourseSession, value: Any) -> tuple[Decimal | None, str]:
    """Parse and check hours for `session`; returns (hours, "") or (None, error message)."""
    try:
        hours = _parse_hours(value)
    except ValueError:
        return None, _("Give the hours as a number, for example 2.5.")
    if hours < 0:
        return None, _("Hours cannot be negative.")
    if hours > session.hours:
        return None, _("At most %(hours)s hours: the length of the session.") % {
            "hours": session.hours
        }
    if hours != hours.quantize(Decimal("0.1")):
        return None, _("Give the hours with at most one decimal.")
    return hours, ""


@dataclass(frozen=True)
class AttendanceError:
    key: Any
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class AttendanceInvalid(ValidationError):
    """Some rows are wrong; nothing was stored. `errors` names each row."""

    def __init__(self, errors: list[AttendanceError]):
        self.errors = errors
        super().__init__([f"{e.key}: {e}" for e in errors])


def _write_attendance(
    session: CourseSession, hours_by_enrolment: Mapping[Enrolment, Decimal], *, actor: Any
) -> int:
    existing = {
        a.enrolment_id: a for a in Attendance.objects.filter(session=session).select_for_update()
    }
    changed = 0
    for enrolment, hours in hours_by_enrolment.items():
        row = existing.get(enrolment.pk)
        if row is None:
            Attendance.objects.create(
                enrolment=enrolment,
                session=session,
                hours=hours,
                created_by=actor,
                modified_by=actor,
            )
            changed += 1
        elif row.hours != hours:
            row.hours, row.modified_by = hours, actor
            row.save(update_fields=["hours", "modified_by", "modified_at"])
            changed += 1
    return changed


def _after_attendance(enrolment: Enrolment, *, actor: Any) -> None:
    """First hours start the plan service; P7 completes orientation (and undoes a completion
    when corrected hours fall below it)."""
    enrolment.refresh_from_db()
    attended = Attendance.objects.filter(enrolment=enrolment, hours__gt=0).select_related("session")
    days = sorted(a.session.day for a in attended)
    if not days:
        return
    if enrolment.status == Status.INVITED:
        enrolment.status = Status.ENROLLED
        enrolment.save(update_fields=["status", "modified_at"])
    if enrolment.status != Status.COMPLETED:
        _plan_service_to(
            enrolment.plan_service, actor=actor, status=PlanService.Status.STARTED, day=days[0]
        )
    if enrolment.course.kind != Course.Kind.SOCIAL_ORIENTATION:
        return
    total = sum((a.hours for a in attended), Decimal("0"))
    last = days[-1]
    completed = progress.orientation_completed(total, on=last)
    if completed and enrolment.status == Status.ENROLLED:
        enrolment.status, enrolment.ended_on = Status.COMPLETED, last
        enrolment.save(update_fields=["status", "ended_on", "modified_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            object_type="Enrolment",
            object_id=enrolment.pk,
            client_id=enrolment.client_id,
            reason=f"{enrolment.course.code}: orientation completed at {total} hours (P7)",
            details=audit_summary(
                "orientation_hours", course=enrolment.course.code, hours=str(total), done=True
            ),
        )
        _plan_service_to(
            enrolment.plan_service, actor=actor, status=PlanService.Status.COMPLETED, day=last
        )
    elif completed is False and enrolment.status == Status.COMPLETED:
        enrolment.status, enrolment.ended_on = Status.ENROLLED, None
        enrolment.save(update_fields=["status", "ended_on", "modified_at"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            object_type="Enrolment",
            object_id=enrolment.pk,
            client_id=enrolment.client_id,
            reason=f"{enrolment.course.code}: below P7 after correction ({total} hours)",
            details=audit_summary(
                "orientation_hours", course=enrolment.course.code, hours=str(total), done=False
            ),
        )
        _plan_service_to(
            enrolment.plan_service, actor=actor, status=PlanService.Status.STARTED, reopen=True
        )


def session_participants(session: CourseSession):
    """Who may have attendance on `session`: those holding a place, and those who have had one
    (their earlier hours stay visible).

    A client whose processing is restricted (privacy, GDPR art. 18) is left out: their data is
    only stored, so no attendance is written for them, by form, API or import.
    """
    return without_restricted_clients(
        Enrolment.objects.filter(course_id=session.course_id, enrolled_on__isnull=False)
    )


def _resolve_rows(
    session: CourseSession, rows: Iterable[tuple[Any, Any, Any]]
) -> tuple[dict[Enrolment, Decimal], list[AttendanceError]]:
    """rows: (key for errors, enrolment id, hours)."""
    enrolments = {e.pk: e for e in session_participants(session)}
    clean: dict[Enrolment, Decimal] = {}
    errors: list[AttendanceError] = []
    for key, enrolment_id, value in rows:
        enrolment = enrolments.get(enrolment_id)
        if enrolment is None:
            errors.append(
                AttendanceError(key, "participant", _("No such participant on this course."))
            )
            continue
        if enrolment.status not in Enrolment.HOLDS_PLACE:
            errors.append(
                AttendanceError(
                    key, "participant", _("The participant is no longer on the course.")
                )
            )
            continue
        hours, message = check_hours(session, value)
        if hours is None:
            errors.append(AttendanceError(key, "hours", message))
            continue
        if enrolment in clean:
            errors.append(
                AttendanceError(key, "participant", _("The participant is listed twice."))
            )
            continue
        clean[enrolment] = hours
    return clean, errors


@transaction.atomic
def attendance_record(*, actor: Any, session: CourseSession, hours: Mapping[int, Any]) -> int:
    """Record a whole group's hours for one session at once: {enrolment id: hours}.

    All or nothing: any invalid row stores nothing and raises `AttendanceInvalid`.
    Returns the number of rows created or changed.
    """
    # Locked as `session_update` locks it: the length and day checked here stay as stored.
    session = CourseSession.objects.select_for_update().get(pk=session.pk)
    if session.day > _today():
        raise ValidationError(_("The session has not taken place yet."))
    clean, errors = _resolve_rows(session, ((pk, pk, value) for pk, value in hours.items()))
    if errors:
        raise AttendanceInvalid(errors)
    return _store(session, clean, actor=actor)


def _store(session: CourseSession, clean: Mapping[Enrolment, Decimal], *, actor: Any) -> int:
    changed = _write_attendance(session, clean, actor=actor)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        object_type="CourseSession",
        object_id=session.pk,
        reason=f"attendance of {len(clean)} participants ({changed} changed)",
        details=audit_summary("attendance", participants=len(clean), changed=changed),
    )
    for enrolment in clean:
        _after_attendance(enrolment, actor=actor)
    return changed


@dataclass(frozen=True)
class ImportRow:
    line: int
    course_code: str
    participant: str
    session_date: date | None
    hours: Any


@transaction.atomic
def attendance_import(
    *,
    actor: Any,
    rows: list[ImportRow],
    courses: Iterable[Course],
    parse_errors: Iterable[AttendanceError] = (),
) -> int:
    """Attendance from a provider's spreadsheet. `courses` are those the actor may deliver.

    A participant is named by the client's external id or by the enrolment id. All or
    nothing: every error is reported as (line, message) and nothing is stored.
    """
    by_code = {c.code.casefold(): c for c in courses}
    errors: list[AttendanceError] = list(parse_errors)
    per_session: dict[CourseSession, list[tuple[Any, Any, Any]]] = {}
    sessions_cache: dict[int, dict[date, list[CourseSession]]] = {}
    participants_cache: dict[int, dict[str, int]] = {}
    for row in rows:
        course = by_code.get(row.course_code.strip().casefold())
        if course is None:
            errors.append(
                AttendanceError(
                    row.line,
                    "course_code",
                    _("No course of yours has the code %(code)s.") % {"code": row.course_code},
                )
            )
            continue
        if row.session_date is None:
            errors.append(AttendanceError(row.line, "session_date", _("Give a date.")))
            continue
        if course.pk not in sessions_cache:
            found: dict[date, list[CourseSession]] = {}
            for s in course.sessions.order_by("day", "start_time").select_for_update():
                found.setdefault(s.day, []).append(s)
            sessions_cache[course.pk] = found
            participants_cache[course.pk] = {}
            for e in without_restricted_clients(
                Enrolment.objects.filter(course=course, enrolled_on__isnull=False)
            ).select_related("client"):
                participants_cache[course.pk][str(e.pk)] = e.pk
                participants_cache[course.pk][e.client.external_id.casefold()] = e.pk
        day_sessions = sessions_cache[course.pk].get(row.session_date, [])
        if len(day_sessions) != 1:
            message = (
                _("The course has no session on %(day)s.")
                if not day_sessions
                else _("The course has several sessions on %(day)s.")
            )
            day_text = row.session_date.isoformat()
            errors.append(AttendanceError(row.line, "session_date", message % {"day": day_text}))
            continue
        if row.session_date > _today():
            errors.append(
                AttendanceError(row.line, "session_date", _("The session has not taken place yet."))
            )
            continue
        enrolment_id = participants_cache[course.pk].get(row.participant.strip().casefold())
        if enrolment_id is None:
            errors.append(
                AttendanceError(
                    row.line,
                    "participant",
                    _("%(who)s is not on the course.") % {"who": row.participant},
                )
            )
            continue
        per_session.setdefault(day_sessions[0], []).append((row.line, enrolment_id, row.hours))
    resolved: dict[CourseSession, dict[Enrolment, Decimal]] = {}
    for session, session_rows in per_session.items():
        clean, row_errors = _resolve_rows(session, session_rows)
        errors.extend(row_errors)
        resolved[session] = clean
    if not rows and not errors:
        errors.append(AttendanceError(1, "", _("The file has no rows.")))
    if errors:
        raise AttendanceInvalid(sorted(errors, key=lambda e: e.key))
    changed = 0
    for session, clean in resolved.items():
        changed += _store(session, clean, actor=actor)
    return changed


# Work placements and test results -------------------------------------------------------------


def _check_on_course(enrolment: Enrolment) -> None:
    """Placements and test results are recorded and corrected only while the client holds a
    place on the course."""
    if enrolment.status not in Enrolment.HOLDS_PLACE:
        raise ValidationError(_("The client is not on the course."))


def _check_some_skill(result: LanguageTestResult) -> None:
    if not any(getattr(result, skill) for skill in LanguageTestResult.SKILLS):
        raise ValidationError(_("Give the level of at least one skill."))


@transaction.atomic
def placement_add(
    *,
    actor: Any,
    enrolment: Enrolment,
    employer: str,
    start: date,
    end: date,
    supervisor: str = "",
    supervisor_contact: str = "",
    outcome: str = WorkPlacement.Outcome.ONGOING,
    note: str = "",
) -> WorkPlacement:
    _check_on_course(enrolment)
    placement = WorkPlacement(
        enrolment=enrolment,
        employer=employer.strip(),
        start=start,
        end=end,
        supervisor=supervisor.strip(),
        supervisor_contact=supervisor_contact.strip(),
        outcome=outcome,
        note=note,
        created_by=actor,
        modified_by=actor,
    )
    placement.full_clean(exclude=["enrolment"])
    placement.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        object_type="WorkPlacement",
        object_id=placement.pk,
        client_id=enrolment.client_id,
    )
    return placement


@transaction.atomic
def placement_update(*, actor: Any, placement: WorkPlacement, **values: Any) -> WorkPlacement:
    """Change a placement, while the client is on the course (as `placement_add`)."""
    allowed = {"employer", "start", "end", "supervisor", "supervisor_contact", "outcome", "note"}
    _check_on_course(placement.enrolment)
    for key, value in values.items():
        if key not in allowed:
            raise TypeError(f"unknown placement field: {key}")
        setattr(placement, key, value)
    placement.modified_by = actor
    placement.full_clean(exclude=["enrolment"])
    placement.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        object_type="WorkPlacement",
        object_id=placement.pk,
        client_id=placement.enrolment.client_id,
    )
    return placement


@transaction.atomic
def language_result_add(
    *,
    actor: Any,
    enrolment: Enrolment,
    day: date,
    test_name: str,
    listening: str = "",
    reading: str = "",
    speaking: str = "",
    writing: str = "",
) -> LanguageTestResult:
    _check_on_course(enrolment)
    result = LanguageTestResult(
        enrolment=enrolment,
        day=day,
        test_name=test_name.strip(),
        listening=listening,
        reading=reading,
        speaking=speaking,
        writing=writing,
        created_by=actor,
        modified_by=actor,
    )
    _check_some_skill(result)
    result.full_clean(exclude=["enrolment"])
    result.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        object_type="LanguageTestResult",
        object_id=result.pk,
        client_id=enrolment.client_id,
    )
    return result


RESULT_FIELDS = ("day", "test_name", *LanguageTestResult.SKILLS)


@transaction.atomic
def language_result_update(
    *, actor: Any, result: LanguageTestResult, **values: Any
) -> LanguageTestResult:
    """Correct a recorded result, with the checks of `language_result_add`. Progress (P8) is
    computed from the stored row when read, so it follows the correction."""
    unknown = set(values) - set(RESULT_FIELDS)
    if unknown:
        raise TypeError(f"unknown result fields: {sorted(unknown)}")
    result = LanguageTestResult.objects.select_for_update().get(pk=result.pk)
    enrolment = result.enrolment
    _check_on_course(enrolment)
    before = {f: getattr(result, f) for f in RESULT_FIELDS}
    for key, value in values.items():
        setattr(result, key, value.strip() if key == "test_name" else value)
    _check_some_skill(result)
    result.full_clean(exclude=["enrolment"])
    changed = [f for f in RESULT_FIELDS if getattr(result, f) != before[f]]
    result.modified_by = actor
    result.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        object_type="LanguageTestResult",
        object_id=result.pk,
        client_id=enrolment.client_id,
        reason=", ".join(changed) or "no change",
    )
    return result


@transaction.atomic
def language_result_remove(*, actor: Any, result: LanguageTestResult) -> None:
    """Remove a result recorded by mistake (for example on the wrong participant)."""
    result = LanguageTestResult.objects.select_for_update().get(pk=result.pk)
    enrolment = result.enrolment
    _check_on_course(enrolment)
    pk = result.pk
    result.delete()
    audit_record(
        actor=actor,
        action=Action.DELETE,
        object_type="LanguageTestResult",
        object_id=pk,
        client_id=enrolment.client_id,
        reason=enrolment.course.code,
    )
