"""Writes to governance: groups, memberships, meetings, agenda items, minutes, follow-up tasks and
the annual report's workflow (draft → processed by the cooperation group → presented). Every
write is audited and runs in one transaction; a rule broken raises ValidationError and changes
nothing.
"""

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.catalogue.models import Service
from kotopolku.governance.models import (
    AgendaItem,
    AnnualReport,
    FollowUpTask,
    GroupMembership,
    Meeting,
    ReportPresentation,
    WorkingGroup,
)
from kotopolku.governance.signals import follow_up_task_assigned
from kotopolku.organisations.models import Organisation, Region
from kotopolku.programme.models import Decision, Goal, Indicator, Measure

Action = AuditEvent.Action


def _audit(actor, action: str, obj, details: dict | None = None, reason: str = "") -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=type(obj).__name__,
        object_id=obj.pk,
        reason=reason,
        details=details,
    )


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _required(errors: dict, **values: Any) -> None:
    for name, value in values.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            errors.setdefault(name, []).append(_("This field is required."))


# ---------------------------------------------------------------- groups


@dataclass
class GroupInput:
    region: Region
    kind: str
    name_fi: str
    name_sv: str = ""
    name_en: str = ""
    mandate_fi: str = ""
    mandate_sv: str = ""
    mandate_en: str = ""
    tasks_fi: str = ""
    tasks_sv: str = ""
    tasks_en: str = ""
    chair_organisation: Organisation | None = None
    vice_chair_organisation: Organisation | None = None
    min_meetings_per_year: int = 0


def _save_group(group: WorkingGroup, data: GroupInput, actor) -> WorkingGroup:
    errors: dict = {}
    _required(errors, name_fi=data.name_fi)
    if data.kind not in WorkingGroup.Kind.values:
        errors.setdefault("kind", []).append(_("Choose a kind of group."))
    if (
        data.chair_organisation is not None
        and data.chair_organisation == data.vice_chair_organisation
    ):
        errors.setdefault("vice_chair_organisation", []).append(
            _("The chair and the vice-chair must be different organisations.")
        )
    for name in ("chair_organisation", "vice_chair_organisation"):
        org = getattr(data, name)
        if org is not None and org.region_id != data.region.pk:
            errors.setdefault(name, []).append(_("Choose an organisation of the group's region."))
    if data.min_meetings_per_year < 0 or data.min_meetings_per_year > 52:
        errors.setdefault("min_meetings_per_year", []).append(_("Give a number from 0 to 52."))
    duplicate = WorkingGroup.objects.filter(
        region=data.region, name_fi__iexact=data.name_fi.strip()
    ).exclude(pk=group.pk)
    if duplicate.exists():
        errors.setdefault("name_fi", []).append(_("The region already has a group of this name."))
    _raise(errors)
    group.region = data.region
    group.kind = data.kind
    for name in ("name", "mandate", "tasks"):
        for code in ("fi", "sv", "en"):
            setattr(group, f"{name}_{code}", (getattr(data, f"{name}_{code}") or "").strip())
        setattr(group, name, getattr(group, f"{name}_fi"))
    group.chair_organisation = data.chair_organisation
    group.vice_chair_organisation = data.vice_chair_organisation
    group.min_meetings_per_year = data.min_meetings_per_year
    group.modified_by = actor
    created = group.pk is None
    if created:
        group.created_by = actor
    group.save()
    _audit(actor, Action.CREATE if created else Action.UPDATE, group)
    return group


@transaction.atomic
def group_create(*, actor: User | None, data: GroupInput) -> WorkingGroup:
    return _save_group(WorkingGroup(), data, actor)


@transaction.atomic
def group_update(*, actor: User | None, group: WorkingGroup, data: GroupInput) -> WorkingGroup:
    return _save_group(group, data, actor)


# ---------------------------------------------------------------- memberships


