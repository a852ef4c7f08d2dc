"""Statements run on every page with the same text: prepared and planned once per PostgreSQL
connection.

Django binds the parameters in the client (psycopg's `ClientCursor`) and never prepares, so the
server parses and plans every statement anew. The worklist's statements are long (its kept
statements, casework/selectors.py): at 15,000 own clients PostgreSQL spent about 2 ms of CPU a
page parsing and planning them, a third of its work for the page (bench/README.md,
"Worklist"). Through `prepared_cursor` a statement is sent with server-side binding and
prepared (psycopg's `prepare=True`), and the connection's `plan_cache_mode` is
`force_generic_plan` (settings.py): its plan is made once, for any values.

So use it only for statements whose best plan does not depend on the values: counts over an
index, reads of given ids. The page's ordered read (`Worklist._fetch_heads`) is not one of
them: its generic plan read a 300-client caseload as it would one of 15,000 (5.4 ms against
1 ms), and it goes through Django's cursor. Statements of other code are never prepared, so
the mode changes nothing for them. docs/adr/0011-postgresql-planner-settings.md has the why.

Elsewhere (SQLite) it is Django's own cursor. Django's cursor wrapper is kept on PostgreSQL as
well: execute wrappers (the query log, `CaptureQueriesContext`), debug logging and the mapping
of database errors.

A prepared statement belongs to its connection (kept `DB_CONN_MAX_AGE` seconds): behind a
connection pooler in transaction mode that does not keep them (PgBouncer before 1.21), set
`DB_PREPARED=false` (settings.py then leaves psycopg's `prepare_threshold` at Django's None,
and these statements go through Django's own cursor).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.db import connection


def _threshold() -> int | None:
    """psycopg prepares nothing on a connection whose `prepare_threshold` is None (Django's
    default; settings.py sets one unless `DB_PREPARED` is off)."""
    return connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold")


@cache
def _preparing_cursor_class() -> type:
    from django.db.backends.postgresql import base

    server_binding: Any = base.ServerBindingCursor  # defined only with psycopg 3

    class PreparingCursor(server_binding):
        """Server-side binding; every statement prepared (a text is prepared once per
        connection, psycopg keeps the names)."""

        def execute(self, query: Any, params: Any = None, *, prepare: Any = None, **kwargs: Any):
            return super().execute(query, params, prepare=True, **kwargs)

        def _convert_query(self, query: Any, params: Any = None) -> Any:
            # Kept where Django's query log reads the statement (`last_executed_query`, as
            # psycopg's client-side cursor keeps it): the text with $1, $2 …, not the values.
            converted = super()._convert_query(query, params)
            self._query = converted
            return converted

    return PreparingCursor


@contextmanager
def prepared_cursor() -> Iterator[Any]:
    """A cursor for statements that are run often with the same text: prepared on
    PostgreSQL, Django's plain cursor on other databases or with `DB_PREPARED` off."""
    if connection.vendor != "postgresql" or _threshold() is None:
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = _preparing_cursor_class()(connection.connection)
    # Django's own wrapping of a new cursor (thread check, query log or plain wrapper).
    wrapper: Any = connection
    cursor = wrapper._prepare_cursor(raw)
    try:
        yield cursor
    finally:
        cursor.close()
