"""Writes of casework: guidance contacts, assessments, plans and referrals.

New or changed plans, extensions and assessments must satisfy the rules as computed by
`casework.deadlines.compute_deadlines`, or carry an override with a reason that is audited.
A change is judged by the problems it *adds*: history that already broke a rule (imported
cases) does not block unrelated work. P1–P3 are judged when a plan is saved; P4 and P5 are
about what happens later (see RULE_CODES_OF_A_CHANGE) and show up on the worklist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.casework.deadlines import (
    AssessmentSnapshot,
    ExtensionSnapshot,
    PlanSnapshot,
    Problem,
    RuleBook,
    compute_deadlines,
    first_plan_last_day,
)
from kotopolku.casework.models import (
    Assessment,
    GuidanceContact,
    IntegrationPlan,
    PlanExtension,
    PlanReview,
    PlanService,
    Referral,
    SavedWorklistFilter,
)
from kotopolku.casework.selectors import case_snapshot, plan_snapshot
from kotopolku.casework.signals import referral_event
from kotopolku.clients.models import Client
from kotopolku.common.bulk import insert_objects, insert_rows
from kotopolku.common.dates import add_months, period_end
from kotopolku.common.middleware import current_request_id
from kotopolku.common.signals import rows_written


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
    before = set(compute_deadlines(before_case, on=today, rules=rules).problem_codes)
    after = compute_deadlines(after_case, on=today, rules=rules).problems
    # Imported history may lie before every rule row (it is reported, not refused); new work
    # whose dates no rule covers cannot be judged, so it is refused.
    if any(p.code == "no_rule_in_force" for p in after) and "no_rule_in_force" not in before:
        raise ValidationError(
            _("The rule table has no rule for these dates; ask an administrator.")
        )
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
        details=audit_summary("step", step="completed") if completed else None,
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


# --- optimistic locking of plans (kotopolku/privacy/README.md) -------------------------
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
    # optimistic locking: lock the row, then compare with what the editor saw.
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
    if new_end is None:
        # The extension moves the plan's end by its months, unless the worker names another
        # day. A first plan still lasts at most a year (P2): its end moves up to that day and
        # the extension lengthens the total (P3) that the next plan may use.
        new_end = add_months(plan.end, months)
        if not plan.client.plans.filter(start__lt=plan.start).exclude(pk=plan.pk).exists():
            new_end = max(plan.end, min(new_end, first_plan_last_day(plan.start)))
    snap = plan_snapshot(plan)
    snap = replace(
        snap,
        end=new_end,
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
    _check_plan_service(
        service=row.service,
        category_id=row.category_id,
        status=row.status,
        referred=row.referred,
        started=row.started,
        ended=row.ended,
    )


def _check_plan_service(
    *,
    service: Any,
    category_id: Any,
    status: str,
    referred: date | None,
    started: date | None,
    ended: date | None,
) -> None:
    """The invariants of a plan's service row, for a form, the API and an import alike."""
    errors: dict[str, list[str]] = {}
    choices = PlanService.Status
    if service is not None and service.category_id != category_id:
        errors["service"] = [_("The service belongs to another category.")]
    if status in (choices.REFERRED,) and referred is None:
        errors["referred"] = [_("Give the day of the referral.")]
    if status in (choices.STARTED, choices.COMPLETED) and started is None:
        errors["started"] = [_("Give the day the service started.")]
    if status in (choices.COMPLETED, choices.INTERRUPTED) and ended is None:
        errors["ended"] = [_("Give the day the service ended.")]
    if started and ended and ended < started:
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


def referral_access_until(response_due: date, *, consent: Any = None) -> date:
    """The default last day of the receiver's access: the response is due, then the service
    runs for `REFERRAL_SERVICE_DAYS` (settings); never beyond the consent it rests on."""
    from django.conf import settings

    until = period_end(response_due, days=settings.REFERRAL_SERVICE_DAYS + 1)
    if consent is not None and consent.valid_until < until:
        until = consent.valid_until
    return until