@dataclass
class MembershipInput:
    organisation: Organisation
    role: str
    term_start: date
    user: Any = None
    external_name: str = ""
    external_email: str = ""
    title: str = ""
    topic: str = ""
    term_end: date | None = None
    appointing_decision: Decision | None = None
    appointing_decision_text: str = ""


@transaction.atomic
def membership_add(
    *, actor: User | None, group: WorkingGroup, data: MembershipInput
) -> GroupMembership:
    errors: dict = {}
    if data.user is None and not data.external_name.strip():
        errors.setdefault("external_name", []).append(
            _("Choose a user or give the name of an external member.")
        )
    if data.user is not None and data.external_name.strip():
        errors.setdefault("external_name", []).append(
            _("Give either a user or an external name, not both.")
        )
    if data.role not in GroupMembership.Role.values:
        errors.setdefault("role", []).append(_("Choose a role."))
    if data.term_end is not None and data.term_end < data.term_start:
        errors.setdefault("term_end", []).append(_("The term ends before it starts."))
    if data.organisation.region_id != group.region_id:
        errors.setdefault("organisation", []).append(
            _("Choose an organisation of the group's region.")
        )
    _raise(errors)
    membership = GroupMembership.objects.create(
        group=group,
        user=data.user,
        external_name=data.external_name.strip(),
        external_email=data.external_email.strip(),
        title=data.title.strip(),
        organisation=data.organisation,
        role=data.role,
        topic=data.topic.strip(),
        term_start=data.term_start,
        term_end=data.term_end,
        appointing_decision=data.appointing_decision,
        appointing_decision_text=data.appointing_decision_text.strip(),
        created_by=actor,
        modified_by=actor,
    )
    _audit(actor, Action.CREATE, membership, audit_summary("ref", type="WorkingGroup", id=group.pk))
    return membership


@transaction.atomic
def membership_end(*, actor: User | None, membership: GroupMembership, on: date) -> GroupMembership:
    """End a member's term on the given day (inclusive). The row stays for past minutes."""
    if on < membership.term_start:
        raise ValidationError({"term_end": [_("The term ends before it starts.")]})
    if membership.term_end is not None and membership.term_end <= on:
        raise ValidationError({"term_end": [_("The term has already ended.")]})
    membership.term_end = on
    membership.modified_by = actor
    membership.save(update_fields=["term_end", "modified_by", "modified_at"])
    _audit(actor, Action.UPDATE, membership, audit_summary("step", step="end_term"))
    return membership


# ---------------------------------------------------------------- meetings


@dataclass
class MeetingInput:
    date: date
    place: str = ""
    link: str = ""
    start_time: time | None = None
    participants: list[GroupMembership] = field(default_factory=list)
    guests: str = ""
    minutes_notes: str = ""


def _save_meeting(meeting: Meeting, data: MeetingInput, actor) -> Meeting:
    errors: dict = {}
    _required(errors, date=data.date)
    if not data.place.strip() and not data.link.strip():
        errors.setdefault("place", []).append(_("Give a place or a link to the online meeting."))
    for member in data.participants:
        if member.group_id != meeting.group_id:
            errors.setdefault("participants", []).append(
                _("Participants must be members of the group.")
            )
            break
    _raise(errors)
    meeting.date = data.date
    meeting.start_time = data.start_time
    meeting.place = data.place.strip()
    meeting.link = data.link.strip()
    meeting.guests = data.guests.strip()
    meeting.minutes_notes = data.minutes_notes.strip()
    meeting.modified_by = actor
    created = meeting.pk is None
    if created:
        meeting.created_by = actor
    meeting.save()
    meeting.participants.set(data.participants)
    _audit(
        actor,
        Action.CREATE if created else Action.UPDATE,
        meeting,
        audit_summary("ref", type="WorkingGroup", id=meeting.group_id),
    )
    return meeting


def _editable(meeting: Meeting) -> None:
    if meeting.minutes_approved:
        raise ValidationError(_("The minutes of this meeting are approved and cannot be changed."))
    if meeting.archived:
        raise ValidationError(_("This meeting has been deleted."))


