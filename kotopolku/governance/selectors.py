"""Reads of governance: lists, details, the meeting-count warning, tasks and the report content."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

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
    StateReportingProfile,
    WorkingGroup,
)
from kotopolku.organisations.models import Region
from kotopolku.programme.models import Goal, Indicator, Measure, MonitoringEntry, Programme

# ---------------------------------------------------------------- groups


def group_list(*, search: str = "", year: int | None = None) -> QuerySet[WorkingGroup]:
    """Groups with `meetings_in_year`: meetings scheduled or held in the year (not deleted)."""
    year = year or timezone.localdate().year
    rows = WorkingGroup.objects.filter(archived=False).select_related(
        "region", "chair_organisation", "vice_chair_organisation"
    )
    if search:
        rows = rows.filter(
            Q(name_fi__icontains=search)
            | Q(name_sv__icontains=search)
            | Q(name_en__icontains=search)
        )
    return rows.annotate(
        meetings_in_year=Count(
            "meetings", filter=Q(meetings__archived=False, meetings__date__year=year)
        )
    ).order_by("region__name", "kind", "name_fi")


def group_detail(*, pk: int) -> WorkingGroup:
    return WorkingGroup.objects.select_related(
        "region", "chair_organisation", "vice_chair_organisation"
    ).get(pk=pk, archived=False)


def group_members(
    *, group: WorkingGroup, on: date | None = None, actor: Any = None, with_contacts: bool = False
) -> QuerySet[GroupMembership]:
    """Members whose term covers the day (all terms when no day is given). Reading e-mail
    addresses is recorded in the audit log."""
    rows = GroupMembership.objects.filter(group=group, archived=False).select_related(
        "user", "organisation", "appointing_decision"
    )
    if on is not None:
        rows = rows.filter(term_start__lte=on).filter(
            Q(term_end__isnull=True) | Q(term_end__gte=on)
        )
    if with_contacts and actor is not None:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.VIEW,
            object_type="WorkingGroup",
            object_id=group.pk,
            details=audit_summary("member_contacts"),
        )
    return rows.order_by("role", "organisation__name_fi", "id")


@dataclass
class MeetingCount:
    year: int
    count: int
    minimum: int

    @property
    def short(self) -> bool:
        return self.count < self.minimum


def meeting_count(*, group: WorkingGroup, year: int) -> MeetingCount:
    """Meetings scheduled or held in the year (deleted ones do not count) against the minimum."""
    count = Meeting.objects.filter(group=group, archived=False, date__year=year).count()
    return MeetingCount(year=year, count=count, minimum=group.min_meetings_per_year)


def meeting_years(*, group: WorkingGroup, today: date | None = None) -> list[MeetingCount]:
    """The count for this year and every earlier year in which the group met, newest first."""
    today = today or timezone.localdate()
    years = set(
        Meeting.objects.filter(group=group, archived=False).values_list("date__year", flat=True)
    )
    years.add(today.year)
    counts = dict(
        Meeting.objects.filter(group=group, archived=False)
        .values_list("date__year")
        .annotate(n=Count("id"))
        .values_list("date__year", "n")
    )
    return [
        MeetingCount(year=y, count=counts.get(y, 0), minimum=group.min_meetings_per_year)
        for y in sorted(years, reverse=True)
    ]


# ---------------------------------------------------------------- meetings


def meeting_list(
    *, group: WorkingGroup | None = None, search: str = "", year: int | None = None
) -> QuerySet[Meeting]:
    rows = Meeting.objects.filter(archived=False).select_related("group")
    if group is not None:
        rows = rows.filter(group=group)
    if year:
        rows = rows.filter(date__year=year)
    if search:
        rows = rows.filter(
            Q(group__name_fi__icontains=search)
            | Q(group__name_sv__icontains=search)
            | Q(place__icontains=search)
            | Q(items__title__icontains=search)
        ).distinct()
    return rows.annotate(item_count=Count("items", distinct=True)).order_by("-date", "-id")


def _items_queryset() -> QuerySet[AgendaItem]:
    return AgendaItem.objects.prefetch_related(
        "goals",
        Prefetch("measures", queryset=Measure.objects.select_related("goal")),
        "indicators",
        "services",
        Prefetch(
            "tasks", queryset=FollowUpTask.objects.select_related("owner", "owner_member__user")
        ),
    ).select_related("annual_report")


def meeting_detail(*, pk: int) -> Meeting:
    return (
        Meeting.objects.select_related("group", "group__region", "minutes_approved_by")
        .prefetch_related(
            Prefetch("items", queryset=_items_queryset().order_by("number")),
            Prefetch(
                "participants",
                queryset=GroupMembership.objects.select_related("user", "organisation"),
            ),
        )
        .get(pk=pk, archived=False)
    )


def meeting_for_calendar(*, pk: int) -> Meeting:
    """What a calendar event of the meeting needs (governance/ics.py)."""
    return Meeting.objects.select_related("group").get(pk=pk, archived=False)


def upcoming_meetings(*, since: date) -> QuerySet[Meeting]:
    """Meetings on or after `since`, for a calendar feed; the caller decides who may see them
    (access/governance.py: every meeting is open to those with GOVERNANCE_VIEW)."""
    return (
        Meeting.objects.filter(archived=False, group__archived=False, date__gte=since)
        .select_related("group")
        .order_by("date", "start_time", "id")
    )


def item_list(*, meeting: Meeting) -> QuerySet[AgendaItem]:
    return _items_queryset().filter(meeting=meeting).order_by("number")


def item_detail(*, meeting: Meeting, pk: int) -> AgendaItem:
    return _items_queryset().get(pk=pk, meeting=meeting)


def region_programme(*, region_id: int, year: int) -> Programme | None:
    return (
        Programme.objects.filter(
            region_id=region_id, archived=False, period_start__lte=year, period_end__gte=year
        )
        .order_by("-period_start")
        .first()
    )


def reference_choices(*, region_id: int) -> dict[str, QuerySet]:
    """What an agenda item of a group of the region may refer to."""
    programme_q = Q(programme__region_id=region_id, programme__archived=False, archived=False)
    child_q = Q(
        goal__programme__region_id=region_id, goal__programme__archived=False, archived=False
    )
    return {
        "goals": Goal.objects.filter(programme_q).order_by("programme_id", "number"),
        "measures": Measure.objects.filter(child_q)
        .select_related("goal")
        .order_by("goal__number", "id"),
        "indicators": Indicator.objects.filter(child_q).order_by("goal__number", "id"),
        "services": Service.objects.filter(archived=False).order_by("name_fi"),
        "annual_report": AnnualReport.objects.filter(region_id=region_id).order_by("-year"),
    }


def cooperation_items(*, region_id: int) -> QuerySet[AgendaItem]:
    """Agenda items of held cooperation-group meetings that have a decision."""
    return (
        AgendaItem.objects.filter(
            meeting__group__region_id=region_id,
            meeting__group__kind=WorkingGroup.Kind.COOPERATION,
            meeting__archived=False,
            meeting__date__lte=timezone.localdate(),
        )
        .exclude(decision="")
        .select_related("meeting", "meeting__group")
        .order_by("-meeting__date", "number")
    )


# ---------------------------------------------------------------- tasks


def _assigned_to(user: Any) -> Q:
    """The tasks a user answers for: theirs, or given to their membership of the group."""
    return Q(owner_id=user.pk) | Q(owner_member__user_id=user.pk)


def tasks_of(*, user: Any, open_only: bool = True) -> QuerySet[FollowUpTask]:
    rows = FollowUpTask.objects.filter(_assigned_to(user), archived=False)
    if open_only:
        rows = rows.filter(status=FollowUpTask.Status.OPEN)
    return rows.select_related("group", "agenda_item", "agenda_item__meeting").order_by("due", "id")


def task_list(*, search: str = "", status: str = "", owner: Any = None) -> QuerySet[FollowUpTask]:
    rows = FollowUpTask.objects.filter(archived=False).select_related(
        "group", "owner", "owner_member__user", "agenda_item", "agenda_item__meeting"
    )
    if owner is not None:
        rows = rows.filter(_assigned_to(owner))
    if status in FollowUpTask.Status.values:
        rows = rows.filter(status=status)
    if search:
        rows = rows.filter(
            Q(title__icontains=search)
            | Q(owner__first_name__icontains=search)
            | Q(owner__last_name__icontains=search)
            | Q(owner_member__external_name__icontains=search)
            | Q(owner_member__user__first_name__icontains=search)
            | Q(owner_member__user__last_name__icontains=search)
            | Q(group__name_fi__icontains=search)
        )
    return rows.order_by("status", "due", "id")


def task_detail(*, pk: int) -> FollowUpTask:
    return FollowUpTask.objects.select_related(
        "group", "owner", "owner_member__user", "agenda_item__meeting"
    ).get(pk=pk, archived=False)


# ---------------------------------------------------------------- annual report


def report_list(*, search: str = "") -> QuerySet[AnnualReport]:
    rows = AnnualReport.objects.filter(archived=False).select_related("region")
    if search:
        if search.isdigit():
            rows = rows.filter(year=int(search))
        else:
            rows = rows.filter(
                Q(region__name_fi__icontains=search) | Q(region__name_sv__icontains=search)
            )
    return rows.order_by("-year", "region__name")


def report_detail(*, pk: int) -> AnnualReport:
    return (
        AnnualReport.objects.select_related(
            "region", "processed_item", "processed_item__meeting", "processed_item__meeting__group"
        )
        .prefetch_related("presentations__organisation")
        .get(pk=pk, archived=False)
    )


def report_for(*, region_slug: str, year: int) -> AnnualReport | None:
    return (
        AnnualReport.objects.filter(region__slug=region_slug, year=year, archived=False)
        .select_related("region", "processed_item__meeting__group")
        .prefetch_related("presentations__organisation")
        .first()
    )


def _entries_of_year(entries: list[MonitoringEntry], year: int) -> list[MonitoringEntry]:
    prefix = str(year)
    return [e for e in entries if e.period[:4] == prefix]


def indicator_status(indicator: Indicator, value: Decimal | None) -> str:
    """reached / not_reached / no_value / no_target, by the indicator's direction."""
    if value is None:
        return "no_value"
    if indicator.target is None:
        return "no_target"
    if indicator.direction == Indicator.Direction.DECREASE:
        return "reached" if value <= indicator.target else "not_reached"
    if indicator.direction == Indicator.Direction.MAINTAIN:
        return "reached" if value >= indicator.target else "not_reached"
    return "reached" if value >= indicator.target else "not_reached"


