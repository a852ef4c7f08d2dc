"""The one place that decides who may see or do what.

A `Permission` names the roles that may hold it anywhere, and optionally an object rule that
decides for one object (a client, an organisation). Views, the API, exports and templates ask
`can(user, permission, obj)`; nothing else decides. Each domain keeps its permissions in its own
module here (`access/organisations.py`, `access/clients.py`, …).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser

from kotopolku.organisations.models import Membership

Role = Membership.Role
User = AuthUser | AnonymousUser
ObjectRule = Callable[[Any, Any], bool]

ALL_ROLES: frozenset[str] = frozenset(Role)
PERSONAL_DATA_STAFF: frozenset[str] = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER})


@dataclass(frozen=True)
class Permission:
    key: str
    roles: frozenset[str]
    object_rule: ObjectRule | None = None
    """Called as rule(user, obj) when an object is given; the roles must match as well."""

    def __str__(self) -> str:
        return self.key


def memberships_of(user: User) -> list[Membership]:
    """A user's memberships, read once per user object (one query per request)."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached: list[Membership] | None = getattr(user, "_kotopolku_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user_id=user.pk).select_related("organisation"))
        setattr(user, "_kotopolku_memberships", cached)  # noqa: B010
    return cached


def roles_of(user: User) -> frozenset[str]:
    roles = {m.role for m in memberships_of(user)}
    if getattr(user, "is_superuser", False) and user.is_active:
        roles.add(Role.ADMIN)
    return frozenset(roles)


def organisation_ids_with_role(user: User, *roles: str) -> frozenset[int]:
    return frozenset(m.organisation_id for m in memberships_of(user) if m.role in roles)


def can(user: User, permission: Permission, obj: Any = None) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if not roles_of(user) & permission.roles:
        return False
    if obj is not None and permission.object_rule is not None:
        return permission.object_rule(user, obj)
    return True


def is_admin(user: User) -> bool:
    return Role.ADMIN in roles_of(user)
