"""`__in_ids`: membership in a long list of ids, sent to the database as one parameter.

`field__in=[...]` prepares and binds every id on its own; for the hundreds of ids a worklist
reads, building that query costs more than running it. `field__in_ids=[...]` sends the whole
list once: a `bigint[]` array on PostgreSQL (`= ANY`), a JSON array on SQLite (`json_each`).
Both databases still use the column's index.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import models
from django.db.models import Lookup


def in_ids_sql(lhs: str, vendor: str) -> str:
    """`lhs IN (the ids)` with the ids as one parameter (`in_ids_param`), for raw SQL."""
    if vendor == "postgresql":
        return f"{lhs} = ANY(%s::bigint[])"
    if vendor == "sqlite":
        return f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608
    raise NotImplementedError(vendor)


def in_ids_param(ids: Iterable[int], vendor: str) -> str | list[int]:
    """The one parameter of `in_ids_sql`: an array on PostgreSQL, a JSON array on SQLite."""
    values = [int(v) for v in ids]
    return json.dumps(values) if vendor == "sqlite" else values


class InIds(Lookup):
    lookup_name = "in_ids"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        values: Iterable = self.rhs
        return [int(v) for v in values]

    def as_sql(self, compiler, connection):
        # `lhs` is the compiled column reference; every value goes in as a bound parameter.
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor in ("postgresql", "sqlite"):
            sql = in_ids_sql(lhs, connection.vendor)
            return sql, [*lhs_params, in_ids_param(self.rhs, connection.vendor)]
        placeholders = ", ".join(["%s"] * len(self.rhs)) or "NULL"
        return f"{lhs} IN ({placeholders})", [*lhs_params, *self.rhs]


def register() -> None:
    for field in (models.IntegerField, models.ForeignKey):
        field.register_lookup(InIds)
