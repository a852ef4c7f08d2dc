"""Single sign-on with the municipality's OpenID Connect provider (mozilla-django-oidc).

The library does the protocol (state, nonce, PKCE, code exchange, JWKS lookup, signature).
Kotopolku adds what the library leaves open: the audience and issuer checks, the userinfo
subject check, e-mail matching without creating users unless configured, inactive users, roles
from memberships, and an audit row with a reason for every failure.
"""

from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from kotopolku.access.oidc import role_claim_configured
from kotopolku.access.reauth import mark_authenticated
from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.security.audit_labels import SSO_REFUSED, reason_text
from kotopolku.security.services import memberships_sync_from_claims, user_create_from_sso

REAUTH_FLAG = "_kotopolku_oidc_reauth"
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


class LoginRefused(Exception):
    """A provider log-in that Kotopolku refuses, with its cause (a code of
    `security.audit_labels.CAUSES`) for the audit log."""

    def __init__(self, cause: str, label: str = ""):
        super().__init__(cause)
        self.cause = cause
        self.label = label


class KotopolkuOIDCBackend(OIDCAuthenticationBackend):
    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("id_token audience is not this client")
        if settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("id_token issuer does not match")
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]):
        claims = self.get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):
            raise LoginRefused("subject_differs")
        email = str(claims.get("email") or "").strip()
        if not email:
            raise LoginRefused("no_email")
        if claims.get("email_verified") is False:
            raise LoginRefused("email_not_verified", email)
        users = list(get_user_model().objects.filter(email__iexact=email)[:2])
        if len(users) > 1:
            raise LoginRefused("several_users", email)
        if users:
            user = users[0]
        elif settings.OIDC_CREATE_USERS:
            user = user_create_from_sso(claims=claims)
        else:
            raise LoginRefused("no_user", email)
        if not user.is_active:
            raise LoginRefused("inactive_user", email)
        if role_claim_configured():
            memberships_sync_from_claims(user=user, claims=claims)
        return user


class AuthenticateView(OIDCAuthenticationRequestView):
    """Starts the code flow; `?reauth=1` asks the provider to authenticate the user afresh."""

    def get(self, request: HttpRequest) -> HttpResponse:
        request.session[REAUTH_FLAG] = bool(
            request.GET.get("reauth") and request.user.is_authenticated
        )
        return super().get(request)

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        if request.session.get(REAUTH_FLAG):
            return {"prompt": "login", "max_age": "0"}
        return {}


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's redirect back. Every outcome is audited; failures never raise."""

    def get(self, request: HttpRequest) -> HttpResponse:
        reauth = bool(request.session.pop(REAUTH_FLAG, False)) and request.user.is_authenticated
        if request.GET.get("error"):
            return self._fail(request, "provider_error", detail=request.GET["error"][:60])
        state, code = request.GET.get("state"), request.GET.get("code")
        states = request.session.get("oidc_states") or {}
        if not state or not code or state not in states:
            return self._fail(request, "unknown_state")
        entry = states.pop(state)
        request.session["oidc_states"] = states
        request.session.save()
        backend = KotopolkuOIDCBackend()
        try:
            user = backend.authenticate(
                request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
            )
        except LoginRefused as refused:
            return self._fail(request, refused.cause, refused.label)
        except SuspiciousOperation as exc:
            return self._fail(request, "token_rejected", detail=str(exc))
        except jwt.PyJWTError as exc:
            return self._fail(request, "token_rejected", detail=type(exc).__name__)
        except (requests.RequestException, ValueError, KeyError) as exc:
            return self._fail(request, "provider_unreachable", detail=type(exc).__name__)
        if user is None:
            return self._fail(request, "no_user_returned")
        if reauth:
            if user.pk != request.user.pk:
                return self._fail(request, "another_user", user.get_username())
            audit_record(
                actor=user,
                action=AuditEvent.Action.LOGIN,
                reason="re-authentication (single sign-on)",
                path=request.path,
            )
        else:
            auth.login(request, user, backend=SESSION_BACKEND)
        mark_authenticated(request, "oidc")
        next_url = request.session.pop("oidc_login_next", None)
        return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))

    def _fail(
        self, request: HttpRequest, cause: str, label: str = "", *, detail: str = ""
    ) -> HttpResponse:
        detail = detail[:200]
        audit_record(
            actor=None,
            actor_label=label,
            action=AuditEvent.Action.LOGIN_FAILED,
            reason=reason_text(cause, detail)[:300],
            details=audit_summary(
                SSO_REFUSED, cause=cause, **({"detail": detail} if detail else {})
            ),
            success=False,
            path=request.path,
        )
        messages.error(
            request,
            _(
                "Log-in with the municipality's account did not succeed. Ask your "
                "administrator to check that your e-mail address is registered in Kotopolku."
            ),
        )
        return HttpResponseRedirect(resolve_url(settings.LOGIN_REDIRECT_URL_FAILURE))
