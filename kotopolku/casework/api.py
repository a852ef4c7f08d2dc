"""Casework API: deadlines, worklist, guidance contacts, assessments, plans and referrals.

A client the user may not see answers 404 (audited), as in the registry API. Writes go through
the same services as the UI, so a plan that breaks P1–P3 is refused (400, code `rule_breach`,
with the problem codes) unless it carries `override_reason`.
"""

from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from kotopolku.access import casework as perms
from kotopolku.access.api import ClientReadsAudited, allows
from kotopolku.access.clients import deny_unless_visible
from kotopolku.access.views import enforce
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.casework import selectors, services
from kotopolku.casework.filters import (
    AssessmentFilter,
    ContactFilter,
    PlanFilter,
    PlanReviewFilter,
    ReferralFilter,
    WorklistFilter,
    worklist_options,
)
from kotopolku.casework.models import (
    Assessment,
    GuidanceContact,
    IntegrationPlan,
    PlanExtension,
    PlanReview,
    PlanService,
    Referral,
)
from kotopolku.clients.models import Client
from kotopolku.common.api import call_service, problem, service_errors
from kotopolku.common.filters import filterset_parameters, params_of


def _client(request, pk: int) -> Client:
    try:
        client = selectors.client_with_case(pk=pk)
    except Client.DoesNotExist:
        client = None
    deny_unless_visible(request.user, client, path=request.path, object_id=pk)
    return client


def _audit_read(request, client: Client, object_type: str) -> None:
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        object_type=object_type,
        object_id=client.pk,
        client_id=client.pk,
        path=request.path,
    )


def _on(request) -> date:
    raw = request.query_params.get("on", "")
    if not raw:
        return timezone.localdate()
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError({"on": [_("Use YYYY-MM-DD.")]}) from exc


class DeadlinesOutput(serializers.Serializer):
    external_id = serializers.CharField()
    on = serializers.DateField()
    plan_window_end = serializers.DateField(allow_null=True)
    max_plan_end = serializers.DateField(allow_null=True)
    referral_due = serializers.DateField(allow_null=True)
    review_due = serializers.DateField(allow_null=True)
    problems = serializers.ListField(child=serializers.DictField())


class DeadlinesApi(generics.GenericAPIView):
    """The client's deadlines, exactly as `client_deadlines --format json` prints them."""

    permission_classes = [allows(perms.DEADLINES_VIEW)]
    serializer_class = DeadlinesOutput

    @extend_schema(parameters=[OpenApiParameter("on", str, description="YYYY-MM-DD")])
    def get(self, request, pk: int):
        client = _client(request, pk)
        on = _on(request)
        deadlines = selectors.client_deadlines(client, on=on)
        if deadlines is None:
            return Response(
                problem(409, "rule_missing", _("No rule in force for these dates.")), status=409
            )
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            object_type="Deadlines",
            object_id=client.pk,
            client_id=client.pk,
        )
        return Response(deadlines.as_json(external_id=client.external_id))


class WorklistRowOutput(serializers.Serializer):
    client = serializers.IntegerField(source="client.pk")
    external_id = serializers.CharField(source="client.external_id")
    first_names = serializers.CharField(source="client.first_names")
    last_name = serializers.CharField(source="client.last_name")
    next_due = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField(source="deadlines.overdue", default=False)
    actions = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()

    def get_actions(self, row) -> list[dict]:
        if row.deadlines is None:
            return []
        return [
            {"code": a.code, "due": a.due.isoformat(), "overdue": a.overdue}
            for a in row.deadlines.actions
        ]

    def get_problems(self, row) -> list[str]:
        return list(row.deadlines.problem_codes) if row.deadlines else []


@extend_schema_view(get=extend_schema(parameters=filterset_parameters(WorklistFilter)))
class WorklistApi(ClientReadsAudited, generics.ListAPIView):
    serializer_class = WorklistRowOutput
    permission_classes = [allows(perms.WORKLIST)]
    audit_object_type = "Worklist"

    def client_id_of(self, row) -> int:
        return row.client.pk

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request kwargs, no DB
            return Client.objects.none()
        params = params_of(WorklistFilter, self.request)
        return selectors.worklist(
            user=self.request.user, on=_on(self.request), options=worklist_options(params)
        )


class ContactSerializer(serializers.ModelSerializer):
    topics = serializers.ListField(
        child=serializers.ChoiceField(choices=GuidanceContact.Topic.choices), allow_empty=True
    )

    class Meta:
        model = GuidanceContact
        fields = [
            "id",
            "organisation",
            "client",
            "day",
            "persons",
            "language",
            "topics",
            "channel",
            "interpreter",
            "outcome",
            "service",
            "note",
        ]
        read_only_fields = ["id", "organisation"]