def _onward_parent(client: Client, from_organisation: Any, on: date) -> Referral | None:
    """The accepted, running referral that lets `from_organisation` refer the client onward."""
    return (
        Referral.objects.filter(
            client=client,
            to_organisation=from_organisation,
            status=Referral.Status.ACCEPTED,
            access_until__gte=on,
            onward_allowed=True,
        )
        .order_by("-sent_on", "-id")
        .first()
    )


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
    legal_basis: str = "",
    record_consent_until: date | None = None,
    consent_reference: str = "",
    onward_allowed: bool = False,
    access_until: date | None = None,
    sent_on: date | None = None,
) -> Referral:
    """Send a referral; it discloses the client to `to_organisation` (a `disclose` row).

    It needs a recorded, valid consent (a `Consent` of the client covering the receiver and the
    referral purpose on the day: `consent`, or one recorded here with `record_consent_until`) or
    a legal basis from `Referral.LegalBasis`. `consent_reference` is a note, never a consent.
    The sender is the organisation responsible for the client, or a receiver of an accepted,
    running referral that the responsible organisation marked `onward_allowed`.
    """
    from kotopolku.clients.models import Consent

    sent_on = sent_on or _today()
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = [_("Give the reason for the referral.")]
    if response_due < sent_on:
        errors["response_due"] = [_("The response cannot be due before the referral is sent.")]
    if to_organisation == from_organisation and service is None:
        errors["to_organisation"] = [_("Refer to another organisation or to a service.")]
    parent = None
    responsible = client.responsible_organisation_id == getattr(from_organisation, "pk", None)
    if not responsible:
        parent = _onward_parent(client, from_organisation, sent_on)
        if parent is None:
            errors["from_organisation"] = [
                _(
                    "Only the organisation responsible for the client may refer them onward, "
                    "or a receiver it has allowed to."
                )
            ]
        if onward_allowed:
            errors["onward_allowed"] = [
                _("Only the responsible organisation may allow a receiver to refer onward.")
            ]
    if legal_basis and legal_basis not in Referral.LegalBasis.values:
        errors["legal_basis"] = [_("Choose a legal basis from the list.")]
    if consent is not None and record_consent_until is not None:
        errors["consent"] = [_("Choose a recorded consent or record a new one, not both.")]
    if consent is not None and (
        consent.client_id != client.pk
        or consent.organisation_id != getattr(to_organisation, "pk", None)
        or consent.purpose != Consent.Purpose.REFERRAL
        or not consent.is_valid_on(sent_on)
    ):
        errors["consent"] = [
            _("The consent does not cover referring the client to this organisation on this day.")
        ]
    if record_consent_until is not None and record_consent_until < sent_on:
        errors["record_consent_until"] = [_("A consent cannot end before it begins.")]
    if consent is None and record_consent_until is None and not legal_basis:
        errors["consent"] = [
            _("Choose the client's recorded consent, record it now, or choose a legal basis.")
        ]
    if access_until is not None and access_until < response_due:
        errors["access_until"] = [_("Access cannot end before the response is due.")]
    if errors:
        raise ValidationError(errors)
    if record_consent_until is not None:
        from kotopolku.clients.services import consent_add

        consent = consent_add(
            actor=actor,
            client=client,
            organisation=to_organisation,
            purpose=Consent.Purpose.REFERRAL,
            valid_from=sent_on,
            valid_until=record_consent_until,
            note=consent_reference,
        )
    until = access_until or referral_access_until(response_due, consent=consent)
    if consent is not None:
        until = min(until, consent.valid_until)
    referral = Referral.objects.create(
        client=client,
        from_organisation=from_organisation,
        to_organisation=to_organisation,
        service=service,
        plan_service=plan_service,
        reason=reason,
        consent=consent,
        legal_basis=legal_basis if consent is None else "",
        consent_reference=consent_reference,
        parent=parent,
        onward_allowed=onward_allowed,
        access_until=until,
        sent_on=sent_on,
        response_due=response_due,
        created_by=actor,
        modified_by=actor,
    )
    if plan_service is not None and plan_service.referred is None:
        plan_service.referred = sent_on
        plan_service.status = PlanService.Status.REFERRED
        plan_service.save(update_fields=["referred", "status", "modified_at"])
    basis = f"consent:{consent.pk}" if consent is not None else f"basis:{legal_basis}"
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DISCLOSE,
        object_type="Referral",
        object_id=referral.pk,
        client_id=client.pk,
        reason=(
            f"referral sent to organisation {to_organisation.pk}; {basis}"
            + (f"; onward from referral {parent.pk}" if parent else "")
        ),
    )
    referral_event(referral, "sent", actor)
    return referral


