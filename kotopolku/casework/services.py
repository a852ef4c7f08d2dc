"""Writes of casework: guidance contacts, assessments, plans and referrals.

New or changed plans, extensions and assessments must satisfy the rules as computed by
`casework.deadlines.compute_deadlines`, or carry an override with a reason that is audited.
A change is judged by the problems it *adds*: history that already broke a rule (imported
cases) does not block unrelated work. P1–P3 are judged when a plan is saved; P4 and P5 are
about what happens later (see RULE_CODES_OF_A_CHANGE) and show up on the worklist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.casework.deadlines import (
    AssessmentSnapshot,
    ExtensionSnapshot,
    PlanSnapshot,
    Problem,
    RuleBook,
    compute_deadlines,
)
from kotopolku.casework.models import (
    Assessment,
    GuidanceContact,
    IntegrationPlan,
    PlanExtension,
    PlanReview,
    PlanService,
    Referral,
)
from kotopolku.casework.selectors import case_snapshot, plan_snapshot
from kotopolku.clients.models import Client
from kotopolku.rules.selectors import RuleMissing


class RuleBreach(ValidationError):
    """A change breaks P1–P5; it may be saved only with an override reason."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__({"override_reason": [p.message for p in self.problems]})


# P1–P3 judge the dates and extensions a user enters. P4 (a service within 6 months) and P5
# (reviews) judge what happens after the plan is made, so a plan cannot break them when it is
# saved; the deadline function reports them on the worklist and the client page instead.
RULE_CODES_OF_A_CHANGE = frozenset(
    {
        "assessment_outside_window",
        "plan_outside_window",
        "first_plan_too_long",
        "plans_exceed_max_length",
        "extension_without_reason",
        "extensions_exceed_cap",
    }
)


def _today() -> date:
    return timezone.localdate()


def _new_problems(client: Client, *, plans: list[PlanSnapshot] | None, assessments=None):
    """Problems the changed case has that the stored case does not, as of today."""
    rules = RuleBook.load()
    today = _today()
    before_case = case_snapshot(client)
    after_case = case_snapshot(client, plans=plans)
    if assessments is not None:
        after_case = replace(after_case, assessments=tuple(assessments))
    try:
        before = set(compute_deadlines(before_case, on=today, rules=rules).problem_codes)
        after = compute_deadlines(after_case, on=today, rules=rules).problems
    except RuleMissing as exc:
        raise ValidationError(
            _("The rule table has no rule for these dates; ask an administrator.")
        ) from exc
    return [p for p in after if p.code not in before and p.code in RULE_CODES_OF_A_CHANGE]


def _judge(
    client: Client,
    *,
    actor: Any,
    plans=None,
    assessments=None,
    override_reason: str,
    object_type: str,
) -> list[str]:
    problems = _new_problems(client, plans=plans, assessments=assessments)
    if problems and not override_reason.strip():
        raise RuleBreach(problems)
    return [p.code for p in problems]


def _audit_override(*, actor, codes, reason, object_type, object_id, client) -> None:
    if codes:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type=object_type,
            object_id=object_id,
            client_id=client.pk,
            reason=f"override {','.join(codes)}: {reason}",
        )


# Guidance --------------------------------------------------------------------------------------


@transaction.atomic
def contact_record(
    *,
    actor: Any,
    organisation: Any,
    day: date,
    language: str,
    channel: str,
    outcome: str,
    topics: Iterable[str] = (),
    client: Client | None = None,
    persons: int = 1,
    interpreter: bool = False,
    service: Any = None,
    note: str = "",
) -> GuidanceContact:
    errors: dict[str, list[str]] = {}
    topics = sorted(set(topics))
    if unknown := [t for t in topics if t not in GuidanceContact.Topic.values]:
        errors["topics"] = [_("Unknown topic: %(t)s.") % {"t": ", ".join(unknown)}]
    if client is not None and persons != 1:
        errors["persons"] = [_("A contact with a known client is for one person.")]
    if persons < 1:
        errors["persons"] = [_("At least one person.")]
    if outcome == GuidanceContact.Outcome.REFERRED and service is None:
        errors["service"] = [_("Choose the service the person was referred to.")]
    if day > _today():
        errors["day"] = [_("The day cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    contact = GuidanceContact(
        organisation=organisation,
        client=client,
        day=day,
        persons=persons,
        language=language.lower(),
        topics=topics,
        channel=channel,
        interpreter=interpreter,
        outcome=outcome,
        service=service if outcome == GuidanceContact.Outcome.REFERRED else None,
        note=note,
        created_by=actor,
        modified_by=actor,
    )
    contact.full_clean()
    contact.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="GuidanceContact",
        object_id=contact.pk,
        client_id=client.pk if client else None,
    )
    return contact


