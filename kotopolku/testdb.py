"""Test-database helpers for the pytest suite (used by `kotopolku/conftest.py` only).

Two costs dominated the suite (docs/adr/0007-fast-test-suite.md):

- building the test database: the migrations take 20–60 s, and every xdist worker ran them;
- the demo region: `seed_demo` ran for every test that asked for it (2–4 s each).

`build_worker_database` runs the migrations once per test run: the first worker builds a
template, and every worker clones it (PostgreSQL `CREATE DATABASE … TEMPLATE`, SQLite's backup
API into the worker's in-memory database).

`DemoSnapshot` runs the real `seed_demo` once per worker, inside a transaction that is rolled
back, and keeps the rows it wrote. A test that asks for the demo gets those rows inserted
verbatim inside its own transaction (tens of milliseconds), so whatever the test changes is
rolled back with it and never leaks into the next test.
"""

from __future__ import annotations

import copy
import fcntl
import json
import os
import pickle
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

TEMPLATE_MARKER = "kotopolku-test-db.json"


@contextmanager
def _locked(directory: Path, name: str = "kotopolku-test-db") -> Iterator[None]:
    with open(directory / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _is_sqlite(connection) -> bool:
    return connection.vendor == "sqlite"


def build_worker_database(
    *, run_dir: Path, worker: str, workers: int, verbosity: int
) -> Callable[[], None]:
    """Give this xdist worker its own migrated test database, migrating once per run.

    Returns the teardown. Only the default database is handled (the project has one).
    """
    connection = connections[DEFAULT_DB_ALIAS]
    creation = connection.creation
    original_name = settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"]
    marker = run_dir / TEMPLATE_MARKER
    with _locked(run_dir):
        state = json.loads(marker.read_text()) if marker.exists() else None
        if _is_sqlite(connection):
            template = run_dir / "kotopolku-test-template.sqlite3"
            if state is None:
                # Migrate in memory as before, then keep a copy for the other workers.
                creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
                with sqlite3.connect(template) as target:
                    connection.ensure_connection()
                    connection.connection.backup(target)
                target.close()
                marker.write_text(json.dumps({"template": str(template), "cloned": [worker]}))
            else:
                name = creation._get_test_db_name()
                connection.close()
                settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"] = name
                connection.settings_dict["NAME"] = name
                connection.ensure_connection()
                source = sqlite3.connect(state["template"])
                try:
                    source.backup(connection.connection)
                finally:
                    source.close()
                state["cloned"].append(worker)
                marker.write_text(json.dumps(state))
        else:
            # The TEST NAME carries pytest-django's worker suffix; the template drops it.
            test_name = connection.settings_dict["TEST"]["NAME"]
            template = test_name.removesuffix(f"_{worker}") + "_template"
            connection.settings_dict["TEST"]["NAME"] = template
            if state is None:
                creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
                state = {"template": template, "cloned": []}
            else:
                connection.close()
                settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"] = template
                connection.settings_dict["NAME"] = template
            creation.clone_test_db(suffix=worker, verbosity=verbosity, keepdb=False)
            clone = creation.get_test_db_clone_settings(worker)["NAME"]
            connection.close()
            settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"] = clone
            connection.settings_dict["NAME"] = clone
            connection.settings_dict["TEST"]["NAME"] = clone
            state["cloned"].append(worker)
            if len(state["cloned"]) >= workers:
                # Every worker has its copy: the template is not needed any more.
                _drop_postgres_database(connection, template)
                marker.unlink(missing_ok=True)
            else:
                marker.write_text(json.dumps(state))
        connection.ensure_connection()

    def teardown() -> None:
        if _is_sqlite(connection):
            # In memory: gone with the process. Restore the name as Django's teardown would.
            settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"] = original_name
            connection.settings_dict["NAME"] = original_name
            return
        creation.destroy_test_db(original_name, verbosity=verbosity)

    return teardown


def _drop_postgres_database(connection, name: str) -> None:
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


# --- the demo region -------------------------------------------------------------------------


def _tables() -> list[tuple[str, list[str]]]:
    """(table, columns) of every concrete table the project's models own."""
    seen: set[str] = set()
    tables = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        tables.append((meta.db_table, [f.column for f in meta.concrete_fields]))
    return tables


def _quote(connection, names: list[str]) -> str:
    return ", ".join(connection.ops.quote_name(n) for n in names)


def _read_rows(connection, table: str, columns: list[str]) -> list:
    """Every row of `table` exactly as stored, in a form that can be written back unchanged.

    SQLite: tuples of raw values (`+col` is an expression, so no type converter runs on it).
    PostgreSQL: lines of COPY's text format, which reads back exactly (JSON, arrays, time zones).
    """
    connection.ensure_connection()
    name = connection.ops.quote_name(table)
    if _is_sqlite(connection):
        select = ", ".join(f"+{connection.ops.quote_name(c)}" for c in columns)
        return [tuple(row) for row in connection.connection.execute(f"SELECT {select} FROM {name}")]  # noqa: S608 (names from the model registry)
    statement = f"COPY (SELECT {_quote(connection, columns)} FROM {name}) TO STDOUT"  # noqa: S608
    with connection.connection.cursor() as cursor, cursor.copy(statement) as pipe:
        data = b"".join(bytes(chunk) for chunk in pipe)
    return data.splitlines(keepends=True)


class SnapshotUnsupported(Exception):
    """The seed did something a row snapshot cannot replay (it changed or removed a row)."""


@dataclass
class TableRows:
    table: str
    columns: list[str]
    rows: list = field(default_factory=list)


@dataclass
class DemoSnapshot:
    """The rows a seed adds to the base test database, ready to be inserted again."""

    result: Any
    tables: list[TableRows]

    @classmethod
    def take(cls, seed: Callable[[], Any], *, using: str = DEFAULT_DB_ALIAS) -> DemoSnapshot:
        connection = connections[using]
        tables = _tables()
        with transaction.atomic(using=using):
            before = {t: set(_read_rows(connection, t, cols)) for t, cols in tables}
            result = seed()
            captured = []
            for table, columns in tables:
                after = _read_rows(connection, table, columns)
                if not before[table] <= set(after):
                    raise SnapshotUnsupported(f"the seed changed or removed rows of {table}")
                added = [row for row in after if row not in before[table]]
                if added:
                    captured.append(TableRows(table, columns, added))
            transaction.set_rollback(True, using=using)
        return cls(result=result, tables=captured)

    @classmethod
    def shared(cls, seed: Callable[[], Any], *, run_dir: Path | None, name: str) -> DemoSnapshot:
        """`take`, once per test run instead of once per xdist worker: the first worker takes
        the snapshot and leaves it in the run's folder, the others read it from there. Every
        worker's database is a clone of one template, so the rows (ids included) are the same
        for all. Without xdist (`run_dir` None) it is simply taken."""
        if run_dir is None:
            return cls.take(seed)
        path = run_dir / f"{name}.pickle"
        with _locked(run_dir, name):
            if path.exists():
                snapshot = pickle.loads(path.read_bytes())  # noqa: S301 (this run's own file)
                snapshot._advance_sequences()
                return snapshot
            snapshot = cls.take(seed)
            path.write_bytes(pickle.dumps(snapshot))
            return snapshot

    def _advance_sequences(self, *, using: str = DEFAULT_DB_ALIAS) -> None:
        """Move PostgreSQL's id sequences past the snapshot's ids, as taking it did on the worker
        that took it (a sequence is not rolled back), so that rows a test adds later do not
        collide with the snapshot's. The rows are loaded and rolled back; the sequences stay.
        SQLite keeps its counters in a table, which the load itself moves."""
        connection = connections[using]
        if _is_sqlite(connection):
            return
        from django.core.management.color import no_style

        with transaction.atomic(using=using):
            self.load(using=using)
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(
                    no_style(), apps.get_models(include_auto_created=True)
                ):
                    cursor.execute(statement)
            transaction.set_rollback(True, using=using)

    @property
    def row_count(self) -> int:
        return sum(len(t.rows) for t in self.tables)

    def load(self, *, using: str = DEFAULT_DB_ALIAS) -> Any:
        """Insert the rows again (in a savepoint) and return a copy of the seed's result.

        Foreign keys are deferred (Django declares them so), hence the order does not matter.
        """
        connection = connections[using]
        with transaction.atomic(using=using):
            connection.ensure_connection()
            raw = connection.connection
            for entry in self.tables:
                name = connection.ops.quote_name(entry.table)
                columns = _quote(connection, entry.columns)
                if _is_sqlite(connection):
                    marks = ", ".join("?" for _ in entry.columns)
                    raw.executemany(f"INSERT INTO {name} ({columns}) VALUES ({marks})", entry.rows)  # noqa: S608
                else:
                    with (
                        raw.cursor() as cursor,
                        cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as pipe,
                    ):
                        pipe.write(b"".join(entry.rows))
        return copy.deepcopy(self.result)


def locked(directory: Path, name: str) -> AbstractContextManager[None]:
    """An exclusive lock on `name` shared by the xdist workers of one run (see worker_run_dir)."""
    return _locked(directory, name)


def worker_run_dir(tmp_path_factory) -> Path:
    """A folder of this run only, shared by its xdist workers: the controller's base folder,
    whose sub-folders are the workers' own. Without xdist, the run's own base folder (its
    parent holds earlier runs' folders, so nothing may be shared there)."""
    basetemp = Path(tmp_path_factory.getbasetemp())
    return basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp


def xdist_worker(config) -> tuple[str, int] | None:
    workerinput = getattr(config, "workerinput", None)
    if not workerinput:
        return None
    return workerinput["workerid"], int(workerinput.get("workercount", 1))


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in {"1", "true", "yes"}
