"""API for working groups, memberships, meetings with their items and minutes, follow-up tasks
and annual reports. Reads for readers; every write calls the service the UI calls, with the
UI's permission (coordinators and admins; any staff member completes their own task)."""

from dataclasses import fields, replace
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from kotopolku.access import governance as perms
from kotopolku.access.api import allows
from kotopolku.access.policy import can
from kotopolku.catalogue.api import TranslatedInput, flatten
from kotopolku.catalogue.models import Service
from kotopolku.common.api import call_service, problem
from kotopolku.common.serializers import LocalTimeField, TranslatedField
from kotopolku.governance import selectors, services
from kotopolku.governance.filters import (
    GroupFilter,
    MeetingFilter,
    MembershipFilter,
    ReportFilter,
    TaskFilter,
)
from kotopolku.governance.models import (
    AgendaItem,
    AnnualReport,
    FollowUpTask,
    GroupMembership,
    Meeting,
    ReportPresentation,
    WorkingGroup,
)
from kotopolku.governance.services import (
    AgendaItemInput,
    GroupInput,
    MeetingInput,
    MembershipInput,
    PresentationInput,
    TaskInput,
)
from kotopolku.organisations.models import Organisation, Region
from kotopolku.programme.models import Decision, Goal, Indicator, Measure


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
    owner = serializers.CharField(
        source="owner.username", read_only=True, allow_null=True, help_text="A user's username."
    )
    owner_member = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,  # null when a user owns the task (make fuzz: schema said integer)
        help_text="Or a membership of the group (the member may have no account).",
    )
    assignee = serializers.CharField(
        source="assignee_name", read_only=True, help_text="The assignee's name, either way."
    )

    class Meta:
        model = FollowUpTask
        fields = [
            "id",
            "group",
            "agenda_item",
            "title",
            "owner",
            "owner_member",
            "assignee",
            "due",
            "status",
            "completed_at",
        ]


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


# ---------------------------------------------------------------- shared


def _parsed(serializer_class, data, **kwargs):
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer


def _current(obj, input_class) -> Any:
    """An object's values as its service input: the base that a PATCH changes."""
    values = {}
    for f in fields(input_class):
        value = getattr(obj, f.name, None)
        if hasattr(value, "all"):
            value = list(value.all())
        values[f.name] = "" if value is None and f.type is str else value
    return input_class(**values)


class _ReadOrManage:
    """Reads (GET, HEAD, OPTIONS) need `read_perm` (governance.view); writes need `write_perm`
    (governance.manage)."""

    read_perm = perms.GOVERNANCE_VIEW
    write_perm = perms.GOVERNANCE_MANAGE

    def get_permissions(self):
        perm = self.read_perm if self.request.method in SAFE_METHODS else self.write_perm
        return [allows(perm)()]


ACTIVE_USERS = get_user_model().objects.filter(is_active=True)
ORGANISATIONS = Organisation.objects.filter(archived=False)
OPEN_GROUPS = WorkingGroup.objects.filter(archived=False)


def _group(pk: int) -> WorkingGroup:
    return generics.get_object_or_404(OPEN_GROUPS, pk=pk)


def _meeting(pk: int) -> Meeting:
    try:
        return selectors.meeting_detail(pk=pk)
    except Meeting.DoesNotExist as exc:
        raise Http404 from exc


# ---------------------------------------------------------------- groups


class GroupInputSerializer(serializers.Serializer):
    region = serializers.SlugRelatedField(
        slug_field="slug", queryset=Region.objects.filter(archived=False)
    )
    kind = serializers.ChoiceField(choices=WorkingGroup.Kind.choices)
    name = TranslatedInput(max_length=200)
    mandate = TranslatedInput(required=False)
    tasks = TranslatedInput(required=False, help_text="One task per line.")
    chair_organisation = serializers.PrimaryKeyRelatedField(
        queryset=ORGANISATIONS, required=False, allow_null=True
    )
    vice_chair_organisation = serializers.PrimaryKeyRelatedField(
        queryset=ORGANISATIONS, required=False, allow_null=True
    )
    min_meetings_per_year = serializers.IntegerField(min_value=0, max_value=52, required=False)

    def to_input(self, base: GroupInput | None = None) -> GroupInput:
        data = flatten(
            dict(self.validated_data), ("name", "mandate", "tasks"), partial=base is not None
        )
        return GroupInput(**data) if base is None else replace(base, **data)