class ContactListApi(ClientReadsAudited, generics.ListCreateAPIView):
    serializer_class = ContactSerializer
    audit_object_type = "GuidanceContactList"

    def client_id_of(self, row) -> int | None:
        return row.client_id

    filterset_class = ContactFilter

    def get_permissions(self):
        perm = perms.CONTACT_RECORD if self.request.method == "POST" else perms.CONTACT_LIST
        return [allows(perm)()]

    def get_queryset(self):
        return selectors.contact_list(
            user=self.request.user,
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        client = data.pop("client", None)
        if client is not None:
            deny_unless_visible(self.request.user, client, path=self.request.path)
        from kotopolku.organisations.models import Organisation

        organisation = (
            Organisation.objects.filter(pk__in=perms.casework_organisation_ids(self.request.user))
            .order_by("pk")
            .first()
        )
        try:
            serializer.instance = services.contact_record(
                actor=self.request.user, organisation=organisation, client=client, **data
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc


class AssessmentOutput(serializers.ModelSerializer):
    service_needs = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    partner_organisations = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Assessment
        exclude = ["created_by", "modified_by", "archived"]


class ClientAssessmentsApi(generics.ListAPIView):
    serializer_class = AssessmentOutput
    filterset_class = AssessmentFilter
    permission_classes = [allows(perms.CASE_VIEW)]

    def get_queryset(self):
        client = _client(self.request, self.kwargs["pk"])
        _audit_read(self.request, client, "Assessments")
        return Assessment.objects.filter(client=client).prefetch_related(
            "service_needs", "partner_organisations"
        )


class PlanServiceOutput(serializers.ModelSerializer):
    class Meta:
        model = PlanService
        fields = ["id", "category", "service", "status", "referred", "started", "ended", "note"]


class PlanReviewOutput(serializers.ModelSerializer):
    class Meta:
        model = PlanReview
        fields = ["day", "note"]


class PlanExtensionOutput(serializers.ModelSerializer):
    class Meta:
        model = PlanExtension
        fields = ["months", "reason", "note"]


class PlanOutput(serializers.ModelSerializer):
    services = PlanServiceOutput(many=True, read_only=True)
    reviews = PlanReviewOutput(many=True, read_only=True)
    extensions = PlanExtensionOutput(many=True, read_only=True)

    class Meta:
        model = IntegrationPlan
        exclude = ["created_by", "modified_by", "archived"]


class PlanInput(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    long_term_goals = serializers.CharField(required=False, allow_blank=True)
    period_goals = serializers.CharField(required=False, allow_blank=True)
    commitments = serializers.CharField(required=False, allow_blank=True)
    job_search_obligation = serializers.CharField(required=False, allow_blank=True)
    monitoring = serializers.CharField(required=False, allow_blank=True)
    override_reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class ClientPlansApi(generics.ListCreateAPIView):
    serializer_class = PlanOutput
    filterset_class = PlanFilter

    def get_permissions(self):
        perm = perms.CASE_EDIT if self.request.method == "POST" else perms.CASE_VIEW
        return [allows(perm)()]

    def get_queryset(self):
        client = _client(self.request, self.kwargs["pk"])
        if self.request.method == "GET":
            _audit_read(self.request, client, "IntegrationPlans")
        return IntegrationPlan.objects.filter(client=client).prefetch_related(
            "services", "reviews", "extensions"
        )

    @extend_schema(request=PlanInput, responses={201: PlanOutput})
    def post(self, request, pk: int):
        client = _client(request, pk)
        enforce(request, perms.CASE_EDIT, client)
        data = PlanInput(data=request.data)
        data.is_valid(raise_exception=True)
        from kotopolku.organisations.models import Organisation

        organisation = (
            Organisation.objects.filter(pk__in=perms.casework_organisation_ids(request.user))
            .order_by("pk")
            .first()
        )
        try:
            plan = services.plan_create(
                actor=request.user, client=client, organisation=organisation, **data.validated_data
            )
        except services.RuleBreach as exc:
            body = problem(
                400,
                "rule_breach",
                _("The plan breaks a rule; correct it or give override_reason."),
                [{"code": p.code, "message": p.message} for p in exc.problems],
            )
            return Response(body, status=400)
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return Response(PlanOutput(plan).data, status=status.HTTP_201_CREATED)


class PlanReviewInput(serializers.Serializer):
    day = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class PlanReviewsApi(generics.ListCreateAPIView):
    """The reviews of a plan (P5). A review dated before its plan's start, or in the future, is
    refused with a 400 problem naming the field `day`, as in the form and the import."""

    serializer_class = PlanReviewOutput
    pagination_class = None
    filterset_class = PlanReviewFilter

    def get_permissions(self):
        perm = perms.CASE_EDIT if self.request.method == "POST" else perms.CASE_VIEW
        return [allows(perm)()]

    def _plan(self) -> IntegrationPlan:
        plan = IntegrationPlan.objects.filter(pk=self.kwargs["pk"]).first()
        deny_unless_visible(
            self.request.user,
            plan.client if plan is not None else None,
            path=self.request.path,
            object_id=self.kwargs["pk"],
        )
        return plan

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request kwargs, no DB
            return PlanReview.objects.none()
        plan = self._plan()
        audit_record(
            actor=self.request.user,
            action=AuditEvent.Action.VIEW,
            object_type="PlanReview",
            object_id=plan.pk,
            client_id=plan.client_id,
        )
        return PlanReview.objects.filter(plan=plan).order_by("day", "id")

    @extend_schema(request=PlanReviewInput, responses={201: PlanReviewOutput})
    def post(self, request, pk: int):
        plan = self._plan()
        enforce(request, perms.CASE_EDIT, plan.client)
        data = PlanReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = call_service(
            services.plan_review_add, actor=request.user, plan=plan, **data.validated_data
        )
        return Response(PlanReviewOutput(review).data, status=status.HTTP_201_CREATED)


class ReferralOutput(serializers.ModelSerializer):
    class Meta:
        model = Referral
        exclude = ["created_by", "modified_by", "archived"]


class ReferralListApi(ClientReadsAudited, generics.ListAPIView):
    """The referrals the caller may see: for the responsible organisation every referral of its
    clients (onward ones included); for a receiver only open ones."""

    serializer_class = ReferralOutput
    permission_classes = [allows(perms.REFERRAL_LIST)]
    audit_object_type = "ReferralList"
    filterset_class = ReferralFilter

    def get_queryset(self):
        # search and status: ReferralFilter narrows this, the referrals the user may see.
        return selectors.referral_list(user=self.request.user)