@transaction.atomic
def meeting_schedule(*, actor: User | None, group: WorkingGroup, data: MeetingInput) -> Meeting:
    return _save_meeting(Meeting(group=group), data, actor)


@transaction.atomic
def meeting_update(*, actor: User | None, meeting: Meeting, data: MeetingInput) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _editable(meeting)
    return _save_meeting(meeting, data, actor)


@transaction.atomic
def meeting_delete(*, actor: User | None, meeting: Meeting) -> None:
    """Delete a meeting. It is archived, not erased, so that the audit trail and any approved
    minutes stay on record; it no longer counts towards the group's meetings or appears in lists
    and reports. A meeting in which an annual report was processed cannot be deleted."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.archived:
        raise ValidationError(_("This meeting has been deleted."))
    if AnnualReport.objects.filter(processed_item__meeting=meeting).exists():
        raise ValidationError(_("An annual report was processed in this meeting."))
    meeting.archived = True
    meeting.modified_by = actor
    meeting.save(update_fields=["archived", "modified_by", "modified_at"])
    _audit(
        actor,
        Action.DELETE,
        meeting,
        audit_summary("ref", type="WorkingGroup", id=meeting.group_id),
    )


# ---------------------------------------------------------------- agenda items


@dataclass
class AgendaItemInput:
    title: str
    description: str = ""
    decision: str = ""
    goals: list[Goal] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    annual_report: AnnualReport | None = None


def _save_item(item: AgendaItem, data: AgendaItemInput, actor) -> AgendaItem:
    errors: dict = {}
    _required(errors, title=data.title)
    region_id = item.meeting.group.region_id
    if data.annual_report is not None and data.annual_report.region_id != region_id:
        errors.setdefault("annual_report", []).append(_("Choose a report of the group's region."))
    for name in ("goals", "measures", "indicators"):
        for obj in getattr(data, name):
            programme = obj.programme if isinstance(obj, Goal) else obj.goal.programme
            if programme.region_id != region_id:
                errors.setdefault(name, []).append(_("Choose from the programme of the region."))
                break
    _raise(errors)
    item.title = data.title.strip()
    item.description = data.description.strip()
    item.decision = data.decision.strip()
    item.annual_report = data.annual_report
    item.modified_by = actor
    created = item.pk is None
    if created:
        item.created_by = actor
        last = item.meeting.items.aggregate(n=Max("number"))["n"] or 0
        item.number = last + 1
    item.save()
    item.goals.set(data.goals)
    item.measures.set(data.measures)
    item.indicators.set(data.indicators)
    item.services.set(data.services)
    _audit(
        actor,
        Action.CREATE if created else Action.UPDATE,
        item,
        audit_summary("ref", type="Meeting", id=item.meeting_id),
    )
    return item


@transaction.atomic
def agenda_item_add(*, actor: User | None, meeting: Meeting, data: AgendaItemInput) -> AgendaItem:
    meeting = Meeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
    _editable(meeting)
    return _save_item(AgendaItem(meeting=meeting), data, actor)


@transaction.atomic
def agenda_item_update(
    *, actor: User | None, item: AgendaItem, data: AgendaItemInput
) -> AgendaItem:
    meeting = Meeting.objects.select_for_update().select_related("group").get(pk=item.meeting_id)
    _editable(meeting)
    item.meeting = meeting
    return _save_item(item, data, actor)


@transaction.atomic
def agenda_item_record_decision(
    *, actor: User | None, item: AgendaItem, decision: str
) -> AgendaItem:
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    _editable(meeting)
    if not decision.strip():
        raise ValidationError({"decision": [_("Write the decision.")]})
    item.decision = decision.strip()
    item.modified_by = actor
    item.save(update_fields=["decision", "modified_by", "modified_at"])
    _audit(actor, Action.UPDATE, item, audit_summary("step", step="decision"))
    return item


@transaction.atomic
def minutes_approve(*, actor: User | None, meeting: Meeting) -> Meeting:
    """Approve the minutes: the meeting has been held and every item has its decision."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _editable(meeting)
    if meeting.date > timezone.localdate():
        raise ValidationError(
            _("The minutes can be approved only after the meeting has been held.")
        )
    items = list(meeting.items.all())
    if not items:
        raise ValidationError(_("The agenda has no items."))
    undecided = [str(i.number) for i in items if not i.decision.strip()]
    if undecided:
        raise ValidationError(
            _("Record a decision for every item first. Missing: %(items)s.")
            % {"items": ", ".join(undecided)}
        )
    meeting.minutes_approved_at = timezone.now()
    meeting.minutes_approved_by = actor if actor is not None and actor.is_authenticated else None
    meeting.save(update_fields=["minutes_approved_at", "minutes_approved_by", "modified_at"])
    _audit(actor, Action.UPDATE, meeting, audit_summary("step", step="approve_minutes"))
    return meeting


