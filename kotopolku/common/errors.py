"""Error pages: JSON problems under /api/, friendly pages elsewhere, never a bare 500."""

from django.http import JsonResponse
from django.shortcuts import render

from kotopolku.common.api import problem


def _respond(request, status: int, code: str, title: str, template: str):
    if request.path.startswith("/api/"):
        return JsonResponse(problem(status, code, title), status=status)
    return render(request, template, status=status)


def forbidden(request, exception=None):
    return _respond(request, 403, "permission_denied", "Permission denied.", "errors/403.html")


def not_found(request, exception=None):
    return _respond(request, 404, "not_found", "Not found.", "errors/404.html")


def bad_request(request, exception=None):
    return _respond(request, 400, "bad_request", "Bad request.", "errors/400.html")


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse(problem(500, "server_error", "Server error."), status=500)
    return render(request, "errors/500.html", status=500)
