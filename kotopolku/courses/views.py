from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kotopolku.access import casework as casework_perms
from kotopolku.access import courses as perms
from kotopolku.access.clients import deny_unless_visible
from kotopolku.access.policy import can
from kotopolku.access.privacy import deny_if_restricted
from kotopolku.access.views import enforce, requires
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.casework.models import PlanService
from kotopolku.clients.selectors import client_get
from kotopolku.common.forms import errors_to_form
from kotopolku.common.ics import calendar_bytes, ics_response
from kotopolku.courses import importing, selectors, services
from kotopolku.courses.forms import (
    CourseForm,
    EnrolForm,
    ImportForm,
    PlacementForm,
    ResultForm,
    SessionForm,
    StatusForm,
)
from kotopolku.courses.ics import session_event
from kotopolku.courses.jobs import ATTENDANCE_UPLOAD
from kotopolku.courses.models import Course, Enrolment
from kotopolku.jobs.services import AuditAs, job_start

PAGE_SIZE = 25


def _course(request, pk: int, perm=perms.COURSE_VIEW) -> Course:
    course = selectors.course_get(pk=pk)
    if course is None or not can(request.user, perms.COURSE_VIEW, course):
        # Courses outside the user's reach are not revealed.
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.ACCESS_DENIED,
            object_type="Course",
            object_id=pk,
            reason=str(perms.COURSE_VIEW),
            success=False,
            path=request.path,
        )
        raise Http404
    if perm is not perms.COURSE_VIEW:
        enforce(request, perm, course)
    return course


@requires(perms.COURSE_LIST)
def course_list(request):
    search = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    if kind not in Course.Kind.values:
        kind = ""
    page = Paginator(
        selectors.course_list(user=request.user, search=search, kind=kind), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "courses/course_list.html",
        {
            "page": page,
            "search": search,
            "kind": kind,
            "kinds": Course.Kind.choices,
            "may_create": can(request.user, perms.COURSE_MANAGE),
            "may_import": can(request.user, perms.COURSE_DELIVER),
        },
    )


def _course_form_view(request, *, course: Course | None):
    initial = {}
    if course is not None:
        initial = {f: getattr(course, f) for f in services.COURSE_FIELDS}
    form = CourseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        candidate = Course(**form.cleaned_data)
        if not can(request.user, perms.COURSE_MANAGE, candidate):
            form.add_error(
                "municipality",
                _("You manage courses only in your own region or organisation."),
            )
        else:
            try:
                if course is None:
                    course = services.course_create(actor=request.user, **form.cleaned_data)
                else:
                    services.course_update(actor=request.user, course=course, **form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("Course saved."))
                return redirect("courses:detail", pk=course.pk)
    return render(
        request,
        "courses/form.html",
        {
            "form": form,
            "course": course,
            "title": _("Change the course") if course else _("New course"),
        },
        status=400 if form.errors else 200,
    )


@requires(perms.COURSE_MANAGE)
@require_http_methods(["GET", "POST"])
def course_create(request):
    return _course_form_view(request, course=None)


@requires(perms.COURSE_MANAGE)
@require_http_methods(["GET", "POST"])
def course_edit(request, pk: int):
    course = _course(request, pk, perms.COURSE_MANAGE)
    return _course_form_view(request, course=course)


@requires(perms.COURSE_VIEW)
def course_detail(request, pk: int):
    course = _course(request, pk)
    people = selectors.participants(user=request.user, course=course, path=request.path)
    placed = [p for p in people if p.enrolment.status in Enrolment.HOLDS_PLACE]
    waiting = [p for p in people if p.enrolment.status == Enrolment.Status.WAITING]
    ended = [
        p
        for p in people
        if p.enrolment.status not in Enrolment.HOLDS_PLACE
        and p.enrolment.status != Enrolment.Status.WAITING
    ]
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course,
            "sessions": selectors.course_sessions(course=course),
            "placed": placed,
            "waiting": waiting,
            "ended": ended,
            "waiting_count": selectors.waiting_count(course=course),
            "may_manage": can(request.user, perms.COURSE_MANAGE, course),
            "may_deliver": can(request.user, perms.COURSE_DELIVER, course),
            "is_provider": perms.provides(request.user, course),
            "today": timezone.localdate(),
        },
    )