def _expect(referral: Referral, expected: str) -> None:
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.status != expected:
        raise ValidationError(
            _("The referral is %(status)s; this cannot be done now.")
            % {"status": current.get_status_display()}
        )


def _set_status(referral: Referral, *, actor: Any, status: str, action: str, reason: str) -> None:
    referral.status = status
    referral.modified_by = actor
    referral.save()
    audit_record(
        actor=actor,
        action=action,
        object_type="Referral",
        object_id=referral.pk,
        client_id=referral.client_id,
        reason=f"{reason}; organisation {referral.to_organisation_id}",
    )
    referral_event(referral, status, actor)


@transaction.atomic
def referral_accept(*, actor: Any, referral: Referral, day: date | None = None) -> Referral:
    """Accept: the receiver's case workers may now read the client until `access_until`."""
    day = day or _today()
    _expect(referral, Referral.Status.SENT)
    if referral.access_until is not None and referral.access_until < day:
        raise ValidationError(_("The referral has expired; ask the sender for a new one."))
    referral.responded_on = day
    _set_status(
        referral,
        actor=actor,
        status=Referral.Status.ACCEPTED,
        action=AuditEvent.Action.DISCLOSE,
        reason=f"accepted; access granted until {referral.access_until}",
    )
    return referral


@transaction.atomic
def referral_reject(
    *, actor: Any, referral: Referral, reason: str, day: date | None = None
) -> Referral:
    if not reason.strip():
        raise ValidationError({"rejection_reason": [_("Give the reason for the rejection.")]})
    _expect(referral, Referral.Status.SENT)
    referral.responded_on = day or _today()
    referral.rejection_reason = reason
    _set_status(
        referral,
        actor=actor,
        status=Referral.Status.REJECTED,
        action=AuditEvent.Action.REVOKE,
        reason="rejected; no access",
    )
    return referral


@transaction.atomic
def referral_complete(
    *, actor: Any, referral: Referral, outcome: str, day: date | None = None
) -> Referral:
    """Close an accepted referral with the outcome reported back; the access it gave ends."""
    if not outcome.strip():
        raise ValidationError({"outcome": [_("Report the outcome to the sender.")]})
    _expect(referral, Referral.Status.ACCEPTED)
    referral.completed_on = day or _today()
    referral.outcome = outcome
    _set_status(
        referral,
        actor=actor,
        status=Referral.Status.COMPLETED,
        action=AuditEvent.Action.REVOKE,
        reason="completed; access ended",
    )
    return referral


@transaction.atomic
def referral_withdraw(
    *, actor: Any, referral: Referral, reason: str, day: date | None = None
) -> Referral:
    """The sender (or the responsible organisation) withdraws an open referral; the receiver's
    access ends at once, and so does that of any onward referral made from it."""
    if not reason.strip():
        raise ValidationError({"end_reason": [_("Give the reason for withdrawing.")]})
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not referral.is_open:
        raise ValidationError(
            _("The referral is %(status)s; this cannot be done now.")
            % {"status": referral.get_status_display()}
        )
    day = day or _today()
    _end(referral, actor=actor, status=Referral.Status.WITHDRAWN, day=day, reason=reason)
    referral_event(referral, "withdrawn", actor)
    return referral


def _end(referral: Referral, *, actor: Any, status: str, day: date, reason: str) -> None:
    referral.ended_on = day
    referral.end_reason = reason
    _set_status(
        referral,
        actor=actor,
        status=status,
        action=AuditEvent.Action.REVOKE,
        reason=f"{status}: {reason}; access ended",
    )
    for onward in referral.onward_referrals.filter(
        status__in=(Referral.Status.SENT, Referral.Status.ACCEPTED)
    ):
        _end(onward, actor=actor, status=status, day=day, reason=f"referral {referral.pk} ended")


@transaction.atomic
def referrals_expire(*, actor: Any = None, on: date | None = None) -> int:
    """Mark open referrals whose access ended before `on` as expired, with a `revoke` row each.

    Access has already ended on `access_until` (the scope checks the day); this records it.
    Run daily (`manage.py referrals_expire`).
    """
    on = on or _today()
    count = 0
    for referral in Referral.objects.select_for_update().filter(
        status__in=(Referral.Status.SENT, Referral.Status.ACCEPTED), access_until__lt=on
    ):
        referral.refresh_from_db()
        if referral.is_open:
            _end(referral, actor=actor, status=Referral.Status.EXPIRED, day=on, reason="expired")
            count += 1
    return count


