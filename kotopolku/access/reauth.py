"""Re-authentication before the most sensitive actions (ASVS V2.1.x / V3.x "step-up").

Revealing an identity code or exporting a client's data needs a log-in that is at most
`max_age` seconds old. A view says so in one line:

    @requires(perms.CLIENT_REVEAL_IDENTITY)
    @requires_recent_auth()
    def reveal(request, pk): ...

When the log-in is older, the user is sent to the re-authentication page (password, or the
municipality's identity provider for single sign-on users) and then back to the same address.
"""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from kotopolku.common.api import problem

AUTH_AT = "_kotopolku_auth_at"
"""Session key: when the user last proved who they are (log-in or re-authentication)."""
AUTH_METHOD = "_kotopolku_auth_method"
"""Session key: "password" or "oidc", so re-authentication asks the same way."""


def mark_authenticated(request: HttpRequest, method: str) -> None:
    request.session[AUTH_AT] = time.time()
    request.session[AUTH_METHOD] = method


def auth_age(request: HttpRequest) -> float:
    """Seconds since the user last authenticated; infinite when unknown."""
    at = request.session.get(AUTH_AT)
    if at is None:
        return float("inf")
    return max(0.0, time.time() - float(at))


def is_recent(request: HttpRequest, max_age: int | None = None) -> bool:
    limit = settings.REAUTH_MAX_AGE_SECONDS if max_age is None else max_age
    return auth_age(request) <= limit


def requires_recent_auth(max_age: int | None = None) -> Callable:
    """Ask for the password again unless the user authenticated within `max_age` seconds.

    `max_age` defaults to settings.REAUTH_MAX_AGE_SECONDS. Put it below `@requires(...)` so the
    permission is checked first. API calls (token or session) get a 403 problem with the code
    `reauthentication_required`, since an API client cannot be shown a password page.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if is_recent(request, max_age):
                return view(request, *args, **kwargs)
            if request.path.startswith("/api/"):
                return JsonResponse(
                    problem(
                        403,
                        "reauthentication_required",
                        "Recent authentication is required for this action.",
                    ),
                    status=403,
                )
            target = request.get_full_path() if request.method == "GET" else request.path
            return redirect(f"{reverse('security:reauth')}?{urlencode({'next': target})}")

        wrapped.requires_recent_auth = True  # type: ignore[attr-defined]
        return wrapped

    return decorator
