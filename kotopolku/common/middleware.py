import logging
import sys
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.html import escape
from django.utils.translation import gettext

_request_id: ContextVar[str] = ContextVar("request_id", default="-")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    """Gives every request an id that appears in logs, audit rows and the X-Request-ID header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _looks_like_uuid(incoming) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        request.request_id = request_id
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


def _looks_like_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


class RequestIdLogFilter(logging.Filter):
    def filter(self, record):
        record.request_id = current_request_id()
        return True


class ContentSecurityPolicyMiddleware:
    """A strict CSP with no inline scripts or styles; Django 5.2 has none built in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class CookieLocaleMiddleware(LocaleMiddleware):
    """Finnish unless the user has chosen another language with the switcher.

    The browser's Accept-Language is ignored on purpose: municipal staff share computers whose
    browser language says little about the language they work in.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user, page or JSON.

    Pages behind log-in hold personal data; neither the browser nor a proxy may keep them
    (ASVS 8.2.1). Static files are answered earlier by WhiteNoise and keep their caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _signed_in(request):
            patch_cache_control(response, no_store=True, no_cache=True, private=True)
            response.headers.pop("Expires", None)
        return response


def _signed_in(request) -> bool:
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    user = getattr(request, "user", None)
    try:
        return bool(user is not None and user.is_authenticated)
    except DatabaseError:
        # Nothing is known about the user while the database is down; err on the safe side.
        return True


class DatabaseUnavailableMiddleware:
    """A clean 503 (JSON under /api/, a plain page elsewhere) while the database is down.

    Django turns an OperationalError into a 500 inside whichever layer raised it, and the 500
    page itself needs the database for the session and the menu. This outermost layer notices
    the database error through `got_request_exception` and answers 503 with `Retry-After`,
    without touching the database. The next request gets a fresh connection, so the service
    recovers by itself when the database is back.
    """

    FLAG = "_kotopolku_database_down"

    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(
            _note_database_error, dispatch_uid="kotopolku.database_unavailable"
        )

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except DATABASE_DOWN:
            return _unavailable(request)
        if response.status_code == 500 and getattr(request, self.FLAG, False):
            return _unavailable(request)
        if response.status_code == 400 and _connection_failed():
            # The session could not be saved because the database went away mid-request;
            # Django reports that as a 400 (SessionInterrupted), but it is an outage.
            return _unavailable(request)
        return response


def _connection_failed() -> bool:
    return any(conn.errors_occurred for conn in connections.all(initialized_only=True))


DATABASE_DOWN = (OperationalError, InterfaceError)


def _note_database_error(sender, request=None, **kwargs):
    exc = sys.exc_info()[1]
    if request is not None and isinstance(exc, DATABASE_DOWN):
        setattr(request, DatabaseUnavailableMiddleware.FLAG, True)
        # Drop the broken connection now, so the next request opens a fresh one.
        for conn in connections.all(initialized_only=True):
            conn.close_if_unusable_or_obsolete()


def _unavailable(request):
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "type": "about:blank#service_unavailable",
                "title": "Service temporarily unavailable.",
                "status": 503,
                "code": "service_unavailable",
            },
            status=503,
        )
    else:
        title = gettext("Service temporarily unavailable")
        text = gettext("Kotopolku cannot reach its database. Please try again in a minute.")
        body = (
            f'<!doctype html><html lang="{escape(translation.get_language() or "fi")}">'
            f'<head><meta charset="utf-8"><title>{escape(title)}</title></head>'
            f"<body><main><h1>{escape(title)}</h1><p>{escape(text)}</p></main></body></html>"
        )
        response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = "30"
    patch_cache_control(response, no_store=True)
    return response
