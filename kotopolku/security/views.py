"""Re-authentication, two-factor enrolment and verification, and the single sign-on doors."""

from django.conf import settings
from django.contrib import auth, messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from kotopolku.access.oidc import oidc_enabled
from kotopolku.access.otp import ADMIN_ONLY, OTP_MANAGE
from kotopolku.access.policy import ALL_ROLES, Permission
from kotopolku.access.reauth import AUTH_METHOD, mark_authenticated
from kotopolku.access.views import public, requires
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.security import lockout, oidc, selectors, services
from kotopolku.security.forms import PasswordForm, RemoveDeviceForm, TokenForm

REAUTH = Permission("security.reauth", ALL_ROLES)


def _next(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    from django.urls import reverse

    return reverse(default)


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
@requires(REAUTH)
def reauth(request: HttpRequest) -> HttpResponse:
    """Asks for the password again (or sends a single sign-on user to the provider)."""
    sso_user = not request.user.has_usable_password()
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and not sso_user and form.is_valid():
        user = auth.authenticate(
            request, username=request.user.get_username(), password=form.cleaned_data["password"]
        )
        if user is not None and user.pk == request.user.pk:
            mark_authenticated(request, "password")
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.LOGIN,
                reason="re-authentication",
                path=request.path,
            )
            return redirect(_next(request))
        form.add_error("password", _("The password is incorrect."))
    return render(
        request,
        "security/reauth.html",
        {
            "form": form,
            "next": _next(request),
            "sso_user": sso_user,
            "sso": oidc_enabled(),
            "via_sso": request.session.get(AUTH_METHOD) == "oidc",
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@requires(OTP_MANAGE)
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP device: start, scan the QR code, confirm with a code; or remove it."""
    confirmed = selectors.confirmed_device(request.user)
    pending = None if confirmed else selectors.pending_device(request.user)
    form: TokenForm | RemoveDeviceForm = TokenForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start" and not confirmed:
            pending = services.otp_device_start(actor=request.user)
        elif action == "confirm" and pending is not None:
            form = TokenForm(request.POST)
            if form.is_valid():
                if services.otp_device_confirm(
                    actor=request.user, device=pending, token=form.cleaned_data["token"]
                ):
                    otp_login(request, pending)
                    messages.success(request, _("Two-factor authentication is now on."))
                    return redirect("security:otp-setup")
                form.add_error("token", _("The code is not correct. Check the time on the phone."))
        elif action == "remove" and confirmed is not None:
            form = RemoveDeviceForm(request.POST)
            if form.is_valid():
                if services.otp_device_remove(
                    actor=request.user, device=confirmed, token=form.cleaned_data["token"]
                ):
                    messages.success(request, _("Two-factor authentication is now off."))
                    return redirect("security:otp-setup")
                form.add_error("token", _("The code is not correct. Check the time on the phone."))
        else:
            messages.error(request, _("That step is not available now. Please start again."))
            return redirect("security:otp-setup")
    if confirmed is not None and not isinstance(form, RemoveDeviceForm):
        form = RemoveDeviceForm()
    return render(
        request,
        "security/otp_setup.html",
        {
            "confirmed": confirmed,
            "pending": pending,
            "qr_svg": selectors.device_qr_svg(pending) if pending else "",
            "secret": selectors.device_secret(pending) if pending else "",
            "form": form,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@requires(OTP_MANAGE)
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The code page an enrolled administrator sees before the admin pages."""
    device = selectors.confirmed_device(request.user)
    if device is None:
        return redirect("security:otp-setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.otp_verify(actor=request.user, device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", _("The code is not correct. Check the time on the phone."))
    return render(request, "security/otp_verify.html", {"form": form, "next": _next(request)})


@public
@never_cache
def oidc_authenticate(request: HttpRequest) -> HttpResponse:
    if not oidc_enabled():
        raise Http404
    return oidc.AuthenticateView.as_view()(request)


@public
@never_cache
def oidc_callback(request: HttpRequest) -> HttpResponse:
    if not oidc_enabled():
        raise Http404
    return oidc.CallbackView.as_view()(request)


LOCKOUT_MANAGE = Permission("security.lockouts", ADMIN_ONLY)


@never_cache
@require_http_methods(["GET", "POST"])
@requires(LOCKOUT_MANAGE)
def lockout_list(request: HttpRequest) -> HttpResponse:
    """Log-in locks and throttled addresses in force; an administrator may lift one."""
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        ip_address = request.POST.get("ip_address", "")
        username = request.POST.get("username", "")
        current = {(lock.kind, lock.username, lock.ip_address) for lock in lockout.lockouts()}
        if (kind, username, ip_address) in current:
            lockout.lockout_lift(
                actor=request.user, kind=kind, username=username, ip_address=ip_address
            )
            messages.success(request, _("The lock-out was lifted."))
        else:
            messages.error(request, _("That lock-out has already ended."))
        return redirect("security:lockouts")
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        object_type="LoginLockouts",
        path=request.path,
    )
    return render(
        request,
        "security/lockouts.html",
        {
            "lockouts": lockout.lockouts(),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "unknown_limit": settings.LOGIN_UNKNOWN_USERNAME_LIMIT,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )
