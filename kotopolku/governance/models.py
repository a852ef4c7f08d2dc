"""Working groups, their members and meetings, follow-up tasks and the annual programme report.

The groups are public bodies: member names and the organisations they represent appear in
meetings, minutes and the annual report. E-mail addresses of members are shown only to the
people who manage the groups (see access/governance.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kotopolku.catalogue.models import Service
from kotopolku.common.formatting import short_date
from kotopolku.common.models import TrackedModel
from kotopolku.organisations.models import Organisation, Region
from kotopolku.programme.models import Decision, Goal, Indicator, Measure


class WorkingGroup(TrackedModel):
    """A regional working group (yhteistyöryhmä, koordinaatioryhmä)."""

    class Kind(models.TextChoices):
        COOPERATION = "cooperation", _("cooperation group")
        COORDINATION = "coordination", _("coordination group")
        OTHER = "other", _("other working group")

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="working_groups", verbose_name=_("region")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    mandate = models.TextField(_("mandate"), blank=True)
    tasks = models.TextField(
        _("tasks"), blank=True, help_text=_("One task per line, as in the programme document.")
    )
    chair_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_groups",
        verbose_name=_("chair organisation"),
    )
    vice_chair_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vice_chaired_groups",
        verbose_name=_("vice-chair organisation"),
    )
    min_meetings_per_year = models.PositiveSmallIntegerField(
        _("minimum meetings per year"), default=0
    )

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["region", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="working_group_name_unique"),
            models.CheckConstraint(
                condition=Q(chair_organisation__isnull=True)
                | Q(vice_chair_organisation__isnull=True)
                | ~Q(chair_organisation=models.F("vice_chair_organisation")),
                name="working_group_chair_differs_from_vice_chair",
                violation_error_message=_(
                    "The chair and the vice-chair must be different organisations."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def task_lines(self) -> list[str]:
        return [line.strip() for line in (self.tasks or "").splitlines() if line.strip()]


class GroupMembership(TrackedModel):
    """A person in a working group: a user of the system, or an external name and e-mail."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        VICE_CHAIR = "vice_chair", _("vice-chair")
        MEMBER = "member", _("member")
        SECRETARY = "secretary", _("secretary")
        EXPERT = "expert", _("expert")

    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("group")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_memberships",
        verbose_name=_("user"),
    )
    external_name = models.CharField(_("name"), max_length=150, blank=True)
    external_email = models.EmailField(_("e-mail"), blank=True)
    title = models.CharField(_("title"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="group_memberships",
        verbose_name=_("organisation represented"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    topic = models.CharField(
        _("topic"),
        max_length=200,
        blank=True,
        help_text=_("For members who widen the group for one topic, for example schools."),
    )
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    appointing_decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_appointments",
        verbose_name=_("appointing decision"),
    )
    appointing_decision_text = models.CharField(
        _("appointing decision (reference)"),
        max_length=300,
        blank=True,
        help_text=_("For decisions of other bodies, for example “Tuusula welfare board 5 §”."),
    )

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        ordering = ["group", "role", "organisation__name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(external_name=""),
                name="group_membership_has_person",
                violation_error_message=_("Choose a user or give the name of an external member."),
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="group_membership_term_order",
                violation_error_message=_("The term ends before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} ({self.organisation})"

    @property
    def person_name(self) -> str:
        if self.user is not None:
            return self.user.get_full_name() or self.user.get_username()
        return self.external_name

    @property
    def email(self) -> str:
        return self.user.email if self.user is not None else self.external_email


class Meeting(TrackedModel):
    group = models.ForeignKey(
        WorkingGroup, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("group")
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    link = models.URLField(_("link to the online meeting"), blank=True)
    participants = models.ManyToManyField(
        GroupMembership, blank=True, related_name="meetings", verbose_name=_("participants")
    )
    guests = models.TextField(
        _("other participants"), blank=True, help_text=_("One per line: name and organisation.")
    )
    minutes_notes = models.TextField(_("notes for the minutes"), blank=True)
    minutes_approved_at = models.DateTimeField(_("minutes approved"), null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("minutes approved by"),
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(link=""),
                name="meeting_has_place_or_link",
                violation_error_message=_("Give a place or a link to the online meeting."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} {short_date(self.date)}"

    @property
    def minutes_approved(self) -> bool:
        return self.minutes_approved_at is not None


class AgendaItem(TrackedModel):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("meeting")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("presentation"), blank=True)
    decision = models.TextField(_("decision"), blank=True)
    goals = models.ManyToManyField(
        Goal, blank=True, related_name="agenda_items", verbose_name=_("goals")
    )
    measures = models.ManyToManyField(
        Measure, blank=True, related_name="agenda_items", verbose_name=_("measures")
    )
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="agenda_items", verbose_name=_("indicators")
    )
    services = models.ManyToManyField(
        Service, blank=True, related_name="agenda_items", verbose_name=_("services")
    )
    annual_report = models.ForeignKey(
        "AnnualReport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("annual report"),
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="agenda_item_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class FollowUpTask(TrackedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.PROTECT,
        related_name="follow_up_tasks",
        verbose_name=_("group"),
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("agenda item"),
    )
    title = models.CharField(_("task"), max_length=300)
    # The assignee: a user of the system, or a member of the group (who may have no account);
    # one of the two, or neither while the task is unassigned.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up_tasks",
        verbose_name=_("owner"),
    )
    owner_member = models.ForeignKey(
        GroupMembership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up_tasks",
        verbose_name=_("owner (group member)"),
    )
    due = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completion_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ["status", "due", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", completed_at__isnull=True)
                | (~Q(status="open") & Q(completed_at__isnull=False)),
                name="follow_up_task_completion_time",
            ),
            models.CheckConstraint(
                condition=Q(owner__isnull=True) | Q(owner_member__isnull=True),
                name="follow_up_task_one_assignee",
                violation_error_message=_("Give the task to a user or to a member, not both."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def assignee_name(self) -> str:
        if self.owner is not None:
            return self.owner.get_full_name() or self.owner.get_username()
        if self.owner_member is not None:
            return self.owner_member.person_name
        return ""

    @property
    def assignee_user_id(self) -> int | None:
        """The user who answers for the task: the owner, or the member's own account."""
        if self.owner_id is not None:
            return self.owner_id
        if self.owner_member is not None:
            return self.owner_member.user_id
        return None


class AnnualReport(TrackedModel):
    """The annual programme report (ohjelmaraportti) of a region for one year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PROCESSED = "processed", _("processed by the cooperation group")
        PRESENTED = "presented", _("presented to the approving bodies")

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="annual_reports", verbose_name=_("region")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    summary = models.TextField(_("summary"), blank=True)
    processed_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="processed_reports",
        verbose_name=_("processed in agenda item"),
    )
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    presented_at = models.DateTimeField(_("presented"), null=True, blank=True)

    class Meta:
        verbose_name = _("annual programme report")
        verbose_name_plural = _("annual programme reports")
        ordering = ["region", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="annual_report_one_per_year"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(processed_item__isnull=False),
                name="annual_report_processed_has_item",
                violation_error_message=_(
                    "A processed report must be linked to a cooperation-group agenda item."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"


class ReportPresentation(TrackedModel):
    """The decision of one approving body to which the report was presented."""

    report = models.ForeignKey(
        AnnualReport,
        on_delete=models.CASCADE,
        related_name="presentations",
        verbose_name=_("report"),
    )
    body = models.CharField(_("body"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    date = models.DateField(_("date"))
    section = models.CharField(_("section"), max_length=20, blank=True)
    decision = models.TextField(_("decision"))

    class Meta:
        verbose_name = _("presentation to an approving body")
        verbose_name_plural = _("presentations to approving bodies")
        ordering = ["report", "date", "id"]

    def __str__(self) -> str:
        return f"{self.body} {short_date(self.date)}"


class StateReportingProfile(TrackedModel):
    """What the state regional authority asks for, and what the authority is called.

    Kept as data: the authorities were renamed in 2026 (ELY centres became elinvoimakeskus) and
    their field lists change. The profile in force on 31 December of the report year is used.
    """

    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="state_reporting_profiles",
        verbose_name=_("region"),
    )
    authority_name = models.CharField(_("authority"), max_length=200)
    valid_from = models.DateField(_("valid from"))

    class Meta:
        verbose_name = _("state reporting profile")
        verbose_name_plural = _("state reporting profiles")
        ordering = ["region", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "valid_from"], name="state_reporting_profile_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority_name} ({short_date(self.valid_from)})"


class StateReportingField(models.Model):
    class Source(models.TextChoices):
        MEASURES_TOTAL = "measures_total", _("measures in the programme")
        MEASURES_DONE = "measures_done", _("measures done")
        MEASURES_IN_PROGRESS = "measures_in_progress", _("measures in progress")
        INDICATORS_WITH_VALUE = "indicators_with_value", _("indicators with a value for the year")
        INDICATORS_ON_TARGET = "indicators_on_target", _("indicators that reached their target")
        SERVICES_ACTIVE = "services_active", _("services active at the end of the year")
        SERVICES_ADDED = "services_added", _("services added during the year")
        SERVICES_REMOVED = "services_removed", _("services ended during the year")
        COOPERATION_MEETINGS = "cooperation_meetings", _("cooperation-group meetings")
        MEETINGS_TOTAL = "meetings_total", _("working-group meetings")
        OPEN_TASKS = "open_tasks", _("open follow-up tasks")

    profile = models.ForeignKey(
        StateReportingProfile,
        on_delete=models.CASCADE,
        related_name="fields",
        verbose_name=_("profile"),
    )
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=60)
    label = models.CharField(_("label"), max_length=200)
    source = models.CharField(_("source"), max_length=40, choices=Source.choices)

    class Meta:
        verbose_name = _("state reporting field")
        verbose_name_plural = _("state reporting fields")
        ordering = ["profile", "order"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "code"], name="state_reporting_field_code"),
        ]

    def __str__(self) -> str:
        return self.code
