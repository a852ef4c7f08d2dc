"""Filter sets of the draft rule-set lists (API). They narrow the drafts the rules
permission already allows; invalid values are a 400 problem."""

import django_filters
from rest_framework.exceptions import ValidationError

from kotopolku.common.filters import SearchFilter
from kotopolku.rules.models import DraftRuleRow, DraftRuleSet


class DraftFilter(django_filters.FilterSet):
    search = SearchFilter(fields=("title",))
    status = django_filters.ChoiceFilter(choices=DraftRuleSet.Status.choices)

    class Meta:
        model = DraftRuleSet
        fields: list[str] = []


class DraftRowFilter(django_filters.FilterSet):
    key = django_filters.CharFilter(field_name="key")
    effective_since = django_filters.DateFilter(field_name="effective_from", lookup_expr="gte")

    class Meta:
        model = DraftRuleRow
        fields: list[str] = []


def apply(filterset_class, request, queryset):
    """The queryset narrowed by the request's filters; a bad value is a 400, not an empty list."""
    filterset = filterset_class(request.query_params, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs
