"""Filter sets of the programme lists."""

import django_filters
from django.utils.translation import gettext_lazy as _

from kotopolku.common.filters import IdFilter, SearchFilter, YearFilter
from kotopolku.programme.models import (
    Goal,
    Indicator,
    Measure,
    MonitoringEntry,
    PolicyLine,
    Programme,
    ProgrammeVersion,
)


class ProgrammeFilter(django_filters.FilterSet):
    search = SearchFilter(fields=("name_fi", "name_sv"))
    year = YearFilter(
        method="covers_year", label=_("Year"), help_text=_("Programmes whose period covers it.")
    )

    class Meta:
        model = Programme
        fields: list[str] = []

    def covers_year(self, queryset, name, value):
        return queryset.filter(period_start__lte=value, period_end__gte=value)


class VersionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ProgrammeVersion.Status.choices)

    class Meta:
        model = ProgrammeVersion
        fields: list[str] = []


class PolicyLineFilter(django_filters.FilterSet):
    search = SearchFilter(fields=("title_fi", "title_sv", "text_fi"))
    municipality = IdFilter(field_name="municipality_id", label=_("Municipality (organisation id)"))

    class Meta:
        model = PolicyLine
        fields: list[str] = []


class GoalFilter(django_filters.FilterSet):
    search = SearchFilter(fields=("title_fi", "title_sv", "description_fi"))
    welfare_plan = django_filters.BooleanFilter(label=_("In the welfare and safety plan"))

    class Meta:
        model = Goal
        fields: list[str] = []


class MeasureFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Measure.Status.choices)
    search = SearchFilter(fields=("title_fi", "title_sv", "responsible_unit_fi"))

    class Meta:
        model = Measure
        fields: list[str] = []


class IndicatorFilter(django_filters.FilterSet):
    source = django_filters.ChoiceFilter(choices=Indicator.Source.choices)
    welfare_plan = django_filters.BooleanFilter(label=_("In the welfare and safety plan"))

    class Meta:
        model = Indicator
        fields: list[str] = []


class MonitoringEntryFilter(django_filters.FilterSet):
    period_from = django_filters.CharFilter(
        field_name="period", lookup_expr="gte", max_length=7, help_text=_("For example 2024")
    )
    period_to = django_filters.CharFilter(
        field_name="period", lookup_expr="lte", max_length=7, help_text=_("For example 2025-Q4")
    )

    class Meta:
        model = MonitoringEntry
        fields: list[str] = []
