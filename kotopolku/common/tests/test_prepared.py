"""`prepared_cursor`: the worklist's statements prepared per PostgreSQL connection."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kotopolku.common.prepared import prepared_cursor

pytestmark = pytest.mark.django_db

STATEMENT = "SELECT %s::date + %s::int, %s::text"


def _prepared() -> list[tuple[str, int, int]]:
    """(text, generic plans, custom plans) of the connection's prepared statements."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        return cursor.fetchall()


def _prepared_texts() -> list[str]:
    return [text for text, _generic, _custom in _prepared()]


def test_the_same_rows_as_djangos_cursor_and_the_query_is_logged():
    statement, params = "SELECT %s + 1, %s, '100%%'", [41, "a%b"]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        plain = cursor.fetchall()
    with CaptureQueriesContext(connection) as queries, prepared_cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    assert rows == plain == [(42, "a%b", "100%")]
    assert len(queries) == 1
    # The query log has the statement (on PostgreSQL with its placeholders, not the values).
    assert "SELECT" in queries[0]["sql"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)
def test_on_postgresql_the_statement_is_prepared_and_planned_once():
    for day in (1, 2, 3):
        with prepared_cursor() as cursor:
            cursor.execute(STATEMENT, [date(2026, 3, day), 1, "x"])
            assert cursor.fetchone()[0] == date(2026, 3, day + 1)
    found = [row for row in _prepared() if "::date + $2::int" in row[0]]
    # One statement, run three times with its one generic plan, never planned for its values.
    assert found == [("SELECT $1::date + $2::int, $3::text", 3, 0)]
    # Django's own cursors bind in the client and prepare nothing.
    with connection.cursor() as cursor:
        for _ in range(6):
            cursor.execute("SELECT %s::int * 7", [6])
    assert not [t for t in _prepared_texts() if "* 7" in t]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)
def test_without_a_threshold_nothing_is_prepared(monkeypatch):
    """`DB_PREPARED=false` leaves psycopg's `prepare_threshold` at None: Django's cursor."""
    options = dict(connection.settings_dict.get("OPTIONS", {}))
    options.pop("prepare_threshold", None)
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", options)
    with prepared_cursor() as cursor:
        cursor.execute("SELECT %s::int * 11", [3])
        assert cursor.fetchone() == (33,)
    assert not [t for t in _prepared_texts() if "* 11" in t]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)
def test_the_worklist_page_prepares_its_count_but_plans_its_ordered_read_each_time(
    client, user_for
):
    client.force_login(user_for("caseworker"))
    assert client.get("/casework/").status_code == 200
    texts = _prepared_texts()
    assert any("casework_clientdue" in t and "COUNT(" in t for t in texts)
    assert not any("OFFSET" in t for t in texts)