# Assessment ------------------------------------------------------------------------------------

ASSESSMENT_FIELDS = (
    "multi_agency",
    "participants",
    "literacy",
    "skill_language",
    "level_listening",
    "level_speaking",
    "level_reading",
    "level_writing",
    "learning_skills",
    "working_life_skills",
    "education",
    "work_history",
    "other_competences",
    "goals",
    "work_capacity",
    "life_situation",
    "plan_needed",
)


def _set_assessment(assessment: Assessment, fields: dict[str, Any]) -> tuple[list, list]:
    partners = list(fields.pop("partner_organisations", []) or [])
    needs = list(fields.pop("service_needs", []) or [])
    unknown = set(fields) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown assessment fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(assessment, name, value)
    if partners and not assessment.multi_agency:
        raise ValidationError(
            {"partner_organisations": [_("Only a multi-agency assessment lists organisations.")]}
        )
    return partners, needs


@transaction.atomic
def assessment_start(
    *,
    actor: Any,
    client: Client,
    organisation: Any,
    started: date,
    override_reason: str = "",
    **fields: Any,
) -> Assessment:
    if started > _today():
        raise ValidationError({"started": [_("The start cannot be in the future.")]})
    assessment = Assessment(
        client=client, organisation=organisation, started=started, created_by=actor
    )
    partners, needs = _set_assessment(assessment, fields)
    snapshots = [*case_snapshot(client).assessments]
    snapshots.append(AssessmentSnapshot(started))
    codes = _judge(
        client,
        actor=actor,
        assessments=snapshots,
        override_reason=override_reason,
        object_type="Assessment",
    )
    assessment.override_reason = override_reason if codes else ""
    assessment.modified_by = actor
    assessment.full_clean(exclude=["client", "organisation"])
    assessment.save()
    assessment.partner_organisations.set(partners)
    assessment.service_needs.set(needs)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="Assessment",
        object_id=assessment.pk,
        client_id=client.pk,
    )
    _audit_override(
        actor=actor,
        codes=codes,
        reason=override_reason,
        object_type="Assessment",
        object_id=assessment.pk,
        client=client,
    )
    return assessment


@transaction.atomic
def assessment_update(
    *,
    actor: Any,
    assessment: Assessment,
    completed: date | None = None,
    **fields: Any,
) -> Assessment:
    """Change the content; giving `completed` completes the assessment."""
    has_partners, has_needs = "partner_organisations" in fields, "service_needs" in fields
    partners, needs = _set_assessment(assessment, fields)
    if completed is not None:
        if completed < assessment.started:
            raise ValidationError(
                {"completed": [_("The assessment cannot be completed before it started.")]}
            )
        if completed > _today():
            raise ValidationError({"completed": [_("The day cannot be in the future.")]})
        if assessment.plan_needed is None:
            raise ValidationError(
                {"plan_needed": [_("Decide whether a plan is needed before completing.")]}
            )
        assessment.completed = completed
        assessment.status = Assessment.Status.COMPLETED
    assessment.modified_by = actor
    assessment.full_clean(exclude=["client", "organisation"])
    assessment.save()
    if has_partners or not assessment.multi_agency:
        assessment.partner_organisations.set(partners)
    if has_needs:
        assessment.service_needs.set(needs)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="Assessment",
        object_id=assessment.pk,
        client_id=assessment.client_id,
        reason="completed" if completed else "",
    )
    return assessment


# Plans -----------------------------------------------------------------------------------------

PLAN_TEXT_FIELDS = (
    "long_term_goals",
    "period_goals",
    "commitments",
    "job_search_obligation",
    "monitoring",
)


