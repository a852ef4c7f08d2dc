from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kotopolku.catalogue.models import Service
from kotopolku.common.formatting import short_date
from kotopolku.common.models import TimeStampedModel, TrackedModel
from kotopolku.organisations.models import Organisation, Region


class Programme(TrackedModel):
    """A regional integration programme (kotoutumisohjelma) for a period of years."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    period_start = models.PositiveSmallIntegerField(_("first year"))
    period_end = models.PositiveSmallIntegerField(_("last year"))
    municipalities = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="programmes",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
        verbose_name=_("member municipalities"),
    )
    parties = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="programme_parties",
        verbose_name=_("other parties"),
        help_text=_("Employment area, wellbeing services county, schools and others."),
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-period_start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="programme_period_order",
                violation_error_message=_("The last year is before the first year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.period_start}–{self.period_end}"


class ProgrammeVersion(models.Model):
    """A numbered version. Approval freezes its content as a snapshot; drafts show live data."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        SUPERSEDED = "superseded", _("superseded")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="versions", verbose_name=_("programme")
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    content = models.JSONField(_("frozen content"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("programme version")
        verbose_name_plural = _("programme versions")
        ordering = ["programme", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(status__in=["draft", "submitted"]),
                name="version_one_open_per_programme",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted"]) | Q(content__isnull=False),
                name="version_frozen_when_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.name} v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.content is not None


class Decision(TrackedModel):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("programme")
    )
    version = models.ForeignKey(
        ProgrammeVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("version"),
    )
    body = models.CharField(_("deciding body"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programme_decisions",
        verbose_name=_("organisation"),
    )
    date = models.DateField(_("date"))
    section = models.CharField(_("section"), max_length=20, blank=True)
    text = models.TextField(_("decision"))
    appointments = models.TextField(_("appointments"), blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.body} {short_date(self.date)} {self.section}"


class PolicyLine(TrackedModel):
    """A municipality's policy line (linjaus) on promoting integration."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="policy_lines",
        verbose_name=_("programme"),
    )
    municipality = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="policy_lines",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
        verbose_name=_("municipality"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("policy line")
        verbose_name_plural = _("policy lines")
        ordering = ["municipality__name", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "municipality", "number"], name="policy_line_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Goal(TrackedModel):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="goals", verbose_name=_("programme")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    policy_lines = models.ManyToManyField(
        PolicyLine, blank=True, related_name="goals", verbose_name=_("policy lines")
    )
    services = models.ManyToManyField(
        Service, blank=True, related_name="goals", verbose_name=_("services")
    )
    welfare_plan = models.BooleanField(
        _("in the welfare and safety plan"),
        default=False,
        help_text=_("Set in the municipality's welfare and safety plan."),
    )

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="goal_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Measure(TrackedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        POSTPONED = "postponed", _("postponed")
        CANCELLED = "cancelled", _("cancelled")

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="measures", verbose_name=_("goal")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    responsible_unit = models.CharField(_("responsible unit"), max_length=200)
    responsible_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("responsible organisation"),
    )
    starts = models.DateField(_("starts"))
    ends = models.DateField(_("ends"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    operating_plan = models.CharField(
        _("operating plan"),
        max_length=200,
        blank=True,
        help_text=_("The operating plan (käyttösuunnitelma) in which the measure is reported."),
    )
    operating_plan_url = models.URLField(_("link to the operating plan"), blank=True)
    services = models.ManyToManyField(
        Service, blank=True, related_name="measures", verbose_name=_("services")
    )

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["goal__number", "starts", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__isnull=True) | Q(ends__gte=models.F("starts")),
                name="measure_schedule_order",
                violation_error_message=_("The measure ends before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Indicator(TrackedModel):
    class Direction(models.TextChoices):
        INCREASE = "increase", _("higher is better")
        DECREASE = "decrease", _("lower is better")
        MAINTAIN = "maintain", _("keep the level")

    class Source(models.TextChoices):
        COMPUTED = "computed", _("computed by the system")
        MANUAL = "manual", _("entered by hand")
        EXTERNAL = "external", _("external statistics")

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("goal")
    )
    name = models.CharField(_("name"), max_length=300)
    definition = models.TextField(_("definition"))
    unit = models.CharField(_("unit"), max_length=40)
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_reference = models.CharField(
        _("source reference"),
        max_length=200,
        blank=True,
        help_text=_("For external figures, for example a statistics table id."),
    )
    welfare_plan = models.BooleanField(_("in the welfare and safety plan"), default=False)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["goal__number", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="external") | ~Q(source_reference=""),
                name="indicator_external_has_reference",
                violation_error_message=_("An external indicator needs a source reference."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MonitoringEntry(TrackedModel):
    """The value of an indicator for one period: a year (2025), half (2025-H1) or quarter."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="entries", verbose_name=_("indicator")
    )
    period = models.CharField(_("period"), max_length=7)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("monitoring entry")
        verbose_name_plural = _("monitoring entries")
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"], name="monitoring_entry_period_unique"
            ),
            models.CheckConstraint(
                condition=Q(period__regex=r"^[0-9]{4}(-(H[12]|Q[1-4]))?$"),
                name="monitoring_entry_period_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.period} = {self.value}"


class ContextSeries(TimeStampedModel):
    """A national or regional statistic shown beside an indicator's own figures (docs/adr/0008-interoperability.md):
    one indicator of Sotkanet or one cell series of a Statistics Finland table, for one area
    and gender. Kept with its source and the day it was retrieved; a re-import replaces it."""

    class Source(models.TextChoices):
        SOTKANET = "sotkanet", _("Sotkanet (THL)")
        STATFIN = "statfin", _("Statistics Finland")

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="context_series",
        verbose_name=_("indicator"),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_reference = models.CharField(
        _("source reference"),
        max_length=200,
        help_text=_("The Sotkanet indicator number or the Statistics Finland table."),
    )
    variant = models.CharField(
        _("variant"),
        max_length=200,
        blank=True,
        help_text=_("The table's other dimensions, for example the measure, as code=value."),
    )
    title = models.JSONField(_("title"), default=dict)
    area_code = models.CharField(_("area"), max_length=20)
    area_name = models.JSONField(_("area name"), default=dict)
    gender = models.CharField(_("gender"), max_length=10, blank=True)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    url = models.URLField(_("address"), max_length=1000, blank=True)
    retrieved_on = models.DateField(_("retrieved"))

    class Meta:
        verbose_name = _("context series")
        verbose_name_plural = _("context series")
        ordering = ["indicator", "source", "source_reference", "area_code", "gender", "variant"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "indicator",
                    "source",
                    "source_reference",
                    "area_code",
                    "gender",
                    "variant",
                ],
                name="context_series_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.source_reference} {self.area_code}"


class ContextValue(models.Model):
    series = models.ForeignKey(
        ContextSeries, on_delete=models.CASCADE, related_name="values", verbose_name=_("series")
    )
    period = models.CharField(_("period"), max_length=7)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)

    class Meta:
        verbose_name = _("context value")
        verbose_name_plural = _("context values")
        ordering = ["series", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "period"], name="context_value_period_unique"
            ),
            models.CheckConstraint(
                condition=Q(period__regex=r"^[0-9]{4}(-(H[12]|Q[1-4]))?$"),
                name="context_value_period_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series}: {self.period} = {self.value}"
