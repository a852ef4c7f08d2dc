"""Filter sets of course lists. They narrow querysets the access scope has chosen
(`course_access.visible_courses`, the enrolment the user may see)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from kotopolku.common.filters import IdFilter, SearchFilter
from kotopolku.courses.models import (
    Attendance,
    Course,
    CourseSession,
    Enrolment,
    LanguageTestResult,
    WorkPlacement,
)


class CourseFilter(django_filters.FilterSet):
    search = SearchFilter(
        fields=("code", "name", "location", "municipality__name"), exact_fields=("language",)
    )
    kind = django_filters.ChoiceFilter(choices=Course.Kind.choices, label=_("Kind"))
    starts_since = django_filters.DateFilter(
        field_name="start", lookup_expr="gte", label=_("Starts on or after")
    )

    class Meta:
        model = Course
        fields: list[str] = []


class SessionFilter(django_filters.FilterSet):
    since = django_filters.DateFilter(field_name="day", lookup_expr="gte", label=_("From"))
    until = django_filters.DateFilter(field_name="day", lookup_expr="lte", label=_("To"))

    class Meta:
        model = CourseSession
        fields: list[str] = []


class PlacementFilter(django_filters.FilterSet):
    outcome = django_filters.ChoiceFilter(choices=WorkPlacement.Outcome.choices)
    since = django_filters.DateFilter(field_name="start", lookup_expr="gte", label=_("From"))

    class Meta:
        model = WorkPlacement
        fields: list[str] = []


class ResultFilter(django_filters.FilterSet):
    since = django_filters.DateFilter(field_name="day", lookup_expr="gte", label=_("From"))
    until = django_filters.DateFilter(field_name="day", lookup_expr="lte", label=_("To"))

    class Meta:
        model = LanguageTestResult
        fields: list[str] = []


class ParticipantFilter(django_filters.FilterSet):
    """Participants are computed with their hours (`selectors.participants`), so the view reads
    the values with `common.filters.params_of`."""

    status = django_filters.ChoiceFilter(
        choices=Enrolment.Status.choices, label=_("Status"), help_text=_("Enrolment status.")
    )

    class Meta:
        model = Enrolment
        fields: list[str] = []


class AttendanceFilter(django_filters.FilterSet):
    course = IdFilter(field_name="session__course_id", label=_("Course id"))
    session = IdFilter(field_name="session_id", label=_("Session id"))
    enrolment = IdFilter(field_name="enrolment_id", label=_("Enrolment id"))
    since = django_filters.DateFilter(field_name="session__day", lookup_expr="gte", label=_("From"))
    until = django_filters.DateFilter(field_name="session__day", lookup_expr="lte", label=_("To"))

    class Meta:
        model = Attendance
        fields: list[str] = []
