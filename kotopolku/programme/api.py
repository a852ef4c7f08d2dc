"""Programme API: programmes, versions (submit, approve), policy lines, goals, measures,
indicators and monitoring entries. Reads for every staff role, writes for coordinators."""

from dataclasses import replace

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from kotopolku.access import programme as perms
from kotopolku.access.api import allows
from kotopolku.catalogue.api import Translated, TranslatedInput, flatten
from kotopolku.catalogue.models import Service
from kotopolku.common.api import service_errors
from kotopolku.organisations.models import Organisation, Region
from kotopolku.programme import selectors, services
from kotopolku.programme.filters import (
    GoalFilter,
    IndicatorFilter,
    MeasureFilter,
    MonitoringEntryFilter,
    PolicyLineFilter,
    ProgrammeFilter,
    VersionFilter,
)
from kotopolku.programme.models import (
    Decision,
    Goal,
    Indicator,
    Measure,
    MonitoringEntry,
    PolicyLine,
    Programme,
    ProgrammeVersion,
)


class ReadWrite:
    def get_permissions(self):
        perm = (
            perms.PROGRAMME_VIEW if self.request.method in SAFE_METHODS else perms.PROGRAMME_MANAGE
        )
        return [allows(perm)()]


def _call(fn, **kwargs):
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        raise service_errors(exc) from exc


ORGS = Organisation.objects.filter(archived=False)
SERVICES = Service.objects.filter(archived=False)

# ---------------------------------------------------------------- output serializers


class ProgrammeOutput(serializers.ModelSerializer):
    name = Translated("name")
    description = Translated("description")
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    municipalities = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    parties = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "description",
            "region",
            "period_start",
            "period_end",
            "municipalities",
            "parties",
        ]


class DecisionOutput(serializers.ModelSerializer):
    body = Translated("body")
    text = Translated("text")
    appointments = Translated("appointments")

    class Meta:
        model = Decision
        fields = ["id", "body", "organisation", "date", "section", "text", "appointments"]


class VersionOutput(serializers.ModelSerializer):
    decisions = DecisionOutput(many=True, read_only=True)
    frozen = serializers.BooleanField(source="is_frozen", read_only=True)

    class Meta:
        model = ProgrammeVersion
        fields = [
            "number",
            "status",
            "frozen",
            "created_at",
            "submitted_at",
            "approved_at",
            "decisions",
        ]


class VersionDetailOutput(VersionOutput):
    content = serializers.SerializerMethodField()

    class Meta(VersionOutput.Meta):
        fields = [*VersionOutput.Meta.fields, "content"]

    def get_content(self, obj) -> dict:
        return selectors.version_content(version=obj, day=timezone.localdate())


class PolicyLineOutput(serializers.ModelSerializer):
    title = Translated("title")
    text = Translated("text")

    class Meta:
        model = PolicyLine
        fields = ["id", "programme", "municipality", "number", "title", "text"]


class MonitoringEntryOutput(serializers.ModelSerializer):
    class Meta:
        model = MonitoringEntry
        fields = ["id", "indicator", "period", "value", "comment"]


class IndicatorOutput(serializers.ModelSerializer):
    name = Translated("name")
    definition = Translated("definition")
    unit = Translated("unit")

    class Meta:
        model = Indicator
        fields = [
            "id",
            "goal",
            "name",
            "definition",
            "unit",
            "baseline",
            "baseline_year",
            "target",
            "target_year",
            "direction",
            "source",
            "source_reference",
            "welfare_plan",
        ]


class MeasureOutput(serializers.ModelSerializer):
    title = Translated("title")
    description = Translated("description")
    responsible_unit = Translated("responsible_unit")
    services = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "goal",
            "title",
            "description",
            "responsible_unit",
            "responsible_organisation",
            "starts",
            "ends",
            "status",
            "operating_plan",
            "operating_plan_url",
            "services",
        ]


class GoalOutput(serializers.ModelSerializer):
    title = Translated("title")
    description = Translated("description")
    policy_lines = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    services = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = [
            "id",
            "programme",
            "number",
            "title",
            "description",
            "welfare_plan",
            "policy_lines",
            "services",
        ]


# ---------------------------------------------------------------- input serializers


class InputSerializer(serializers.Serializer):
    translated: tuple[str, ...] = ()
    input_class: type = object

    def to_input(self, base=None):
        data = flatten(dict(self.validated_data), self.translated, partial=base is not None)
        return self.input_class(**data) if base is None else replace(base, **data)