# ---------------------------------------------------------------- follow-up tasks


@dataclass
class TaskInput:
    """The assignee is a user (`owner`) or a member of the group (`owner_member`), or neither."""

    title: str
    due: date
    owner: Any = None
    owner_member: GroupMembership | None = None
    agenda_item: AgendaItem | None = None


@transaction.atomic
def task_create(*, actor: User | None, group: WorkingGroup, data: TaskInput) -> FollowUpTask:
    errors: dict = {}
    _required(errors, title=data.title, due=data.due)
    if data.owner is not None and data.owner_member is not None:
        errors.setdefault("owner", []).append(
            _("Give the task to a user or to a member, not both.")
        )
    if data.owner is not None and not data.owner.is_active:
        errors.setdefault("owner", []).append(_("Choose an active user."))
    if data.owner_member is not None and (
        data.owner_member.group_id != group.pk or data.owner_member.archived
    ):
        errors.setdefault("owner", []).append(_("Choose a member of this group."))
    if data.agenda_item is not None and data.agenda_item.meeting.group_id != group.pk:
        errors.setdefault("agenda_item", []).append(_("Choose an item of this group's meetings."))
    _raise(errors)
    task = FollowUpTask.objects.create(
        group=group,
        agenda_item=data.agenda_item,
        title=data.title.strip(),
        owner=data.owner,
        owner_member=data.owner_member,
        due=data.due,
        created_by=actor,
        modified_by=actor,
    )
    if data.owner is not None:
        assignee = audit_summary("ref", type="User", id=data.owner.pk)
    elif data.owner_member is not None:
        assignee = audit_summary("ref", type="GroupMembership", id=data.owner_member.pk)
    else:
        assignee = None
    _audit(actor, Action.CREATE, task, assignee)
    follow_up_task_assigned.send_robust(sender=FollowUpTask, task=task, actor=actor)
    return task


@transaction.atomic
def task_complete(*, actor: User | None, task: FollowUpTask, note: str = "") -> FollowUpTask:
    task = FollowUpTask.objects.select_for_update().get(pk=task.pk)
    if task.status != FollowUpTask.Status.OPEN:
        raise ValidationError(_("This task is no longer open."))
    task.status = FollowUpTask.Status.DONE
    task.completed_at = timezone.now()
    task.completion_note = note.strip()
    task.modified_by = actor
    task.save(
        update_fields=["status", "completed_at", "completion_note", "modified_by", "modified_at"]
    )
    _audit(actor, Action.UPDATE, task, audit_summary("step", step="complete"))
    return task


# ---------------------------------------------------------------- annual report


@transaction.atomic
def report_create(
    *, actor: User | None, region: Region, year: int, summary: str = ""
) -> AnnualReport:
    if year < 2000 or year > 2100:
        raise ValidationError({"year": [_("Give a year between 2000 and 2100.")]})
    if AnnualReport.objects.filter(region=region, year=year).exists():
        raise ValidationError({"year": [_("The region already has a report for this year.")]})
    try:
        with transaction.atomic():
            report = AnnualReport.objects.create(
                region=region,
                year=year,
                summary=summary.strip(),
                created_by=actor,
                modified_by=actor,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"year": [_("The region already has a report for this year.")]}
        ) from exc
    _audit(actor, Action.CREATE, report, audit_summary("year", year=year))
    return report


