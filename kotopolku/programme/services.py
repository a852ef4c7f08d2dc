"""Writes to the programme. Every write is audited; approval freezes a version's content.

Planning edits (programme facts, policy lines, goals, measures, indicators) go into the open
version. When the latest version is approved, the first later edit starts a new draft.

Monitoring entries are not programme content: they are the figures measured against the
programme, recorded by hand or each month by the statistics (`compute_monitoring`). Recording
one changes no version and opens no draft; a document of an approved version shows the figures
frozen with it, a draft or the annual report the current ones.
"""

import re
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.catalogue.models import Service
from kotopolku.organisations.models import Organisation, Region
from kotopolku.programme import selectors
from kotopolku.programme.models import (
    ContextSeries,
    ContextValue,
    Decision,
    Goal,
    Indicator,
    Measure,
    MonitoringEntry,
    PolicyLine,
    Programme,
    ProgrammeVersion,
)

PERIOD = re.compile(r"^[0-9]{4}(-(H[12]|Q[1-4]))?$")
Status = ProgrammeVersion.Status


def _audit(actor, action: str, obj, details: dict | None = None, reason: str = "") -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=type(obj).__name__,
        object_id=obj.pk,
        reason=reason,
        details=details,
    )


def _require_fi(errors: dict, **values: str) -> None:
    for name, value in values.items():
        if not (value or "").strip():
            errors.setdefault(name, []).append(_("This is required in Finnish."))


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _set_translated(obj, data, names: tuple[str, ...]) -> None:
    for name in names:
        for code in ("fi", "sv", "en"):
            setattr(obj, f"{name}_{code}", getattr(data, f"{name}_{code}"))
        setattr(obj, name, getattr(data, f"{name}_fi"))


# ---------------------------------------------------------------- versions


def ensure_open_version(*, actor: Any, programme: Programme) -> ProgrammeVersion:
    """The version that edits go into; starts a new draft after an approval."""
    version = selectors.open_version(programme=programme)
    if version is not None:
        return version
    last = programme.versions.order_by("-number").first()
    version = ProgrammeVersion.objects.create(
        programme=programme,
        number=(last.number + 1) if last else 1,
        status=Status.DRAFT,
    )
    _audit(
        actor,
        AuditEvent.Action.CREATE,
        version,
        audit_summary("ref", type="Programme", id=programme.pk),
    )
    return version


@dataclass
class ProgrammeInput:
    region: Region
    name_fi: str
    period_start: int
    period_end: int
    name_sv: str = ""
    name_en: str = ""
    description_fi: str = ""
    description_sv: str = ""
    description_en: str = ""
    municipalities: list[Organisation] = field(default_factory=list)
    parties: list[Organisation] = field(default_factory=list)


def _validate_programme(data: ProgrammeInput) -> None:
    errors: dict = {}
    _require_fi(errors, name_fi=data.name_fi)
    if data.period_end < data.period_start:
        errors["period_end"] = [_("The last year is before the first year.")]
    if not 2000 <= data.period_start <= 2100:
        errors["period_start"] = [_("Give a year between 2000 and 2100.")]
    if any(m.kind != Organisation.Kind.MUNICIPALITY for m in data.municipalities):
        errors["municipalities"] = [_("Only municipalities can be chosen here.")]
    _raise(errors)


def _write_programme(programme: Programme, data: ProgrammeInput, actor) -> None:
    programme.region = data.region
    programme.period_start = data.period_start
    programme.period_end = data.period_end
    _set_translated(programme, data, ("name", "description"))
    programme.modified_by = actor
    programme.save()
    programme.municipalities.set(data.municipalities)
    programme.parties.set(data.parties)


@transaction.atomic
def programme_create(*, actor: Any, data: ProgrammeInput) -> Programme:
    _validate_programme(data)
    programme = Programme(created_by=actor)
    _write_programme(programme, data, actor)
    _audit(actor, AuditEvent.Action.CREATE, programme)
    ensure_open_version(actor=actor, programme=programme)
    return programme


@transaction.atomic
def programme_update(*, actor: Any, programme: Programme, data: ProgrammeInput) -> Programme:
    _validate_programme(data)
    ensure_open_version(actor=actor, programme=programme)
    _write_programme(programme, data, actor)
    _audit(actor, AuditEvent.Action.UPDATE, programme)
    return programme


@transaction.atomic
def version_submit(*, actor: Any, version: ProgrammeVersion) -> ProgrammeVersion:
    version = ProgrammeVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted for approval."))
    version.status = Status.SUBMITTED
    version.submitted_at = timezone.now()
    version.save(update_fields=["status", "submitted_at"])
    _audit(actor, AuditEvent.Action.UPDATE, version, audit_summary("step", step="submit"))
    return version