def _plans_with(client: Client, changed: IntegrationPlan | None, new: PlanSnapshot | None):
    plans = []
    for stored in client.plans.all().prefetch_related("services", "reviews", "extensions"):
        if changed is not None and stored.pk == changed.pk:
            continue
        plans.append(plan_snapshot(stored))
    if new is not None:
        plans.append(new)
    return plans


@transaction.atomic
def plan_create(
    *,
    actor: Any,
    client: Client,
    organisation: Any,
    start: date,
    end: date,
    override_reason: str = "",
    **texts: str,
) -> IntegrationPlan:
    if end < start:
        raise ValidationError({"end": [_("The end cannot be before the start.")]})
    if client.plans.filter(closed_on__isnull=True, end__gte=start).exists():
        raise ValidationError(
            {"start": [_("The client has a plan that is still running on this day.")]}
        )
    codes = _judge(
        client,
        actor=actor,
        plans=_plans_with(client, None, PlanSnapshot(start, end)),
        override_reason=override_reason,
        object_type="IntegrationPlan",
    )
    plan = IntegrationPlan(
        client=client,
        organisation=organisation,
        start=start,
        end=end,
        override_reason=override_reason if codes else "",
        override_codes=codes,
        created_by=actor,
        modified_by=actor,
        **{k: v for k, v in texts.items() if k in PLAN_TEXT_FIELDS},
    )
    plan.full_clean(exclude=["client", "organisation"])
    plan.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="IntegrationPlan",
        object_id=plan.pk,
        client_id=client.pk,
    )
    _audit_override(
        actor=actor,
        codes=codes,
        reason=override_reason,
        object_type="IntegrationPlan",
        object_id=plan.pk,
        client=client,
    )
    return plan


# --- optimistic locking of plans (privacy/trust issue 9, acceptance 4) -------------------------
# The version is the plan's last-saved time: every save of a plan moves it, so no schema change.


def plan_version(plan: IntegrationPlan) -> str:
    return plan.modified_at.isoformat() if plan.modified_at else ""


class PlanConflict(ValidationError):
    """Someone saved the plan after the editor loaded it; nothing was saved."""

    def __init__(self, current: IntegrationPlan):
        self.current_version = plan_version(current)
        self.current = current
        super().__init__(
            _(
                "Someone else saved this plan while you were editing it. Your changes have not "
                "been saved; they are shown below. Check the saved plan, then save again to "
                "replace it with your version."
            ),
            code="conflict",
        )


# --- end of optimistic locking helpers --------------------------------------------------------


@transaction.atomic
def plan_update(
    *,
    actor: Any,
    plan: IntegrationPlan,
    start: date,
    end: date,
    override_reason: str = "",
    version: str | None = None,
    **texts: str,
) -> IntegrationPlan:
    """`version`: `plan_version` of the plan as the editor loaded it (optimistic locking);
    a different stored version raises PlanConflict and changes nothing."""
    # optimistic locking (issue 9): lock the row, then compare with what the editor saw.
    current = IntegrationPlan.objects.select_for_update().get(pk=plan.pk)
    if version and version != plan_version(current):
        raise PlanConflict(current)
    if end < start:
        raise ValidationError({"end": [_("The end cannot be before the start.")]})
    if plan.is_closed:
        raise ValidationError(_("A closed plan cannot be changed."))
    new = replace(plan_snapshot(plan), start=start, end=end)
    codes = _judge(
        plan.client,
        actor=actor,
        plans=_plans_with(plan.client, plan, new),
        override_reason=override_reason,
        object_type="IntegrationPlan",
    )
    plan.start, plan.end = start, end
    for key, value in texts.items():
        if key in PLAN_TEXT_FIELDS:
            setattr(plan, key, value)
    if codes:
        plan.override_reason = override_reason
        plan.override_codes = sorted(set(plan.override_codes) | set(codes))
    plan.modified_by = actor
    plan.full_clean(exclude=["client", "organisation"])
    plan.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="IntegrationPlan",
        object_id=plan.pk,
        client_id=plan.client_id,
    )
    _audit_override(
        actor=actor,
        codes=codes,
        reason=override_reason,
        object_type="IntegrationPlan",
        object_id=plan.pk,
        client=plan.client,
    )
    return plan


