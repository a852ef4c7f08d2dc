"""Who may read the OpenAPI schema and the API docs (docs/security.md).

In production (DEBUG off) the schema maps every endpoint and filter of an application that
holds personal data, so it is for signed-in users (a session or an API token) unless
`API_DOCS_PUBLIC` is set. With DEBUG on (development, `make fuzz`) it is open.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from rest_framework.permissions import BasePermission


def docs_are_public() -> bool:
    return bool(settings.DEBUG or getattr(settings, "API_DOCS_PUBLIC", False))


class DocsAccess(BasePermission):
    """DRF permission of the schema and docs views: anyone when public, else signed in."""

    def has_permission(self, request, view) -> bool:
        return docs_are_public() or bool(request.user and request.user.is_authenticated)


def docs_page(view):
    """The HTML docs send an anonymous browser to log in instead of answering JSON 401."""

    @wraps(view)
    def gated(request, *args, **kwargs):
        if (
            docs_are_public()
            or request.user.is_authenticated
            or request.headers.get("Authorization")
        ):
            return view(request, *args, **kwargs)
        return redirect_to_login(request.get_full_path())

    return gated