@dataclass
class DecisionInput:
    body_fi: str
    date: date
    text_fi: str
    body_sv: str = ""
    body_en: str = ""
    text_sv: str = ""
    text_en: str = ""
    appointments_fi: str = ""
    appointments_sv: str = ""
    appointments_en: str = ""
    section: str = ""
    organisation: Organisation | None = None


def _validate_decision(data: DecisionInput) -> None:
    errors: dict = {}
    _require_fi(errors, body_fi=data.body_fi, text_fi=data.text_fi)
    _raise(errors)


def _decision(programme, version, data: DecisionInput, actor) -> Decision:
    decision = Decision(
        programme=programme,
        version=version,
        date=data.date,
        section=data.section.strip(),
        organisation=data.organisation,
        created_by=actor,
        modified_by=actor,
    )
    _set_translated(decision, data, ("body", "text", "appointments"))
    decision.save()
    # The version's number, as the programme names its versions.
    ref = audit_summary("ref", type="ProgrammeVersion", id=version.number) if version else None
    _audit(actor, AuditEvent.Action.CREATE, decision, ref)
    return decision


@transaction.atomic
def version_approve(
    *, actor: Any, version: ProgrammeVersion, decision: DecisionInput
) -> ProgrammeVersion:
    """Freeze the version's content, supersede the earlier approval and record the decision."""
    version = ProgrammeVersion.objects.select_for_update().get(pk=version.pk)
    if version.status not in (Status.DRAFT, Status.SUBMITTED):
        raise ValidationError(_("This version has already been decided."))
    _validate_decision(decision)
    version.programme.versions.filter(status=Status.APPROVED).update(status=Status.SUPERSEDED)
    version.content = selectors.programme_content(programme=version.programme, day=decision.date)
    version.status = Status.APPROVED
    version.approved_at = timezone.now()
    version.save(update_fields=["content", "status", "approved_at"])
    _audit(actor, AuditEvent.Action.UPDATE, version, audit_summary("step", step="approve"))
    _decision(version.programme, version, decision, actor)
    return version


@transaction.atomic
def decision_add(
    *,
    actor: Any,
    programme: Programme,
    version: ProgrammeVersion | None,
    data: DecisionInput,
) -> Decision:
    """A decision that does not approve a version, for example an appointment."""
    _validate_decision(data)
    return _decision(programme, version, data, actor)


# ---------------------------------------------------------------- policy lines


@dataclass
class PolicyLineInput:
    municipality: Organisation
    number: int
    title_fi: str
    text_fi: str
    title_sv: str = ""
    title_en: str = ""
    text_sv: str = ""
    text_en: str = ""


def _save_policy_line(programme, line: PolicyLine, data: PolicyLineInput, actor) -> PolicyLine:
    errors: dict = {}
    _require_fi(errors, title_fi=data.title_fi, text_fi=data.text_fi)
    if data.municipality.kind != Organisation.Kind.MUNICIPALITY:
        errors["municipality"] = [_("Only municipalities can be chosen here.")]
    clash = PolicyLine.objects.filter(
        programme=programme, municipality=data.municipality, number=data.number
    ).exclude(pk=line.pk)
    if clash.exists():
        errors["number"] = [_("The municipality already has a policy line with this number.")]
    _raise(errors)
    ensure_open_version(actor=actor, programme=programme)
    line.programme = programme
    line.municipality = data.municipality
    line.number = data.number
    _set_translated(line, data, ("title", "text"))
    line.modified_by = actor
    creating = line.pk is None
    if creating:
        line.created_by = actor
    line.save()
    _audit(actor, AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE, line)
    return line


@transaction.atomic
def policy_line_create(*, actor: Any, programme: Programme, data: PolicyLineInput) -> PolicyLine:
    return _save_policy_line(programme, PolicyLine(), data, actor)


@transaction.atomic
def policy_line_update(*, actor: Any, line: PolicyLine, data: PolicyLineInput) -> PolicyLine:
    return _save_policy_line(line.programme, line, data, actor)


# ---------------------------------------------------------------- goals


@dataclass
class GoalInput:
    title_fi: str
    title_sv: str = ""
    title_en: str = ""
    description_fi: str = ""
    description_sv: str = ""
    description_en: str = ""
    number: int | None = None
    welfare_plan: bool = False
    policy_lines: list[PolicyLine] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)