class ProgrammeInputSerializer(InputSerializer):
    translated = ("name", "description")
    input_class = services.ProgrammeInput
    region = serializers.SlugRelatedField(slug_field="slug", queryset=Region.objects.all())
    name = TranslatedInput(max_length=200)
    description = TranslatedInput(required=False)
    period_start = serializers.IntegerField(min_value=2000, max_value=2100)
    period_end = serializers.IntegerField(min_value=2000, max_value=2100)
    municipalities = serializers.PrimaryKeyRelatedField(queryset=ORGS, many=True, required=False)
    parties = serializers.PrimaryKeyRelatedField(queryset=ORGS, many=True, required=False)


class PolicyLineInputSerializer(InputSerializer):
    translated = ("title", "text")
    input_class = services.PolicyLineInput
    municipality = serializers.PrimaryKeyRelatedField(queryset=ORGS)
    number = serializers.IntegerField(min_value=1, max_value=99)
    title = TranslatedInput(max_length=200)
    text = TranslatedInput()


class GoalInputSerializer(InputSerializer):
    translated = ("title", "description")
    input_class = services.GoalInput
    title = TranslatedInput(max_length=300)
    description = TranslatedInput(required=False)
    number = serializers.IntegerField(min_value=1, max_value=999, required=False, allow_null=True)
    welfare_plan = serializers.BooleanField(required=False)
    policy_lines = serializers.PrimaryKeyRelatedField(
        queryset=PolicyLine.objects.filter(archived=False), many=True, required=False
    )
    services = serializers.PrimaryKeyRelatedField(queryset=SERVICES, many=True, required=False)


class MeasureInputSerializer(InputSerializer):
    translated = ("title", "description", "responsible_unit")
    input_class = services.MeasureInput
    title = TranslatedInput(max_length=300)
    description = TranslatedInput(required=False)
    responsible_unit = TranslatedInput(max_length=200)
    responsible_organisation = serializers.PrimaryKeyRelatedField(
        queryset=ORGS, allow_null=True, required=False
    )
    starts = serializers.DateField()
    ends = serializers.DateField(allow_null=True, required=False)
    status = serializers.ChoiceField(choices=Measure.Status.choices, required=False)
    operating_plan = serializers.CharField(max_length=200, allow_blank=True, required=False)
    operating_plan_url = serializers.URLField(allow_blank=True, required=False)
    services = serializers.PrimaryKeyRelatedField(queryset=SERVICES, many=True, required=False)


class IndicatorInputSerializer(InputSerializer):
    translated = ("name", "definition", "unit")
    input_class = services.IndicatorInput
    name = TranslatedInput(max_length=300)
    definition = TranslatedInput()
    unit = TranslatedInput(max_length=40)
    direction = serializers.ChoiceField(choices=Indicator.Direction.choices)
    source = serializers.ChoiceField(choices=Indicator.Source.choices)
    source_reference = serializers.CharField(max_length=200, allow_blank=True, required=False)
    baseline = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, required=False
    )
    baseline_year = serializers.IntegerField(allow_null=True, required=False)
    target = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, required=False
    )
    target_year = serializers.IntegerField(allow_null=True, required=False)
    welfare_plan = serializers.BooleanField(required=False)


class MonitoringEntryInputSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=7)
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
    comment = serializers.CharField(allow_blank=True, required=False, default="")


class DecisionInputSerializer(InputSerializer):
    translated = ("body", "text", "appointments")
    input_class = services.DecisionInput
    body = TranslatedInput(max_length=200)
    text = TranslatedInput()
    appointments = TranslatedInput(required=False)
    date = serializers.DateField()
    section = serializers.CharField(max_length=20, allow_blank=True, required=False)
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=ORGS, allow_null=True, required=False
    )


