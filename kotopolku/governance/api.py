"""Read API for working groups, memberships, meetings with their items, tasks and reports, and
one write: completing one's own follow-up task."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from kotopolku.access import governance as perms
from kotopolku.access.api import allows
from kotopolku.access.policy import can
from kotopolku.catalogue.models import Service
from kotopolku.common.api import problem
from kotopolku.common.serializers import LocalTimeField, TranslatedField
from kotopolku.governance import selectors, services
from kotopolku.governance.models import (
    AgendaItem,
    AnnualReport,
    FollowUpTask,
    GroupMembership,
    Meeting,
    ReportPresentation,
    WorkingGroup,
)
from kotopolku.governance.services import AgendaItemInput, MeetingInput
from kotopolku.programme.models import Goal, Indicator, Measure


@extend_schema_field(
    {
        "type": "object",
        "properties": {c: {"type": "string", "nullable": True} for c in ("fi", "sv", "en")},
    }
)
class _Translated(TranslatedField):
    pass


class WorkingGroupOutput(serializers.ModelSerializer):
    name = _Translated("name")
    mandate = _Translated("mandate")
    tasks = _Translated("tasks")
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    meetings_in_year = serializers.IntegerField(read_only=True)

    class Meta:
        model = WorkingGroup
        fields = [
            "id",
            "region",
            "kind",
            "name",
            "mandate",
            "tasks",
            "chair_organisation",
            "vice_chair_organisation",
            "min_meetings_per_year",
            "meetings_in_year",
        ]


class GroupMembershipOutput(serializers.ModelSerializer):
    name = serializers.CharField(source="person_name", read_only=True)
    username = serializers.SerializerMethodField()

    class Meta:
        model = GroupMembership
        fields = [
            "id",
            "name",
            "username",
            "title",
            "organisation",
            "role",
            "topic",
            "term_start",
            "term_end",
            "appointing_decision",
            "appointing_decision_text",
        ]

    def get_username(self, obj) -> str | None:
        return obj.user.get_username() if obj.user_id else None


class GroupMembershipContactOutput(GroupMembershipOutput):
    email = serializers.CharField(read_only=True)

    class Meta(GroupMembershipOutput.Meta):
        fields = [*GroupMembershipOutput.Meta.fields, "email"]


class FollowUpTaskOutput(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = FollowUpTask
        fields = ["id", "group", "agenda_item", "title", "owner", "due", "status", "completed_at"]


class AgendaItemOutput(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "number",
            "title",
            "description",
            "decision",
            "goals",
            "measures",
            "indicators",
            "services",
            "annual_report",
        ]


class GovernanceMeetingOutput(serializers.ModelSerializer):
    minutes_approved = serializers.BooleanField(read_only=True)
    start_time = LocalTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Meeting
        fields = ["id", "group", "date", "start_time", "place", "link", "minutes_approved"]


class GovernanceMeetingDetailOutput(GovernanceMeetingOutput):
    items = AgendaItemOutput(many=True, read_only=True)
    participants = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(GovernanceMeetingOutput.Meta):
        fields = [
            *GovernanceMeetingOutput.Meta.fields,
            "minutes_approved_at",
            "participants",
            "items",
        ]


class ReportPresentationOutput(serializers.ModelSerializer):
    class Meta:
        model = ReportPresentation
        fields = ["body", "organisation", "date", "section", "decision"]


class AnnualReportOutput(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    presentations = ReportPresentationOutput(many=True, read_only=True)

    class Meta:
        model = AnnualReport
        fields = [
            "id",
            "region",
            "year",
            "status",
            "summary",
            "processed_item",
            "processed_at",
            "presented_at",
            "presentations",
        ]


class GroupListApi(generics.ListAPIView):
    serializer_class = WorkingGroupOutput
    permission_classes = [allows(perms.GOVERNANCE_VIEW)]

    def get_queryset(self):
        return selectors.group_list(search=self.request.query_params.get("search", "")[:100])


class GroupDetailApi(generics.RetrieveAPIView):
    serializer_class = WorkingGroupOutput
    permission_classes = [allows(perms.GOVERNANCE_VIEW)]

    def get_queryset(self):
        return selectors.group_list()


class GroupMembershipListApi(generics.ListAPIView):
    permission_classes = [allows(perms.GOVERNANCE_VIEW)]

    def _contacts(self) -> bool:
        return can(self.request.user, perms.MEMBER_CONTACTS)

    def get_serializer_class(self):
        return GroupMembershipContactOutput if self._contacts() else GroupMembershipOutput

    def get_queryset(self):
        group = generics.get_object_or_404(selectors.group_list(), pk=self.kwargs["pk"])
        return selectors.group_members(
            group=group, actor=self.request.user, with_contacts=self._contacts()
        )


def _django_errors(exc: ValidationError) -> serializers.ValidationError:
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(exc.message_dict)
    return serializers.ValidationError({"non_field_errors": exc.messages})


class _ReadOrManage:
    """GET needs governance.view; writes need governance.manage."""

    def get_permissions(self):
        perm = perms.GOVERNANCE_VIEW if self.request.method == "GET" else perms.GOVERNANCE_MANAGE
        return [allows(perm)()]


class MeetingInputSerializer(serializers.Serializer):
    group = serializers.PrimaryKeyRelatedField(queryset=WorkingGroup.objects.filter(archived=False))
    date = serializers.DateField()
    start_time = LocalTimeField(required=False, allow_null=True)
    place = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    link = serializers.URLField(required=False, allow_blank=True, default="")


class MeetingListApi(_ReadOrManage, generics.ListCreateAPIView):
    """GET lists meetings (filters: group, year); POST schedules one (coordinators, admins)."""

    serializer_class = GovernanceMeetingOutput

    def get_queryset(self):
        params = self.request.query_params
        year = params.get("year", "")
        group = None
        if params.get("group", "").isdigit():
            group = WorkingGroup.objects.filter(pk=int(params["group"])).first()
        rows = selectors.meeting_list(group=group, year=int(year) if year.isdigit() else None)
        if params.get("group") and group is None:
            return rows.none()
        return rows

    @extend_schema(request=MeetingInputSerializer, responses={201: GovernanceMeetingOutput})
    def post(self, request, *args, **kwargs):
        data = MeetingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        group = values.pop("group")
        try:
            meeting = services.meeting_schedule(
                actor=request.user, group=group, data=MeetingInput(**values)
            )
        except ValidationError as exc:
            raise _django_errors(exc) from exc
        return Response(GovernanceMeetingOutput(meeting).data, status=status.HTTP_201_CREATED)


class AgendaItemInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    decision = serializers.CharField(required=False, allow_blank=True, default="")
    goals = serializers.PrimaryKeyRelatedField(
        many=True, required=False, default=list, queryset=Goal.objects.filter(archived=False)
    )
    measures = serializers.PrimaryKeyRelatedField(
        many=True, required=False, default=list, queryset=Measure.objects.filter(archived=False)
    )
    indicators = serializers.PrimaryKeyRelatedField(
        many=True, required=False, default=list, queryset=Indicator.objects.filter(archived=False)
    )
    services = serializers.PrimaryKeyRelatedField(
        many=True, required=False, default=list, queryset=Service.objects.filter(archived=False)
    )
    annual_report = serializers.PrimaryKeyRelatedField(
        required=False, allow_null=True, default=None, queryset=AnnualReport.objects.all()
    )


class AgendaItemListApi(_ReadOrManage, generics.ListCreateAPIView):
    """GET lists a meeting's items; POST adds one (refused once the minutes are approved)."""

    serializer_class = AgendaItemOutput
    pagination_class = None

    def _meeting(self) -> Meeting:
        return generics.get_object_or_404(selectors.meeting_list(), pk=self.kwargs["pk"])

    def get_queryset(self):
        return selectors.item_list(meeting=self._meeting())

    @extend_schema(request=AgendaItemInputSerializer, responses={201: AgendaItemOutput})
    def post(self, request, *args, **kwargs):
        meeting = self._meeting()
        data = AgendaItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            item = services.agenda_item_add(
                actor=request.user, meeting=meeting, data=AgendaItemInput(**data.validated_data)
            )
        except ValidationError as exc:
            raise _django_errors(exc) from exc
        return Response(AgendaItemOutput(item).data, status=status.HTTP_201_CREATED)