# Import ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentInput:
    started: date
    completed: date | None = None
    multi_agency: bool = False
    plan_needed: bool | None = None


@dataclass(frozen=True)
class PlanServiceInput:
    category: str
    referred: date | None = None
    started: date | None = None


@dataclass(frozen=True)
class ExtensionInput:
    months: int
    reason: str = ""
    note: str = ""


@dataclass(frozen=True)
class PlanInput:
    start: date
    end: date
    services: tuple[PlanServiceInput, ...] = ()
    reviews: tuple[date, ...] = ()
    extensions: tuple[ExtensionInput, ...] = ()


@dataclass(frozen=True)
class CaseInput:
    """A client and, unless None, the history that replaces the stored one."""

    client: Any  # clients.services.ClientInput
    assessments: tuple[AssessmentInput, ...] | None = None
    plans: tuple[PlanInput, ...] | None = None


def _plan_key(plan: PlanInput) -> tuple:
    return (
        plan.start,
        plan.end,
        tuple((s.category, s.referred, s.started) for s in plan.services),
        tuple(sorted(plan.reviews)),
        tuple((e.months, e.reason, e.note) for e in plan.extensions),
    )


def _stored_history(client_ids: list[int]) -> tuple[dict[int, list], dict[int, list]]:
    """The current assessments and plans of clients, as input tuples (5 queries). Child rows
    are read as values and grouped here: a prefetch would build a queryset per plan. The order
    is that of the relations (services and extensions by id, reviews by day)."""
    assessments: dict[int, list] = {}
    plans: dict[int, list] = {}
    if not client_ids:
        return assessments, plans
    for client_id, started, completed, multi_agency, plan_needed in (
        Assessment.objects.filter(client_id__in=client_ids)
        .order_by("id")
        .values_list("client_id", "started", "completed", "multi_agency", "plan_needed")
    ):
        assessments.setdefault(client_id, []).append(
            AssessmentInput(started, completed, multi_agency, plan_needed)
        )
    stored = list(
        IntegrationPlan.objects.filter(client_id__in=client_ids)
        .order_by("id")
        .values_list("id", "client_id", "start", "end")
    )
    plan_ids = [row[0] for row in stored]
    services: dict[int, list] = {}
    for plan_id, category, referred, service_started in (
        PlanService.objects.filter(plan_id__in=plan_ids)
        .order_by("plan_id", "id")
        .values_list("plan_id", "category_id", "referred", "started")
    ):
        services.setdefault(plan_id, []).append(
            PlanServiceInput(category, referred, service_started)
        )
    reviews: dict[int, list] = {}
    for plan_id, day in (
        PlanReview.objects.filter(plan_id__in=plan_ids)
        .order_by("plan_id", "day", "id")
        .values_list("plan_id", "day")
    ):
        reviews.setdefault(plan_id, []).append(day)
    extensions: dict[int, list] = {}
    for plan_id, months, reason, note in (
        PlanExtension.objects.filter(plan_id__in=plan_ids)
        .order_by("plan_id", "id")
        .values_list("plan_id", "months", "reason", "note")
    ):
        extensions.setdefault(plan_id, []).append(ExtensionInput(months, reason, note))
    for plan_id, client_id, start, end in stored:
        plans.setdefault(client_id, []).append(
            (
                plan_id,
                PlanInput(
                    start,
                    end,
                    tuple(services.get(plan_id, ())),
                    tuple(reviews.get(plan_id, ())),
                    tuple(extensions.get(plan_id, ())),
                ),
            )
        )
    return assessments, plans


