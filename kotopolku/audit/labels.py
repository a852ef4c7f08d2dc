"""The audit log in the reader's language.

Rows are append-only and store codes: the object type (a class name such as `PrivacyOverview`),
the action, and for machine-made summaries a `details` dict (`{"summary": "page", "page": 2}`)
written with `audit_summary(...)`. Everything here turns those into words at read time, in the
language of whoever reads the log. Rows written before `details` existed carry an English
`reason` ("page 1: 1 clients"); `reason_label` recognises those texts, so old rows read the same.
Free text typed by a user (a restricted-read reason) is shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats
from django.utils.translation import get_language_info, gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kotopolku.common.formatting import euros

# Object types that are not a model: lists, pages, computations. Models are named by their
# verbose_name (see `object_label`), so a new model needs no entry here.
OBJECT_TYPES = {
    "Case": _("client's case"),
    "CaseImport": _("case import"),
    "ClientChangeHistory": _("client's change history"),
    "ClientList": _("client list"),
    "ClientPrivacy": _("client's privacy page"),
    "ClientSearch": _("client search"),
    "CompensationForecast": _("compensation forecast"),
    "CompensationForecastPerson": _("compensation forecast"),
    "CourseProgress": _("course progress"),
    "DataSubjectExport": _("data subject export"),
    "Deadlines": _("deadlines"),
    "GuidanceContactList": _("guidance contact list"),
    "LogReport": _("log report"),
    "LoginLockout": _("log-in lockout"),
    "LoginLockouts": _("log-in lockouts"),
    "MonitoringCompute": _("monitoring computation"),
    "PaymentListReconciliation": _("payment list reconciliation"),
    "PaymentListReconciliationPerson": _("payment list reconciliation"),
    "PrivacyOverview": _("privacy overview"),
    "ReferralList": _("referral list"),
    "RestrictedClient": _("restricted client"),
    "RestrictedReadGrant": _("reading a restricted client"),
    "Retention": _("retention"),
    "RulesWhatIf": _("rule change preview"),
    "StatisticsDashboard": _("statistics dashboard"),
    "StatisticsDocument": _("statistics document"),
    "StatisticsTable": _("statistics table"),
    "TOTPDevice": _("authenticator device"),
    "BulkRead": _("bulk reading of clients"),
    "Worklist": _("worklist"),
    "DeadlineDigest": _("deadline digest"),
}

# The first part of a permission key (`client.view`) names the area it guards. The key itself
# stays in the row and in the page's title attribute for an administrator who needs it.
PERMISSION_AREAS = {
    "admin": _("administration"),
    "audit": _("audit log"),
    "casework": _("casework"),
    "catalogue": _("service catalogue"),
    "client": _("clients"),
    "compensation": _("state compensation"),
    "course": _("courses"),
    "governance": _("governance"),
    "jobs": _("background jobs"),
    "notifications": _("notifications"),
    "organisation": _("organisations"),
    "privacy": _("data protection"),
    "programme": _("programme"),
    "rules": _("statutory rules"),
    "security": _("security"),
    "staff": _("staff"),
    "statistics": _("statistics"),
}

PLAIN_LANGUAGE = pgettext_lazy("language", "plain Finnish")


def _models_by_name() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for model in apps.get_models():
        if model._meta.app_label.startswith("kotopolku") or model.__module__.startswith(
            "kotopolku."
        ):
            found.setdefault(model.__name__, model)
    return found


_MODELS: dict[str, Any] | None = None


def object_label(code: str) -> str:
    """`PrivacyOverview` → "tietosuojan yleiskuva"; a model by its verbose name."""
    global _MODELS  # noqa: PLW0603 - built once, after the app registry is ready
    if not code:
        return ""
    if code in OBJECT_TYPES:
        return str(OBJECT_TYPES[code])
    if _MODELS is None:
        _MODELS = _models_by_name()
    if code in _MODELS:
        return str(_MODELS[code]._meta.verbose_name)
    # A type added later with no label yet: its words, not its class name.
    return re.sub(r"(?<!^)(?=[A-Z])", " ", code).lower()


def object_types_named(text: str) -> list[str]:
    """The object types whose label, in the active language, contains `text`: a search for
    "kokous" finds the rows of `Meeting`."""
    global _MODELS  # noqa: PLW0603 - as in object_label
    if _MODELS is None:
        _MODELS = _models_by_name()
    needle = text.strip().lower()
    if not needle:
        return []
    codes = set(OBJECT_TYPES) | set(_MODELS)
    return sorted(code for code in codes if needle in object_label(code).lower())


def permission_label(key: str) -> str:
    area = PERMISSION_AREAS.get(key.split(".", 1)[0])
    if area is None:
        return gettext("no permission")
    return gettext("no permission: %(area)s") % {"area": area}


def language_label(code: str) -> str:
    if code == "selko":
        return str(PLAIN_LANGUAGE)
    try:
        return str(get_language_info(code)["name_translated"]).lower()
    except KeyError:
        return code


def audit_summary(kind: str, **params: Any) -> dict[str, Any]:
    """The `details` of a row whose summary is made by the system: `audit_summary("page", page=2)`."""
    if kind not in SUMMARIES:
        raise ValueError(f"unknown audit summary {kind!r}")
    return {"summary": kind, **params}


def _page(p: Mapping[str, Any]) -> str:
    if "count" in p:
        return ngettext(
            "page %(page)s: %(count)s client", "page %(page)s: %(count)s clients", p["count"]
        ) % {"page": p["page"], "count": p["count"]}
    return gettext("page %(page)s") % {"page": p["page"]}


def _counts(p: Mapping[str, Any]) -> str:
    parts = []
    if "persons" in p:
        parts.append(
            ngettext("%(count)s person", "%(count)s persons", p["persons"])
            % {"count": p["persons"]}
        )
    if "clients" in p:
        parts.append(
            ngettext("%(count)s client", "%(count)s clients", p["clients"])
            % {"count": p["clients"]}
        )
    return ", ".join(parts)


def _bulk_read(p: Mapping[str, Any]) -> str:
    return ngettext(
        "%(count)s client read within one hour; the limit is %(limit)s",
        "%(count)s clients read within one hour; the limit is %(limit)s",
        p["reads"],
    ) % {"count": p["reads"], "limit": p["limit"]}


# The steps of a record's life that a service names in its audit row.
STEPS = {
    "approve": _("approved"),
    "approve_minutes": _("minutes approved"),
    "archive": _("archived"),
    "complete": _("marked done"),
    "completed": _("completed"),
    "decision": _("decision recorded"),
    "end_term": _("term ended"),
    "presented": _("presented"),
    "submit": _("submitted for approval"),
    "summary": _("summary edited"),
    "submitted": _("submitted"),
    "withdrawn": _("withdrawn"),
}


def _ref(p: Mapping[str, Any]) -> str:
    return f"{object_label(p.get('type', ''))} {p.get('id', '')}".strip()


def _rows(p: Mapping[str, Any]) -> str:
    return ngettext("%(count)s row", "%(count)s rows", p["count"]) % {"count": p["count"]}


def _published(p: Mapping[str, Any]) -> str:
    return ngettext(
        "published draft “%(title)s”: %(count)s row",
        "published draft “%(title)s”: %(count)s rows",
        p["count"],
    ) % {"title": p.get("title", ""), "count": p["count"]}


def _choice(model: str, field: str, value: str) -> str:
    """The label of a model field's choice (`courses.Enrolment`, `status`), or the value."""
    try:
        choices = dict(apps.get_model(model)._meta.get_field(field).flatchoices)
    except (LookupError, ValueError):
        return value
    return str(choices.get(value, value))