class GroupListApi(_ReadOrManage, generics.ListAPIView):
    """GET lists the groups; POST creates one (coordinators, admins)."""

    serializer_class = WorkingGroupOutput
    filterset_class = GroupFilter

    def get_queryset(self):
        return selectors.group_list()

    @extend_schema(request=GroupInputSerializer, responses={201: WorkingGroupOutput})
    def post(self, request):
        data = _parsed(GroupInputSerializer, request.data).to_input()
        group = call_service(services.group_create, actor=request.user, data=data)
        return Response(
            WorkingGroupOutput(selectors.group_list().get(pk=group.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class GroupDetailApi(_ReadOrManage, generics.RetrieveAPIView):
    """GET reads a group; PATCH changes the fields given (coordinators, admins)."""

    serializer_class = WorkingGroupOutput

    def get_queryset(self):
        return selectors.group_list()

    @extend_schema(request=GroupInputSerializer, responses={200: WorkingGroupOutput})
    def patch(self, request, pk: int):
        group = _group(pk)
        serializer = _parsed(GroupInputSerializer, request.data, partial=True)
        data = serializer.to_input(_current(group, GroupInput))
        call_service(services.group_update, actor=request.user, group=group, data=data)
        return Response(WorkingGroupOutput(selectors.group_list().get(pk=pk)).data)


# ---------------------------------------------------------------- memberships


class MembershipInputSerializer(serializers.Serializer):
    user = serializers.SlugRelatedField(
        slug_field="username",
        queryset=ACTIVE_USERS,
        required=False,
        allow_null=True,
        default=None,
        help_text="The member's username; or give external_name for an external member.",
    )
    external_name = serializers.CharField(
        max_length=150, required=False, allow_blank=True, default=""
    )
    external_email = serializers.EmailField(required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    organisation = serializers.PrimaryKeyRelatedField(queryset=ORGANISATIONS)
    role = serializers.ChoiceField(choices=GroupMembership.Role.choices)
    topic = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    term_start = serializers.DateField()
    term_end = serializers.DateField(required=False, allow_null=True, default=None)
    appointing_decision = serializers.PrimaryKeyRelatedField(
        queryset=Decision.objects.filter(archived=False),
        required=False,
        allow_null=True,
        default=None,
        help_text="A decision of the programme of the group's region.",
    )
    appointing_decision_text = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )

    def __init__(self, *args, group: WorkingGroup | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if group is not None:
            # As the form offers: only decisions of the programme of the group's region.
            self.fields["appointing_decision"].queryset = Decision.objects.filter(
                archived=False, programme__region=group.region
            )


class GroupMembershipListApi(_ReadOrManage, generics.ListAPIView):
    """GET lists the members (e-mails for managers); POST adds one (coordinators, admins)."""

    filterset_class = MembershipFilter

    def _contacts(self) -> bool:
        return can(self.request.user, perms.MEMBER_CONTACTS)

    def get_serializer_class(self):
        return GroupMembershipContactOutput if self._contacts() else GroupMembershipOutput

    def get_queryset(self):
        group = generics.get_object_or_404(selectors.group_list(), pk=self.kwargs["pk"])
        return selectors.group_members(
            group=group, actor=self.request.user, with_contacts=self._contacts()
        )

    @extend_schema(request=MembershipInputSerializer, responses={201: GroupMembershipOutput})
    def post(self, request, pk: int):
        group = _group(pk)
        serializer = _parsed(MembershipInputSerializer, request.data, group=group)
        membership = call_service(
            services.membership_add,
            actor=request.user,
            group=group,
            data=MembershipInput(**serializer.validated_data),
        )
        return Response(
            self.get_serializer_class()(membership).data, status=status.HTTP_201_CREATED
        )


class MembershipEndInputSerializer(serializers.Serializer):
    on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The last day of the term (inclusive); today when not given.",
    )


class MembershipEndApi(APIView):
    """End a member's term; the membership stays for past meetings and minutes."""

    permission_classes = [allows(perms.GOVERNANCE_MANAGE)]

    @extend_schema(request=MembershipEndInputSerializer, responses={200: GroupMembershipOutput})
    def post(self, request, pk: int, member: int):
        group = _group(pk)
        membership = generics.get_object_or_404(selectors.group_members(group=group), pk=member)
        on = _parsed(MembershipEndInputSerializer, request.data).validated_data["on"]
        membership = call_service(
            services.membership_end,
            actor=request.user,
            membership=membership,
            on=on or timezone.localdate(),
        )
        return Response(GroupMembershipOutput(membership).data)


# ---------------------------------------------------------------- meetings


class MeetingInputSerializer(serializers.Serializer):
    group = serializers.PrimaryKeyRelatedField(queryset=OPEN_GROUPS)
    date = serializers.DateField()
    start_time = LocalTimeField(required=False, allow_null=True)
    place = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    link = serializers.URLField(required=False, allow_blank=True, default="")


class MeetingListApi(_ReadOrManage, generics.ListCreateAPIView):
    """GET lists meetings (filters: group, year); POST schedules one (coordinators, admins)."""

    serializer_class = GovernanceMeetingOutput
    filterset_class = MeetingFilter

    def get_queryset(self):
        return selectors.meeting_list()

    @extend_schema(request=MeetingInputSerializer, responses={201: GovernanceMeetingOutput})
    def post(self, request, *args, **kwargs):
        data = MeetingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        group = values.pop("group")
        meeting = call_service(
            services.meeting_schedule,
            actor=request.user,
            group=group,
            data=MeetingInput(**values),
        )
        return Response(GovernanceMeetingOutput(meeting).data, status=status.HTTP_201_CREATED)


class MeetingUpdateInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    start_time = LocalTimeField(required=False, allow_null=True)
    place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    link = serializers.URLField(required=False, allow_blank=True)
    participants = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=GroupMembership.objects.filter(archived=False),
        help_text="Memberships of the meeting's group.",
    )
    guests = serializers.CharField(required=False, allow_blank=True)
    minutes_notes = serializers.CharField(required=False, allow_blank=True)


class MeetingDetailApi(_ReadOrManage, generics.RetrieveAPIView):
    """GET reads a meeting with its items; PATCH changes it and DELETE deletes it while its
    minutes are not approved (coordinators, admins)."""

    serializer_class = GovernanceMeetingDetailOutput

    def get_object(self):
        return _meeting(self.kwargs["pk"])

    @extend_schema(
        request=MeetingUpdateInputSerializer, responses={200: GovernanceMeetingDetailOutput}
    )
    def patch(self, request, pk: int):
        meeting = self.get_object()
        changes = _parsed(MeetingUpdateInputSerializer, request.data, partial=True)
        data = replace(_current(meeting, MeetingInput), **changes.validated_data)
        call_service(services.meeting_update, actor=request.user, meeting=meeting, data=data)
        return Response(GovernanceMeetingDetailOutput(_meeting(pk)).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int):
        meeting = self.get_object()
        call_service(services.meeting_delete, actor=request.user, meeting=meeting)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MinutesApproveApi(APIView):
    """Approve the minutes: the meeting has been held and every item has its decision. After
    this the meeting and its items can no longer be changed."""

    permission_classes = [allows(perms.GOVERNANCE_MANAGE)]

    @extend_schema(request=None, responses={200: GovernanceMeetingDetailOutput})
    def post(self, request, pk: int):
        meeting = _meeting(pk)
        call_service(services.minutes_approve, actor=request.user, meeting=meeting)
        return Response(GovernanceMeetingDetailOutput(_meeting(pk)).data)


# ---------------------------------------------------------------- agenda items


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
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request kwargs, no DB
            return AgendaItem.objects.none()
        return selectors.item_list(meeting=self._meeting())

    @extend_schema(request=AgendaItemInputSerializer, responses={201: AgendaItemOutput})
    def post(self, request, *args, **kwargs):
        meeting = self._meeting()
        data = AgendaItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = call_service(
            services.agenda_item_add,
            actor=request.user,
            meeting=meeting,
            data=AgendaItemInput(**data.validated_data),
        )
        return Response(AgendaItemOutput(item).data, status=status.HTTP_201_CREATED)


def _item(pk: int, item: int) -> AgendaItem:
    return generics.get_object_or_404(selectors.item_list(meeting=_meeting(pk)), pk=item)


class AgendaItemDetailApi(_ReadOrManage, generics.RetrieveAPIView):
    """GET reads an item; PATCH changes the fields given (refused once the minutes are
    approved)."""

    serializer_class = AgendaItemOutput

    def get_object(self):
        return _item(self.kwargs["pk"], self.kwargs["item"])

    @extend_schema(request=AgendaItemInputSerializer, responses={200: AgendaItemOutput})
    def patch(self, request, pk: int, item: int):
        agenda_item = self.get_object()
        changes = _parsed(AgendaItemInputSerializer, request.data, partial=True)
        data = replace(_current(agenda_item, AgendaItemInput), **changes.validated_data)
        call_service(services.agenda_item_update, actor=request.user, item=agenda_item, data=data)
        return Response(AgendaItemOutput(_item(pk, item)).data)


class AgendaDecisionInputSerializer(serializers.Serializer):
    decision = serializers.CharField(allow_blank=True)


class AgendaItemDecisionApi(APIView):
    """Record the decision on an item (refused once the minutes are approved)."""

    permission_classes = [allows(perms.GOVERNANCE_MANAGE)]

    @extend_schema(request=AgendaDecisionInputSerializer, responses={200: AgendaItemOutput})
    def post(self, request, pk: int, item: int):
        agenda_item = _item(pk, item)
        decision = _parsed(AgendaDecisionInputSerializer, request.data).validated_data["decision"]
        call_service(
            services.agenda_item_record_decision,
            actor=request.user,
            item=agenda_item,
            decision=decision,
        )
        return Response(AgendaItemOutput(_item(pk, item)).data)


# ---------------------------------------------------------------- follow-up tasks


class TaskInputSerializer(serializers.Serializer):
    group = serializers.PrimaryKeyRelatedField(queryset=OPEN_GROUPS)
    title = serializers.CharField(max_length=300)
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=ACTIVE_USERS,
        required=False,
        allow_null=True,
        default=None,
        help_text="The owner's username; or give owner_member, or neither.",
    )
    owner_member = serializers.PrimaryKeyRelatedField(
        queryset=GroupMembership.objects.filter(archived=False),
        required=False,
        allow_null=True,
        default=None,
        help_text="A membership of the group, for a member who is not a user of the system.",
    )
    due = serializers.DateField()
    agenda_item = serializers.PrimaryKeyRelatedField(
        queryset=AgendaItem.objects.filter(meeting__archived=False),
        required=False,
        allow_null=True,
        default=None,
        help_text="An item of a meeting of the group.",
    )


class TaskListApi(_ReadOrManage, generics.ListAPIView):
    """GET: managers and viewers get every task, everyone else their own. POST creates a task
    (coordinators, admins)."""

    serializer_class = FollowUpTaskOutput
    read_perm = perms.TASK_OWN
    filterset_class = TaskFilter

    def get_queryset(self):
        user = self.request.user
        owner = None if can(user, perms.TASK_LIST_ALL) else user
        return selectors.task_list(owner=owner)

    @extend_schema(request=TaskInputSerializer, responses={201: FollowUpTaskOutput})
    def post(self, request):
        values = dict(_parsed(TaskInputSerializer, request.data).validated_data)
        group = values.pop("group")
        task = call_service(
            services.task_create, actor=request.user, group=group, data=TaskInput(**values)
        )
        return Response(FollowUpTaskOutput(task).data, status=status.HTTP_201_CREATED)


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


# ---------------------------------------------------------------- annual reports


def _reports():
    return selectors.report_list().prefetch_related("presentations")


class ReportInputSerializer(serializers.Serializer):
    region = serializers.SlugRelatedField(
        slug_field="slug", queryset=Region.objects.filter(archived=False)
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class ReportListApi(_ReadOrManage, generics.ListAPIView):
    """GET lists the reports; POST creates a draft (coordinators, admins)."""

    serializer_class = AnnualReportOutput
    read_perm = perms.REPORT_VIEW
    write_perm = perms.REPORT_MANAGE
    filterset_class = ReportFilter

    def get_queryset(self):
        return _reports()

    @extend_schema(request=ReportInputSerializer, responses={201: AnnualReportOutput})
    def post(self, request):
        values = _parsed(ReportInputSerializer, request.data).validated_data
        report = call_service(services.report_create, actor=request.user, **values)
        return Response(
            AnnualReportOutput(_reports().get(pk=report.pk)).data, status=status.HTTP_201_CREATED
        )


class SummaryInputSerializer(serializers.Serializer):
    summary = serializers.CharField(allow_blank=True)


class ReportDetailApi(_ReadOrManage, generics.RetrieveAPIView):
    """GET reads a report; PATCH changes the summary of a draft (coordinators, admins)."""

    serializer_class = AnnualReportOutput
    read_perm = perms.REPORT_VIEW
    write_perm = perms.REPORT_MANAGE

    def get_queryset(self):
        return _reports()

    @extend_schema(request=SummaryInputSerializer, responses={200: AnnualReportOutput})
    def patch(self, request, pk: int):
        report = self.get_object()
        summary = _parsed(SummaryInputSerializer, request.data).validated_data["summary"]
        call_service(
            services.report_update_summary, actor=request.user, report=report, summary=summary
        )
        return Response(AnnualReportOutput(_reports().get(pk=pk)).data)


class ProcessInputSerializer(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(
        queryset=AgendaItem.objects.all(),
        help_text="The decided item of a held cooperation-group meeting of the report's region.",
    )


class ReportProcessApi(APIView):
    """Mark a draft report processed by the cooperation group, by linking the agenda item in
    which it was handled."""

    permission_classes = [allows(perms.REPORT_MANAGE)]

    @extend_schema(request=ProcessInputSerializer, responses={200: AnnualReportOutput})
    def post(self, request, pk: int):
        report = generics.get_object_or_404(_reports(), pk=pk)
        item = _parsed(ProcessInputSerializer, request.data).validated_data["item"]
        call_service(services.report_mark_processed, actor=request.user, report=report, item=item)
        return Response(AnnualReportOutput(_reports().get(pk=pk)).data)


class PresentationInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=200)
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=ORGANISATIONS, required=False, allow_null=True, default=None
    )
    date = serializers.DateField()
    section = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    decision = serializers.CharField()


class ReportPresentApi(APIView):
    """Record that an approving body was presented the processed report, with its decision."""

    permission_classes = [allows(perms.REPORT_MANAGE)]

    @extend_schema(request=PresentationInputSerializer, responses={201: AnnualReportOutput})
    def post(self, request, pk: int):
        report = generics.get_object_or_404(_reports(), pk=pk)
        values = _parsed(PresentationInputSerializer, request.data).validated_data
        call_service(
            services.report_present,
            actor=request.user,
            report=report,
            data=PresentationInput(**values),
        )
        return Response(
            AnnualReportOutput(_reports().get(pk=pk)).data, status=status.HTTP_201_CREATED
        )
