"""/api/schema/ documents exactly the query parameters each API endpoint reads.

`test_api_filters.py` lists what each list should offer. This test cannot drift from the code:
for every API URL in the access matrix it asks the endpoint for real (as a role the matrix lets
in, through the whole HTTP stack) while recording

- every query parameter the request reads (`request.GET` / `request.query_params`: filter set
  forms, paginators, parameters a view reads by hand), and
- every filter set instantiated on the way (`filterset_class`, `params_of`, `apply`),

adds what the view class declares (its filter set, its filter backends' `search`/`ordering`
parameters, its paginator's parameters) and compares that with the GET operation's query
parameters in /api/schema/. A parameter read but not documented fails, and so does one that is
documented but read by nobody. Only reads that happen on a request with no query string are
seen (with the matrix's required parameters, e.g. `year`): a parameter read only when another
one is given must be in the view's filter set.
"""

import re
from functools import cache

import django_filters
import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import resolve, reverse
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters as drf_filters
from rest_framework import pagination
from rest_framework.mixins import ListModelMixin
from rest_framework.settings import api_settings

from kotopolku.access.matrix import ROLES
from kotopolku.access.tests.test_url_matrix import MATRIX

pytestmark = pytest.mark.django_db

# Read by DRF itself on every request (content negotiation), not by a view.
FRAMEWORK = {api_settings.URL_FORMAT_OVERRIDE}


def _first_allowed_role(name: str) -> str | None:
    return next((r for r in ROLES if MATRIX[name].status.get(r) == 200), None)


# Every API route that some role may GET; POST-only routes answer GET with 405 or 403.
API_GETS = sorted(n for n in MATRIX if n.startswith("api:") and _first_allowed_role(n))


@cache
def _schema() -> dict:
    """The schema is the same for every user and every database state: fetch it once."""
    from django.test import override_settings

    with override_settings(API_DOCS_PUBLIC=True):
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _get_operations() -> dict[str, tuple[str, dict]]:
    """URL name → (schema path, GET operation)."""
    operations = {}
    for path, item in _schema()["paths"].items():
        if "get" in item:
            match = resolve(re.sub(r"\{[^}]+\}", "1", path))
            operations[match.view_name] = (path, item["get"])
    return operations


def _paging_parameters(paginator_class) -> set[str]:
    if paginator_class is None:
        return set()
    if issubclass(paginator_class, pagination.CursorPagination):
        names = {paginator_class.cursor_query_param, paginator_class.page_size_query_param}
    elif issubclass(paginator_class, pagination.LimitOffsetPagination):
        names = {paginator_class.limit_query_param, paginator_class.offset_query_param}
    elif issubclass(paginator_class, pagination.PageNumberPagination):
        names = {paginator_class.page_query_param, paginator_class.page_size_query_param}
    else:
        raise AssertionError(f"unknown paginator {paginator_class}: teach this test its params")
    return {n for n in names if n}


def _declared(view_class) -> set[str]:
    """The parameters a view class declares through DRF's filter and paging machinery."""
    names: set[str] = set()
    filterset_class = getattr(view_class, "filterset_class", None)
    for backend in getattr(view_class, "filter_backends", ()):
        if issubclass(backend, DjangoFilterBackend):
            if filterset_class is not None:
                names |= set(filterset_class.base_filters)
            names |= set(getattr(view_class, "filterset_fields", None) or ())
        elif issubclass(backend, drf_filters.SearchFilter) and getattr(
            view_class, "search_fields", None
        ):
            names.add(api_settings.SEARCH_PARAM)
        elif issubclass(backend, drf_filters.OrderingFilter) and getattr(
            view_class, "ordering_fields", None
        ):
            names.add(api_settings.ORDERING_PARAM)
    if issubclass(view_class, ListModelMixin):
        names |= _paging_parameters(getattr(view_class, "pagination_class", None))
    return names


class _Reads:
    def __init__(self):
        self.keys: set[str] = set()
        self.filtersets: set[type] = set()


@pytest.fixture
def reads(monkeypatch):
    """Records the query keys read from any QueryDict, and the filter sets built."""
    seen = _Reads()
    for method in ("get", "__getitem__", "getlist", "__contains__"):
        original = getattr(QueryDict, method)

        def spy(self, key, *args, _original=original, **kwargs):
            seen.keys.add(key)
            return _original(self, key, *args, **kwargs)

        monkeypatch.setattr(QueryDict, method, spy)
    original_init = django_filters.FilterSet.__init__

    def init(self, *args, **kwargs):
        seen.filtersets.add(type(self))
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(django_filters.FilterSet, "__init__", init)
    return seen


def _documented(operation: dict) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}


def test_the_check_sees_every_api_get_and_the_schema_has_no_other():
    operations = _get_operations()
    assert len(API_GETS) > 40
    assert set(operations) == set(API_GETS), (
        f"in the schema, not answering GET in the matrix: {sorted(set(operations) - set(API_GETS))}"
        f"; answering GET, not in the schema: {sorted(set(API_GETS) - set(operations))}"
    )


@pytest.mark.parametrize("name", API_GETS)
def test_schema_documents_the_query_parameters_the_endpoint_reads(name, client_for, reads):
    path, operation = _get_operations()[name]
    expect = MATRIX[name]
    role = _first_allowed_role(name)
    url = reverse(name, kwargs=expect.kwargs())
    api = client_for(role)
    reads.keys.clear()  # only what the request itself reads
    reads.filtersets.clear()
    response = api.get(url + expect.query)  # the matrix's required parameters, if any
    assert response.status_code == 200, (name, role, response.status_code)

    view_class = resolve(url).func.view_class
    used = (reads.keys - FRAMEWORK) | _declared(view_class)
    for filterset_class in reads.filtersets:
        used |= set(filterset_class.base_filters)
    documented = _documented(operation)
    assert not used - documented, f"{path}: read but not in the schema: {sorted(used - documented)}"
    assert not documented - used, (
        f"{path}: in the schema, read by nobody: {sorted(documented - used)}"
    )


def test_every_list_documents_its_paging():
    """A paginated list documents its paginator's parameters; an unpaginated one none."""
    for name, (path, operation) in _get_operations().items():
        view_class = resolve(re.sub(r"\{[^}]+\}", "1", path)).func.view_class
        if not issubclass(view_class, ListModelMixin):
            continue
        paging = _paging_parameters(view_class.pagination_class)
        assert paging <= _documented(operation), (name, sorted(paging - _documented(operation)))
