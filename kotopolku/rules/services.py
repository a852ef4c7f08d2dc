"""Writes of the rules app: draft rule sets (docs/data-formats.md) and publishing one into the
live table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.rules.book import DraftError, DraftRow, RuleBook, parse_draft
from kotopolku.rules.models import DraftRuleRow, DraftRuleSet, StatutoryRule


@dataclass(frozen=True)
class ReplacedRow:
    """A draft row beside the live row in force the day before it starts (None: no row)."""

    draft: DraftRuleRow
    live: Any


def _stored(value: Any) -> Any:
    """A typed draft value as the rule table stores it in JSON."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, frozenset):
        return sorted(value)
    return value


def draft_rows_parse(data: Any) -> tuple[str, list[DraftRow]]:
    """The title and typed rows of a draft document, checked against the live table's keys and
    units; `DraftError` (one line) names the first problem."""
    return parse_draft(data, RuleBook.load())


@transaction.atomic
def draft_create(*, actor: Any, data: Any, title: str = "") -> DraftRuleSet:
    """A draft from the docs/data-formats.md document `{"title", "rows": [...]}`. Nothing is saved
    when any row is bad."""
    parsed_title, rows = draft_rows_parse(data)
    name = (title or parsed_title).strip()
    if not name:
        raise DraftError("title: a draft needs a name")
    seen = set()
    for row in rows:
        if (row.key, row.effective_from) in seen:
            raise DraftError(f"{row.key} from {row.effective_from.isoformat()} is given twice")
        seen.add((row.key, row.effective_from))
    draft = DraftRuleSet.objects.create(title=name[:200], created_by=actor, modified_by=actor)
    DraftRuleRow.objects.bulk_create(
        DraftRuleRow(
            draft=draft, key=r.key, value=_stored(r.value), effective_from=r.effective_from
        )
        for r in rows
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="DraftRuleSet",
        object_id=draft.pk,
        details=audit_summary("rows", count=len(rows)),
    )
    return draft


@transaction.atomic
def draft_row_add(*, actor: Any, draft: DraftRuleSet, key: str, value: Any, effective_from: str):
    """One row added to a draft; a row for the same key and day is replaced."""
    if draft.status != DraftRuleSet.Status.DRAFT:
        raise DraftError("a published draft cannot be changed")
    _title, rows = draft_rows_parse(
        {
            "title": draft.title,
            "rows": [{"key": key, "value": value, "effective_from": effective_from}],
        }
    )
    row = rows[0]
    stored, _created = DraftRuleRow.objects.update_or_create(
        draft=draft,
        key=row.key,
        effective_from=row.effective_from,
        defaults={"value": _stored(row.value)},
    )
    draft.modified_by = actor
    draft.save(update_fields=["modified_by", "modified_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="DraftRuleSet",
        object_id=draft.pk,
        details=audit_summary("rule_row", key=row.key, day=row.effective_from.isoformat()),
    )
    return stored


def draft_book_rows(draft: DraftRuleSet) -> list[DraftRow]:
    """The draft's rows typed against the live table (a key removed since is a `DraftError`)."""
    data = {
        "title": draft.title,
        "rows": [
            {"key": r.key, "value": r.value, "effective_from": r.effective_from.isoformat()}
            for r in draft.rows.all()
        ],
    }
    return draft_rows_parse(data)[1]


def draft_replaced_rows(draft: DraftRuleSet) -> list[ReplacedRow]:
    """Each draft row beside the live row it would replace (in force the day before)."""
    book = RuleBook.load()
    out = []
    for row in draft.rows.all():
        live = next(
            (
                r
                for r in book.rule_rows(row.key)
                if r.covers(row.effective_from - timedelta(days=1))
                or r.effective_from == row.effective_from
            ),
            None,
        )
        out.append(ReplacedRow(draft=row, live=live))
    return out


@transaction.atomic
def draft_publish(*, actor: Any, draft: DraftRuleSet) -> int:
    """The draft's rows enter the live table, each from its `effective_from`, closing the row in
    force the day before (a live row starting the same day is replaced). The source of each
    new row is the draft's name. Returns the number of rows written."""
    draft = DraftRuleSet.objects.select_for_update().get(pk=draft.pk)
    if draft.status != DraftRuleSet.Status.DRAFT:
        raise DraftError("the draft is already published")
    rows = draft_book_rows(draft)
    for row in sorted(rows, key=lambda r: (r.key, r.effective_from)):
        live = list(StatutoryRule.objects.filter(key=row.key).order_by("effective_from"))
        template = live[-1]
        day_before = row.effective_from - timedelta(days=1)
        for existing in live:
            if existing.effective_from == row.effective_from:
                template = existing
                existing.delete()
            elif existing.effective_from < row.effective_from and (
                existing.effective_to is None or existing.effective_to > day_before
            ):
                existing.effective_to = day_before
                existing.save(update_fields=["effective_to", "modified_at"])
        later = [r.effective_from for r in live if r.effective_from > row.effective_from]
        StatutoryRule.objects.create(
            key=row.key,
            code=template.code,
            value=_stored(row.value),
            unit=template.unit,
            effective_from=row.effective_from,
            effective_to=(min(later) - timedelta(days=1)) if later else None,
            source=draft.title,
            confidence=StatutoryRule.Confidence.UNVERIFIED,
            description=template.description,
        )
    draft.status = DraftRuleSet.Status.PUBLISHED
    draft.published_at = timezone.now()
    draft.modified_by = actor
    draft.save(update_fields=["status", "published_at", "modified_by", "modified_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="StatutoryRule",
        object_id=draft.pk,
        reason=f"published draft {draft.title!r}: {len(rows)} rows",
        details=audit_summary("published_draft", title=draft.title, count=len(rows)),
    )
    return len(rows)