@requires(perms.COURSE_DELIVER)
@require_http_methods(["GET", "POST"])
def session_add(request, pk: int):
    course = _course(request, pk, perms.COURSE_DELIVER)
    form = SessionForm(request.POST or None, initial={"day": course.start, "hours": 3})
    if request.method == "POST" and form.is_valid():
        try:
            services.session_add(actor=request.user, course=course, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Session added."))
            _warn_of_holiday(request, form)
            return redirect("courses:detail", pk=course.pk)
    return render(
        request,
        "courses/form.html",
        {
            "form": form,
            "course": course,
            "title": _("Add a session"),
            "warning": form.holiday_warning(),
        },
        status=400 if form.errors else 200,
    )


def _warn_of_holiday(request, form: SessionForm) -> None:
    if warning := form.holiday_warning():
        messages.warning(request, warning)


def _session(request, pk: int, perm=perms.COURSE_DELIVER):
    session = selectors.session_get(pk=pk)
    if session is None:
        raise Http404
    _course(request, session.course_id, perm)
    return session


@requires(perms.COURSE_VIEW)
def session_calendar(request, pk: int):
    """The session as one calendar event (.ics), in the user's language."""
    session = _session(request, pk, perms.COURSE_VIEW)
    content = calendar_bytes([session_event(session)])
    return ics_response(content, filename=f"session-{session.day:%Y-%m-%d}.ics")


@requires(perms.COURSE_DELIVER)
@require_http_methods(["GET", "POST"])
def session_edit(request, pk: int):
    session = _session(request, pk)
    course = session.course
    initial = {f: getattr(session, f) for f in services.SESSION_FIELDS}
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Session saved."))
            _warn_of_holiday(request, form)
            return redirect("courses:detail", pk=course.pk)
    return render(
        request,
        "courses/form.html",
        {
            "form": form,
            "course": course,
            "title": _("Change the session"),
            "warning": form.holiday_warning(),
        },
        status=400 if form.errors else 200,
    )


@requires(perms.COURSE_DELIVER)
@require_http_methods(["GET", "POST"])
def session_delete(request, pk: int):
    session = _session(request, pk)
    error = ""
    if request.method == "POST":
        try:
            services.session_delete(actor=request.user, session=session)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Session removed."))
            return redirect("courses:detail", pk=session.course_id)
    return render(
        request,
        "courses/session_delete.html",
        {"session": session, "course": session.course, "error": error},
        status=400 if error else 200,
    )


@requires(perms.COURSE_DELIVER)
@require_http_methods(["GET", "POST"])
def attendance(request, pk: int):
    """The quick form: every participant of one session, hours in one go."""
    session = _session(request, pk)
    errors: dict[int, str] = {}
    submitted: dict[int, str] = {}
    general = ""
    if request.method == "POST":
        for key, value in request.POST.items():
            if key.startswith("hours-") and key[6:].isdigit():
                submitted[int(key[6:])] = value
        try:
            changed = services.attendance_record(
                actor=request.user, session=session, hours=submitted
            )
        except services.AttendanceInvalid as exc:
            errors = {e.key: e.message for e in exc.errors}
            general = _("Nothing was saved. Correct the marked rows.")
        except ValidationError as exc:
            errors = {0: " ".join(exc.messages)}
            general = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("Attendance saved (%(n)s rows changed).") % {"n": changed},
            )
            return redirect("courses:detail", pk=session.course_id)
    roster = selectors.session_roster(user=request.user, session=session, path=request.path)
    for row in roster:
        pk_ = row["enrolment"].pk
        row["error"] = errors.get(pk_, "")
        row["value"] = submitted.get(pk_, row["hours"] if row["hours"] is not None else "")
    return render(
        request,
        "courses/attendance.html",
        {"session": session, "course": session.course, "roster": roster, "general": general},
        status=400 if errors else 200,
    )


