"""RFC 7807-style error bodies with a stable `code` for every API error."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.ValidationError: "invalid",
    exceptions.ParseError: "parse_error",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.Throttled: "throttled",
}


def problem(status_code: int, code: str, title: str, detail=None) -> dict:
    body = {"type": f"about:blank#{code}", "title": title, "status": status_code, "code": code}
    if detail is not None:
        body["detail"] = detail
    return body


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = next((c for cls, c in CODES.items() if isinstance(exc, cls)), "error")
    if isinstance(exc, exceptions.ValidationError):
        body = problem(response.status_code, code, "Invalid input.", response.data)
    else:
        detail = response.data.get("detail") if isinstance(response.data, dict) else None
        body = problem(response.status_code, code, str(detail or code))
    return Response(body, status=response.status_code, headers=_keep_headers(response))


def _keep_headers(response):
    return {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Allow", "Retry-After")}


def json_not_found():
    return Response(problem(status.HTTP_404_NOT_FOUND, "not_found", "Not found."), status=404)


def service_errors(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A service's refusal as DRF's 400: `{field: [messages]}`, and `non_field_errors` for a
    message that names no field (Django's `__all__`, or a plain ValidationError)."""
    if not hasattr(exc, "error_dict"):
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    return exceptions.ValidationError(
        {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
    )


def call_service(service, **kwargs):
    """Call one service; a rule it refuses is a 400 with its messages, and nothing changed."""
    try:
        return service(**kwargs)
    except DjangoValidationError as exc:
        raise service_errors(exc) from exc
