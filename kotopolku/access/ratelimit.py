"""A small cache-based rate limiter for search and other costly or enumerable endpoints.

Log-in has its own lock-out (django-axes). Search is where a user could walk the client
registry, so every search view and API takes one line:

    @rate_limit("client-search", limit=30, per=60)          # a UI view: 429 page
    def client_search(request): ...

    class ClientSearchApi(APIView):
        @method_decorator(rate_limit("client-search", limit=30, per=60))
        def post(self, request): ...                          # under /api/: 429 problem JSON

or, inside a view that has decided to count something, `hit(request, "client-search", ...)`.
The key is the user (or the remote address for anonymous requests), so one person cannot
spread a scrape over tabs. Counters live in Django's cache: with several gunicorn workers set
CACHES to a shared backend (database or Redis) so that the limit is per user, not per worker.
"""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from kotopolku.common.api import problem


def _who(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    return f"a{request.META.get('REMOTE_ADDR', '-')}"


def hit(request: HttpRequest, scope: str, *, limit: int, per: int) -> tuple[bool, int]:
    """Count one request; return (allowed, seconds until the window ends).

    Fixed windows of `per` seconds: simple, and enough to stop a scraper while never
    touching the database.
    """
    window = int(time.time() // per)
    key = f"ratelimit:{scope}:{_who(request)}:{window}"
    if cache.add(key, 1, timeout=per + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=per + 1)
            count = 1
    retry_after = per - int(time.time() % per)
    return count <= limit, retry_after


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            problem(429, "throttled", "Too many requests. Try again later."), status=429
        )
    else:
        response = HttpResponse(
            render_to_string(
                "security/rate_limited.html", {"retry_after": retry_after}, request=request
            ),
            status=429,
        )
    response["Retry-After"] = str(retry_after)
    return response


def rate_limit(scope: str, *, limit: int, per: int = 60, methods: tuple[str, ...] = ()) -> Callable:
    """Allow `limit` requests per `per` seconds per user for the view; 429 after that.

    `methods` restricts counting to some HTTP methods (for example only POST searches).
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not methods or request.method in methods:
                allowed, retry_after = hit(request, scope, limit=limit, per=per)
                if not allowed:
                    return too_many(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