@transaction.atomic
def report_update_summary(
    *, actor: User | None, report: AnnualReport, summary: str
) -> AnnualReport:
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.status != AnnualReport.Status.DRAFT:
        raise ValidationError(_("Only a draft report can be changed."))
    report.summary = summary.strip()
    report.modified_by = actor
    report.save(update_fields=["summary", "modified_by", "modified_at"])
    _audit(actor, Action.UPDATE, report, audit_summary("step", step="summary"))
    return report


@transaction.atomic
def report_mark_processed(
    *, actor: User | None, report: AnnualReport, item: AgendaItem | None
) -> AnnualReport:
    """The cooperation group processed the report: only by linking one of its agenda items."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.status != AnnualReport.Status.DRAFT:
        raise ValidationError(_("The report has already been processed."))
    if item is None:
        raise ValidationError(
            {
                "item": [
                    _("Choose the cooperation-group agenda item in which the report was processed.")
                ]
            }
        )
    item = AgendaItem.objects.select_related("meeting__group").get(pk=item.pk)
    group = item.meeting.group
    errors: list[str] = []
    if group.kind != WorkingGroup.Kind.COOPERATION:
        errors.append(_("The item must be on the agenda of a cooperation group."))
    if group.region_id != report.region_id:
        errors.append(_("The group must belong to the report's region."))
    if item.meeting.archived:
        errors.append(_("This meeting has been deleted."))
    if item.meeting.date > timezone.localdate():
        errors.append(_("The meeting has not been held yet."))
    if not item.decision.strip():
        errors.append(_("The item has no decision yet."))
    if errors:
        raise ValidationError({"item": errors})
    if item.annual_report_id not in (None, report.pk):
        raise ValidationError({"item": [_("The item is linked to another report.")]})
    item.annual_report = report
    item.save(update_fields=["annual_report", "modified_at"])
    report.status = AnnualReport.Status.PROCESSED
    report.processed_item = item
    report.processed_at = timezone.now()
    report.modified_by = actor
    report.save(
        update_fields=["status", "processed_item", "processed_at", "modified_by", "modified_at"]
    )
    _audit(actor, Action.UPDATE, report, audit_summary("processed_in", item=item.pk))
    return report


@dataclass
class PresentationInput:
    body: str
    date: date
    decision: str
    section: str = ""
    organisation: Organisation | None = None


@transaction.atomic
def report_present(
    *, actor: User | None, report: AnnualReport, data: PresentationInput
) -> ReportPresentation:
    """Record that an approving body was presented the processed report, with its decision."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    errors: dict = {}
    if report.status == AnnualReport.Status.DRAFT:
        errors.setdefault("__all__", []).append(
            _("The cooperation group must process the report before it is presented.")
        )
    _required(errors, body=data.body, decision=data.decision, date=data.date)
    processed = report.processed_item
    if data.date is not None and processed is not None and data.date < processed.meeting.date:
        errors.setdefault("date", []).append(_("The report was processed later than this date."))
    _raise(errors)
    presentation = ReportPresentation.objects.create(
        report=report,
        body=data.body.strip(),
        organisation=data.organisation,
        date=data.date,
        section=data.section.strip(),
        decision=data.decision.strip(),
        created_by=actor,
        modified_by=actor,
    )
    _audit(
        actor, Action.CREATE, presentation, audit_summary("ref", type="AnnualReport", id=report.pk)
    )
    if report.status != AnnualReport.Status.PRESENTED:
        report.status = AnnualReport.Status.PRESENTED
        report.presented_at = timezone.now()
        report.modified_by = actor
        report.save(update_fields=["status", "presented_at", "modified_by", "modified_at"])
        _audit(actor, Action.UPDATE, report, audit_summary("step", step="presented"))
    return presentation
