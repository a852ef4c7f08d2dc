"""Filter sets of the service catalogue, shared by the list pages and the API."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kotopolku.catalogue.models import Service, ServiceCategory
from kotopolku.common.filters import MunicipalityCodeFilter, SearchFilter

STATES = (
    ("active", _("active today")),
    ("all", _("all but archived")),
    ("ended", _("ended")),
    ("archived", _("archived")),
)


class PublicServiceFilter(django_filters.FilterSet):
    category = django_filters.ModelChoiceFilter(
        queryset=ServiceCategory.objects.all(),
        to_field_name="code",
        label=_("Category"),
        help_text=_("Service category code, for example guidance."),
    )
    municipality = MunicipalityCodeFilter(field_name="municipalities__municipality_code")
    language = django_filters.CharFilter(
        field_name="languages__code",
        lookup_expr="iexact",
        max_length=3,
        label=_("Language"),
        help_text=_("ISO 639 code of a language of service, for example ar."),
    )

    class Meta:
        model = Service
        fields: list[str] = []

    def filter_queryset(self, queryset):
        # Services active today only, whatever else is asked.
        queryset = queryset.active_on(timezone.localdate())
        return super().filter_queryset(queryset).distinct()


class ServiceFilter(PublicServiceFilter):
    search = SearchFilter(
        fields=("name_fi", "name_sv", "name_en", "responsible_organisation__name_fi"),
        exact_fields=("ptv_id",),
    )
    state = django_filters.ChoiceFilter(
        choices=STATES,
        method="by_state",
        empty_label=None,
        label=_("State"),
        help_text=_("active (default), all, ended or archived."),
    )

    def by_state(self, queryset, name, value):
        return queryset  # applied in filter_queryset, which also gives the default

    def filter_queryset(self, queryset):
        state = self.form.cleaned_data.get("state") or "active"
        day = timezone.localdate()
        if state == "archived":
            queryset = queryset.filter(archived=True)
        elif state == "all":
            queryset = queryset.filter(archived=False)
        elif state == "ended":
            queryset = queryset.filter(archived=False, active_to__lt=day)
        else:
            queryset = queryset.active_on(day)
        return django_filters.FilterSet.filter_queryset(self, queryset).distinct()


class CategoryFilter(django_filters.FilterSet):
    statutory = django_filters.BooleanFilter(
        label=_("Statutory minimum"),
        help_text=_("true: only the categories of the statutory service package."),
    )

    class Meta:
        model = ServiceCategory
        fields: list[str] = []