def key_figures_available() -> bool:
    """Key figures come from the statistics app once it exists; until then the report says so."""
    from django.apps import apps

    return apps.is_installed("kotopolku.statistics")


# --- statistics hook (kotopolku/statistics): the year's key figures, small cells suppressed.
def key_figures(*, year: int) -> list:
    if not key_figures_available():
        return []
    from kotopolku.statistics.reports import report_key_figures

    return report_key_figures(year=year)


# --- end of statistics hook


def report_content(*, region: Region, year: int) -> dict[str, Any]:
    """Everything the annual report shows, read in a fixed number of queries."""
    programme = region_programme(region_id=region.pk, year=year)
    goals: list[Goal] = []
    if programme is not None:
        goals = list(
            Goal.objects.filter(programme=programme, archived=False)
            .prefetch_related(
                Prefetch(
                    "measures",
                    queryset=Measure.objects.filter(archived=False)
                    .select_related("responsible_organisation")
                    .order_by("starts", "id"),
                ),
                Prefetch(
                    "indicators",
                    queryset=Indicator.objects.filter(archived=False)
                    .prefetch_related(
                        Prefetch("entries", queryset=MonitoringEntry.objects.order_by("period"))
                    )
                    .order_by("id"),
                ),
            )
            .order_by("number")
        )
    indicators = []
    for goal in goals:
        for indicator in goal.indicators.all():
            entries = _entries_of_year(list(indicator.entries.all()), year)
            annual = next((e for e in entries if e.period == str(year)), None)
            value = annual.value if annual else (entries[-1].value if entries else None)
            indicators.append(
                {
                    "goal": goal,
                    "indicator": indicator,
                    "entries": entries,
                    "value": value,
                    "status": indicator_status(indicator, value),
                }
            )
    start, end = date(year, 1, 1), date(year, 12, 31)
    services = Service.objects.filter(archived=False).select_related("responsible_organisation")
    added = list(
        services.filter(active_from__range=(start, end)).order_by("active_from", "name_fi")
    )
    removed = list(services.filter(active_to__range=(start, end)).order_by("active_to", "name_fi"))
    active = (
        services.filter(active_from__lte=end)
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=end))
        .count()
    )
    meetings = list(
        Meeting.objects.filter(
            group__region=region, group__archived=False, archived=False, date__year=year
        )
        .select_related("group")
        .prefetch_related(Prefetch("items", queryset=AgendaItem.objects.order_by("number")))
        .order_by("date", "id")
    )
    open_tasks = list(
        FollowUpTask.objects.filter(
            group__region=region, archived=False, status=FollowUpTask.Status.OPEN
        )
        .select_related("group", "owner", "owner_member__user")
        .order_by("due", "id")
    )
    groups = list(
        WorkingGroup.objects.filter(region=region, archived=False).order_by("kind", "name_fi")
    )
    return {
        "region": region,
        "year": year,
        "programme": programme,
        "goals": goals,
        "indicators": indicators,
        "services_added": added,
        "services_removed": removed,
        "services_active": active,
        "groups": groups,
        "meetings": meetings,
        "open_tasks": open_tasks,
        "key_figures_available": key_figures_available(),
        "key_figures": key_figures(year=year),  # statistics hook (kotopolku/statistics)
    }