@transaction.atomic
def plan_extend(
    *,
    actor: Any,
    plan: IntegrationPlan,
    months: int,
    reason: str,
    note: str,
    new_end: date | None = None,
    override_reason: str = "",
) -> PlanExtension:
    errors: dict[str, list[str]] = {}
    if months < 1:
        errors["months"] = [_("An extension is at least one month.")]
    if reason not in PlanExtension.Reason.values:
        errors["reason"] = [_("Choose a reason code.")]
    if not note.strip():
        errors["note"] = [_("Explain the extension.")]
    if new_end is not None and new_end < plan.end:
        errors["new_end"] = [_("The new end cannot be before the current end.")]
    if errors:
        raise ValidationError(errors)
    snap = plan_snapshot(plan)
    snap = replace(
        snap,
        end=new_end or snap.end,
        extensions=(*snap.extensions, ExtensionSnapshot(months, reason, note)),
    )
    codes = _judge(
        plan.client,
        actor=actor,
        plans=_plans_with(plan.client, plan, snap),
        override_reason=override_reason,
        object_type="PlanExtension",
    )
    extension = PlanExtension.objects.create(
        plan=plan, months=months, reason=reason, note=note, created_by=actor, modified_by=actor
    )
    if new_end is not None:
        plan.end = new_end
        plan.modified_by = actor
        plan.save(update_fields=["end", "modified_by", "modified_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="PlanExtension",
        object_id=extension.pk,
        client_id=plan.client_id,
        reason=f"{months} {reason}",
    )
    _audit_override(
        actor=actor,
        codes=codes,
        reason=override_reason,
        object_type="PlanExtension",
        object_id=extension.pk,
        client=plan.client,
    )
    return extension


@transaction.atomic
def plan_review_add(*, actor: Any, plan: IntegrationPlan, day: date, note: str = "") -> PlanReview:
    if day < plan.start:
        raise ValidationError({"day": [_("A review cannot be before the plan starts.")]})
    if day > _today():
        raise ValidationError({"day": [_("The day cannot be in the future.")]})
    review = PlanReview.objects.create(
        plan=plan, day=day, note=note, created_by=actor, modified_by=actor
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="PlanReview",
        object_id=review.pk,
        client_id=plan.client_id,
    )
    return review


@transaction.atomic
def plan_service_add(
    *,
    actor: Any,
    plan: IntegrationPlan,
    category: Any,
    service: Any = None,
    status: str = PlanService.Status.PLANNED,
    referred: date | None = None,
    started: date | None = None,
    ended: date | None = None,
    note: str = "",
) -> PlanService:
    row = PlanService(plan=plan, created_by=actor)
    _set_plan_service(
        row,
        category=category,
        service=service,
        status=status,
        referred=referred,
        started=started,
        ended=ended,
        note=note,
    )
    row.modified_by = actor
    row.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="PlanService",
        object_id=row.pk,
        client_id=plan.client_id,
    )
    return row


@transaction.atomic
def plan_service_update(*, actor: Any, row: PlanService, **values: Any) -> PlanService:
    _set_plan_service(row, **values)
    row.modified_by = actor
    row.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="PlanService",
        object_id=row.pk,
        client_id=row.plan.client_id,
    )
    return row


def _set_plan_service(row: PlanService, **values: Any) -> None:
    for key, value in values.items():
        setattr(row, key, value)
    errors: dict[str, list[str]] = {}
    status = PlanService.Status
    if row.service is not None and row.service.category_id != row.category_id:
        errors["service"] = [_("The service belongs to another category.")]
    if row.status in (status.REFERRED,) and row.referred is None:
        errors["referred"] = [_("Give the day of the referral.")]
    if row.status in (status.STARTED, status.COMPLETED) and row.started is None:
        errors["started"] = [_("Give the day the service started.")]
    if row.status in (status.COMPLETED, status.INTERRUPTED) and row.ended is None:
        errors["ended"] = [_("Give the day the service ended.")]
    if row.started and row.ended and row.ended < row.started:
        errors["ended"] = [_("The end cannot be before the start.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_close(
    *, actor: Any, plan: IntegrationPlan, closed_on: date, reason: str, note: str = ""
) -> IntegrationPlan:
    if plan.is_closed:
        raise ValidationError(_("The plan is already closed."))
    if reason not in IntegrationPlan.Closure.values:
        raise ValidationError({"reason": [_("Choose a closure reason.")]})
    if closed_on < plan.start:
        raise ValidationError({"closed_on": [_("A plan cannot close before it starts.")]})
    plan.closed_on, plan.closure_reason, plan.closure_note = closed_on, reason, note
    plan.modified_by = actor
    plan.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="IntegrationPlan",
        object_id=plan.pk,
        client_id=plan.client_id,
        reason=f"closed {reason}",
    )
    return plan


