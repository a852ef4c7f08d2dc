"""The courses API: /api/v1/courses/…, sessions, enrolments, attendance, placements, results.

Participants are shown with the minimum fields (name, languages, contact, attendance); every
read of them is audited per client in the selectors.

Corrections (PATCH a session, a placement or a result; DELETE a session or a result) pass the
gates of the matching pages: an object outside the user's reach is a 404, one the user sees but
does not deliver is a 403, and a restricted client's record asks for a reason first.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from kotopolku.access import courses as perms
from kotopolku.access.api import allows
from kotopolku.access.policy import can
from kotopolku.access.privacy import deny_if_restricted
from kotopolku.access.views import enforce
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.casework.models import PlanService
from kotopolku.common.api import problem, service_errors
from kotopolku.common.choices import CefrLevel
from kotopolku.common.filters import filterset_parameters, params_of
from kotopolku.common.pagination import CursorPagination
from kotopolku.common.serializers import LocalTimeField
from kotopolku.courses import progress, selectors, services
from kotopolku.courses.filters import (
    AttendanceFilter,
    CourseFilter,
    ParticipantFilter,
    PlacementFilter,
    ResultFilter,
    SessionFilter,
)
from kotopolku.courses.models import (
    Attendance,
    Course,
    CourseSession,
    Enrolment,
    LanguageTestResult,
    WorkPlacement,
)


class CourseOutput(serializers.ModelSerializer):
    provider = serializers.CharField(source="provider.name")
    municipality = serializers.CharField(source="municipality.municipality_code")
    service = serializers.IntegerField(source="service_id")
    category = serializers.CharField(source="category_code")
    # Only lists annotate the waiting count; a single course answers null.
    waiting = serializers.IntegerField(source="waiting_count", default=None, allow_null=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "category",
            "provider",
            "service",
            "language",
            "municipality",
            "location",
            "start",
            "end",
            "capacity",
            "planned_hours",
            "places_taken",
            "waiting",
        ]


class SessionOutput(serializers.ModelSerializer):
    start_time = LocalTimeField()

    class Meta:
        model = CourseSession
        fields = ["id", "day", "start_time", "hours", "topic", "description"]


class ParticipantOutput(serializers.Serializer):
    """The minimum fields of DESIGN.md: name, language, contact, attendance."""

    id = serializers.IntegerField(source="enrolment.pk")
    status = serializers.CharField(source="enrolment.status")
    first_names = serializers.CharField(source="client.first_names")
    last_name = serializers.CharField(source="client.last_name")
    mother_tongue = serializers.CharField()
    phone = serializers.CharField(source="client.phone")
    email = serializers.CharField(source="client.email")
    attended_hours = serializers.DecimalField(source="attended", max_digits=7, decimal_places=1)
    orientation_completed = serializers.BooleanField(
        source="completed_orientation", allow_null=True
    )


class PlacementOutput(serializers.ModelSerializer):
    class Meta:
        model = WorkPlacement
        fields = [
            "id",
            "employer",
            "start",
            "end",
            "supervisor",
            "supervisor_contact",
            "outcome",
            "note",
        ]


class ResultOutput(serializers.ModelSerializer):
    target = serializers.SerializerMethodField()
    meets_target = serializers.SerializerMethodField()

    class Meta:
        model = LanguageTestResult
        fields = [
            "id",
            "day",
            "test_name",
            "listening",
            "reading",
            "speaking",
            "writing",
            "target",
            "meets_target",
        ]

    def get_target(self, obj) -> str | None:
        return progress.language_target(obj.day)

    def get_meets_target(self, obj) -> dict[str, bool | None]:
        target = progress.language_target(obj.day)
        return {s.skill: s.meets for s in progress.skill_results(obj, target=target)}


def _not_found(request, object_type: str, pk: int, perm, *, client_id: int | None = None):
    """404, not 403, so as not to reveal what exists outside the user's reach; the denial is
    audited as the pages do."""
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.ACCESS_DENIED,
        object_type=object_type,
        object_id=pk,
        client_id=client_id,
        reason=str(perm),
        success=False,
        path=request.path,
    )
    return Http404()


def _course_or_404(request, pk: int) -> Course:
    course = selectors.course_get(pk=pk)
    if course is None or not can(request.user, perms.COURSE_VIEW, course):
        raise _not_found(request, "Course", pk, perms.COURSE_VIEW)
    return course


def _enrolment_or_404(request, pk: int) -> Enrolment:
    enrolment = selectors.enrolment_get(pk=pk)
    if enrolment is None or not can(request.user, perms.PARTICIPANT_VIEW, enrolment):
        client_id = enrolment.client_id if enrolment is not None else None
        raise _not_found(request, "Enrolment", pk, perms.PARTICIPANT_VIEW, client_id=client_id)
    deny_if_restricted(request.user, enrolment.client, path=request.path)
    return enrolment


def _delivered_session_or_404(request, pk: int) -> CourseSession:
    """A session, for those who record its course's delivery (the session pages' gates)."""
    session = selectors.session_get(pk=pk)
    if session is None or not can(request.user, perms.COURSE_VIEW, session.course):
        raise _not_found(request, "CourseSession", pk, perms.COURSE_VIEW)
    enforce(request, perms.COURSE_DELIVER, session.course)
    return session


def _delivered_record_or_404(request, record: WorkPlacement | LanguageTestResult | None):
    """The enrolment of a placement or a test result, behind the enrolment's gates (a
    restricted client's record asks for a reason), for those who record its delivery."""
    if record is None:
        raise Http404
    enrolment = _enrolment_or_404(request, record.enrolment_id)
    enforce(request, perms.COURSE_DELIVER, enrolment)
    return enrolment