def _parsed(serializer_class, data, *, partial=False, base=None):
    serializer = serializer_class(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer.to_input(base)


# ---------------------------------------------------------------- programmes and versions


def _programme(pk) -> Programme:
    return generics.get_object_or_404(selectors.programme_list(), pk=pk)


class ProgrammeListApi(ReadWrite, generics.ListAPIView):
    serializer_class = ProgrammeOutput
    filterset_class = ProgrammeFilter

    def get_queryset(self):
        return selectors.programme_list().prefetch_related("municipalities", "parties")

    @extend_schema(request=ProgrammeInputSerializer, responses={201: ProgrammeOutput})
    def post(self, request):
        data = _parsed(ProgrammeInputSerializer, request.data)
        programme = _call(services.programme_create, actor=request.user, data=data)
        return Response(ProgrammeOutput(programme).data, status=status.HTTP_201_CREATED)


class ProgrammeDetailApi(ReadWrite, generics.RetrieveAPIView):
    serializer_class = ProgrammeOutput

    def get_queryset(self):
        return selectors.programme_list().prefetch_related("municipalities", "parties")

    @extend_schema(request=ProgrammeInputSerializer, responses={200: ProgrammeOutput})
    def patch(self, request, pk):
        programme = self.get_object()
        base = services.input_from(programme, services.ProgrammeInput)
        data = _parsed(ProgrammeInputSerializer, request.data, partial=True, base=base)
        _call(services.programme_update, actor=request.user, programme=programme, data=data)
        return Response(ProgrammeOutput(selectors.programme_detail(pk=pk)).data)


class VersionListApi(generics.ListAPIView):
    serializer_class = VersionOutput
    permission_classes = [allows(perms.PROGRAMME_VIEW)]
    filterset_class = VersionFilter

    def get_queryset(self):
        return selectors.version_list(programme=_programme(self.kwargs["pk"]))


class VersionDetailApi(generics.RetrieveAPIView):
    serializer_class = VersionDetailOutput
    permission_classes = [allows(perms.PROGRAMME_DOCUMENT)]

    def get_object(self):
        programme = _programme(self.kwargs["pk"])
        return generics.get_object_or_404(
            selectors.version_list(programme=programme), number=self.kwargs["number"]
        )


class VersionSubmitApi(APIView):
    permission_classes = [allows(perms.PROGRAMME_APPROVE)]

    @extend_schema(request=None, responses={200: VersionOutput})
    def post(self, request, pk, number):
        programme = _programme(pk)
        version = generics.get_object_or_404(programme.versions.all(), number=number)
        version = _call(services.version_submit, actor=request.user, version=version)
        return Response(VersionOutput(version).data)


class VersionApproveApi(APIView):
    permission_classes = [allows(perms.PROGRAMME_APPROVE)]

    @extend_schema(request=DecisionInputSerializer, responses={200: VersionOutput})
    def post(self, request, pk, number):
        programme = _programme(pk)
        version = generics.get_object_or_404(programme.versions.all(), number=number)
        decision = _parsed(DecisionInputSerializer, request.data)
        version = _call(
            services.version_approve, actor=request.user, version=version, decision=decision
        )
        return Response(VersionOutput(version).data)


class CompareApi(APIView):
    permission_classes = [allows(perms.PROGRAMME_VIEW)]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "from", str, required=True, description="A version number, or `current`."
            ),
            OpenApiParameter(
                "to", str, description="A version number, or `current` (the default)."
            ),
        ],
        responses={200: dict},
    )
    def get(self, request, pk):
        programme = _programme(pk)
        today = timezone.localdate()
        versions = {str(v.number): v for v in programme.versions.all()}
        old = request.query_params.get("from", "")
        new = request.query_params.get("to", "current")
        for param, key in (("from", old), ("to", new)):
            if key != "current" and key not in versions:
                message = _("Give a version number of this programme, or current.")
                raise ValidationError({param: [message]})

        def content(key):
            if key == "current":
                return selectors.programme_content(programme=programme, day=today)
            return selectors.version_content(version=versions[key], day=today)

        changes = selectors.compare_contents(content(old), content(new))
        return Response(
            {
                "from": old,
                "to": new,
                "changes": [
                    {"kind": c.kind, "change": c.change, "name": c.name, "fields": c.fields}
                    for c in changes
                ],
            }
        )


# ---------------------------------------------------------------- planning objects


class PolicyLineListApi(ReadWrite, generics.ListAPIView):
    serializer_class = PolicyLineOutput
    filterset_class = PolicyLineFilter

    def get_queryset(self):
        return selectors.policy_lines(programme=_programme(self.kwargs["pk"]))

    @extend_schema(request=PolicyLineInputSerializer, responses={201: PolicyLineOutput})
    def post(self, request, pk):
        programme = _programme(pk)
        data = _parsed(PolicyLineInputSerializer, request.data)
        line = _call(
            services.policy_line_create, actor=request.user, programme=programme, data=data
        )
        return Response(PolicyLineOutput(line).data, status=status.HTTP_201_CREATED)


class PolicyLineDetailApi(ReadWrite, generics.RetrieveAPIView):
    serializer_class = PolicyLineOutput
    queryset = PolicyLine.objects.filter(archived=False)

    @extend_schema(request=PolicyLineInputSerializer, responses={200: PolicyLineOutput})
    def patch(self, request, pk):
        line = self.get_object()
        base = services.input_from(line, services.PolicyLineInput)
        data = _parsed(PolicyLineInputSerializer, request.data, partial=True, base=base)
        line = _call(services.policy_line_update, actor=request.user, line=line, data=data)
        return Response(PolicyLineOutput(line).data)


