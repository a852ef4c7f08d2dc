"""Catalogue API. Reads for staff, writes for coordinators (access/catalogue.py); the public
list and the categories need no authentication (the "information about services" duty)."""

from dataclasses import replace

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from kotopolku.access import catalogue as perms
from kotopolku.access.api import allows
from kotopolku.catalogue import selectors, services
from kotopolku.catalogue.filters import CategoryFilter, PublicServiceFilter, ServiceFilter
from kotopolku.catalogue.models import (
    Service,
    ServiceCategory,
    ServiceChannel,
    TargetGroup,
)
from kotopolku.common.api import service_errors
from kotopolku.common.serializers import TranslatedField
from kotopolku.organisations.models import Organisation

LANGS = ("fi", "sv", "en")
TRANSLATED_SCHEMA = {
    "type": "object",
    "properties": {c: {"type": "string", "nullable": True} for c in LANGS},
}


@extend_schema_field(TRANSLATED_SCHEMA)
class Translated(TranslatedField):
    pass


@extend_schema_field(TRANSLATED_SCHEMA)
class TranslatedInput(serializers.DictField):
    """{"fi": …, "sv": …, "en": …} in; unknown language keys are an error."""

    def __init__(self, *, max_length: int | None = None, **kwargs):
        super().__init__(
            child=serializers.CharField(allow_blank=True, max_length=max_length), **kwargs
        )

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        unknown = set(value) - set(LANGS)
        if unknown:
            raise ValidationError(f"unknown language: {', '.join(sorted(unknown))}")
        return value


def flatten(data: dict, names: tuple[str, ...], *, partial: bool = False) -> dict:
    """{"name": {"fi": "x"}} -> {"name_fi": "x", "name_sv": "", "name_en": ""}.

    With `partial`, only the languages given are set (PATCH keeps the others)."""
    out = {k: v for k, v in data.items() if k not in names}
    for name in names:
        if name in data:
            for code in LANGS:
                if code in data[name] or not partial:
                    out[f"{name}_{code}"] = data[name].get(code, "")
    return out


class ReadWriteApiMixin:
    """Safe methods ask for `read_perm`, others for `write_perm`; both decided in access/."""

    read_perm = perms.CATALOGUE_VIEW
    write_perm = perms.CATALOGUE_MANAGE

    def get_permissions(self):
        perm = self.read_perm if self.request.method in SAFE_METHODS else self.write_perm
        return [allows(perm)()]


# ---------------------------------------------------------------- output


class OrganisationRef(serializers.ModelSerializer):
    name = Translated("name")

    class Meta:
        model = Organisation
        fields = ["id", "kind", "municipality_code", "name"]


class CategoryOutput(serializers.ModelSerializer):
    name = Translated("name")

    class Meta:
        model = ServiceCategory
        fields = ["code", "name", "statutory", "statutory_item"]


class ChannelOutput(serializers.ModelSerializer):
    details = Translated("details")

    class Meta:
        model = ServiceChannel
        fields = ["kind", "value", "details"]


class ServiceOutput(serializers.ModelSerializer):
    name = Translated("name")
    description = Translated("description")
    category = serializers.CharField(source="category_id", read_only=True)
    responsible_organisation = OrganisationRef(read_only=True, allow_null=True)
    cooperating_organisations = OrganisationRef(many=True, read_only=True)
    municipalities = OrganisationRef(many=True, read_only=True)
    languages = serializers.ListField(source="language_codes", child=serializers.CharField())
    channels = ChannelOutput(many=True, read_only=True)

    class Meta:
        model = Service
        fields = [
            "id",
            "name",
            "description",
            "category",
            "responsible_organisation",
            "cooperating_organisations",
            "municipalities",
            "target_groups",
            "languages",
            "channels",
            "capacity",
            "active_from",
            "active_to",
            "ptv_id",
            "archived",
        ]


# ---------------------------------------------------------------- input


class ChannelInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ServiceChannel.Kind.choices)
    value = serializers.CharField(max_length=300)
    details = TranslatedInput(required=False, default=dict)