class MeetingDetailApi(generics.RetrieveAPIView):
    serializer_class = GovernanceMeetingDetailOutput
    permission_classes = [allows(perms.GOVERNANCE_VIEW)]

    def get_object(self):
        try:
            return selectors.meeting_detail(pk=self.kwargs["pk"])
        except Meeting.DoesNotExist as exc:
            from django.http import Http404

            raise Http404 from exc


class TaskListApi(generics.ListAPIView):
    """Managers and viewers get every task; everyone else gets their own."""

    serializer_class = FollowUpTaskOutput
    permission_classes = [allows(perms.TASK_OWN)]

    def get_queryset(self):
        user = self.request.user
        status = self.request.query_params.get("status", "")
        owner = None if can(user, perms.TASK_LIST_ALL) else user
        return selectors.task_list(status=status, owner=owner)


class TaskCompleteApi(APIView):
    permission_classes = [allows(perms.TASK_COMPLETE)]

    @extend_schema(request=None, responses=FollowUpTaskOutput)
    def post(self, request, pk: int):
        task = generics.get_object_or_404(selectors.task_list(), pk=pk)
        if not can(request.user, perms.TASK_COMPLETE, task):
            return Response(problem(403, "permission_denied", "Not your task."), status=403)
        try:
            task = services.task_complete(
                actor=request.user, task=task, note=str(request.data.get("note", ""))[:2000]
            )
        except ValidationError as exc:
            return Response(
                problem(409, "task_not_open", "The task is no longer open.", exc.messages),
                status=409,
            )
        return Response(FollowUpTaskOutput(task).data)


class ReportListApi(generics.ListAPIView):
    serializer_class = AnnualReportOutput
    permission_classes = [allows(perms.REPORT_VIEW)]

    def get_queryset(self):
        return selectors.report_list().prefetch_related("presentations")


class ReportDetailApi(generics.RetrieveAPIView):
    serializer_class = AnnualReportOutput
    permission_classes = [allows(perms.REPORT_VIEW)]

    def get_queryset(self):
        return selectors.report_list().prefetch_related("presentations")
