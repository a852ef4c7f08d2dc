"""How the client registry's audit rows read in the log: the services store a
summary code and its parameters in `details`; these functions word them in the reader's language.
Registered with `kotopolku.audit.labels` in `ClientsConfig.ready` (audit imports no domain app)."""

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext

TRANSFER = "client_transfer"
TRANSFER_ENDED = "client_transfer_ended"
CONSENT = "client_consent"
HOME_PERIOD = "client_home_period"


def _organisation(p: Mapping[str, Any], key: str) -> str:
    """The organisation's name in the reader's language (looked up by `<key>_id`; a transfer
    row is rare enough for a query), else the name stored with the row."""
    pk = p.get(f"{key}_id")
    if pk:
        from kotopolku.organisations.models import Organisation

        found = Organisation.objects.filter(pk=pk).first()
        if found is not None:
            return found.name
    return str(p.get(key) or "–")


def _basis(p: Mapping[str, Any]) -> str:
    if p.get("consent"):
        return gettext("the client's consent")
    from kotopolku.clients.services import TransferBasis

    return str(dict(TransferBasis.choices).get(p.get("basis", ""), p.get("basis", "")))


def transfer(p: Mapping[str, Any]) -> str:
    return gettext("responsibility moved from %(old)s to %(new)s; basis: %(basis)s") % {
        "old": _organisation(p, "old"),
        "new": _organisation(p, "new"),
        "basis": _basis(p),
    }


def transfer_ended(p: Mapping[str, Any]) -> str:
    return gettext("%(organisation)s is no longer responsible for the client") % {
        "organisation": _organisation(p, "old")
    }


def consent(p: Mapping[str, Any]) -> str:
    from kotopolku.clients.models import Consent

    purpose = dict(Consent.Purpose.choices).get(p.get("purpose", ""), p.get("purpose", ""))
    return gettext("consent to share with %(organisation)s: %(purpose)s") % {
        "organisation": _organisation(p, "organisation"),
        "purpose": purpose,
    }


def home_period(p: Mapping[str, Any]) -> str:
    return gettext("the previous home-municipality period ended the day before")


SUMMARIES = {
    TRANSFER: transfer,
    TRANSFER_ENDED: transfer_ended,
    CONSENT: consent,
    HOME_PERIOD: home_period,
}


def _fields(m: re.Match[str]) -> dict[str, Any]:
    return {"summary": "fields", "model": "clients.Client", "fields": m[0].split(",")}


# The English texts these services stored before `details`.
OLD_ROWS = [
    (
        re.compile(r"^transfer:(\d*)->(\d+);(?:consent:(\d+)|basis:([a-z_]+))$"),
        lambda m: {
            "summary": TRANSFER,
            "old_id": int(m[1]) if m[1] else None,
            "new_id": int(m[2]),
            "consent": int(m[3]) if m[3] else None,
            "basis": m[4] or "",
        },
    ),
    (
        re.compile(r"^transfer: organisation (\d+) no longer responsible$"),
        lambda m: {"summary": TRANSFER_ENDED, "old_id": int(m[1])},
    ),
    (
        re.compile(r"^closed:([a-z_]+)$"),
        lambda m: {
            "summary": "closed",
            "model": "clients.Client",
            "field": "closure",
            "value": m[1],
        },
    ),
    (re.compile(r"^closed:(\d+)$"), lambda m: {"summary": HOME_PERIOD, "closed": int(m[1])}),
    (
        re.compile(r"^(\d+):([a-z_]+)$"),
        lambda m: {"summary": CONSENT, "organisation_id": int(m[1]), "purpose": m[2]},
    ),
    # A client edit named the fields sent: "client_since,email,first_names".
    (re.compile(r"^[a-z_]+(?:,[a-z_]+)+$"), _fields),
    (
        re.compile(r"^(identity code|name or external id)(?:: (.*))?; (\d+) hits$"),
        lambda m: {
            "summary": "search",
            "by": "identity_code" if m[1] == "identity code" else "name",
            "text": m[2] or "",
            "hits": int(m[3]),
        },
    ),
    (
        re.compile(r"^search result \((identity code|name or external id)\)$"),
        lambda m: {
            "summary": "search_result",
            "by": "identity_code" if m[1] == "identity code" else "name",
        },
    ),
]
