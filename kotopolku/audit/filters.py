"""The audit log's filter set, shared by the audit page and GET /api/v1/audit/."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kotopolku.audit.labels import object_types_named
from kotopolku.audit.models import AuditEvent
from kotopolku.common.filters import IdFilter, SearchFilter


class _AuditSearch(SearchFilter):
    """Also finds an object type by its name in the reader's language ("kokous" → Meeting)."""

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        terms = Q(object_type__in=object_types_named(value))
        for field in self.search_fields:
            terms |= Q(**{f"{field}__icontains": value})
        for field in self.exact_fields:
            terms |= Q(**{f"{field}__iexact": value})
        return queryset.filter(terms)


class AuditEventFilter(django_filters.FilterSet):
    search = _AuditSearch(
        fields=("actor_label", "object_type"),
        exact_fields=("request_id",),
        help_text=_("User, object type or request id."),
    )
    action = django_filters.ChoiceFilter(choices=AuditEvent.Action.choices, label=_("Action"))
    object_type = django_filters.CharFilter(max_length=60, label=_("Object type"))
    client = IdFilter(field_name="client_id", label=_("Client id"))
    success = django_filters.BooleanFilter(label=_("Succeeded"))
    since = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte", label=_("From"))
    until = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt", label=_("Before"))

    class Meta:
        model = AuditEvent
        fields: list[str] = []
