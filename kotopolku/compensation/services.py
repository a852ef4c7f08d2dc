"""Writes for compensation: payment lists, reconciliation decisions and actual-cost claims."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.clients import identity
from kotopolku.clients.models import Client
from kotopolku.compensation import uploads
from kotopolku.compensation.audit_labels import DECISION, PAYMENT_LIST
from kotopolku.compensation.computation import CENT
from kotopolku.compensation.models import (
    ActualCostClaim,
    ClaimAttachment,
    ClaimLine,
    PaymentList,
    PaymentListMapping,
    PaymentListRow,
    ReconciliationDecision,
)
from kotopolku.organisations.models import Organisation

Action = AuditEvent.Action
MAPPING_FIELDS = ("identity_code", "last_name", "first_names", "date_of_birth", "amount")

# Headings the state's list has used; used only to pre-fill the mapping form the first time.
HEADER_GUESSES = {
    "identity_code": ("henkilötunnus", "hetu", "personbeteckning", "identity code"),
    "last_name": ("sukunimi", "efternamn", "last name"),
    "first_names": ("etunimet", "etunimi", "förnamn", "first names"),
    "date_of_birth": ("syntymäaika", "födelsedatum", "date of birth"),
    "amount": ("korvaus (eur)", "korvaus", "summa", "maksettu", "belopp", "amount"),
}


def _check_municipality(municipality: Organisation) -> None:
    if municipality.kind != Organisation.Kind.MUNICIPALITY:
        raise ValidationError({"municipality": _("Choose a municipality.")})


def parse_amount(text: str) -> Decimal:
    """'1 234,56', '1234.56' or '162.92 €' as Decimal; cents must be exact."""
    cleaned = re.sub(r"[\s\u00a0€]|EUR", "", str(text or ""))
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(_("not an amount")) from exc
    if not value.is_finite():
        raise ValueError(_("not an amount"))
    # a spreadsheet float such as 162.92000000000002 is still 162.92
    if abs(value - value.quantize(CENT)) > Decimal("0.000001"):
        raise ValueError(_("an amount has at most two decimals"))
    return value.quantize(CENT)


def parse_day(text: str) -> date:
    text = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar day)
        except ValueError:
            continue
    raise ValueError(_("write the date as YYYY-MM-DD or D.M.YYYY"))


def guess_mapping(headers: list[str]) -> dict[str, str]:
    by_normal = {uploads.normalise_header(h): h for h in headers}
    guess = {}
    for key, names in HEADER_GUESSES.items():
        guess[key] = next((by_normal[n] for n in names if n in by_normal), "")
    return guess


def _clean_mapping(mapping: dict[str, str]) -> dict[str, str]:
    cleaned = {k: (mapping.get(k) or "").strip() for k in MAPPING_FIELDS}
    if not cleaned["amount"]:
        raise ValidationError({"amount": _("Name the column that holds the amount.")})
    if not cleaned["identity_code"] and not (cleaned["last_name"] and cleaned["date_of_birth"]):
        raise ValidationError(
            {
                "identity_code": _(
                    "Name the identity code column, or both the last name and the date of "
                    "birth columns."
                )
            }
        )
    return cleaned


def _match(rows: list[PaymentListRow]) -> None:
    """By the keyed hash of the identity code first, then by name and date of birth."""
    hashes = {r.hetu_hash for r in rows if r.hetu_hash}
    by_hash = {c.hetu_hash: c for c in Client.objects.filter(hetu_hash__in=hashes, archived=False)}
    births = {r.date_of_birth for r in rows if r.date_of_birth and not by_hash.get(r.hetu_hash)}
    by_birth: dict[date, list[Client]] = {}
    for candidate in Client.objects.filter(date_of_birth__in=births, archived=False):
        by_birth.setdefault(candidate.date_of_birth, []).append(candidate)
    for row in rows:
        client = by_hash.get(row.hetu_hash) if row.hetu_hash else None
        if client is not None:
            row.client, row.match = client, PaymentListRow.Match.IDENTITY_CODE
            continue
        born = by_birth.get(row.date_of_birth, []) if row.date_of_birth else []
        candidates = [
            c
            for c in born
            if c.last_name.casefold() == row.last_name.casefold()
            and (not row.first_names or c.first_names.casefold() == row.first_names.casefold())
        ]
        if len(candidates) == 1:
            row.client, row.match = candidates[0], PaymentListRow.Match.NAME_AND_BIRTH
        else:
            row.client, row.match = None, PaymentListRow.Match.NONE


@transaction.atomic
def payment_list_upload(
    *,
    actor: Any,
    municipality: Organisation,
    month: date,
    file_name: str,
    content: bytes,
    mapping: dict[str, str],
) -> PaymentList:
    """Read the state's list, match its rows to clients and save the column mapping.

    All or nothing: any bad row refuses the whole file. The identity codes of the file are
    turned into the keyed hash at once; neither the file nor a clear code is stored.
    """
    _check_municipality(municipality)
    month = month.replace(day=1)
    columns = _clean_mapping(mapping)
    table = uploads.read_table(file_name, content)
    known = {uploads.normalise_header(h): h for h in table.headers}
    heading: dict[str, str] = {}
    for key, wanted in columns.items():
        if not wanted:
            continue
        if uploads.normalise_header(wanted) not in known:
            raise ValidationError(
                {
                    key: _("The file has no column “%(column)s”. Its columns are: %(columns)s.")
                    % {"column": wanted, "columns": ", ".join(table.headers)}
                }
            )
        heading[key] = known[uploads.normalise_header(wanted)]
    if not table.rows:
        raise ValidationError(_("The file has no rows after the header."))
    rows, errors = [], []
    for line, record in table.rows:
        row = PaymentListRow(line=line)
        try:
            row.amount = parse_amount(record.get(heading["amount"], ""))
        except ValueError as exc:
            errors.append(_("line %(line)s: amount: %(error)s") % {"line": line, "error": exc})
        code = (
            record.get(heading.get("identity_code", ""), "") if "identity_code" in heading else ""
        )
        if code:
            if identity.looks_like_hetu(code):
                row.hetu_hash = identity.lookup_hash(code)
            else:
                errors.append(
                    _("line %(line)s: identity code: not a valid Finnish identity code")
                    % {"line": line}
                )
        if "date_of_birth" in heading and record.get(heading["date_of_birth"]):
            try:
                row.date_of_birth = parse_day(record[heading["date_of_birth"]])
            except ValueError as exc:
                errors.append(
                    _("line %(line)s: date of birth: %(error)s") % {"line": line, "error": exc}
                )
        elif code and identity.looks_like_hetu(code):
            row.date_of_birth = identity.birth_date(code)
        row.last_name = (
            record.get(heading.get("last_name", ""), "")[:150] if "last_name" in heading else ""
        )
        row.first_names = (
            record.get(heading.get("first_names", ""), "")[:150] if "first_names" in heading else ""
        )
        if not row.hetu_hash and not (row.last_name and row.date_of_birth):
            errors.append(
                _("line %(line)s: neither an identity code nor a name and a date of birth")
                % {"line": line}
            )
        rows.append(row)
    if errors:
        shown = errors[:20]
        if len(errors) > len(shown):
            shown.append(_("… and %(count)s more errors") % {"count": len(errors) - len(shown)})
        raise ValidationError(shown)
    _match(rows)
    payment_list = PaymentList.objects.create(
        municipality=municipality,
        month=month,
        file_name=file_name[:200],
        row_count=len(rows),
        total=sum((r.amount for r in rows), Decimal("0.00")),
        created_by=actor,
        modified_by=actor,
    )
    for row in rows:
        row.payment_list = payment_list
    PaymentListRow.objects.bulk_create(rows)
    PaymentListMapping.objects.update_or_create(
        municipality=municipality,
        defaults={**columns, "modified_by": actor},
        create_defaults={**columns, "created_by": actor, "modified_by": actor},
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        object_type="PaymentList",
        object_id=payment_list.pk,
        reason=f"{municipality.municipality_code}:{month:%Y-%m}:{len(rows)} rows",
        details=audit_summary(
            PAYMENT_LIST,
            code=municipality.municipality_code,
            month=f"{month:%Y-%m}",
            rows=len(rows),
        ),
    )
    return payment_list


@transaction.atomic
def payment_list_archive(*, actor: Any, payment_list: PaymentList) -> None:
    payment_list.archived = True
    payment_list.modified_by = actor
    payment_list.save(update_fields=["archived", "modified_by", "modified_at"])
    audit_record(
        actor=actor, action=Action.DELETE, object_type="PaymentList", object_id=payment_list.pk
    )


@transaction.atomic
def reconciliation_decide(
    *, actor: Any, payment_list: PaymentList, subject: str, decision: str, note: str = ""
) -> ReconciliationDecision:
    if decision not in ReconciliationDecision.Decision.values:
        raise ValidationError({"decision": _("Choose a decision.")})
    if not re.fullmatch(r"(client|row):\d+", subject or ""):
        raise ValidationError({"subject": _("Unknown difference.")})
    kind, number = subject.split(":")
    exists = (
        payment_list.rows.filter(line=int(number)).exists()
        if kind == "row"
        else Client.objects.filter(pk=int(number)).exists()
    )
    if not exists:
        raise ValidationError({"subject": _("Unknown difference.")})
    note = (note or "").strip()[:2000]
    row, _created = ReconciliationDecision.objects.update_or_create(
        payment_list=payment_list,
        subject=subject,
        defaults={"decision": decision, "note": note, "modified_by": actor},
        create_defaults={
            "decision": decision,
            "note": note,
            "created_by": actor,
            "modified_by": actor,
        },
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        object_type="ReconciliationDecision",
        object_id=row.pk,
        client_id=int(number) if kind == "client" else None,
        reason=f"{payment_list.pk}:{subject}:{decision}",
        details=audit_summary(DECISION, subject=kind, number=int(number), decision=decision),
    )
    return row


@transaction.atomic
def reconciliation_decide_many(
    *, actor: Any, payment_list: PaymentList, subjects: list[str], decision: str, note: str = ""
) -> list[ReconciliationDecision]:
    """One decision for many differences of a list: all recorded, or none."""
    if not subjects:
        raise ValidationError({"subjects": _("Choose at least one row.")})
    return [
        reconciliation_decide(
            actor=actor, payment_list=payment_list, subject=subject, decision=decision, note=note
        )
        for subject in dict.fromkeys(subjects)
    ]


# Actual-cost claims ---------------------------------------------------------------------------


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise ValidationError({"period_end": _("The end cannot be before the start.")})


@transaction.atomic
def claim_create(
    *,
    actor: Any,
    municipality: Organisation,
    cost_type: str,
    period_start: date,
    period_end: date,
    description: str = "",
) -> ActualCostClaim:
    _check_municipality(municipality)
    if cost_type not in ActualCostClaim.CostType.values:
        raise ValidationError({"cost_type": _("Choose a cost type.")})
    _check_period(period_start, period_end)
    claim = ActualCostClaim.objects.create(
        municipality=municipality,
        cost_type=cost_type,
        period_start=period_start,
        period_end=period_end,
        description=description.strip(),
        created_by=actor,
        modified_by=actor,
    )
    audit_record(
        actor=actor, action=Action.CREATE, object_type="ActualCostClaim", object_id=claim.pk
    )
    return claim


def claim_is_editable(claim: ActualCostClaim) -> bool:
    """Lines and evidence change, and the claim is submitted, only while it is a draft."""
    return claim.status == ActualCostClaim.Status.DRAFT


def check_editable(claim: ActualCostClaim) -> None:
    if not claim_is_editable(claim):
        raise ValidationError(_("Only a draft claim can be changed."))


@transaction.atomic
def claim_line_add(
    *,
    actor: Any,
    claim: ActualCostClaim,
    day: date,
    amount: Decimal,
    description: str,
    client: Client | None = None,
) -> ClaimLine:
    check_editable(claim)
    errors = {}
    if not claim.period_start <= day <= claim.period_end:
        errors["date"] = _("The date must be within the claim's period.")
    if amount is None or amount <= 0 or amount != amount.quantize(CENT):
        errors["amount"] = _("Give a positive amount in euros and cents.")
    if not (description or "").strip():
        errors["description"] = _("Describe the cost.")
    if errors:
        raise ValidationError(errors)
    line = ClaimLine.objects.create(
        claim=claim,
        client=client,
        date=day,
        amount=amount,
        description=description.strip()[:300],
        created_by=actor,
        modified_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        object_type="ClaimLine",
        object_id=line.pk,
        client_id=client.pk if client else None,
    )
    return line


@transaction.atomic
def claim_line_remove(*, actor: Any, line: ClaimLine) -> None:
    check_editable(line.claim)
    pk, client_id = line.pk, line.client_id
    line.delete()
    audit_record(
        actor=actor,
        action=Action.DELETE,
        object_type="ClaimLine",
        object_id=pk,
        client_id=client_id,
    )


@transaction.atomic
def claim_attachment_add(
    *, actor: Any, claim: ActualCostClaim, file_name: str, content: bytes
) -> ClaimAttachment:
    """Evidence: PDF, PNG or JPEG, within the size limit; anything else stores nothing."""
    check_editable(claim)
    mime = uploads.attachment_type(file_name, content)
    safe_name = re.sub(r"[^\w.\- ]", "_", file_name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])[:200]
    attachment = ClaimAttachment.objects.create(
        claim=claim,
        file_name=safe_name or "attachment",
        content_type=mime,
        size=len(content),
        content=content,
        created_by=actor,
        modified_by=actor,
    )
    audit_record(
        actor=actor, action=Action.CREATE, object_type="ClaimAttachment", object_id=attachment.pk
    )
    return attachment


@transaction.atomic
def claim_submit(*, actor: Any, claim: ActualCostClaim, on: date | None = None) -> ActualCostClaim:
    check_editable(claim)
    if not claim.lines.exists():
        raise ValidationError(_("Add at least one cost line before submitting."))
    if not claim.attachments.exists():
        raise ValidationError(_("Attach the evidence before submitting."))
    claim.status = ActualCostClaim.Status.SUBMITTED
    claim.submitted_on = on or timezone.localdate()
    claim.modified_by = actor
    claim.save(update_fields=["status", "submitted_on", "modified_by", "modified_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        object_type="ActualCostClaim",
        object_id=claim.pk,
        reason="submitted",
    )
    return claim


@transaction.atomic
def claim_decide(
    *, actor: Any, claim: ActualCostClaim, amount: Decimal, on: date | None = None
) -> ActualCostClaim:
    if claim.status != ActualCostClaim.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted claim can be decided."))
    if amount is None or amount < 0 or amount != amount.quantize(CENT):
        raise ValidationError({"decided_amount": _("Give the decided amount in euros and cents.")})
    claim.status = ActualCostClaim.Status.DECIDED
    claim.decided_amount = amount
    claim.decided_on = on or timezone.localdate()
    claim.modified_by = actor
    claim.save(
        update_fields=["status", "decided_amount", "decided_on", "modified_by", "modified_at"]
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        object_type="ActualCostClaim",
        object_id=claim.pk,
        reason=f"decided:{amount}",
    )
    return claim
