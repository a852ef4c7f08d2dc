from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from kotopolku.common.models import Statement


@never_cache
def healthz(request):
    """Liveness: the process answers. Touches nothing else."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """Readiness: the database answers. 503 JSON when it does not."""
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def statement(request, kind: str):
    """The accessibility statement or the privacy notice, in the user's language; public,
    because people must be able to read them before they log in."""
    page = Statement.objects.filter(kind=kind).first()
    if page is None:
        raise Http404
    return render(request, "statement.html", {"statement": page})
