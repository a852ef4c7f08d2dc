"""Filter sets of the client list. They narrow `selectors.client_list(user=…)`, which is
already only the clients the user may see (access engine) without restricted ones."""

import django_filters
from django.utils.translation import gettext_lazy as _

from kotopolku.clients.models import Client
from kotopolku.clients.selectors import client_search_condition
from kotopolku.common.filters import SEARCH_MAX, IdFilter


class ClientFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="by_search",
        max_length=SEARCH_MAX,
        label=_("Search"),
        help_text=_(
            "Names or external id. Identity codes are looked up with POST /api/v1/clients/search/."
        ),
    )
    responsible_organisation = IdFilter(
        field_name="responsible_organisation_id",
        label=_("Responsible organisation"),
        help_text=_("Organisation id."),
    )
    interpreter_needed = django_filters.BooleanFilter(label=_("Needs an interpreter"))

    class Meta:
        model = Client
        fields: list[str] = []

    def by_search(self, queryset, name, value):
        value = (value or "").strip()
        return queryset.filter(client_search_condition(value)) if value else queryset
