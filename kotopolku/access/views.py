"""View guards. A view states the permission it needs; the decision is made in policy.py."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from kotopolku.access.policy import Permission, can
from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record


def enforce(request: HttpRequest, perm: Permission, obj: Any = None) -> None:
    """Raise PermissionDenied, with an audit row, when the user may not do `perm` on `obj`."""
    if can(request.user, perm, obj):
        return
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.ACCESS_DENIED,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "pk", "") or "",
        reason=str(perm),
        details=audit_summary("denied", permission=perm.key),
        success=False,
        path=request.path,
    )
    raise PermissionDenied(str(perm))


def requires(perm: Permission) -> Callable:
    """Log-in, then the role-level check. Object checks call `enforce(request, perm, obj)`."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            enforce(request, perm)
            return view(request, *args, **kwargs)

        wrapped.access_perm = perm  # type: ignore[attr-defined]
        return wrapped

    return decorator


def public(view: Callable) -> Callable:
    """Marks a view that needs no log-in, so that the choice is explicit and reviewable."""
    view.access_public = True  # type: ignore[attr-defined]
    return view
