"""Fixtures for the whole suite.

How a test gets data (docs/DEVELOPING.md, "Tests"):

- `db` (or `@pytest.mark.django_db`): an empty, migrated database (rule seed included); the test
  runs in a transaction that is rolled back at its end.
- `demo`: the same, plus the demo region, its organisations, programme, catalogue, governance
  and the demo users (`seed_demo(with_users=True, clients=0)`). The rows are seeded once per
  xdist worker and inserted again into each test's transaction, so a test may change them
  freely. `user_for(role)` and `client_for(role)` build on `demo`.
- `transactional_db` + `demo` also works: the rows are committed and flushed at the end.

The test database itself is migrated once per run and cloned for each worker (kotopolku/testdb.py,
docs/adr/0007-fast-test-suite.md).
"""

import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connections
from django.test import Client
from django.utils import translation

from kotopolku.demo.seed import seed_demo
from kotopolku.testdb import (
    DemoSnapshot,
    SnapshotUnsupported,
    build_worker_database,
    worker_run_dir,
    xdist_worker,
)

ROLE_USERS = {
    "admin": "admin",
    "coordinator": "coordinator",
    "caseworker": "caseworker-jarvenpaa",
    "provider": "provider",
    "viewer": "viewer",
}


_E2E = Path(__file__).resolve().parent / "e2e"
_BACKGROUND: list[subprocess.Popen] = []


def _runs_browser_tests(config) -> bool:
    if "not browser" in (config.option.markexpr or ""):
        return False
    for arg in config.args:
        path = (config.invocation_params.dir / arg.split("::")[0]).resolve()
        if path == _E2E or _E2E in path.parents or path in _E2E.parents:
            return True
    return False


def pytest_sessionstart(session):
    """On the controller of an xdist run that includes the browser tests, start building their
    demo database now (kotopolku/e2e/template.py), while the workers start and build their own
    test databases; the first e2e server waits for it on a lock instead of building it then."""
    config = session.config
    if xdist_worker(config) is not None or not getattr(config.option, "numprocesses", None):
        return
    if not _runs_browser_tests(config):
        return
    run_dir = Path(config._tmp_path_factory.getbasetemp())
    log = open(run_dir / "e2e-demo-template.log", "w")  # noqa: SIM115 (the child keeps it)
    _BACKGROUND.append(
        subprocess.Popen(
            [sys.executable, "-m", "kotopolku.e2e.template", str(run_dir)],
            cwd=_E2E.parents[1],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    )
    log.close()


def pytest_sessionfinish(session):
    for process in _BACKGROUND:  # a run stopped early: do not leave the build running
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=60)


def pytest_collection_modifyitems(config, items):
    """The long tests first: xdist hands out work in collection order, so they start at once and
    the short tests fill the workers' time after them, instead of a journey starting last and
    the run waiting for it. The real worker stack comes before the browser journeys: it needs
    no e2e demo database, so the workers are busy while that is built in the background
    (`pytest_sessionstart`). A stable sort: every worker collects the same order."""

    def order(item) -> int:
        if item.get_closest_marker("worker"):
            return 0
        return 1 if item.get_closest_marker("browser") else 2

    items.sort(key=order)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request through the locale middleware
    activates the user's language in this thread, and an earlier test's English must not
    decide what a later one reads (a job's language is the one active when it is started)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def one_rate_window(monkeypatch):
    """Hold the rate limiter's clock inside one of its fixed windows, so that a slow run that
    crosses a window's end does not start a new count in the middle of a test."""
    from types import SimpleNamespace

    from kotopolku.access import ratelimit

    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_010.0))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache, and the bulk-read check's counted reads in the
    process; ids repeat across tests, so start each clean."""
    from kotopolku.security.services import forget_counted_reads

    cache.clear()
    forget_counted_reads()
    yield
    cache.clear()
    forget_counted_reads()


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
    tmp_path_factory,
):
    """pytest-django's set-up, except that xdist workers migrate once per run and clone."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    worker = xdist_worker(request.config)
    verbosity = request.config.option.verbose
    plain = (
        worker is None
        or (django_db_keepdb and not django_db_createdb)
        or not django_db_use_migrations
        or set(settings.DATABASES) != {"default"}
    )
    if plain:
        with django_db_blocker.unblock():
            config = setup_databases(
                verbosity=verbosity,
                interactive=False,
                aliases=aliases,
                serialized_aliases=serialized_aliases,
                keepdb=bool(django_db_keepdb and not django_db_createdb),
            )
        yield
        if not django_db_keepdb:
            with django_db_blocker.unblock():
                teardown_databases(config, verbosity=verbosity)
        return

    worker_id, workers = worker
    with django_db_blocker.unblock():
        teardown = build_worker_database(
            run_dir=worker_run_dir(tmp_path_factory),
            worker=worker_id,
            workers=workers,
            verbosity=verbosity,
        )
        if "default" in serialized_aliases:
            connection = connections["default"]
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        teardown()


def seed_demo_for_tests():
    """What the `demo` fixture holds (a module that adds rows of its own seeds this first)."""
    return seed_demo(with_users=True, clients=0)


_seed_demo = seed_demo_for_tests


def snapshot_dir(request) -> Path | None:
    """Where the xdist workers of this run share their demo snapshots (None without xdist)."""
    if xdist_worker(request.config) is None:
        return None
    return worker_run_dir(request.getfixturevalue("tmp_path_factory"))


@pytest.fixture(scope="session")
def _demo_snapshot(request, django_db_setup, django_db_blocker):
    """The demo region's rows, seeded once per run by the real seed and rolled back."""
    with django_db_blocker.unblock():
        try:
            return DemoSnapshot.shared(_seed_demo, run_dir=snapshot_dir(request), name="demo")
        except SnapshotUnsupported as why:
            warnings.warn(
                f"demo fixture falls back to seeding for every test ({why})", stacklevel=1
            )
            return None


@pytest.fixture
def demo(_demo_snapshot, db):
    """The demo region, organisations and users, as `seed_demo(with_users=True, clients=0)`
    leaves them, returning that call's `SeedResult`.

    The rows come from the real seed, run once per worker; they are inserted into this test's
    transaction, so changes to them end with the test.
    """
    if _demo_snapshot is None:
        return _seed_demo()
    try:
        return _demo_snapshot.load()
    except IntegrityError:
        # The test made rows the seed would have reused (same natural keys): seed for real.
        return _seed_demo()


@pytest.fixture
def user_for(demo, django_user_model):
    def get(role: str):
        return django_user_model.objects.get(username=ROLE_USERS[role])

    return get


@pytest.fixture
def client_for(user_for):
    """A logged-in test client for a role name, or an anonymous one for 'anonymous'."""

    def make(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(user_for(role))
        return client

    return make