@requires(perms.COURSE_DELIVER)
@require_http_methods(["GET", "POST"])
def attendance_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        if len(content) >= settings.JOB_UPLOAD_THRESHOLD_BYTES:
            # A large file is read by a background job (courses/jobs.py): its page shows the
            # progress, then the outcome or every wrong row.
            job = job_start(
                actor=request.user,
                kind_name=ATTENDANCE_UPLOAD,
                params={"file_name": upload.name},
                title=_("Attendance: %(file)s") % {"file": upload.name},
                audit_as=AuditAs(object_type="Attendance", reason="attendance upload"),
                input_name=upload.name,
                input_content=content,
            )
            return redirect("jobs:detail", pk=job.pk)
        try:
            rows, parse_errors = importing.read_attendance(upload.name, content)
            changed = services.attendance_import(
                actor=request.user,
                rows=rows,
                parse_errors=parse_errors,
                courses=selectors.deliverable_courses(user=request.user),
            )
        except importing.FileUnreadable as exc:
            form.add_error("file", str(exc))
        except services.AttendanceInvalid as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                _("Attendance imported: %(rows)s rows, %(n)s changed.")
                % {"rows": len(rows), "n": changed},
            )
            return redirect("courses:list")
    return render(
        request,
        "courses/attendance_import.html",
        {"form": form, "errors": errors},
        status=400 if (form.errors or errors) else 200,
    )


