"""How the compensation app's audit rows read in the log: the services store
a summary code and its parameters in `details`; these functions word them in the reader's
language. Registered with `kotopolku.audit.labels` in `CompensationConfig.ready` (audit imports
no domain app). `OLD_ROWS` reads the English texts stored before `details`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

RECONCILIATION = "compensation_reconciliation"
PAYMENT_LIST = "compensation_payment_list"
DECISION = "compensation_decision"
CLAIM_EXPORT = "compensation_claim_export"

# The kinds of a reconciliation, as the reconciliation page names them.
KIND_LABELS = {
    "difference": _("Amount differences"),
    "paid_not_expected": _("Paid but not expected"),
    "expected_not_paid": _("Expected but not paid"),
    "equal": _("Paid as expected"),
}


def reconciliation(p: Mapping[str, Any]) -> str:
    return ", ".join(f"{label}: {p[kind]}" for kind, label in KIND_LABELS.items() if kind in p)


def _month(text: str) -> str:
    """2025-03 as the e-form writes it, 3/2025."""
    try:
        year, month = text.split("-")
        return f"{int(month)}/{year}"
    except ValueError:
        return text


def payment_list(p: Mapping[str, Any]) -> str:
    return ngettext(
        "payment list of %(month)s for municipality %(code)s: %(count)s row",
        "payment list of %(month)s for municipality %(code)s: %(count)s rows",
        int(p["rows"]),
    ) % {"month": _month(str(p.get("month", ""))), "code": p.get("code", ""), "count": p["rows"]}


def decision(p: Mapping[str, Any]) -> str:
    from kotopolku.compensation.models import ReconciliationDecision

    value = p.get("decision", "")
    words = str(dict(ReconciliationDecision.Decision.choices).get(value, value))
    if p.get("subject") == "row":
        return gettext("row %(line)s of the payment list: %(decision)s") % {
            "line": p.get("number", ""),
            "decision": words,
        }
    return gettext("a person of the payment list: %(decision)s") % {"decision": words}


def claim_export(p: Mapping[str, Any]) -> str:
    return gettext("actual cost claim (%(format)s)") % {"format": str(p.get("format", "")).upper()}


SUMMARIES = {
    RECONCILIATION: reconciliation,
    PAYMENT_LIST: payment_list,
    DECISION: decision,
    CLAIM_EXPORT: claim_export,
}

_KIND = "|".join(KIND_LABELS)

# The English texts these services stored before `details`.
OLD_ROWS = [
    (
        re.compile(rf"^(?:(?:{_KIND})=\d+)(?:, (?:{_KIND})=\d+)*$"),
        lambda m: {
            "summary": RECONCILIATION,
            **{k: int(v) for k, v in (part.split("=") for part in m[0].split(", "))},
        },
    ),
    (
        re.compile(r"^(\d{3}):(\d{4}-\d{2}):(\d+) rows$"),
        lambda m: {"summary": PAYMENT_LIST, "code": m[1], "month": m[2], "rows": int(m[3])},
    ),
    (
        re.compile(r"^\d+:(client|row):(\d+):([a-z_]+)$"),
        lambda m: {"summary": DECISION, "subject": m[1], "number": int(m[2]), "decision": m[3]},
    ),
]
