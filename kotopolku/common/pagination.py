"""The one pagination of every API list: `?limit=&offset=`, PAGE_SIZE by default.

`limit` is capped: an unbounded one reaches the database as a LIMIT it cannot hold (SQLite
answers "datatype mismatch", PostgreSQL "bigint out of range") and the request ends in a 500,
which `make fuzz` found. A negative or non-numeric value falls back to the default, as in DRF.
"""

from rest_framework import pagination

MAX_LIMIT = 500


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    max_limit = MAX_LIMIT


class CursorPagination(pagination.CursorPagination):
    """For the large lists (clients, audit, attendance): `?cursor=` from the `next`/`previous`
    links, `?limit=` for the page size. No count, so no COUNT(*) over a large table; the order
    is by id, which never changes, so a row is never skipped or shown twice while paging.
    `offset` is not read on these lists."""

    ordering = "-id"
    page_size_query_param = "limit"
    max_page_size = MAX_LIMIT
