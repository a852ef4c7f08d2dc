"""Readable PDF and CSV forms of the data export and the log report."""

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kotopolku.audit import labels as audit_labels
from kotopolku.audit.models import AuditEvent
from kotopolku.clients.models import Client
from kotopolku.common.exports import csv_bytes
from kotopolku.documents.model import Document, Facts, Paragraph, Section, Table

AUDIT_MODEL = "audit.AuditEvent"


def _value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "–"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def _wrappable(text: str) -> str:
    """Reasons such as "email,first_names,phone" have no spaces; let a PDF cell wrap them."""
    return re.sub(r",(?=\S)", ", ", text)


def _labels(model_label: str) -> dict[str, str]:
    model = apps.get_model(model_label)
    labels = {
        f.name: str(f.verbose_name) for f in model._meta.get_fields() if hasattr(f, "verbose_name")
    }
    labels.update(
        {f.attname: f"{f.verbose_name} (id)" for f in model._meta.concrete_fields if f.is_relation}
    )
    labels["identity_code"] = _("identity code")
    labels["id"] = "id"
    return labels


def _choices(model_label: str) -> dict[str, dict[Any, str]]:
    model = apps.get_model(model_label)
    return {
        f.name: {k: str(v) for k, v in f.flatchoices}
        for f in model._meta.concrete_fields
        if f.choices
    }


def _readable(value: Any, choices: dict[Any, str] | None) -> str:
    """Codes as their labels and ISO dates as Finnish-style dates; the JSON keeps the raw form."""
    if choices and not isinstance(value, list) and value in choices:
        return choices[value]
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            if len(value) == 10:
                return formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
            moment = datetime.fromisoformat(value)
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
        except ValueError:
            pass
    return _value(value)


def export_document(data: dict[str, Any]) -> Document:
    sections = []
    for model_label, rows in data["sections"].items():
        model = apps.get_model(model_label)
        title = str(model._meta.verbose_name_plural).capitalize()
        if not rows:
            sections.append(Section(title, [Paragraph(_("Nothing recorded."), style="note")]))
            continue
        if model_label == AUDIT_MODEL:
            audit_actions = {k: str(v) for k, v in AuditEvent.Action.choices}
            table = Table(
                [_("Time"), _("User"), _("Action"), _("Object"), _("Reason"), _("Success")],
                [
                    [
                        _readable(r["at"], None),
                        _value(r["actor_label"]),
                        _readable(r["action"], audit_actions),
                        f"{_object_label(r['object_type'])} {r['object_id']}".strip() or "–",
                        _wrappable(
                            audit_labels.reason_label(r.get("details"), r["reason"] or "") or "–"
                        ),
                        _value(r["success"]),
                    ]
                    for r in rows
                ],
                widths=[3, 2, 2, 2, 4, 1],
            )
            sections.append(Section(title, [table]))
            continue
        labels = _labels(model_label)
        choices = _choices(model_label)
        blocks: list = []
        for row in rows:
            blocks.append(
                Facts([(labels.get(k, k), _readable(v, choices.get(k))) for k, v in row.items()])
            )
        sections.append(Section(title, blocks))
    return Document(
        title=_("Data held about the client"),
        language="fi",
        subtitle=data["client"]["external_id"],
        header=_("Data subject export"),
        contents_title=_("Contents"),
        page_label=_("Page"),
        meta=[(_("Made"), data["generated_at"][:16].replace("T", " "))],
        sections=sections,
    )


def export_pdf(data: dict[str, Any], *, language: str) -> bytes:
    from kotopolku.documents.render import render_pdf

    document = export_document(data)
    document.language = language
    return render_pdf(document)


def _object_label(code: str) -> str:
    """The object type in the reader's words (`audit.labels`, as the audit log shows it)."""
    return capfirst(audit_labels.object_label(code)) if code else ""


def _event_cells(event: AuditEvent) -> list[str]:
    return [
        formats.date_format(timezone.localtime(event.at), "SHORT_DATETIME_FORMAT"),
        event.actor_label or "–",
        event.get_action_display(),
        f"{_object_label(event.object_type)} {event.object_id}".strip() or "–",
        _wrappable(event.reason_label or "–"),
        _("yes") if event.success else _("no"),
    ]


def log_headers() -> list[str]:
    return [_("Time"), _("User"), _("Action"), _("Object"), _("Reason"), _("Success")]


def log_report_pdf(
    client: Client, events: Iterable[AuditEvent], *, period: str, language: str
) -> bytes:
    from kotopolku.documents.render import render_pdf

    rows = [_event_cells(e) for e in events]
    document = Document(
        title=_("Log report"),
        language=language,
        subtitle=f"{client.full_name} ({client.external_id})",
        header=_("Log report"),
        contents_title=_("Contents"),
        page_label=_("Page"),
        meta=[
            (_("Period"), period),
            (_("Made"), formats.date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT")),
        ],
        sections=[
            Section(
                _("Who handled the client's data"),
                [
                    Paragraph(
                        _(
                            "Every read, search hit, export, disclosure and change of the "
                            "client's data in Kotopolku, with the user, the time and the reason "
                            "(Act on Information Management in Public Administration 906/2019)."
                        )
                    ),
                    Table(log_headers(), rows, widths=[3, 2, 2, 2, 4, 1])
                    if rows
                    else Paragraph(_("No log rows in this period."), style="note"),
                ],
            )
        ],
    )
    return render_pdf(document)


def log_report_csv(events: Iterable[AuditEvent]) -> bytes:
    """The log rows as CSV, formula-safe (`common.exports.csv_bytes`): user names and reasons
    come from outside and could look like formulas."""
    return csv_bytes(
        ["time", "user", "action", "object_type", "object_id", "reason", "success"],
        (
            [
                timezone.localtime(e.at).isoformat(),
                e.actor_label,
                e.action,
                e.object_type,
                e.object_id,
                e.reason,
                "true" if e.success else "false",
            ]
            for e in events
        ),
    )
