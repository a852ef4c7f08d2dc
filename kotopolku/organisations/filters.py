"""Filter sets of the organisation lists."""

import django_filters
from django.utils.translation import gettext_lazy as _

from kotopolku.common.filters import SearchFilter
from kotopolku.organisations.models import Membership, Organisation


class OrganisationFilter(django_filters.FilterSet):
    search = SearchFilter(
        fields=("name_fi", "name_sv", "name_en"), exact_fields=("municipality_code",)
    )
    kind = django_filters.ChoiceFilter(choices=Organisation.Kind.choices, label=_("Kind"))

    class Meta:
        model = Organisation
        fields: list[str] = []


class MembershipFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Membership.Role.choices, label=_("Role"))

    class Meta:
        model = Membership
        fields: list[str] = []