def _enrolment(p: Mapping[str, Any]) -> str:
    status = _choice("courses.Enrolment", "status", p["status"])
    if p.get("before"):
        before = _choice("courses.Enrolment", "status", p["before"])
        status = f"{before} → {status}"
    return f"{p['course']}: {status}" if p.get("course") else status


def _attendance(p: Mapping[str, Any]) -> str:
    return ngettext(
        "attendance of %(count)s participant (%(changed)s changed)",
        "attendance of %(count)s participants (%(changed)s changed)",
        p["participants"],
    ) % {"count": p["participants"], "changed": p["changed"]}


def _orientation_hours(p: Mapping[str, Any]) -> str:
    hours = formats.number_format(Decimal(str(p["hours"])), use_l10n=True)
    if p.get("done"):
        text = gettext("%(course)s: orientation completed at %(hours)s hours (P7)")
    else:
        text = gettext("%(course)s: below P7 after correction (%(hours)s hours)")
    return text % {"course": p["course"], "hours": hours}


def _day_text(value: Any) -> str:
    """An ISO day of a row as the reader writes days (15.10.2025); anything else as stored."""
    try:
        return formats.date_format(date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
    except ValueError:
        return str(value)


def _fixed(text: Any) -> Callable[[Mapping[str, Any]], str]:
    return lambda p: str(text)


# Names in a `fields` summary that are not a field of the model.
FIELD_NAMES = {"identity_code": _("identity code"), "languages": _("languages")}


def _field_label(model: str, name: str) -> str:
    if name in FIELD_NAMES:
        return str(FIELD_NAMES[name])
    try:
        return str(apps.get_model(model)._meta.get_field(name).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return name.replace("_", " ")


def _fields(p: Mapping[str, Any]) -> str:
    """`{"model": "clients.Client", "fields": ["phone"]}`: the changed fields by their names;
    `course` (a course code) before them when given."""
    names = [_field_label(p.get("model", ""), name) for name in p.get("fields", [])]
    if not names:
        text = gettext("no change")
    else:
        text = gettext("changed: %(fields)s") % {"fields": ", ".join(names)}
    return f"{p['course']}: {text}" if p.get("course") else text


def _fields_of(model: str, names: list[str], **extra: Any) -> dict[str, Any] | None:
    """A `fields` summary when every name is a field of `model`, else None (shown as stored)."""
    try:
        fields = {f.name for f in apps.get_model(model)._meta.get_fields()}
    except LookupError:
        return None
    if not set(names) <= fields:
        return None
    return {"summary": "fields", "model": model, "fields": names, **extra}


def _closed(p: Mapping[str, Any]) -> str:
    reason = _choice(p.get("model", ""), p.get("field", ""), p.get("value", ""))
    return gettext("closed: %(reason)s") % {"reason": reason}


def _search(p: Mapping[str, Any]) -> str:
    hits = int(p.get("hits", 0))
    if p.get("by") == "identity_code":
        return ngettext(
            "search by identity code; %(count)s hit",
            "search by identity code; %(count)s hits",
            hits,
        ) % {"count": hits}
    return ngettext(
        "search by name or external id “%(text)s”; %(count)s hit",
        "search by name or external id “%(text)s”; %(count)s hits",
        hits,
    ) % {"count": hits, "text": p.get("text", "")}


def _search_result(p: Mapping[str, Any]) -> str:
    if p.get("by") == "identity_code":
        return gettext("search result (by identity code)")
    return gettext("search result (by name or external id)")


def _case_file(p: Mapping[str, Any]) -> str:
    if "clients" in p:
        return ngettext(
            "case file of %(count)s client", "case file of %(count)s clients", p["clients"]
        ) % {"count": p["clients"]}
    return gettext("case file")


# Files read by an upload (the jobs' `AuditAs` reasons) and documents made for download.
UPLOADS = {"attendance": _("attendance"), "payment_list": _("payment list")}
DOCUMENTS = {
    "agenda": _("agenda"),
    "minutes": _("minutes"),
    "annual_report": _("annual programme report"),
    "programme_document": _("programme document"),
    "state_reporting": _("state reporting"),
    "statistics": _("statistics document"),
    "data_subject_export": _("data subject export"),
    "log_report": _("log report"),
}

# Fixed texts that services of other apps store in `reason`, by that text.
FIXED_TEXTS = {
    "re-authentication": _("re-authentication"),
    "re-authentication (single sign-on)": _("re-authentication (single sign-on)"),
    "created at first single sign-on": _("created at the first single sign-on"),
    "two-factor enrolment started": _("two-factor enrolment started"),
    "two-factor enrolment confirmed": _("two-factor enrolment confirmed"),
    "two-factor enrolment: wrong code": _("two-factor enrolment: wrong code"),
    "two-factor removal: wrong code": _("two-factor removal: wrong code"),
    "two-factor removed": _("two-factor removed"),
    "two-factor code": _("two-factor code"),
    "new address": _("new calendar address"),
    "lifted": _("restriction lifted"),
    "ptv_sync": _("updated from the national service catalogue (PTV)"),
}


def _upload(p: Mapping[str, Any]) -> str:
    what = UPLOADS.get(p.get("what", ""), p.get("what", ""))
    return gettext("file upload: %(what)s") % {"what": what}


def _document(p: Mapping[str, Any]) -> str:
    name = str(DOCUMENTS.get(p.get("document", ""), p.get("document", "")))
    details = [language_label(p["language"])] if p.get("language") else []
    if p.get("format"):
        details.append(str(p["format"]).upper())
    if p.get("period"):
        details.append(str(p["period"]))
    return f"{name} ({', '.join(details)})" if details else name


def _statistics(p: Mapping[str, Any]) -> str:
    period = p.get("period", "")
    if not p.get("suppressed", True):
        return gettext("%(period)s: figures without small-number suppression") % {"period": period}
    text = gettext("%(period)s: small numbers suppressed") % {"period": period}
    return f"{str(p['format']).upper()}, {text}" if p.get("format") else text


def _restricted_read(p: Mapping[str, Any]) -> str:
    if not p.get("reason"):
        return gettext("processing restricted; no reason given")
    return gettext("reading a restricted client: %(reason)s") % {"reason": p["reason"]}


def _lockout_lifted(p: Mapping[str, Any]) -> str:
    if p.get("user"):
        return gettext("lock-out of %(user)s from %(address)s lifted") % {
            "user": p["user"],
            "address": p.get("address", ""),
        }
    return gettext("lock-out of the address %(address)s lifted") % {"address": p.get("address", "")}


def _organisation_name(pk: Any) -> str:
    """An organisation by id, in the reader's language (old rows stored only the id)."""
    try:
        found = apps.get_model("organisations", "Organisation").objects.filter(pk=pk).first()
    except (LookupError, ValueError, TypeError):
        found = None
    return found.name if found is not None else "–"


def _referral_sent(p: Mapping[str, Any]) -> str:
    basis = (
        gettext("the client's consent")
        if p.get("consent")
        else _choice("casework.Referral", "legal_basis", p.get("basis", ""))
    )
    text = gettext("referral sent to %(organisation)s; basis: %(basis)s") % {
        "organisation": _organisation_name(p.get("organisation_id")),
        "basis": basis,
    }
    if p.get("parent"):
        text += "; " + gettext("onward from referral %(id)s") % {"id": p["parent"]}
    return text


def _referral_step(p: Mapping[str, Any]) -> str:
    inner = p.get("inner") or {}
    text = reason_label(inner, "") if inner.get("summary") in SUMMARIES else p.get("text", "")
    return gettext("%(step)s; receiving organisation %(organisation)s") % {
        "step": text,
        "organisation": _organisation_name(p.get("organisation_id")),
    }


def _referral_ended(p: Mapping[str, Any]) -> str:
    status = _choice("casework.Referral", "status", p.get("status", ""))
    return gettext("%(status)s: %(reason)s; access ended") % {
        "status": status,
        "reason": p.get("reason", ""),
    }


def _extension(p: Mapping[str, Any]) -> str:
    reason = _choice("casework.PlanExtension", "reason", p.get("reason", ""))
    return ngettext(
        "extended by %(months)s month: %(reason)s",
        "extended by %(months)s months: %(reason)s",
        int(p["months"]),
    ) % {"months": p["months"], "reason": reason}


def _classification(p: Mapping[str, Any]) -> str:
    return gettext("%(added)s added, %(updated)s updated, %(ended)s ended") % {
        "added": p.get("added", 0),
        "updated": p.get("updated", 0),
        "ended": p.get("ended", 0),
    }


SUMMARIES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "denied": lambda p: permission_label(p.get("permission", "")),
    "page": _page,
    "counts": _counts,
    "pdf": lambda p: (
        gettext("PDF printout (%(language)s)") % {"language": language_label(p.get("language", ""))}
    ),
    "bulk_read": _bulk_read,
    "failed_logins": _fixed(_("too many failed log-ins")),
    "worklist": _fixed(_("worklist")),
    "digest_inbox": _fixed(_("daily deadline digest to the inbox")),
    "digest_email": _fixed(_("daily deadline digest by e-mail")),
    "api_list": _fixed(_("list through the API")),
    "member_contacts": _fixed(_("member contact details")),
    "referral_accepted": lambda p: (
        gettext("accepted; access granted until %(day)s") % {"day": _day_text(p.get("day", ""))}
    ),
    "referral_rejected": _fixed(_("rejected; no access")),
    "referral_completed": _fixed(_("completed; access ended")),
    "referral_expired": _fixed(_("expired")),
    "ref": _ref,
    "processed_in": lambda p: gettext("processed in agenda item %(item)s") % {"item": p["item"]},
    "year": lambda p: gettext("year %(year)s") % {"year": p["year"]},
    "step": lambda p: str(STEPS[p["step"]]),
    "rows": _rows,
    "rule_row": lambda p: (
        gettext("row %(key)s from %(day)s") % {"key": p.get("key", ""), "day": p.get("day", "")}
    ),
    "published_draft": _published,
    "enrolment": _enrolment,
    "attendance": _attendance,
    "orientation_hours": _orientation_hours,
    "fields": _fields,
    "closed": _closed,
    "search": _search,
    "search_result": _search_result,
    "case_file": _case_file,
    "upload": _upload,
    "document": _document,
    "statistics": _statistics,
    "restricted_read": _restricted_read,
    "classification": _classification,
    "course_progress": _fixed(_("progress of the integration plan's courses")),
    "missing_from_payment_list": _fixed(_("missing from the payment list (e-form)")),
    "text": lambda p: str(FIXED_TEXTS[p["key"]]),
    "referral_sent": _referral_sent,
    "referral_step": _referral_step,
    "referral_ended": _referral_ended,
    "onward_ended": lambda p: gettext("referral %(id)s ended") % {"id": p["referral"]},
    "extension": _extension,
    "deadline_override": lambda p: (
        gettext("exception to the deadline rules: %(reason)s") % {"reason": p.get("reason", "")}
    ),
    "lockout_lifted": _lockout_lifted,
    "reason_given": lambda p: gettext("reason given: %(reason)s") % {"reason": p["reason"]},
    "from_waiting_list": lambda p: (
        gettext("%(course)s: from the waiting list") % {"course": p.get("course", "")}
    ),
    "claim_decided": lambda p: gettext("decided: %(amount)s") % {"amount": euros(p["amount"])},
}


# A pattern of an old row's text and the summary it stands for (None: shown as stored).
OldRow = tuple[re.Pattern[str], Callable[[re.Match[str]], dict[str, Any] | None]]


def register_summaries(
    summaries: Mapping[str, Callable[[Mapping[str, Any]], str]],
    old_rows: Iterable[OldRow] = (),
) -> None:
    """Summaries a domain app words itself (its own choices and texts), and the patterns of
    its rows written before `details`; called from the app's `AppConfig.ready` (audit is a leaf
    and imports no domain app)."""
    SUMMARIES.update(summaries)
    for entry in old_rows:
        if entry not in _OLD_ROWS:
            _OLD_ROWS.append(entry)


# What the related-object words of old rows ("group 3") meant.
_OLD_REFS = {
    "group": "WorkingGroup",
    "meeting": "Meeting",
    "owner": "User",
    "programme": "Programme",
    "report": "AnnualReport",
    "version": "ProgrammeVersion",
}

# The documents of old download rows ("annual report fi pdf").
_DOCUMENT_WORDS = {
    "annual report": "annual_report",
    "programme document": "programme_document",
    "agenda": "agenda",
    "minutes": "minutes",
}

# Rows written before `details`: the English text the code used to store, read as a summary.
_OLD_ROWS: list[OldRow] = [
    (
        re.compile(r"^(?:[a-z ]*list |privacy overview )?page (\d+)(?:: (\d+) clients)?$"),
        lambda m: {"summary": "page", "page": int(m[1])} | ({"count": int(m[2])} if m[2] else {}),
    ),
    (
        re.compile(r"^(\d+) persons, (\d+) clients$"),
        lambda m: {"summary": "counts", "persons": int(m[1]), "clients": int(m[2])},
    ),
    (re.compile(r"^(\d+) clients$"), lambda m: {"summary": "counts", "clients": int(m[1])}),
    (re.compile(r"^(\d+) persons$"), lambda m: {"summary": "counts", "persons": int(m[1])}),
    (re.compile(r"^[a-z_]+(?:\.[a-z_]+)+$"), lambda m: {"summary": "denied", "permission": m[0]}),
    (re.compile(r"^pdf ([a-z]+)$"), lambda m: {"summary": "pdf", "language": m[1]}),
    (
        re.compile(r"^(\d+) clients read within one hour; the limit is (\d+)$"),
        lambda m: {"summary": "bulk_read", "reads": int(m[1]), "limit": int(m[2])},
    ),
    (
        re.compile(r"^(group|meeting|owner|programme|report|version) (\d+)$"),
        lambda m: {"summary": "ref", "type": _OLD_REFS[m[1]], "id": int(m[2])},
    ),
    (
        re.compile(r"^processed in item (\d+)$"),
        lambda m: {"summary": "processed_in", "item": int(m[1])},
    ),
    (re.compile(r"^year (\d+)$"), lambda m: {"summary": "year", "year": int(m[1])}),
    (re.compile(r"^(\d+) rows$"), lambda m: {"summary": "rows", "count": int(m[1])}),
    (
        re.compile(r"^row (\S+) from (\S+)$"),
        lambda m: {"summary": "rule_row", "key": m[1], "day": m[2]},
    ),
    (
        re.compile(r"^published draft '(.*)': (\d+) rows$"),
        lambda m: {"summary": "published_draft", "title": m[1], "count": int(m[2])},
    ),
    (
        re.compile(r"^attendance of (\d+) participants \((\d+) changed\)$"),
        lambda m: {"summary": "attendance", "participants": int(m[1]), "changed": int(m[2])},
    ),
    (
        re.compile(r"^(\S+): orientation completed at ([\d.]+) hours \(P7\)$"),
        lambda m: {"summary": "orientation_hours", "course": m[1], "hours": m[2], "done": True},
    ),
    (
        re.compile(r"^(\S+): below P7 after correction \(([\d.]+) hours\)$"),
        lambda m: {"summary": "orientation_hours", "course": m[1], "hours": m[2], "done": False},
    ),
    (
        re.compile(r"^([A-Z0-9][A-Za-z0-9-]*): ([a-z_]+) → ([a-z_]+)$"),
        lambda m: {"summary": "enrolment", "course": m[1], "before": m[2], "status": m[3]},
    ),
    (
        re.compile(
            r"^([A-Z0-9][A-Za-z0-9-]*): (waiting|invited|enrolled|completed|interrupted|no_show|cancelled)$"
        ),
        lambda m: {"summary": "enrolment", "course": m[1], "status": m[2]},
    ),
    (
        re.compile(r"^accepted; access granted until (\S+)$"),
        lambda m: {"summary": "referral_accepted", "day": m[1]},
    ),
    # Downloads of the jobs' results: the `AuditAs` reason, or the job's kind when it had none.
    (
        re.compile(r"^case file, (\d+) clients$"),
        lambda m: {"summary": "case_file", "clients": int(m[1])},
    ),
    (
        re.compile(r"^(annual report|programme document|agenda|minutes) ([a-z]{2,5}) ([a-z]+)$"),
        lambda m: {
            "summary": "document",
            "document": _DOCUMENT_WORDS[m[1]],
            "language": m[2],
            "format": m[3],
        },
    ),
    (
        re.compile(r"^state reporting ([a-z]+)$"),
        lambda m: {"summary": "document", "document": "state_reporting", "format": m[1]},
    ),
    (
        re.compile(r"^(pdf|csv|xlsx|docx|html|json) (.+) suppressed$"),
        lambda m: {"summary": "statistics", "format": m[1], "period": m[2], "suppressed": True},
    ),
    (
        re.compile(r"^unsuppressed (.+)$"),
        lambda m: {"summary": "statistics", "period": m[1], "suppressed": False},
    ),
    (
        re.compile(r"^restricted read: (.*)$"),
        lambda m: {"summary": "restricted_read", "reason": m[1]},
    ),
    (
        re.compile(
            r"^referral sent to organisation (\d+); (?:consent:(\d+)|basis:([a-z_]+))"
            r"(?:; onward from referral (\d+))?$"
        ),
        lambda m: {
            "summary": "referral_sent",
            "organisation_id": int(m[1]),
            "consent": int(m[2]) if m[2] else None,
            "basis": m[3] or "",
            "parent": int(m[4]) if m[4] else None,
        },
    ),
    (
        re.compile(r"^(.+); organisation (\d+)$"),
        lambda m: {
            "summary": "referral_step",
            "inner": details_of(None, m[1]) or {},
            "text": m[1],
            "organisation_id": int(m[2]),
        },
    ),
    (
        re.compile(r"^([a-z_]+): (.*); access ended$"),
        lambda m: {"summary": "referral_ended", "status": m[1], "reason": m[2]},
    ),
    (
        re.compile(r"^referral (\d+) ended$"),
        lambda m: {"summary": "onward_ended", "referral": int(m[1])},
    ),
    (
        re.compile(r"^closed ([a-z_]+)$"),
        lambda m: {
            "summary": "closed",
            "model": "casework.IntegrationPlan",
            "field": "closure_reason",
            "value": m[1],
        },
    ),
    (
        re.compile(r"^(\d+) ([a-z_]+)$"),
        lambda m: {"summary": "extension", "months": int(m[1]), "reason": m[2]},
    ),
    (
        re.compile(r"^override [a-z_,]+: (.*)$", re.S),
        lambda m: {"summary": "deadline_override", "reason": m[1]},
    ),
    (
        re.compile(r"^data subject export \(([a-z]+)\)$"),
        lambda m: {"summary": "document", "document": "data_subject_export", "format": m[1]},
    ),
    (
        re.compile(r"^log report ([a-z]+) (\S*)–(\S*)$"),
        lambda m: {
            "summary": "document",
            "document": "log_report",
            "format": m[1],
            "period": f"{m[2]}–{m[3]}",
        },
    ),
    (
        re.compile(r"^lifted (account|address) lock-out(?: of (.+))? from (\S+)$"),
        lambda m: {"summary": "lockout_lifted", "user": m[2] or "", "address": m[3]},
    ),
    (
        re.compile(r"^reason given: (.*)$"),
        lambda m: {"summary": "reason_given", "reason": m[1]},
    ),
    (
        re.compile(r"^([A-Z0-9][A-Za-z0-9-]*): from the waiting list$"),
        lambda m: {"summary": "from_waiting_list", "course": m[1]},
    ),
    (
        re.compile(
            r"^(waiting|invited|enrolled|completed|interrupted|no_show|cancelled) → "
            r"(waiting|invited|enrolled|completed|interrupted|no_show|cancelled)$"
        ),
        lambda m: {"summary": "enrolment", "before": m[1], "status": m[2]},
    ),
    (
        re.compile(r"^decided:(-?\d+(?:\.\d+)?)$"),
        lambda m: {"summary": "claim_decided", "amount": m[1]},
    ),
    (
        re.compile(r"^added (\d+), updated (\d+), ended (\d+)$"),
        lambda m: {
            "summary": "classification",
            "added": int(m[1]),
            "updated": int(m[2]),
            "ended": int(m[3]),
        },
    ),
    # Course session and language test edits named the changed fields.
    (
        re.compile(r"^([A-Z0-9][A-Za-z0-9-]*): ([a-z_]+(?:, [a-z_]+)*)$"),
        lambda m: _fields_of("courses.CourseSession", m[2].split(", "), course=m[1]),
    ),
    (
        re.compile(r"^([A-Z0-9][A-Za-z0-9-]*): no change$"),
        lambda m: {"summary": "fields", "fields": [], "course": m[1]},
    ),
    (
        re.compile(r"^[a-z_]+(?:, [a-z_]+)*$"),
        lambda m: _fields_of("courses.LanguageTestResult", m[0].split(", ")),
    ),
]
_OLD_TEXTS = {
    "too many failed log-ins": "failed_logins",
    "worklist": "worklist",
    "api list": "api_list",
    "member contact details": "member_contacts",
    "rejected; no access": "referral_rejected",
    "completed; access ended": "referral_completed",
    "expired": "referral_expired",
    **{text.replace("_", " "): "step" for text in STEPS},
    "case file": "case_file",
    "export_cases": "case_file",
    "case_export": "case_file",
    "processing restricted; no reason given": "restricted_read",
    "integration plan": "course_progress",
    "missing from the payment list (e-form)": "missing_from_payment_list",
    "no change": "fields",
}
# Texts that stand for a summary with parameters (the jobs' reasons and kinds).
_OLD_FIXED: dict[str, dict[str, Any]] = {
    "attendance upload": {"summary": "upload", "what": "attendance"},
    "attendance_upload": {"summary": "upload", "what": "attendance"},
    "payment list upload": {"summary": "upload", "what": "payment_list"},
    "payment_list_upload": {"summary": "upload", "what": "payment_list"},
    "annual_report_document": {"summary": "document", "document": "annual_report"},
    "programme_document": {"summary": "document", "document": "programme_document"},
    "statistics_document": {"summary": "document", "document": "statistics"},
}


def details_of(details: Mapping[str, Any] | None, reason: str) -> dict[str, Any] | None:
    """The structured summary of a row: its `details`, or one read from an old row's text."""
    if details and details.get("summary") in SUMMARIES:
        return dict(details)
    text = (reason or "").strip()
    if text in _OLD_FIXED:
        return dict(_OLD_FIXED[text])
    if text in FIXED_TEXTS:
        return {"summary": "text", "key": text}
    if text in _OLD_TEXTS:
        kind = _OLD_TEXTS[text]
        return (
            {"summary": kind, "step": text.replace(" ", "_")}
            if kind == "step"
            else {"summary": kind}
        )
    for pattern, build in _OLD_ROWS:
        if match := pattern.match(text):
            return build(match)
    return None


def reason_label(details: Mapping[str, Any] | None, reason: str) -> str:
    """What the row says, in the active language; free text as written."""
    found = details_of(details, reason)
    if found is None:
        return reason
    try:
        return SUMMARIES[found["summary"]](found)
    except (KeyError, TypeError, ValueError):
        return reason


def reason_code(details: Mapping[str, Any] | None, reason: str) -> str:
    """The raw code behind a worded summary (a permission key), for a title attribute."""
    found = details_of(details, reason)
    if found and found["summary"] == "denied":
        return str(found.get("permission", ""))
    return ""
