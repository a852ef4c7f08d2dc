"""Filter sets of compensation lists. `municipality` stays the scope the permission check is made
for (compensation.api._municipality); these narrow within it."""

import django_filters
from django.utils.translation import gettext_lazy as _

from kotopolku.common.filters import MunicipalityCodeFilter, YearFilter
from kotopolku.compensation.models import ActualCostClaim, PaymentList


class _Scoped(django_filters.FilterSet):
    # Declared for the schema and the page form; the view resolves and checks it.
    municipality = MunicipalityCodeFilter(method="scope")

    def scope(self, queryset, name, value):
        return queryset


class PaymentListFilter(_Scoped):
    year = YearFilter(
        field_name="month__year", label=_("Year"), help_text=_("Payment lists of this year.")
    )

    class Meta:
        model = PaymentList
        fields: list[str] = []


class ClaimFilter(_Scoped):
    status = django_filters.ChoiceFilter(choices=ActualCostClaim.Status.choices, label=_("Status"))
    cost_type = django_filters.ChoiceFilter(
        choices=ActualCostClaim.CostType.choices, label=_("Cost type")
    )
    year = YearFilter(
        field_name="period_start__year", label=_("Year"), help_text=_("Claims starting this year.")
    )

    class Meta:
        model = ActualCostClaim
        fields: list[str] = []