@requires(perms.ENROL)
@require_http_methods(["GET", "POST"])
def enrol(request, pk: int):
    """Enrol the client of a plan service in a course of the service's category."""
    row = get_object_or_404(PlanService.objects.select_related("plan__client", "category"), pk=pk)
    client = row.plan.client
    deny_unless_visible(request.user, client, path=request.path, object_id=client.pk)
    enforce(request, perms.ENROL, row.plan)
    courses = selectors.enrollable_courses(
        user=request.user, category_code=row.category_id, on=timezone.localdate()
    )
    form = EnrolForm(request.POST or None, courses=courses)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrolment_create(
                actor=request.user,
                course=form.cleaned_data["course"],
                plan_service=row,
                invite=form.cleaned_data["invite"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            if enrolment.status == Enrolment.Status.WAITING:
                messages.warning(
                    request, _("The course is full; the client is on its waiting list.")
                )
            else:
                messages.success(request, _("The client has a place on the course."))
            return redirect("courses:client_progress", pk=client.pk)
    return render(
        request,
        "courses/enrol.html",
        {"form": form, "row": row, "client": client, "courses": courses},
        status=400 if form.errors else 200,
    )


def _enrolment(request, pk: int) -> Enrolment:
    enrolment = selectors.enrolment_get(pk=pk)
    if enrolment is None or not can(request.user, perms.PARTICIPANT_VIEW, enrolment):
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.ACCESS_DENIED,
            object_type="Enrolment",
            object_id=pk,
            client_id=enrolment.client_id if enrolment else None,
            reason=str(perms.PARTICIPANT_VIEW),
            success=False,
            path=request.path,
        )
        raise Http404
    # A restricted client is left out of the participant lists; opening one asks for a reason.
    deny_if_restricted(request.user, enrolment.client, path=request.path)
    return enrolment


@requires(perms.PARTICIPANT_VIEW)
def enrolment_detail(request, pk: int):
    enrolment = _enrolment(request, pk)
    selectors.audit_participants(
        actor=request.user,
        client_ids=[enrolment.client_id],
        object_type="Enrolment",
        object_id=enrolment.pk,
        path=request.path,
    )
    return render(
        request,
        "courses/enrolment_detail.html",
        {
            "enrolment": enrolment,
            "course": enrolment.course,
            "item_list": [selectors.enrolment_progress(enrolment=enrolment)],
            "sessions": selectors.enrolment_attendance(enrolment=enrolment),
            "may_deliver": can(request.user, perms.COURSE_DELIVER, enrolment),
            "may_cancel": enrolment.status in Enrolment.ACTIVE
            and (
                can(request.user, perms.ENROL, enrolment)
                or can(request.user, perms.COURSE_DELIVER, enrolment)
            ),
            "is_provider": perms.provides(request.user, enrolment),
            "status_form": StatusForm(initial={"day": timezone.localdate()}),
            **_casework_links(request, enrolment),
        },
    )


def _casework_links(request, enrolment: Enrolment) -> dict:
    """Links to the client's course progress and plan, for staff who may see them."""
    client = enrolment.client
    links: dict = {"progress_client": None, "plan_id": None}
    if can(request.user, perms.PROGRESS_VIEW, client):
        links["progress_client"] = client
        if enrolment.plan_service_id and can(request.user, casework_perms.CASE_VIEW, client):
            links["plan_id"] = enrolment.plan_service.plan_id
    return links


@requires(perms.COURSE_DELIVER)
@require_http_methods(["POST"])
def enrolment_status(request, pk: int):
    enrolment = _enrolment(request, pk)
    enforce(request, perms.COURSE_DELIVER, enrolment)
    form = StatusForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "confirm":
                services.enrolment_confirm(actor=request.user, enrolment=enrolment)
            elif data["action"] == "complete":
                services.enrolment_complete(
                    actor=request.user, enrolment=enrolment, day=data["day"]
                )
            elif data["action"] == "interrupt":
                services.enrolment_interrupt(
                    actor=request.user, enrolment=enrolment, day=data["day"], reason=data["reason"]
                )
            else:
                services.enrolment_no_show(actor=request.user, enrolment=enrolment, day=data["day"])
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Participant's status changed."))
            return redirect("courses:enrolment", pk=enrolment.pk)
    return render(
        request,
        "courses/enrolment_detail.html",
        {
            "enrolment": enrolment,
            "course": enrolment.course,
            "item_list": [selectors.enrolment_progress(enrolment=enrolment)],
            "sessions": selectors.enrolment_attendance(enrolment=enrolment),
            "may_deliver": True,
            "is_provider": perms.provides(request.user, enrolment),
            "status_form": form,
        },
        status=400,
    )


@requires(perms.COURSE_LIST)
@require_http_methods(["GET", "POST"])
def enrolment_cancel(request, pk: int):
    enrolment = _enrolment(request, pk)
    if not (
        can(request.user, perms.ENROL, enrolment)
        or can(request.user, perms.COURSE_DELIVER, enrolment)
    ):
        enforce(request, perms.ENROL, enrolment)
    error = ""
    if request.method == "POST":
        try:
            services.enrolment_cancel(actor=request.user, enrolment=enrolment)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The enrolment was cancelled."))
            return redirect("courses:detail", pk=enrolment.course_id)
    return render(
        request,
        "courses/enrolment_cancel.html",
        {"enrolment": enrolment, "course": enrolment.course, "error": error},
        status=400 if error else 200,
    )


def _audit_shown(request, enrolment: Enrolment, object_type: str, object_id) -> None:
    """A page that names the participant is a read of the client's data (docs/security.md)."""
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        object_type=object_type,
        object_id=object_id,
        client_id=enrolment.client_id,
        path=request.path,
    )


def _delivery_form(
    request, enrolment: Enrolment, form, *, save, title, message, audit_as: tuple[str, object]
):
    """A form of the participant's course record: `save(**cleaned_data)` calls the service.
    The page shows the client's name, so showing it is audited as `audit_as` (type, id)."""
    if request.method == "POST" and form.is_valid():
        try:
            save(**form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, message)
            return redirect("courses:enrolment", pk=enrolment.pk)
    _audit_shown(request, enrolment, *audit_as)
    return render(
        request,
        "courses/form.html",
        {"form": form, "course": enrolment.course, "enrolment": enrolment, "title": title},
        status=400 if form.errors else 200,
    )


