"""Helpers for the URL access matrix test: the expected status of a GET per role.

Each app lists its URLs in `<app>/tests/url_access.py` as `URL_ACCESS = {name: Expect(...)}`;
`access/tests/test_url_matrix.py` fails when a URL pattern has no entry.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = ("anonymous", "admin", "coordinator", "caseworker", "provider", "viewer")
STAFF_ROLES = frozenset(ROLES[1:])


@dataclass
class Expect:
    status: dict[str, int]
    kwargs: Callable[[], dict[str, Any]] = field(default=lambda: {})
    query: str = ""


def staff_page(allowed: frozenset[str] | set[str], *, kwargs=None, ok: int = 200) -> Expect:
    """A log-in page: anonymous is sent to log in, allowed roles get `ok`, others 403."""
    status = {role: (ok if role in allowed else 403) for role in STAFF_ROLES}
    status["anonymous"] = 302
    return Expect(status=status, kwargs=kwargs or (lambda: {}))


def api(allowed: frozenset[str] | set[str], *, kwargs=None) -> Expect:
    status = {role: (200 if role in allowed else 403) for role in STAFF_ROLES}
    status["anonymous"] = 401
    return Expect(status=status, kwargs=kwargs or (lambda: {}))


def public_page(status: int = 200, *, per_role: dict[str, int] | None = None) -> Expect:
    result = {role: status for role in ROLES}
    result.update(per_role or {})
    return Expect(status=result)