class ServiceInputSerializer(serializers.Serializer):
    name = TranslatedInput(max_length=200)
    description = TranslatedInput(required=False)
    category = serializers.PrimaryKeyRelatedField(queryset=ServiceCategory.objects.all())
    responsible_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(archived=False), allow_null=True, required=False
    )
    cooperating_organisations = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(archived=False), many=True, required=False
    )
    municipalities = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(archived=False), many=True, required=False
    )
    target_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=TargetGroup.choices), required=False
    )
    languages = serializers.ListField(child=serializers.RegexField(r"^[a-z]{2,3}$"), required=False)
    channels = ChannelInputSerializer(many=True, required=False)
    capacity = serializers.IntegerField(min_value=0, allow_null=True, required=False)
    active_from = serializers.DateField()
    active_to = serializers.DateField(allow_null=True, required=False)
    ptv_id = serializers.CharField(max_length=36, allow_blank=True, required=False)

    def to_input(self, base: services.ServiceInput | None = None) -> services.ServiceInput:
        data = flatten(dict(self.validated_data), ("name", "description"), partial=base is not None)
        if "channels" in data:
            data["channels"] = [
                services.ChannelInput(**flatten(dict(c), ("details",))) for c in data["channels"]
            ]
        if base is None:
            return services.ServiceInput(**data)
        return replace(base, **data)


def _save(serializer_data, *, partial: bool, service: Service | None, user):
    serializer = ServiceInputSerializer(data=serializer_data, partial=partial)
    serializer.is_valid(raise_exception=True)
    try:
        if service is None:
            return services.service_create(actor=user, data=serializer.to_input())
        base = services.service_input_from(service)
        return services.service_update(actor=user, service=service, data=serializer.to_input(base))
    except DjangoValidationError as exc:
        raise service_errors(exc) from exc


# ---------------------------------------------------------------- views


class CategoryListApi(generics.ListAPIView):
    serializer_class = CategoryOutput
    permission_classes = [AllowAny]
    authentication_classes: list = []
    pagination_class = None
    queryset = ServiceCategory.objects.order_by("order", "code")
    filterset_class = CategoryFilter


class PublicServiceListApi(generics.ListAPIView):
    """Active services, for anyone: the public catalogue."""

    serializer_class = ServiceOutput
    permission_classes = [AllowAny]
    authentication_classes: list = []
    filterset_class = PublicServiceFilter

    def get_queryset(self):
        return selectors.service_scope()


class ServiceListApi(ReadWriteApiMixin, generics.ListCreateAPIView):
    serializer_class = ServiceOutput
    filterset_class = ServiceFilter

    def get_queryset(self):
        return selectors.service_scope()

    @extend_schema(request=ServiceInputSerializer, responses={201: ServiceOutput})
    def post(self, request, *args, **kwargs):
        service = _save(request.data, partial=False, service=None, user=request.user)
        service = selectors.service_detail(pk=service.pk)
        return Response(ServiceOutput(service).data, status=status.HTTP_201_CREATED)


class ServiceDetailApi(ReadWriteApiMixin, generics.RetrieveAPIView):
    serializer_class = ServiceOutput

    def get_queryset(self):
        return selectors.service_queryset()

    @extend_schema(request=ServiceInputSerializer, responses={200: ServiceOutput})
    def patch(self, request, *args, **kwargs):
        service = self.get_object()
        _save(request.data, partial=True, service=service, user=request.user)
        return Response(ServiceOutput(selectors.service_detail(pk=service.pk)).data)


class ServiceArchiveApi(APIView):
    permission_classes = [allows(perms.CATALOGUE_MANAGE)]

    @extend_schema(request=None, responses={200: ServiceOutput})
    def post(self, request, pk: int):
        service = generics.get_object_or_404(Service.objects.all(), pk=pk)
        try:
            services.service_archive(actor=request.user, service=service)
        except DjangoValidationError as exc:
            raise service_errors(exc) from exc
        return Response(ServiceOutput(selectors.service_detail(pk=pk)).data)


class CompletenessOutput(serializers.Serializer):
    category = serializers.CharField(source="category.code")
    code = serializers.CharField()
    message = serializers.CharField()
    services = serializers.SerializerMethodField()

    def get_services(self, obj) -> list[int]:
        return [s.pk for s in obj.services]


class CompletenessListOutput(serializers.Serializer):
    """The answer is an object, so that figures can be added beside the list later."""

    warnings = CompletenessOutput(many=True)


class CompletenessApi(APIView):
    permission_classes = [allows(perms.COMPLETENESS_VIEW)]

    @extend_schema(responses={200: CompletenessListOutput})
    def get(self, request):
        warnings = selectors.completeness_warnings(day=timezone.localdate())
        return Response(CompletenessListOutput({"warnings": warnings}).data)
