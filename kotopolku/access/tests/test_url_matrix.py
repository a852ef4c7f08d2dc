"""Every URL pattern, with every role. A new URL without an entry fails the first test."""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import kotopolku
from kotopolku.access.matrix import ROLES, Expect
from kotopolku.conftest import seed_demo_for_tests, snapshot_dir
from kotopolku.testdb import DemoSnapshot

# Django's admin has its own hundreds of patterns; its door (admin:index) is in the matrix
# and the admin site asks access/ whether the user may enter at all.
OWN_DOOR_NAMESPACES = {"admin"}


def url_names(patterns=None, namespace=""):
    names = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace in OWN_DOOR_NAMESPACES:
                names.append(f"{ns}index")
                continue
            names.extend(url_names(entry.url_patterns, ns))
        elif isinstance(entry, URLPattern):
            names.append(f"{namespace}{entry.name}" if entry.name else f"<unnamed {entry.pattern}>")
    return names


def collect_matrix():
    matrix: dict[str, Expect] = {}
    for module in pkgutil.iter_modules(kotopolku.__path__):
        try:
            access = importlib.import_module(f"kotopolku.{module.name}.tests.url_access")
        except ModuleNotFoundError:
            continue
        overlap = matrix.keys() & access.URL_ACCESS.keys()
        assert not overlap, f"URL names listed twice: {overlap}"
        matrix.update(access.URL_ACCESS)
    return matrix


MATRIX = collect_matrix()


def test_every_url_pattern_has_an_access_entry():
    names = set(url_names())
    missing = sorted(names - MATRIX.keys())
    stale = sorted(MATRIX.keys() - names)
    assert not missing, f"URL patterns missing from the access matrix: {missing}"
    assert not stale, f"access matrix entries for URLs that no longer exist: {stale}"


def test_every_entry_covers_every_role():
    for name, expect in MATRIX.items():
        assert set(expect.status) == set(ROLES), name


def _seed_with_objects():
    """The demo region, then each entry's objects (a client, a plan, a meeting …) made by the
    entry's own factory; a factory shared by several entries runs once."""
    result = seed_demo_for_tests()
    made: dict[object, dict] = {}
    kwargs = {}
    for name in sorted(MATRIX):
        factory = MATRIX[name].kwargs
        if factory not in made:
            made[factory] = factory()
        kwargs[name] = made[factory]
    return result, kwargs


@pytest.fixture(scope="session")
def _matrix_snapshot(request, django_db_setup, django_db_blocker):
    """The demo and every entry's objects, made once per run (not once per URL and role:
    ~1,600 tests) and inserted into each test's transaction like the plain demo."""
    with django_db_blocker.unblock():
        return DemoSnapshot.shared(
            _seed_with_objects, run_dir=snapshot_dir(request), name="url-matrix"
        )


@pytest.fixture
def matrix_objects(_matrix_snapshot, db):
    return _matrix_snapshot.load()


@pytest.fixture
def demo(matrix_objects):
    """This module's demo: the region with the matrix's objects in it."""
    return matrix_objects[0]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_role_as_the_matrix_says(name, role, client_for, matrix_objects):
    expect = MATRIX[name]
    url = reverse(name, kwargs=matrix_objects[1][name]) + expect.query
    response = client_for(role).get(url)
    assert response.status_code == expect.status[role], (
        f"{name} as {role}: got {response.status_code}, expected {expect.status[role]}"
    )
