"""Bulk inserts for rows the services have already checked: one statement per batch.

`insert_rows` takes model instances or dicts of values, `insert_objects` sets the primary keys
the caller needs. Both announce the write with `common.signals.rows_written` (Django's
`post_save` is not sent for them).
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from kotopolku.common.signals import rows_written


def insert_rows(model: Any, rows: list[Any]) -> None:
    """INSERT `rows` (model instances, or dicts of values by attribute name where a missing one
    takes the field's default) with one `executemany`, for bulk stores whose rows were checked
    by the services' own functions and whose primary keys nobody needs. Several times cheaper
    than `bulk_create`, which compiles every value of every object; the database's constraints
    still apply."""
    if not rows:
        return
    connection, head, row, fields, values = _insert_statement(model, rows, timezone.now())
    # All rows or none: SQLite's executemany is a statement per row (outside a transaction
    # each would commit alone, as a list page's audit rows are written).
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(*_unnest(connection, head, fields, values))
        else:
            cursor.executemany(f"{head} VALUES {row}", values)
    rows_written.send(sender=model)


def insert_objects(model: Any, objects: list[Any]) -> None:
    """As `insert_rows` for model instances whose primary keys the caller needs (parents of
    other rows): multi-row `INSERT … RETURNING` as large as the database allows, which sets each
    instance's key and `created_at`/`modified_at` as `bulk_create` would. Falls back to
    `bulk_create` where the database cannot return keys from a bulk insert."""
    if not objects:
        return
    from django.db import connections, router

    alias = router.db_for_write(model)
    connection = connections[alias]
    rows_written.send(sender=model)
    if not connection.features.can_return_rows_from_bulk_insert:
        model.objects.bulk_create(objects)
        return
    now = timezone.now()
    connection, head, row, fields, values = _insert_statement(model, objects, now)
    pk = model._meta.pk
    size = max(1, _max_parameters(connection) // len(fields))
    stamped = [
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    returning = connection.ops.quote_name(pk.column)
    if connection.vendor == "postgresql":
        size = len(values)  # one array parameter per column, however many rows
    with connection.cursor() as cursor:
        for first in range(0, len(values), size):
            chunk = values[first : first + size]
            if connection.vendor == "postgresql":
                statement, parameters = _unnest(connection, head, fields, chunk)
                cursor.execute(f"{statement} RETURNING {returning}", parameters)
            else:
                statement = f"{head} VALUES {', '.join([row] * len(chunk))} RETURNING {returning}"
                cursor.execute(statement, [v for line in chunk for v in line])
            keys = [r[0] for r in cursor.fetchall()]
            # The rows come back in the order given, as bulk_create relies on too.
            for obj, key in zip(objects[first : first + size], keys, strict=True):
                obj.pk = key
                for name in stamped:
                    setattr(obj, name, now)
                obj._state.adding = False
                obj._state.db = alias


def _unnest(connection: Any, head: str, fields: list[Any], values: list[list]) -> tuple[str, list]:
    """PostgreSQL: `INSERT … SELECT * FROM UNNEST(column arrays)`, as Django's own bulk_create
    does there (one parameter per column: the driver need not parse thousands of placeholders,
    nor the server plan them)."""
    types = [f.db_type(connection).split("(")[0] for f in fields]  # varchar, not varchar(50)
    arrays = ", ".join(f"(%s)::{kind}[]" for kind in types)
    statement = f"{head} SELECT * FROM UNNEST({arrays})"  # noqa: S608 (names from the model)
    return statement, [list(column) for column in zip(*values, strict=True)]


def _max_parameters(connection: Any) -> int:
    """Query parameters one statement may carry: SQLite's compiled limit (Django assumes the
    old default of 999), PostgreSQL's protocol limit of 65,535, or what Django says."""
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        getlimit = getattr(connection.connection, "getlimit", None)
        if getlimit is not None:  # Python 3.11+
            return getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        return connection.features.max_query_params or 999
    if connection.vendor == "postgresql":
        return 65535
    return connection.features.max_query_params or 999


def _insert_statement(
    model: Any, rows: list[Any], now: Any
) -> tuple[Any, str, str, list[Any], list[list]]:
    """The connection, `INSERT INTO table (columns)`, one row's placeholders, the fields and
    the parameters of each row (`now` for the automatic time stamps)."""
    from django.db import connections, router

    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    converters: list[tuple[str, Any, bool]] = []
    for f in fields:
        kind = f.get_internal_type()
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = f.get_db_prep_save(now, connection)
            converters.append((f.attname, lambda _v, value=value: value, True))
        elif kind == "DateField":
            converters.append((f.attname, connection.ops.adapt_datefield_value, False))
        elif kind in ("JSONField", "DateTimeField", "DecimalField", "UUIDField"):
            converters.append((f.attname, lambda v, f=f: f.get_db_prep_save(v, connection), False))
        else:  # text, numbers, booleans and foreign key ids go as they are
            converters.append((f.attname, None, False))
    defaults = {f.attname: f.get_default() for f in fields}
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    head = f"INSERT INTO {table} ({columns})"
    row = f"({', '.join(['%s'] * len(fields))})"
    values = []
    for item in rows:
        get = item.get if isinstance(item, dict) else item.__dict__.get
        line = []
        for name, convert, fixed in converters:
            value = None if fixed else get(name, defaults[name])
            line.append(
                convert(value) if convert is not None and (fixed or value is not None) else value
            )
        values.append(line)
    return connection, head, row, fields, values