class CourseListApi(generics.ListAPIView):
    serializer_class = CourseOutput
    permission_classes = [allows(perms.COURSE_LIST)]
    filterset_class = CourseFilter

    def get_queryset(self):
        return selectors.course_list(user=self.request.user)


class CourseDetailApi(APIView):
    permission_classes = [allows(perms.COURSE_VIEW)]

    @extend_schema(responses=CourseOutput)
    def get(self, request, pk: int):
        return Response(CourseOutput(_course_or_404(request, pk)).data)


class SessionListApi(generics.ListAPIView):
    serializer_class = SessionOutput
    permission_classes = [allows(perms.COURSE_VIEW)]
    filterset_class = SessionFilter

    def get_queryset(self):
        course = _course_or_404(self.request, self.kwargs["pk"])
        return course.sessions.order_by("day", "start_time", "id")


class ParticipantListApi(APIView):
    permission_classes = [allows(perms.COURSE_VIEW)]

    @extend_schema(
        responses=ParticipantOutput(many=True),
        parameters=filterset_parameters(ParticipantFilter),
    )
    def get(self, request, pk: int):
        course = _course_or_404(request, pk)
        status_ = params_of(ParticipantFilter, request).get("status")
        rows = selectors.participants(
            user=request.user,
            course=course,
            path=request.path,
            statuses=[status_] if status_ else None,
        )
        return Response(ParticipantOutput(rows, many=True).data)


class EnrolInput(serializers.Serializer):
    course = serializers.IntegerField()
    plan_service = serializers.IntegerField()
    invite = serializers.BooleanField(required=False, default=False)


class EnrolmentCreateApi(APIView):
    permission_classes = [allows(perms.ENROL)]

    @extend_schema(request=EnrolInput, responses={201: ParticipantOutput})
    def post(self, request):
        data = EnrolInput(data=request.data)
        data.is_valid(raise_exception=True)
        course = _course_or_404(request, data.validated_data["course"])
        row = (
            PlanService.objects.select_related("plan__client")
            .filter(pk=data.validated_data["plan_service"])
            .first()
        )
        if row is None or not can(request.user, perms.ENROL, row.plan):
            raise Http404
        try:
            enrolment = services.enrolment_create(
                actor=request.user,
                course=course,
                plan_service=row,
                invite=data.validated_data["invite"],
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return Response(
            {"id": enrolment.pk, "status": enrolment.status, "course": course.pk},
            status=status.HTTP_201_CREATED,
        )


class AttendanceRow(serializers.Serializer):
    enrolment = serializers.IntegerField()
    hours = serializers.CharField()


class AttendanceRosterRow(serializers.Serializer):
    """One participant of the session's group; `hours` is null until attendance is marked."""

    enrolment = serializers.IntegerField()
    first_names = serializers.CharField()
    last_name = serializers.CharField()
    hours = serializers.CharField(allow_null=True)


class AttendanceInput(serializers.Serializer):
    attendance = AttendanceRow(many=True)


class AttendanceApi(APIView):
    """GET the session's group with recorded hours; POST the whole group's hours at once."""

    permission_classes = [allows(perms.COURSE_DELIVER)]

    def _session(self, request, pk: int) -> CourseSession:
        return _delivered_session_or_404(request, pk)

    @extend_schema(responses=AttendanceRosterRow(many=True))
    def get(self, request, pk: int):
        session = self._session(request, pk)
        roster = selectors.session_roster(user=request.user, session=session, path=request.path)
        return Response(
            [
                {
                    "enrolment": row["enrolment"].pk,
                    "first_names": row["enrolment"].client.first_names,
                    "last_name": row["enrolment"].client.last_name,
                    "hours": None if row["hours"] is None else str(row["hours"]),
                }
                for row in roster
            ]
        )

    @extend_schema(request=AttendanceInput, responses={200: None})
    def post(self, request, pk: int):
        session = self._session(request, pk)
        data = AttendanceInput(data=request.data)
        data.is_valid(raise_exception=True)
        hours: dict[int, str] = {}
        duplicates = []
        for row in data.validated_data["attendance"]:
            if row["enrolment"] in hours:
                duplicates.append(row["enrolment"])
            hours[row["enrolment"]] = row["hours"]
        if duplicates:
            raise ValidationError({"attendance": [f"listed twice: {duplicates}"]})
        try:
            changed = services.attendance_record(actor=request.user, session=session, hours=hours)
        except services.AttendanceInvalid as exc:
            body = problem(
                400,
                "invalid_attendance",
                "Nothing was saved.",
                [{"enrolment": e.key, "field": e.field, "message": e.message} for e in exc.errors],
            )
            return Response(body, status=400)
        except DjangoValidationError as exc:  # e.g. the session has not taken place yet
            raise service_errors(exc) from exc
        return Response({"changed": changed, "session": session.pk})


class SessionInput(serializers.Serializer):
    """The session form's fields; a PATCH gives only those that change."""

    day = serializers.DateField()
    start_time = LocalTimeField()
    hours = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=Decimal("0.5"), max_value=Decimal("12")
    )
    topic = serializers.ChoiceField(choices=CourseSession.Topic.choices)
    description = serializers.CharField(max_length=300, allow_blank=True)


