from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers

from kotopolku.access import organisations as perms
from kotopolku.access.api import allows
from kotopolku.common.serializers import TranslatedField
from kotopolku.organisations import selectors
from kotopolku.organisations.filters import MembershipFilter, OrganisationFilter
from kotopolku.organisations.models import Membership, Organisation


@extend_schema_field(
    {
        "type": "object",
        "properties": {c: {"type": "string", "nullable": True} for c in ("fi", "sv", "en")},
    }
)
class _Translated(TranslatedField):
    pass


class OrganisationOutput(serializers.ModelSerializer):
    name = _Translated("name")
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "kind",
            "name",
            "municipality_code",
            "region",
            "employment_area",
            "wellbeing_county",
            "email",
            "website",
        ]


class MembershipOutput(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["id", "organisation", "username", "full_name", "role", "title"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_full_name(self, obj) -> str:
        return obj.user.get_full_name()


class OrganisationListApi(generics.ListAPIView):
    serializer_class = OrganisationOutput
    permission_classes = [allows(perms.ORGANISATION_LIST)]
    filterset_class = OrganisationFilter

    def get_queryset(self):
        return selectors.organisation_list()


class OrganisationDetailApi(generics.RetrieveAPIView):
    serializer_class = OrganisationOutput
    permission_classes = [allows(perms.ORGANISATION_VIEW)]

    def get_queryset(self):
        return selectors.organisation_list()


class MembershipListApi(generics.ListAPIView):
    serializer_class = MembershipOutput
    permission_classes = [allows(perms.ORGANISATION_VIEW_MEMBERS)]
    filterset_class = MembershipFilter

    def get_queryset(self):
        organisation = generics.get_object_or_404(
            selectors.organisation_list(), pk=self.kwargs["pk"]
        )
        return selectors.organisation_members(organisation=organisation)