def case_history_store(
    *, actor: Any, histories: list[tuple[Client, CaseInput]], categories: dict[str, Any]
) -> list[str]:
    """Replace the assessments and plans of a batch of clients with those of the inputs.

    Rows that are replaced are archived (kept, hidden from every read), never deleted. A history
    equal to the stored one is left as it is. The statutory rules are not judged: this is the
    record of what happened (docs/data-formats.md). Returns, per input, what was replaced.
    """
    now = timezone.now()
    stored_assessments, stored_plans = _stored_history(
        [c.pk for c, _ in histories if c.pk is not None]
    )
    old_assessment_clients: list[int] = []
    old_plans: list[int] = []
    # Child rows go to `insert_rows` as dicts of values (a model instance per row was most
    # of an import's time); plans are instances, since their children need their keys.
    new_assessments: list[dict[str, Any]] = []
    new_plans: list[tuple[IntegrationPlan, PlanInput]] = []
    notes: list[str] = []
    actor_id = getattr(actor, "pk", None)
    stamps = {"created_by_id": actor_id, "modified_by_id": actor_id}
    for client, case in histories:
        note = []
        organisation = client.responsible_organisation
        if case.assessments is not None and list(case.assessments) != stored_assessments.get(
            client.pk, []
        ):
            note.append("assessments")
            if client.pk in stored_assessments:
                old_assessment_clients.append(client.pk)
            for a in case.assessments:
                new_assessments.append(
                    {
                        "client_id": client.pk,
                        "organisation_id": client.responsible_organisation_id,
                        "started": a.started,
                        "completed": a.completed,
                        "status": Assessment.Status.COMPLETED
                        if a.completed
                        else Assessment.Status.STARTED,
                        "multi_agency": a.multi_agency,
                        "plan_needed": a.plan_needed,
                        **stamps,
                    }
                )
        stored = stored_plans.get(client.pk, [])
        if case.plans is not None and [_plan_key(p) for p in case.plans] != [
            _plan_key(p) for _, p in stored
        ]:
            note.append("plans")
            old_plans += [pk for pk, _ in stored]
            for p in case.plans:
                if p.end < p.start:
                    raise ValidationError({"end": [_("The end cannot be before the start.")]})
                new_plans.append(
                    (
                        IntegrationPlan(
                            client=client,
                            organisation=organisation,
                            start=p.start,
                            end=p.end,
                            created_by=actor,
                            modified_by=actor,
                        ),
                        p,
                    )
                )
        notes.append(",".join(note))
    archived = {"archived": True, "modified_by": actor, "modified_at": now}
    if old_assessment_clients:
        Assessment.objects.filter(client_id__in=old_assessment_clients).update(**archived)
    if old_plans:
        for model in (PlanService, PlanReview, PlanExtension):
            model.objects.filter(plan_id__in=old_plans).update(**archived)
        IntegrationPlan.objects.filter(pk__in=old_plans).update(**archived)
    if old_assessment_clients or old_plans:
        rows_written.send(sender=IntegrationPlan)
    insert_rows(Assessment, new_assessments)
    insert_objects(IntegrationPlan, [plan for plan, _ in new_plans])
    services: list[dict[str, Any]] = []
    reviews: list[dict[str, Any]] = []
    extensions: list[dict[str, Any]] = []
    status = PlanService.Status
    for plan, p in new_plans:
        for s in p.services:
            row = {
                "plan_id": plan.pk,
                "category_id": categories[s.category].pk,
                "status": status.STARTED
                if s.started
                else status.REFERRED
                if s.referred
                else status.PLANNED,
                "referred": s.referred,
                "started": s.started,
                **stamps,
            }
            _check_plan_service(  # the same invariants as plan_service_add
                service=None,
                category_id=row["category_id"],
                status=row["status"],
                referred=s.referred,
                started=s.started,
                ended=None,
            )
            services.append(row)
        for day in p.reviews:
            if day < plan.start:  # P5: a review cannot come before its plan
                raise ValidationError({"day": [_("A review cannot be before the plan starts.")]})
            reviews.append({"plan_id": plan.pk, "day": day, **stamps})
        for e in p.extensions:
            extensions.append(
                {
                    "plan_id": plan.pk,
                    "months": e.months,
                    "reason": e.reason,
                    "note": e.note,
                    **stamps,
                }
            )
    insert_rows(PlanService, services)
    insert_rows(PlanReview, reviews)
    insert_rows(PlanExtension, extensions)
    return notes


def case_input(record: Any) -> CaseInput:
    """The typed service input of a checked case-file record (casework.importing.CaseRecord)."""
    from kotopolku.clients.services import ClientInput, HomePeriodInput

    values = dict(record.client)
    return CaseInput(
        client=ClientInput(
            external_id=record.external_id,
            values=values,
            hetu=record.hetu,  # None keeps a stored code
            hetu_hash=getattr(record, "hetu_hash", ""),
            periods=tuple(HomePeriodInput(code, start, end) for code, start, end in record.periods),
            languages=None if record.languages is None else tuple(record.languages),
        ),
        assessments=None
        if record.assessments is None
        else tuple(AssessmentInput(**a) for a in record.assessments),
        plans=None
        if record.plans is None
        else tuple(
            PlanInput(
                start=p["start"],
                end=p["end"],
                services=tuple(PlanServiceInput(**s) for s in p["services"]),
                reviews=tuple(p["reviews"]),
                extensions=tuple(ExtensionInput(**e) for e in p["extensions"]),
            )
            for p in record.plans
        ),
    )