def _save_goal(programme: Programme, goal: Goal, data: GoalInput, actor) -> Goal:
    errors: dict = {}
    _require_fi(errors, title_fi=data.title_fi)
    if any(p.programme_id != programme.pk for p in data.policy_lines):
        errors["policy_lines"] = [_("A policy line of another programme was chosen.")]
    number = data.number
    if number is None:
        number = goal.number or (
            (
                Goal.objects.filter(programme=programme).order_by("-number").first()
                or Goal(number=0)
            ).number
            + 1
        )
    if Goal.objects.filter(programme=programme, number=number).exclude(pk=goal.pk).exists():
        errors["number"] = [_("Another goal already has this number.")]
    _raise(errors)
    ensure_open_version(actor=actor, programme=programme)
    goal.programme = programme
    goal.number = number
    goal.welfare_plan = data.welfare_plan
    _set_translated(goal, data, ("title", "description"))
    creating = goal.pk is None
    if creating:
        goal.created_by = actor
    goal.modified_by = actor
    goal.save()
    goal.policy_lines.set(data.policy_lines)
    goal.services.set(data.services)
    _audit(actor, AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE, goal)
    return goal


@transaction.atomic
def goal_create(*, actor: Any, programme: Programme, data: GoalInput) -> Goal:
    return _save_goal(programme, Goal(), data, actor)


@transaction.atomic
def goal_update(*, actor: Any, goal: Goal, data: GoalInput) -> Goal:
    return _save_goal(goal.programme, goal, data, actor)


# ---------------------------------------------------------------- measures


@dataclass
class MeasureInput:
    title_fi: str
    responsible_unit_fi: str
    starts: date
    title_sv: str = ""
    title_en: str = ""
    description_fi: str = ""
    description_sv: str = ""
    description_en: str = ""
    responsible_unit_sv: str = ""
    responsible_unit_en: str = ""
    responsible_organisation: Organisation | None = None
    ends: date | None = None
    status: str = Measure.Status.PLANNED
    operating_plan: str = ""
    operating_plan_url: str = ""
    services: list[Service] = field(default_factory=list)


def _save_measure(goal: Goal, measure: Measure, data: MeasureInput, actor) -> Measure:
    errors: dict = {}
    _require_fi(errors, title_fi=data.title_fi, responsible_unit_fi=data.responsible_unit_fi)
    if data.ends is not None and data.ends < data.starts:
        errors["ends"] = [_("The measure ends before it starts.")]
    if data.status not in Measure.Status.values:
        errors["status"] = [_("Unknown status.")]
    _raise(errors)
    ensure_open_version(actor=actor, programme=goal.programme)
    measure.goal = goal
    for name in ("starts", "ends", "status", "operating_plan", "operating_plan_url"):
        setattr(measure, name, getattr(data, name))
    measure.responsible_organisation = data.responsible_organisation
    _set_translated(measure, data, ("title", "description", "responsible_unit"))
    creating = measure.pk is None
    if creating:
        measure.created_by = actor
    measure.modified_by = actor
    measure.save()
    measure.services.set(data.services)
    _audit(actor, AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE, measure)
    return measure


@transaction.atomic
def measure_create(*, actor: Any, goal: Goal, data: MeasureInput) -> Measure:
    return _save_measure(goal, Measure(), data, actor)


@transaction.atomic
def measure_update(*, actor: Any, measure: Measure, data: MeasureInput) -> Measure:
    return _save_measure(measure.goal, measure, data, actor)


# ---------------------------------------------------------------- indicators


@dataclass
class IndicatorInput:
    name_fi: str
    definition_fi: str
    unit_fi: str
    direction: str
    source: str
    name_sv: str = ""
    name_en: str = ""
    definition_sv: str = ""
    definition_en: str = ""
    unit_sv: str = ""
    unit_en: str = ""
    baseline: Decimal | None = None
    baseline_year: int | None = None
    target: Decimal | None = None
    target_year: int | None = None
    source_reference: str = ""
    welfare_plan: bool = False


def _save_indicator(goal: Goal, indicator: Indicator, data: IndicatorInput, actor) -> Indicator:
    errors: dict = {}
    _require_fi(
        errors, name_fi=data.name_fi, definition_fi=data.definition_fi, unit_fi=data.unit_fi
    )
    if data.direction not in Indicator.Direction.values:
        errors["direction"] = [_("Unknown direction.")]
    if data.source not in Indicator.Source.values:
        errors["source"] = [_("Unknown source.")]
    elif data.source == Indicator.Source.EXTERNAL and not data.source_reference.strip():
        errors["source_reference"] = [_("An external indicator needs a source reference.")]
    _raise(errors)
    ensure_open_version(actor=actor, programme=goal.programme)
    indicator.goal = goal
    for name in (
        "direction",
        "source",
        "baseline",
        "baseline_year",
        "target",
        "target_year",
        "welfare_plan",
    ):
        setattr(indicator, name, getattr(data, name))
    indicator.source_reference = data.source_reference.strip()
    _set_translated(indicator, data, ("name", "definition", "unit"))
    creating = indicator.pk is None
    if creating:
        indicator.created_by = actor
    indicator.modified_by = actor
    indicator.save()
    _audit(actor, AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE, indicator)
    return indicator


