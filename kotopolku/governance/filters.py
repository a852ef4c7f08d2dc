"""Filter sets of governance lists (API and pages)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kotopolku.common.filters import IdFilter, SearchFilter, YearFilter
from kotopolku.governance.models import (
    AnnualReport,
    FollowUpTask,
    GroupMembership,
    Meeting,
    WorkingGroup,
)


class GroupFilter(django_filters.FilterSet):
    search = SearchFilter(fields=("name_fi", "name_sv", "name_en"))
    kind = django_filters.ChoiceFilter(choices=WorkingGroup.Kind.choices, label=_("Kind"))

    class Meta:
        model = WorkingGroup
        fields: list[str] = []


class MembershipFilter(django_filters.FilterSet):
    on = django_filters.DateFilter(
        method="term_on",
        label=_("On"),
        help_text=_("Members whose term covers this day; all terms if not given."),
    )

    class Meta:
        model = GroupMembership
        fields: list[str] = []

    def term_on(self, queryset, name, value):
        return queryset.filter(term_start__lte=value).filter(
            Q(term_end__isnull=True) | Q(term_end__gte=value)
        )


class MeetingFilter(django_filters.FilterSet):
    group = IdFilter(field_name="group_id", label=_("Working group id"))
    year = YearFilter(field_name="date__year", label=_("Year"))
    search = SearchFilter(
        fields=("group__name_fi", "group__name_sv", "place", "items__title"),
    )

    class Meta:
        model = Meeting
        fields: list[str] = []


class TaskFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=FollowUpTask.Status.choices, label=_("Status"))
    search = SearchFilter(
        fields=(
            "title",
            "owner__first_name",
            "owner__last_name",
            "owner_member__external_name",
            "owner_member__user__first_name",
            "owner_member__user__last_name",
            "group__name_fi",
        ),
    )
    due_before = django_filters.DateFilter(
        field_name="due", lookup_expr="lte", label=_("Due on or before")
    )

    class Meta:
        model = FollowUpTask
        fields: list[str] = []


class ReportFilter(django_filters.FilterSet):
    year = YearFilter(field_name="year", label=_("Year"))
    status = django_filters.ChoiceFilter(choices=AnnualReport.Status.choices, label=_("Status"))

    class Meta:
        model = AnnualReport
        fields: list[str] = []