# Referrals -------------------------------------------------------------------------------------


@transaction.atomic
def referral_send(
    *,
    actor: Any,
    client: Client,
    from_organisation: Any,
    to_organisation: Any,
    reason: str,
    response_due: date,
    service: Any = None,
    plan_service: PlanService | None = None,
    consent: Any = None,
    consent_reference: str = "",
    sent_on: date | None = None,
) -> Referral:
    sent_on = sent_on or _today()
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = [_("Give the reason for the referral.")]
    if response_due < sent_on:
        errors["response_due"] = [_("The response cannot be due before the referral is sent.")]
    if to_organisation == from_organisation and service is None:
        errors["to_organisation"] = [_("Refer to another organisation or to a service.")]
    if consent is not None and (
        consent.client_id != client.pk
        or consent.organisation_id != to_organisation.pk
        or not consent.is_valid_on(sent_on)
    ):
        errors["consent"] = [_("The consent is not valid for this organisation on this day.")]
    if consent is None and not consent_reference.strip():
        errors["consent_reference"] = [_("Record the client's consent or its reference.")]
    if errors:
        raise ValidationError(errors)
    referral = Referral.objects.create(
        client=client,
        from_organisation=from_organisation,
        to_organisation=to_organisation,
        service=service,
        plan_service=plan_service,
        reason=reason,
        consent=consent,
        consent_reference=consent_reference,
        sent_on=sent_on,
        response_due=response_due,
        created_by=actor,
        modified_by=actor,
    )
    if plan_service is not None and plan_service.referred is None:
        plan_service.referred = sent_on
        plan_service.status = PlanService.Status.REFERRED
        plan_service.save(update_fields=["referred", "status", "modified_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DISCLOSE,
        object_type="Referral",
        object_id=referral.pk,
        client_id=client.pk,
        reason=f"to organisation {to_organisation.pk}",
    )
    return referral


def _answer(referral: Referral, *, actor: Any, expected: str, status: str, reason: str) -> None:
    if referral.status != expected:
        raise ValidationError(
            _("The referral is %(status)s; this cannot be done now.")
            % {"status": referral.get_status_display()}
        )
    referral.status = status
    referral.modified_by = actor
    referral.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="Referral",
        object_id=referral.pk,
        client_id=referral.client_id,
        reason=reason,
    )


@transaction.atomic
def referral_accept(*, actor: Any, referral: Referral, day: date | None = None) -> Referral:
    referral.responded_on = day or _today()
    _answer(
        referral,
        actor=actor,
        expected=Referral.Status.SENT,
        status=Referral.Status.ACCEPTED,
        reason="accepted",
    )
    return referral


@transaction.atomic
def referral_reject(
    *, actor: Any, referral: Referral, reason: str, day: date | None = None
) -> Referral:
    if not reason.strip():
        raise ValidationError({"rejection_reason": [_("Give the reason for the rejection.")]})
    referral.responded_on = day or _today()
    referral.rejection_reason = reason
    _answer(
        referral,
        actor=actor,
        expected=Referral.Status.SENT,
        status=Referral.Status.REJECTED,
        reason="rejected",
    )
    return referral


@transaction.atomic
def referral_complete(
    *, actor: Any, referral: Referral, outcome: str, day: date | None = None
) -> Referral:
    """Close an accepted referral with the outcome reported back; the access it gave ends."""
    if not outcome.strip():
        raise ValidationError({"outcome": [_("Report the outcome to the sender.")]})
    referral.completed_on = day or _today()
    referral.outcome = outcome
    _answer(
        referral,
        actor=actor,
        expected=Referral.Status.ACCEPTED,
        status=Referral.Status.COMPLETED,
        reason="completed",
    )
    return referral