@dataclass
class ImportBatchResult:
    created: int = 0
    updated: int = 0
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (input index, field, …)


@transaction.atomic
def case_import_batch(
    *, actor: Any, cases: list[CaseInput], classification: Any = None, categories=None
) -> ImportBatchResult:
    """Store a batch of case-file clients: clients through `clients_store`, histories through
    `case_history_store`, and one audit row per client. Nothing is written when an input has a
    problem (the problems are returned)."""
    from kotopolku.casework.importing import UNKNOWN_NAME
    from kotopolku.catalogue.models import ServiceCategory
    from kotopolku.clients.services import ClientInput, clients_store

    known = set(
        Client.objects.filter(external_id__in=[c.client.external_id for c in cases]).values_list(
            "external_id", flat=True
        )
    )
    inputs = []
    for case in cases:
        item: ClientInput = case.client
        if item.external_id not in known:  # a new client needs names; the file may have none
            values = {"first_names": UNKNOWN_NAME, "last_name": UNKNOWN_NAME, **item.values}
            item = replace(item, values=values)
        inputs.append(item)
    stored = clients_store(actor=actor, inputs=inputs, classification=classification)
    result = ImportBatchResult(problems=stored.problems)
    if stored.problems:
        return result
    if categories is None:
        categories = {c.code: c for c in ServiceCategory.objects.all()}
    notes = case_history_store(
        actor=actor,
        histories=list(zip(stored.clients, cases, strict=True)),
        categories=categories,
    )
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    request_id = current_request_id()
    insert_rows(
        AuditEvent,
        [
            {
                "actor_id": user.pk if user else None,
                "actor_label": user.get_username() if user else "",
                "action": AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
                "object_type": "Client",
                "object_id": str(client.pk),
                "client_id": client.pk,
                "reason": _import_reason(created, changed, note),
                "request_id": request_id,
            }
            for client, created, changed, note in zip(
                stored.clients, stored.created, stored.changed, notes, strict=True
            )
        ],
    )
    result.created = sum(stored.created)
    result.updated = len(stored.created) - result.created
    return result


def _import_reason(created: bool, changed: bool, history: str) -> str:
    """What an import did to a client, for its audit row (no personal data)."""
    parts = ["created"] if created else (["client"] if changed else [])
    parts += [history] if history else []
    return "import_cases: " + (",".join(parts) or "unchanged")


def case_import(*, actor: Any, records: Iterable[Any], progress: Any = None) -> dict[str, int]:
    """Store checked case-file records (casework.importing) in the caller's transaction.

    Re-importing an external id updates that client. Assessments and plans, when the record has
    them, replace the stored ones (which are archived): the file is the record of that history.
    Statutory rules are not checked here, on purpose. Raises ValidationError on a problem.
    """
    counts = {"created": 0, "updated": 0}
    batch: list[Any] = []

    def flush() -> None:
        cases = [case_input(r) for r in batch]
        result = case_import_batch(actor=actor, cases=cases)
        if result.problems:
            index, name, message = result.problems[0]
            raise ValidationError(f"line {batch[index].line}: {name}: {message}")
        counts["created"] += result.created
        counts["updated"] += result.updated
        if progress is not None:
            for _record in batch:
                progress()
        batch.clear()

    with transaction.atomic():
        for record in records:
            batch.append(record)
            if len(batch) >= IMPORT_BATCH:
                flush()
        if batch:
            flush()
    return counts


IMPORT_BATCH = 500


def saved_worklist_filter_save(*, actor: Any, name: str, query: str) -> SavedWorklistFilter:
    """Save the worklist's query string under `name` for `actor`, replacing their filter of the
    same name. It holds no client data, so no audit row."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Give the filter a name.")]})
    saved, _created = SavedWorklistFilter.objects.update_or_create(
        user=actor, name=name, defaults={"query": query[:500]}
    )
    return saved


def saved_worklist_filter_delete(*, actor: Any, saved: SavedWorklistFilter) -> None:
    if saved.user_id != actor.pk:
        raise PermissionDenied
    saved.delete()