class SessionDetailApi(APIView):
    """PATCH corrects a session with the checks of the session page (once hours are recorded
    it keeps room for them and stays in the past); DELETE removes a session with no hours."""

    permission_classes = [allows(perms.COURSE_DELIVER)]

    @extend_schema(request=SessionInput, responses={200: SessionOutput})
    def patch(self, request, pk: int):
        session = _delivered_session_or_404(request, pk)
        data = SessionInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            session = services.session_update(
                actor=request.user, session=session, **data.validated_data
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return Response(SessionOutput(session).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int):
        session = _delivered_session_or_404(request, pk)
        try:
            services.session_delete(actor=request.user, session=session)
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class PlacementListApi(generics.ListAPIView):
    serializer_class = PlacementOutput
    permission_classes = [allows(perms.PARTICIPANT_VIEW)]
    filterset_class = PlacementFilter

    def get_queryset(self):
        enrolment = _enrolment_or_404(self.request, self.kwargs["pk"])
        selectors.audit_participants(
            actor=self.request.user,
            client_ids=[enrolment.client_id],
            object_type="WorkPlacement",
            object_id=enrolment.pk,
            path=self.request.path,
        )
        return enrolment.placements.order_by("start", "id")


class ResultListApi(generics.ListAPIView):
    serializer_class = ResultOutput
    permission_classes = [allows(perms.PARTICIPANT_VIEW)]
    filterset_class = ResultFilter

    def get_queryset(self):
        enrolment = _enrolment_or_404(self.request, self.kwargs["pk"])
        selectors.audit_participants(
            actor=self.request.user,
            client_ids=[enrolment.client_id],
            object_type="LanguageTestResult",
            object_id=enrolment.pk,
            path=self.request.path,
        )
        return enrolment.test_results.order_by("day", "id")


def _audit_record_read(request, enrolment: Enrolment, record) -> None:
    """The answer shows the participant's record: one `view` row, as the lists write."""
    selectors.audit_participants(
        actor=request.user,
        client_ids=[enrolment.client_id],
        object_type=type(record).__name__,
        object_id=record.pk,
        path=request.path,
    )


class PlacementInput(serializers.Serializer):
    """The placement form's fields; a PATCH gives only those that change."""

    employer = serializers.CharField(max_length=200)
    start = serializers.DateField()
    end = serializers.DateField()
    supervisor = serializers.CharField(max_length=150, allow_blank=True)
    supervisor_contact = serializers.CharField(max_length=150, allow_blank=True)
    outcome = serializers.ChoiceField(choices=WorkPlacement.Outcome.choices)
    note = serializers.CharField(max_length=300, allow_blank=True)

    def validate(self, attrs):
        # A PATCH may move one end only: the other is the stored one.
        start = attrs.get("start", getattr(self.instance, "start", None))
        end = attrs.get("end", getattr(self.instance, "end", None))
        if start and end and end < start:
            raise ValidationError({"end": [_("The end cannot be before the start.")]})
        return attrs


class PlacementDetailApi(APIView):
    """PATCH changes a work placement while the client is on the course."""

    permission_classes = [allows(perms.COURSE_DELIVER)]

    @extend_schema(request=PlacementInput, responses={200: PlacementOutput})
    def patch(self, request, pk: int):
        placement = selectors.placement_get(pk=pk)
        enrolment = _delivered_record_or_404(request, placement)
        data = PlacementInput(placement, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            placement = services.placement_update(
                actor=request.user, placement=placement, **data.validated_data
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        _audit_record_read(request, enrolment, placement)
        return Response(PlacementOutput(placement).data)


class ResultInput(serializers.Serializer):
    """The result form's fields; a skill left empty was not tested, and at least one must be
    given. A PATCH gives only the fields that change."""

    day = serializers.DateField()
    test_name = serializers.CharField(max_length=150)
    listening = serializers.ChoiceField(choices=CefrLevel.choices, allow_blank=True)
    reading = serializers.ChoiceField(choices=CefrLevel.choices, allow_blank=True)
    speaking = serializers.ChoiceField(choices=CefrLevel.choices, allow_blank=True)
    writing = serializers.ChoiceField(choices=CefrLevel.choices, allow_blank=True)


class ResultDetailApi(APIView):
    """PATCH corrects a language test result; DELETE removes one recorded by mistake. Both
    only while the client is on the course."""

    permission_classes = [allows(perms.COURSE_DELIVER)]

    @extend_schema(request=ResultInput, responses={200: ResultOutput})
    def patch(self, request, pk: int):
        result = selectors.language_result_get(pk=pk)
        enrolment = _delivered_record_or_404(request, result)
        data = ResultInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            result = services.language_result_update(
                actor=request.user, result=result, **data.validated_data
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        _audit_record_read(request, enrolment, result)
        return Response(ResultOutput(result).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int):
        result = selectors.language_result_get(pk=pk)
        _delivered_record_or_404(request, result)
        try:
            services.language_result_remove(actor=request.user, result=result)
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class ClientProgressOutput(serializers.Serializer):
    """The schema of one course in a client's progress (built by hand in ClientProgressApi)."""

    enrolment = serializers.IntegerField()
    course = CourseOutput()
    status = serializers.ChoiceField(choices=Enrolment.Status.choices)
    attended_hours = serializers.DecimalField(max_digits=7, decimal_places=2, coerce_to_string=True)
    required_hours = serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=True, allow_null=True
    )
    orientation_completed = serializers.BooleanField(allow_null=True)
    placements = PlacementOutput(many=True)
    results = ResultOutput(many=True)
    as_of = serializers.DateField()


class ClientProgressApi(APIView):
    """A client's courses with attended hours against P7, placements and results against P8."""

    permission_classes = [allows(perms.PROGRESS_VIEW)]

    @extend_schema(responses={200: ClientProgressOutput(many=True)})
    def get(self, request, pk: int):
        from kotopolku.access.clients import deny_unless_visible
        from kotopolku.clients.selectors import client_get

        client = client_get(pk=pk)
        deny_unless_visible(request.user, client, path=request.path, object_id=pk)
        items = selectors.client_progress(user=request.user, client=client, path=request.path)
        today = timezone.localdate()
        return Response(
            [
                {
                    "enrolment": item.enrolment.pk,
                    "course": CourseOutput(item.course).data,
                    "status": item.enrolment.status,
                    "attended_hours": str(item.attended),
                    "required_hours": None if item.required is None else str(item.required),
                    "orientation_completed": item.completed_orientation,
                    "placements": PlacementOutput(item.placements, many=True).data,
                    "results": ResultOutput([r.result for r in item.results], many=True).data,
                    "as_of": today,
                }
                for item in items
            ]
        )


class AttendanceRecordOutput(serializers.ModelSerializer):
    course = serializers.IntegerField(source="session.course_id", read_only=True)
    day = serializers.DateField(source="session.day", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "course", "session", "day", "enrolment", "hours"]


class AttendanceListApi(generics.ListAPIView):
    """Attendance across sessions for the courses whose delivery the caller records, by cursor
    (a large list: no count, never a skipped row). Ids and hours only; each page's clients are
    audited as viewed."""

    serializer_class = AttendanceRecordOutput
    permission_classes = [allows(perms.COURSE_DELIVER)]
    pagination_class = CursorPagination
    filterset_class = AttendanceFilter

    def get_queryset(self):
        return selectors.attendance_scope(user=self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        selectors.audit_participants(
            actor=request.user,
            client_ids=[row.enrolment.client_id for row in page],
            object_type="Attendance",
            object_id="list",
            path=request.path,
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