# Import ----------------------------------------------------------------------------------------


def case_import(*, actor: Any, records: Iterable[Any], progress: Any = None) -> dict[str, int]:
    """Store checked case-file records (casework.importing) in the caller's transaction.

    The client part goes through the registry's services; re-importing an external id updates
    that client. Assessments and plans, when the record has them, replace the stored ones: the
    file is the record of that history. Statutory rules are not checked here, on purpose.
    """
    from kotopolku.casework.importing import UNKNOWN_NAME
    from kotopolku.catalogue.models import ServiceCategory
    from kotopolku.clients import services as client_services
    from kotopolku.organisations.models import Organisation

    records = list(records)
    municipalities = {
        o.municipality_code: o
        for o in Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
    }
    categories = {c.code: c for c in ServiceCategory.objects.all()}
    existing = {
        c.external_id: c
        for c in Client.objects.filter(external_id__in=[r.external_id for r in records])
    }
    counts = {"created": 0, "updated": 0}
    for record in records:
        client = existing.get(record.external_id)
        if client is None:
            values = {"first_names": UNKNOWN_NAME, "last_name": UNKNOWN_NAME, **record.client}
            client = client_services.client_create(
                actor=actor,
                external_id=record.external_id,
                hetu=record.hetu or "",
                languages=record.languages or (),
                **values,
            )
            counts["created"] += 1
        else:
            client = client_services.client_update(
                actor=actor,
                client=client,
                hetu=record.hetu,
                languages=record.languages,
                **record.client,
            )
            counts["updated"] += 1
        _import_periods(client, record.periods, municipalities, actor=actor)
        client.refresh_from_db()
        organisation = client.responsible_organisation
        if record.assessments is not None:
            client.assessments.all().delete()
            for a in record.assessments:
                Assessment.objects.create(
                    client=client,
                    organisation=organisation,
                    started=a["started"],
                    completed=a["completed"],
                    status=Assessment.Status.COMPLETED
                    if a["completed"]
                    else Assessment.Status.STARTED,
                    multi_agency=a["multi_agency"],
                    plan_needed=a["plan_needed"],
                    created_by=actor,
                    modified_by=actor,
                )
        if record.plans is not None:
            client.plans.all().delete()
            for p in record.plans:
                plan = IntegrationPlan.objects.create(
                    client=client,
                    organisation=organisation,
                    start=p["start"],
                    end=p["end"],
                    created_by=actor,
                    modified_by=actor,
                )
                PlanService.objects.bulk_create(
                    PlanService(
                        plan=plan,
                        category=categories[s["category"]],
                        status=PlanService.Status.STARTED
                        if s["started"]
                        else PlanService.Status.REFERRED
                        if s["referred"]
                        else PlanService.Status.PLANNED,
                        referred=s["referred"],
                        started=s["started"],
                        created_by=actor,
                        modified_by=actor,
                    )
                    for s in p["services"]
                )
                PlanReview.objects.bulk_create(
                    PlanReview(plan=plan, day=d, created_by=actor, modified_by=actor)
                    for d in p["reviews"]
                )
                PlanExtension.objects.bulk_create(
                    PlanExtension(
                        plan=plan,
                        months=e["months"],
                        reason=e["reason"],
                        note=e["note"],
                        created_by=actor,
                        modified_by=actor,
                    )
                    for e in p["extensions"]
                )
        if progress is not None:
            progress()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="CaseImport",
        reason=f"created {counts['created']}, updated {counts['updated']}",
    )
    return counts


def _import_periods(client: Client, periods, municipalities, *, actor: Any) -> None:
    from kotopolku.clients import services as client_services

    stored = [
        (p.municipality.municipality_code, p.start, p.end)
        for p in client.home_periods.select_related("municipality").order_by("start")
    ]
    if stored == list(periods):
        return
    client.home_periods.all().delete()
    for code, start, end in periods:
        client_services.home_period_add(
            actor=actor, client=client, municipality=municipalities[code], start=start, end=end
        )
