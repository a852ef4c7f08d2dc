"""Two-factor authentication for administrators (django-otp TOTP).

Enrolment is optional. Once an administrator has a confirmed device, the admin site and every
admin-only page (a view whose `@requires` permission is held by administrators alone) need a
session verified with a one-time code; other pages keep working with the password alone.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

from kotopolku.access.policy import Permission, Role, is_admin
from kotopolku.common.api import problem

ADMIN_ONLY = frozenset({Role.ADMIN})
OTP_MANAGE = Permission("security.otp_manage", ADMIN_ONLY)
"""Enrol, verify and remove one's own TOTP device."""


def otp_enrolled(user: Any) -> bool:
    return bool(user.is_authenticated and user_has_device(user, confirmed=True))


def needs_otp(user: Any) -> bool:
    """True for an administrator with a device whose session is not yet verified."""
    if not user.is_authenticated or not is_admin(user):
        return False
    verified = getattr(user, "is_verified", None)
    if verified is not None and verified():
        return False
    return otp_enrolled(user)


def _admin_only(request: HttpRequest, view_func: Any) -> bool:
    if request.path.startswith(reverse("admin:index")):
        return True
    perm = getattr(view_func, "access_perm", None)
    return isinstance(perm, Permission) and perm.roles == ADMIN_ONLY


class AdminOTPMiddleware:
    """Sends an enrolled administrator to the code page before any admin-only view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if match is not None and match.namespace == "security":
            return None
        if not _admin_only(request, view_func) or not needs_otp(request.user):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                problem(403, "otp_required", "A verified one-time code is required."),
                status=403,
            )
        response: HttpResponse = redirect(
            f"{reverse('security:otp-verify')}?{urlencode({'next': request.get_full_path()})}"
        )
        return response
