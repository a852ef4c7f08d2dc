"""How refused single sign-on log-ins read in the audit log: the callback
stores the cause as a code in `details`; these functions word it in the reader's language.
Registered with `kotopolku.audit.labels` in `SecurityConfig.ready` (audit imports no domain app).

`reason` keeps the English text ("single sign-on: no user with this e-mail"), which is also how
rows written before `details` are read back (`OLD_ROWS`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

SSO_REFUSED = "sso_refused"

# A cause of refusal: the English text stored in `reason`, and its words in the log.
CAUSES: dict[str, tuple[str, Any]] = {
    "provider_error": ("provider error", _("the identity provider answered with an error")),
    "unknown_state": ("unknown or reused state", _("unknown or reused log-in attempt")),
    "subject_differs": (
        "userinfo subject differs from the id_token",
        _("the user information is about another person than the identity token"),
    ),
    "no_email": ("no e-mail claim", _("the identity provider gave no e-mail address")),
    "email_not_verified": (
        "e-mail not verified by the provider",
        _("the identity provider has not verified the e-mail address"),
    ),
    "several_users": (
        "several users have this e-mail",
        _("several users have this e-mail address"),
    ),
    "no_user": ("no user with this e-mail", _("no user has this e-mail address")),
    "inactive_user": ("inactive user", _("the user account is not active")),
    "token_rejected": ("token rejected", _("the identity token was rejected")),
    "provider_unreachable": (
        "provider unreachable or invalid",
        _("the identity provider could not be reached or its answer was invalid"),
    ),
    "no_user_returned": ("no user", _("no user was found")),
    "another_user": (
        "re-authentication as another user",
        _("re-authentication as another user"),
    ),
}


def reason_text(cause: str, detail: str = "") -> str:
    """The English text of a refusal, for `reason`."""
    text = f"single sign-on: {CAUSES[cause][0]}"
    return f"{text}: {detail}" if detail else text


def sso_refused(p: Mapping[str, Any]) -> str:
    cause = p.get("cause", "")
    words = str(CAUSES[cause][1]) if cause in CAUSES else str(cause)
    text = gettext("single sign-on refused: %(cause)s") % {"cause": words}
    # A technical detail (an error name, the provider's error code) is shown as received.
    return f"{text} ({p['detail']})" if p.get("detail") else text


SUMMARIES = {SSO_REFUSED: sso_refused}


def _old_refusal(m: re.Match[str]) -> dict[str, Any] | None:
    text = m[1]
    for cause, (english, _words) in CAUSES.items():
        if text == english:
            return {"summary": SSO_REFUSED, "cause": cause}
        if text.startswith(f"{english}: "):
            return {"summary": SSO_REFUSED, "cause": cause, "detail": text[len(english) + 2 :]}
    return None


# The English texts the callback stored before `details`.
OLD_ROWS = [(re.compile(r"^single sign-on: (.+)$", re.S), _old_refusal)]