class GoalListApi(ReadWrite, generics.ListAPIView):
    serializer_class = GoalOutput
    filterset_class = GoalFilter

    def get_queryset(self):
        return selectors.goals(programme=_programme(self.kwargs["pk"]))

    @extend_schema(request=GoalInputSerializer, responses={201: GoalOutput})
    def post(self, request, pk):
        programme = _programme(pk)
        data = _parsed(GoalInputSerializer, request.data)
        goal = _call(services.goal_create, actor=request.user, programme=programme, data=data)
        return Response(GoalOutput(goal).data, status=status.HTTP_201_CREATED)


class GoalDetailApi(ReadWrite, generics.RetrieveAPIView):
    serializer_class = GoalOutput
    queryset = Goal.objects.filter(archived=False).prefetch_related("policy_lines", "services")

    @extend_schema(request=GoalInputSerializer, responses={200: GoalOutput})
    def patch(self, request, pk):
        goal = self.get_object()
        base = services.input_from(goal, services.GoalInput)
        data = _parsed(GoalInputSerializer, request.data, partial=True, base=base)
        goal = _call(services.goal_update, actor=request.user, goal=goal, data=data)
        return Response(GoalOutput(goal).data)


def _goal(pk) -> Goal:
    return generics.get_object_or_404(Goal.objects.filter(archived=False), pk=pk)


class MeasureListApi(ReadWrite, generics.ListAPIView):
    serializer_class = MeasureOutput
    filterset_class = MeasureFilter

    def get_queryset(self):
        return (
            Measure.objects.filter(goal=_goal(self.kwargs["pk"]), archived=False)
            .prefetch_related("services")
            .order_by("starts", "id")
        )

    @extend_schema(request=MeasureInputSerializer, responses={201: MeasureOutput})
    def post(self, request, pk):
        goal = _goal(pk)
        data = _parsed(MeasureInputSerializer, request.data)
        measure = _call(services.measure_create, actor=request.user, goal=goal, data=data)
        return Response(MeasureOutput(measure).data, status=status.HTTP_201_CREATED)


class MeasureDetailApi(ReadWrite, generics.RetrieveAPIView):
    serializer_class = MeasureOutput
    queryset = Measure.objects.filter(archived=False).prefetch_related("services")

    @extend_schema(request=MeasureInputSerializer, responses={200: MeasureOutput})
    def patch(self, request, pk):
        measure = self.get_object()
        base = services.input_from(measure, services.MeasureInput)
        data = _parsed(MeasureInputSerializer, request.data, partial=True, base=base)
        measure = _call(services.measure_update, actor=request.user, measure=measure, data=data)
        return Response(MeasureOutput(measure).data)


class IndicatorListApi(ReadWrite, generics.ListAPIView):
    serializer_class = IndicatorOutput
    filterset_class = IndicatorFilter

    def get_queryset(self):
        return Indicator.objects.filter(goal=_goal(self.kwargs["pk"]), archived=False).order_by(
            "id"
        )

    @extend_schema(request=IndicatorInputSerializer, responses={201: IndicatorOutput})
    def post(self, request, pk):
        goal = _goal(pk)
        data = _parsed(IndicatorInputSerializer, request.data)
        indicator = _call(services.indicator_create, actor=request.user, goal=goal, data=data)
        return Response(IndicatorOutput(indicator).data, status=status.HTTP_201_CREATED)


class IndicatorDetailApi(ReadWrite, generics.RetrieveAPIView):
    serializer_class = IndicatorOutput
    queryset = Indicator.objects.filter(archived=False)

    @extend_schema(request=IndicatorInputSerializer, responses={200: IndicatorOutput})
    def patch(self, request, pk):
        indicator = self.get_object()
        base = services.input_from(indicator, services.IndicatorInput)
        data = _parsed(IndicatorInputSerializer, request.data, partial=True, base=base)
        indicator = _call(
            services.indicator_update, actor=request.user, indicator=indicator, data=data
        )
        return Response(IndicatorOutput(indicator).data)


class MonitoringEntryListApi(ReadWrite, generics.ListAPIView):
    serializer_class = MonitoringEntryOutput
    filterset_class = MonitoringEntryFilter

    def _indicator(self):
        return generics.get_object_or_404(
            Indicator.objects.filter(archived=False).select_related("goal__programme"),
            pk=self.kwargs["pk"],
        )

    def get_queryset(self):
        return self._indicator().entries.order_by("period")

    @extend_schema(request=MonitoringEntryInputSerializer, responses={201: MonitoringEntryOutput})
    def post(self, request, pk):
        indicator = self._indicator()
        serializer = MonitoringEntryInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = _call(
            services.monitoring_entry_record,
            actor=request.user,
            indicator=indicator,
            **serializer.validated_data,
        )
        return Response(MonitoringEntryOutput(entry).data, status=status.HTTP_201_CREATED)