@transaction.atomic
def indicator_create(*, actor: Any, goal: Goal, data: IndicatorInput) -> Indicator:
    return _save_indicator(goal, Indicator(), data, actor)


@transaction.atomic
def indicator_update(*, actor: Any, indicator: Indicator, data: IndicatorInput) -> Indicator:
    return _save_indicator(indicator.goal, indicator, data, actor)


@transaction.atomic
def monitoring_entry_record(
    *,
    actor: Any,
    indicator: Indicator,
    period: str,
    value: Decimal,
    comment: str = "",
) -> MonitoringEntry:
    """Record (or correct) the value of an indicator for one period. Monitoring is not programme
    content, so no draft version is opened (a monthly run after an approval would otherwise open
    one every month)."""
    period = period.strip().upper()
    if not PERIOD.match(period):
        raise ValidationError(
            {
                "period": [
                    _("Give the period as a year (2025), a half (2025-H1) or a quarter (2025-Q3).")
                ]
            }
        )
    entry, created = MonitoringEntry.objects.update_or_create(
        indicator=indicator,
        period=period,
        defaults={"value": value, "comment": comment, "modified_by": actor},
    )
    if created:
        entry.created_by = actor
        entry.save(update_fields=["created_by"])
    _audit(
        actor,
        AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        entry,
        reason=period,
    )
    return entry


@transaction.atomic
def planning_archive(*, actor: Any, obj: PolicyLine | Goal | Measure | Indicator) -> None:
    """Archive a policy line, goal, measure or indicator; approved versions keep it."""
    programme = obj.goal.programme if isinstance(obj, Measure | Indicator) else obj.programme
    ensure_open_version(actor=actor, programme=programme)
    obj.archived = True
    obj.modified_by = actor
    obj.save(update_fields=["archived", "modified_by", "modified_at"])
    _audit(actor, AuditEvent.Action.UPDATE, obj, audit_summary("step", step="archive"))


def input_from(model_obj, input_cls) -> Any:
    """The current values of an object as an input dataclass, for edit forms and PATCH."""
    values = {}
    for f in fields(input_cls):
        value: Any = getattr(model_obj, f.name, None)
        if hasattr(value, "all"):
            value = list(value.all())
        values[f.name] = "" if value is None and f.type is str else value
    return input_cls(**values)


@dataclass
class ContextImportResult:
    series: list[ContextSeries] = field(default_factory=list)
    values: int = 0


@transaction.atomic
def context_series_import(
    *, actor: Any, indicator: Indicator, data: Any, retrieved_on: date, dry_run: bool = False
) -> ContextImportResult:
    """Store national figures (`programme.national.NationalData`) as context series of one
    indicator: one series per area, gender and variant. A series imported again is replaced
    whole (its values and retrieval day), so the figures are always one retrieval's.
    All or nothing: a bad row raises before anything is stored. Like monitoring entries, these
    are figures beside the programme, not its content, so no draft version is opened."""
    if not data.rows:
        raise ValidationError(_("The file has no values for the chosen areas."))
    groups: dict[tuple[str, str, str], list] = {}
    for row in data.rows:
        if not PERIOD.match(row.period):
            raise ValidationError(
                _("“%(period)s” is not a year, half or quarter.") % {"period": row.period}
            )
        groups.setdefault((row.area_code, row.gender, row.variant), []).append(row)
    result = ContextImportResult()
    for (area, gender, variant), rows in sorted(groups.items()):
        periods = [r.period for r in rows]
        if len(set(periods)) != len(periods):
            raise ValidationError(_("Area %(area)s has the same period twice.") % {"area": area})
        result.values += len(rows)
        if dry_run:
            result.series.append(
                ContextSeries(
                    indicator=indicator,
                    source=data.source,
                    source_reference=data.source_reference,
                    area_code=area,
                    gender=gender,
                    variant=variant,
                    title=data.title,
                    area_name=rows[0].area_name,
                    unit=data.unit,
                    url=data.url,
                    retrieved_on=retrieved_on,
                )
            )
            continue
        series, _created = ContextSeries.objects.update_or_create(
            indicator=indicator,
            source=data.source,
            source_reference=data.source_reference,
            area_code=area,
            gender=gender,
            variant=variant,
            defaults={
                "title": data.title,
                "area_name": rows[0].area_name,
                "unit": data.unit,
                "url": data.url[:1000],
                "retrieved_on": retrieved_on,
            },
        )
        series.values.all().delete()
        ContextValue.objects.bulk_create(
            ContextValue(series=series, period=r.period, value=r.value)
            for r in sorted(rows, key=lambda r: r.period)
        )
        result.series.append(series)
    if not dry_run:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type="Indicator",
            object_id=indicator.pk,
            reason=f"context {data.source} {data.source_reference}: "
            f"{len(result.series)} series, {result.values} values",
        )
    return result
