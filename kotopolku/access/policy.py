"""The one place that decides who may see or do what.

Views, the API, exports and templates ask `can(user, Perm.X, obj)`; nothing else decides.
"""

from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from kotopolku.organisations.models import Membership, Organisation

Role = Membership.Role
User = AbstractBaseUser | AnonymousUser


class Perm(StrEnum):
    STAFF_HOME = "staff.home"
    ORGANISATION_LIST = "organisation.list"
    ORGANISATION_VIEW = "organisation.view"
    ORGANISATION_VIEW_MEMBERS = "organisation.view_members"
    ORGANISATION_MANAGE_MEMBERS = "organisation.manage_members"
    RULES_VIEW = "rules.view"
    AUDIT_VIEW = "audit.view"
    ADMIN_SITE = "admin.site"


ALL_ROLES = frozenset(Role)
PERSONAL_DATA_STAFF = frozenset({Role.ADMIN, Role.COORDINATOR, Role.CASEWORKER})

# Permissions that depend only on the roles a user holds somewhere.
ROLE_GRANTS: dict[Perm, frozenset[str]] = {
    Perm.STAFF_HOME: ALL_ROLES,
    Perm.ORGANISATION_LIST: ALL_ROLES,
    Perm.ORGANISATION_VIEW: ALL_ROLES,
    Perm.ORGANISATION_VIEW_MEMBERS: PERSONAL_DATA_STAFF,
    Perm.RULES_VIEW: frozenset({Role.ADMIN, Role.COORDINATOR}),
    Perm.AUDIT_VIEW: frozenset({Role.ADMIN}),
    Perm.ADMIN_SITE: frozenset({Role.ADMIN}),
}


def memberships_of(user: User) -> list[Membership]:
    """A user's memberships, read once per user object (one query per request)."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached: list[Membership] | None = getattr(user, "_kotopolku_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("organisation"))
        user._kotopolku_memberships = cached  # type: ignore[union-attr]
    return cached


def roles_of(user: User) -> frozenset[str]:
    roles = {m.role for m in memberships_of(user)}
    if getattr(user, "is_superuser", False) and user.is_active:
        roles.add(Role.ADMIN)
    return frozenset(roles)


def can(user: User, perm: Perm, obj: Any = None) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    roles = roles_of(user)
    if perm == Perm.ORGANISATION_MANAGE_MEMBERS:
        return _may_manage_members(user, roles, obj)
    return bool(roles & ROLE_GRANTS[perm])


def _may_manage_members(user: User, roles: frozenset[str], obj: Any) -> bool:
    if Role.ADMIN in roles:
        return True
    if not isinstance(obj, Organisation):
        return False
    return any(
        m.role == Role.COORDINATOR and m.organisation_id == obj.pk for m in memberships_of(user)
    )


def allowed(user: User) -> frozenset[Perm]:
    """Every role-level permission the user holds, for navigation."""
    return frozenset(p for p in ROLE_GRANTS if can(user, p))