def state_profile(*, region: Region, year: int) -> StateReportingProfile | None:
    return (
        StateReportingProfile.objects.filter(
            region=region, archived=False, valid_from__lte=date(year, 12, 31)
        )
        .prefetch_related("fields")
        .order_by("-valid_from")
        .first()
    )


def state_figures(*, content: dict[str, Any]) -> dict[str, int]:
    """The figures a state reporting field may ask for, from the report's content."""
    measures = [m for g in content["goals"] for m in g.measures.all()]
    return {
        "measures_total": len(measures),
        "measures_done": sum(1 for m in measures if m.status == Measure.Status.DONE),
        "measures_in_progress": sum(1 for m in measures if m.status == Measure.Status.IN_PROGRESS),
        "indicators_with_value": sum(1 for i in content["indicators"] if i["value"] is not None),
        "indicators_on_target": sum(1 for i in content["indicators"] if i["status"] == "reached"),
        "services_active": content["services_active"],
        "services_added": len(content["services_added"]),
        "services_removed": len(content["services_removed"]),
        "cooperation_meetings": sum(
            1 for m in content["meetings"] if m.group.kind == WorkingGroup.Kind.COOPERATION
        ),
        "meetings_total": len(content["meetings"]),
        "open_tasks": len(content["open_tasks"]),
    }


def home_tasks(*, user: Any) -> dict[str, Any]:
    """The home page's block of the user's open follow-up tasks (None hides the block)."""
    tasks = list(tasks_of(user=user)[:20])
    return {"governance_tasks": tasks, "today": timezone.localdate()}
