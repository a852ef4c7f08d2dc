"""Read API for working groups, memberships, meetings with their items, tasks and reports, and
one write: completing one's own follow-up task."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kotopolku.access import governance as perms
from kotopolku.access.api import allows
from kotopolku.access.policy import can
from kotopolku.common.api import problem
from kotopolku.common.serializers import TranslatedField
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


class MeetingListApi(generics.ListAPIView):
    serializer_class = GovernanceMeetingOutput
    permission_classes = [allows(perms.GOVERNANCE_VIEW)]

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
