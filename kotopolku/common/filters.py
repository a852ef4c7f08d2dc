"""Shared pieces of the django-filter filter sets (DESIGN: "API filters").

Each app keeps its filter sets in `<app>/filters.py`. API list views name theirs in
`filterset_class` (DjangoFilterBackend is the default backend, so drf-spectacular documents
every filter in /api/schema/); list pages call `filtered(...)` with `request.GET`.

A filter set only narrows the queryset it is given: views hand it the queryset that the access
scope already allows, so a filter never widens what a user sees.
"""

from functools import reduce
from operator import or_
from typing import Any

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

SEARCH_MAX = 100


class SearchFilter(django_filters.CharFilter):
    """Free text over several fields: `icontains` on `fields`, exact (case-insensitive) on
    `exact_fields`; at most 100 characters."""

    def __init__(self, *args, fields=(), exact_fields=(), **kwargs):
        self.search_fields = tuple(fields)
        self.exact_fields = tuple(exact_fields)
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", SEARCH_MAX)
        kwargs.setdefault("help_text", _("Free text; at most 100 characters."))
        super().__init__(*args, method=self.search, **kwargs)

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        terms = [Q(**{f"{f}__icontains": value}) for f in self.search_fields]
        terms += [Q(**{f"{f}__iexact": value}) for f in self.exact_fields]
        return queryset.filter(reduce(or_, terms)).distinct()


class MunicipalityCodeFilter(django_filters.CharFilter):
    """A three-digit municipality code of Statistics Finland. Anything else makes the form
    invalid: a 400 problem in the API, a dropped filter on a page."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Municipality code"))
        kwargs.setdefault("help_text", _("Three-digit municipality code, for example 186."))
        kwargs.setdefault(
            "validators",
            [RegexValidator(r"^[0-9]{3}$", _("Give a three-digit municipality code."))],
        )
        super().__init__(*args, **kwargs)


class IdFilter(django_filters.NumberFilter):
    """An id: a whole number that fits the id columns. Anything else is a 400, never a 500
    from a database that cannot hold the number (`make fuzz` sends such values)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class YearFilter(django_filters.NumberFilter):
    """A calendar year, 1900-2100 (a `__year` lookup raises on year 0)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2100)
        kwargs.setdefault("label", _("Year"))
        super().__init__(*args, **kwargs)


def filtered(filterset_class, data, queryset: QuerySet, *, request=None) -> tuple[Any, QuerySet]:
    """Apply a filter set to an already scoped queryset; for list pages. An invalid value is
    dropped (the form shows its error) and the rest of the filters still apply."""
    filterset = filterset_class(data, queryset=queryset, request=request)
    if not filterset.is_valid():
        cleaned = {k: v for k, v in data.items() if k not in filterset.errors}
        filterset = filterset_class(cleaned, queryset=queryset, request=request)
        filterset.is_valid()
        filterset.form.errors.clear()
    return filterset, filterset.qs


def params_of(filterset_class, request) -> dict[str, Any]:
    """The cleaned filter values for a selector that returns a list rather than a queryset;
    invalid input is a 400 problem, as the filter backend gives."""
    filterset = filterset_class(request.query_params, queryset=None, request=request)
    form = filterset.form
    if not form.is_valid():
        raise ValidationError(form.errors)
    return form.cleaned_data


_TYPES = {
    django_filters.BooleanFilter: OpenApiTypes.BOOL,
    django_filters.NumberFilter: OpenApiTypes.NUMBER,
    django_filters.DateFilter: OpenApiTypes.DATE,
    django_filters.DateTimeFilter: OpenApiTypes.DATETIME,
}


def filterset_parameters(filterset_class) -> list[OpenApiParameter]:
    """OpenAPI parameters of a filter set, for views drf-spectacular cannot read it from
    (views that are not generic list views)."""
    parameters = []
    for name, flt in filterset_class.base_filters.items():
        kind = next((t for cls, t in _TYPES.items() if isinstance(flt, cls)), OpenApiTypes.STR)
        if isinstance(flt, django_filters.ModelChoiceFilter):
            kind = OpenApiTypes.INT
        enum = None
        if isinstance(flt, django_filters.ChoiceFilter):
            choices = flt.extra.get("choices") or []
            enum = [c[0] for c in (choices() if callable(choices) else choices)]
        parameters.append(
            OpenApiParameter(
                name,
                kind,
                OpenApiParameter.QUERY,
                required=False,
                description=str(flt.extra.get("help_text") or flt.label or name),
                enum=enum,
            )
        )
    return parameters
