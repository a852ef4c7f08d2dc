"""Log-in lock-out that nobody can turn on someone else (docs/security.md).

- A lock is per username *and* client address: failures from one address never lock the same
  username elsewhere, and no user agent is involved (everyone with a common browser behind one
  proxy used to share a lock).
- The client address is REMOTE_ADDR, or, behind a reverse proxy, the address the proxy puts
  in `CLIENT_IP_HEADER` (for example `X-Forwarded-For`). The header is believed only when the
  request comes from an address in `TRUSTED_PROXIES`; in a list of addresses the nearest one
  that is not a trusted proxy is the client.
- An address that fails with usernames that do not exist more than
  `LOGIN_UNKNOWN_USERNAME_LIMIT` times within the cool-off is throttled for every username
  (guessing names is the first step of spraying passwords), with the same 429 as a lock.
- Administrators see and lift locks on `security:lockouts`; both are audited.

Everything is stored in django-axes' own `AccessAttempt` rows.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Sum
from django.http import HttpRequest
from django.utils import timezone

from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record


def _address(text: str) -> str | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [::1]:1234
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:1234
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _trusted(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    for entry in getattr(settings, "TRUSTED_PROXIES", ()):
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_ip(request: HttpRequest) -> str:
    """The client's address (AXES_CLIENT_IP_CALLABLE); see the module docstring."""
    remote = _address(request.META.get("REMOTE_ADDR", "") or "") or "0.0.0.0"  # noqa: S104
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if not header or not _trusted(remote):
        return remote
    value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
    hops = [a for a in (_address(part) for part in value.split(",")) if a]
    for address in reversed(hops):
        if not _trusted(address):
            return address
    return hops[0] if hops else remote


def _known_username():
    User = get_user_model()  # noqa: N806
    return Exists(User.objects.filter(**{User.USERNAME_FIELD: OuterRef("username")}))


def _recent(request: HttpRequest | None = None):
    if request is not None and getattr(request, "axes_attempt_time", None) is not None:
        threshold = get_cool_off_threshold(request)
    else:
        threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(attempt_time__gte=threshold)


def unknown_username_failures(ip_address: str, request: HttpRequest | None = None) -> int:
    """Failures from an address with usernames that no user has, within the cool-off."""
    rows = _recent(request).filter(ip_address=ip_address).exclude(_known_username())
    return rows.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler plus the per-address throttle for unknown usernames."""

    @staticmethod
    def _address_throttled(request) -> bool:
        ip_address = getattr(request, "axes_ip_address", None) or client_ip(request)
        limit = settings.LOGIN_UNKNOWN_USERNAME_LIMIT
        return unknown_username_failures(ip_address, request) >= limit

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or self._address_throttled(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # axes flags a lock of the username; the address's throttle answers the same way.
        if (
            request is not None
            and not getattr(request, "axes_locked_out", False)
            and self._address_throttled(request)
        ):
            request.axes_locked_out = True


@dataclass
class Lockout:
    kind: str  # "account": one username from one address; "address": unknown usernames
    username: str
    ip_address: str
    failures: int
    last_attempt: datetime


def lockouts() -> list[Lockout]:
    """Locks and throttles in force now, newest first."""
    recent = _recent()
    limit = settings.AXES_FAILURE_LIMIT
    accounts = (
        recent.values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=limit)
    )
    found = [
        Lockout(
            "account", row["username"] or "", row["ip_address"] or "", row["failures"], row["last"]
        )
        for row in accounts
    ]
    addresses = (
        recent.exclude(_known_username())
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.LOGIN_UNKNOWN_USERNAME_LIMIT)
    )
    found += [
        Lockout("address", "", row["ip_address"] or "", row["failures"], row["last"])
        for row in addresses
    ]
    return sorted(found, key=lambda lock: lock.last_attempt, reverse=True)


@transaction.atomic
def lockout_lift(*, actor: Any, kind: str, username: str, ip_address: str) -> int:
    """Lift one lock (a username from an address) or one address's throttle; audited."""
    rows = AccessAttempt.objects.filter(ip_address=ip_address)
    if kind == "account":
        rows = rows.filter(username=username)
    elif kind == "address":
        rows = rows.exclude(_known_username())
    else:
        raise ValueError(kind)
    count, _ = rows.delete()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="LoginLockout",
        reason=f"lifted {kind} lock-out"
        + (f" of {username}" if kind == "account" else "")
        + f" from {ip_address}",
    )
    return count