def _delivered_enrolment(request, pk: int) -> Enrolment:
    """The enrolment, behind the enrolment page's gates, for those who record its delivery."""
    enrolment = _enrolment(request, pk)
    enforce(request, perms.COURSE_DELIVER, enrolment)
    return enrolment


def _record_enrolment(request, record) -> Enrolment:
    """The enrolment of a placement or a test result, behind the same gates (a restricted
    client's record asks for a reason, as the enrolment page does)."""
    if record is None:
        raise Http404
    return _delivered_enrolment(request, record.enrolment_id)


@requires(perms.COURSE_DELIVER)
@require_http_methods(["GET", "POST"])
def placement_add(request, pk: int):
    enrolment = _delivered_enrolment(request, pk)
    return _delivery_form(
        request,
        enrolment,
        PlacementForm(request.POST or None),
        save=lambda **data: services.placement_add(actor=request.user, enrolment=enrolment, **data),
        title=_("Record a work placement"),
        message=_("Work placement saved."),
        audit_as=("Enrolment", enrolment.pk),
    )


@requires(perms.COURSE_DELIVER)
@require_http_methods(["GET", "POST"])
def placement_edit(request, pk: int):
    placement = selectors.placement_get(pk=pk)
    enrolment = _record_enrolment(request, placement)
    initial = {f: getattr(placement, f) for f in PlacementForm.Meta.fields}
    return _delivery_form(
        request,
        enrolment,
        PlacementForm(request.POST or None, initial=initial),
        save=lambda **data: services.placement_update(
            actor=request.user, placement=placement, **data
        ),
        title=_("Change the work placement"),
        message=_("Work placement saved."),
        audit_as=("WorkPlacement", placement.pk),
    )


@requires(perms.COURSE_DELIVER)
@require_http_methods(["GET", "POST"])
def result_add(request, pk: int):
    enrolment = _delivered_enrolment(request, pk)
    return _delivery_form(
        request,
        enrolment,
        ResultForm(request.POST or None),
        save=lambda **data: services.language_result_add(
            actor=request.user, enrolment=enrolment, **data
        ),
        title=_("Record a language test result"),
        message=_("Test result saved."),
        audit_as=("Enrolment", enrolment.pk),
    )


@requires(perms.COURSE_DELIVER)
@require_http_methods(["GET", "POST"])
def result_edit(request, pk: int):
    result = selectors.language_result_get(pk=pk)
    enrolment = _record_enrolment(request, result)
    initial = {f: getattr(result, f) for f in services.RESULT_FIELDS}
    return _delivery_form(
        request,
        enrolment,
        ResultForm(request.POST or None, initial=initial),
        save=lambda **data: services.language_result_update(
            actor=request.user, result=result, **data
        ),
        title=_("Correct the language test result"),
        message=_("Test result saved."),
        audit_as=("LanguageTestResult", result.pk),
    )


@requires(perms.COURSE_DELIVER)
@require_http_methods(["GET", "POST"])
def result_remove(request, pk: int):
    result = selectors.language_result_get(pk=pk)
    enrolment = _record_enrolment(request, result)
    error = ""
    if request.method == "POST":
        try:
            services.language_result_remove(actor=request.user, result=result)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Test result removed."))
            return redirect("courses:enrolment", pk=enrolment.pk)
    _audit_shown(request, enrolment, "LanguageTestResult", result.pk)
    return render(
        request,
        "courses/result_remove.html",
        {"result": result, "enrolment": enrolment, "course": enrolment.course, "error": error},
        status=400 if error else 200,
    )


@requires(perms.PROGRESS_VIEW)
def client_progress(request, pk: int):
    client = client_get(pk=pk)
    deny_unless_visible(request.user, client, path=request.path, object_id=pk)
    items = selectors.client_progress(user=request.user, client=client, path=request.path)
    return render(
        request,
        "courses/client_progress.html",
        {"client": client, "items": items},
    )
