"""Single sign-on access decisions: when SSO is on, and which memberships a provider's claims
may grant.

Roles never come from the identity provider by default: a user signs in with the provider and
gets exactly the memberships an administrator gave them in Kotopolku. Only when both
OIDC_ROLE_CLAIM and OIDC_ROLE_MAP are set does the provider manage memberships, and then only
those named in the map:

    OIDC_ROLE_CLAIM=groups
    OIDC_ROLE_MAP={"kp-caseworkers-186": ["caseworker", "186"], "kp-admins": ["admin", "pk:1"]}

Each map entry names a value of the claim (a group) and the membership it stands for: a role and
an organisation, given by its three-digit municipality code or as "pk:<id>". At every log-in the
user's memberships that the map can express are made equal to the claim: missing ones are added,
ones whose group is gone are removed. Memberships outside the map are left as they are.
"""

from typing import Any

from django.conf import settings

from kotopolku.organisations.models import Membership, Organisation

Grant = tuple[int, str]
"""(organisation id, role)"""


def oidc_enabled() -> bool:
    return bool(
        settings.OIDC_RP_CLIENT_ID
        and settings.OIDC_OP_AUTHORIZATION_ENDPOINT
        and settings.OIDC_OP_TOKEN_ENDPOINT
        and settings.OIDC_OP_USER_ENDPOINT
        and settings.OIDC_OP_JWKS_ENDPOINT
    )


def role_claim_configured() -> bool:
    return bool(settings.OIDC_ROLE_CLAIM and settings.OIDC_ROLE_MAP)


def _organisation_id(ref: str) -> int | None:
    ref = str(ref).strip()
    if ref.startswith("pk:"):
        pk = ref[3:]
        if pk.isdigit() and Organisation.objects.filter(pk=int(pk)).exists():
            return int(pk)
        return None
    found = Organisation.objects.filter(municipality_code=ref).values_list("pk", flat=True)
    return next(iter(found), None)


def mapped_grants() -> dict[str, Grant]:
    """The configured map, resolved to organisation ids; unknown roles or organisations are
    ignored (and reported by `invalid_map_entries`)."""
    grants: dict[str, Grant] = {}
    for group, target in (settings.OIDC_ROLE_MAP or {}).items():
        if not isinstance(target, list | tuple) or len(target) != 2:
            continue
        role, ref = target
        if role not in Membership.Role.values:
            continue
        organisation_id = _organisation_id(ref)
        if organisation_id is not None:
            grants[str(group)] = (organisation_id, role)
    return grants


def invalid_map_entries() -> list[str]:
    return sorted(set((settings.OIDC_ROLE_MAP or {}).keys()) - set(mapped_grants()))


def grants_from_claims(claims: dict[str, Any]) -> tuple[set[Grant], set[Grant]]:
    """(memberships the claims grant, every membership the map can express)."""
    mapping = mapped_grants()
    values = claims.get(settings.OIDC_ROLE_CLAIM) or []
    if isinstance(values, str):
        values = [values]
    granted = {mapping[str(v)] for v in values if str(v) in mapping}
    return granted, set(mapping.values())
