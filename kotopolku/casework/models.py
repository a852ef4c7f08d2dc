"""Guidance, assessment, integration plan and referrals (DOMAIN.md §2).

Deadlines are not stored: `casework/deadlines.py` computes them from these rows on any day.
Writes go through `casework/services.py`.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kotopolku.common.choices import CefrLevel
from kotopolku.common.models import TrackedModel


class GuidanceContact(TrackedModel):
    """Guidance and counselling (§ 10): with a known client, or anonymous with counts only."""

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        PHONE = "phone", _("phone")
        VIDEO = "video", _("video")
        EMAIL = "email", _("e-mail or message")
        OUTREACH = "outreach", _("outreach")

    class Topic(models.TextChoices):
        RESIDENCE = "residence", _("residence permit and registration")
        HOUSING = "housing", _("housing")
        WORK = "work", _("work and jobseeking")
        EDUCATION = "education", _("education and language studies")
        HEALTH = "health", _("health and social services")
        FAMILY = "family", _("family and children")
        MONEY = "money", _("income and benefits")
        SOCIETY = "society", _("Finnish society, rights and duties")
        OTHER = "other", _("other")

    class Outcome(models.TextChoices):
        INFORMATION = "information", _("information given")
        REFERRED = "referred", _("referred to a service")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="guidance_contacts",
        verbose_name=_("organisation"),
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="guidance_contacts",
        verbose_name=_("client"),
        help_text=_("Empty for an anonymous contact."),
    )
    day = models.DateField(_("day"))
    persons = models.PositiveSmallIntegerField(
        _("number of persons"), default=1, help_text=_("For anonymous contacts: how many people.")
    )
    language = models.CharField(
        _("language"), max_length=3, help_text=_("ISO 639-1 code, or ISO 639-3.")
    )
    topics = models.JSONField(_("topics"), default=list)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    interpreter = models.BooleanField(_("interpreter used"), default=False)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    service = models.ForeignKey(
        "catalogue.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guidance_contacts",
        verbose_name=_("service referred to"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("guidance contact")
        verbose_name_plural = _("guidance contacts")
        ordering = ["-day", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(persons__gte=1) & (Q(client__isnull=True) | Q(persons=1)),
                name="guidance_contact_persons",
                violation_error_message=_("A contact with a known client is for one person."),
            ),
            models.CheckConstraint(
                condition=Q(language__regex=r"^[a-z]{2,3}$"), name="guidance_contact_language"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "day"], name="contact_org_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.get_channel_display()}"

    @property
    def anonymous(self) -> bool:
        return self.client_id is None


class Assessment(TrackedModel):
    """Assessment of competence and integration service needs (DOMAIN.md §2 item 1)."""

    class Status(models.TextChoices):
        STARTED = "started", _("started")
        COMPLETED = "completed", _("completed")

    class Literacy(models.TextChoices):
        LITERATE = "literate", _("reads and writes")
        OTHER_SCRIPT = "other_script", _("reads and writes in another script only")
        PARTLY = "partly", _("partly literate")
        NOT_LITERATE = "not_literate", _("not literate")

    class SkillLanguage(models.TextChoices):
        FINNISH = "fi", _("Finnish")
        SWEDISH = "sv", _("Swedish")

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("client"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("responsible organisation"),
        help_text=_("Empty for imported history whose organisation is not known."),
    )
    started = models.DateField(_("started"), help_text=_("The day of the initial interview."))
    completed = models.DateField(_("completed"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.STARTED
    )
    multi_agency = models.BooleanField(_("multi-agency assessment"), default=False)
    partner_organisations = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="joint_assessments",
        verbose_name=_("organisations taking part"),
    )
    participants = models.TextField(
        _("who took part"), blank=True, help_text=_("Officials, the client, an interpreter…")
    )
    literacy = models.CharField(_("literacy"), max_length=20, choices=Literacy.choices, blank=True)
    skill_language = models.CharField(
        _("Finnish or Swedish"),
        max_length=2,
        choices=SkillLanguage.choices,
        default=SkillLanguage.FINNISH,
    )
    level_listening = models.CharField(
        _("listening"), max_length=4, choices=CefrLevel.choices, blank=True
    )
    level_speaking = models.CharField(
        _("speaking"), max_length=4, choices=CefrLevel.choices, blank=True
    )
    level_reading = models.CharField(
        _("reading"), max_length=4, choices=CefrLevel.choices, blank=True
    )
    level_writing = models.CharField(
        _("writing"), max_length=4, choices=CefrLevel.choices, blank=True
    )
    learning_skills = models.TextField(_("learning and study skills"), blank=True)
    working_life_skills = models.TextField(_("working-life skills"), blank=True)
    education = models.JSONField(
        _("education history"),
        default=list,
        blank=True,
        help_text=_("A list of {level, field, country, years}."),
    )
    work_history = models.JSONField(
        _("work history"),
        default=list,
        blank=True,
        help_text=_("A list of {occupation, country, years}."),
    )
    other_competences = models.TextField(_("other competences"), blank=True)
    goals = models.TextField(_("goals and wishes"), blank=True)
    work_capacity = models.TextField(_("work capacity"), blank=True)
    life_situation = models.TextField(_("life situation"), blank=True)
    service_needs = models.ManyToManyField(
        "catalogue.ServiceCategory",
        blank=True,
        related_name="+",
        verbose_name=_("service needs"),
    )
    plan_needed = models.BooleanField(_("integration plan needed"), null=True, blank=True)
    override_reason = models.CharField(
        _("reason for overriding a rule"), max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["client", "started", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed__isnull=True, status="started")
                | Q(completed__isnull=False, status="completed", completed__gte=F("started")),
                name="assessment_completion",
                violation_error_message=_(
                    "A completed assessment has a completion day on or after its start."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.started} ({self.get_status_display()})"


class IntegrationPlan(TrackedModel):
    class Closure(models.TextChoices):
        EMPLOYED = "employed", _("employed")
        STUDIES = "studies", _("studies")
        MOVED = "moved", _("moved away")
        TIME_LIMIT = "time_limit", _("time limit reached")
        OTHER = "other", _("other")

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.CASCADE,
        related_name="plans",
        verbose_name=_("client"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="integration_plans",
        verbose_name=_("responsible organisation"),
        help_text=_("Empty for imported history whose organisation is not known."),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    long_term_goals = models.TextField(_("long-term goals"), blank=True)
    period_goals = models.TextField(_("goals for the period"), blank=True)
    commitments = models.TextField(_("client's commitments"), blank=True)
    job_search_obligation = models.TextField(
        _("job-search obligation"), blank=True, help_text=_("For jobseekers.")
    )
    monitoring = models.TextField(_("how the plan is monitored"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.CharField(
        _("closure reason"), max_length=20, choices=Closure.choices, blank=True
    )
    closure_note = models.CharField(_("closure note"), max_length=300, blank=True)
    override_reason = models.CharField(
        _("reason for overriding a rule"), max_length=300, blank=True
    )
    override_codes = models.JSONField(_("rules overridden"), default=list, blank=True)

    class Meta:
        verbose_name = _("integration plan")
        verbose_name_plural = _("integration plans")
        ordering = ["client", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="plan_end_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True, closure_reason="")
                | Q(closed_on__isnull=False) & ~Q(closure_reason=""),
                name="plan_closure_with_reason",
                violation_error_message=_("A closed plan needs a closure reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start}–{self.end}"

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


class PlanService(TrackedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        REFERRED = "referred", _("referred")
        STARTED = "started", _("started")
        COMPLETED = "completed", _("completed")
        INTERRUPTED = "interrupted", _("interrupted")

    plan = models.ForeignKey(
        IntegrationPlan, on_delete=models.CASCADE, related_name="services", verbose_name=_("plan")
    )
    category = models.ForeignKey(
        "catalogue.ServiceCategory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service category"),
    )
    service = models.ForeignKey(
        "catalogue.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_services",
        verbose_name=_("service"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    referred = models.DateField(_("referred on"), null=True, blank=True)
    started = models.DateField(_("started on"), null=True, blank=True)
    ended = models.DateField(_("completed or interrupted on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("plan service")
        verbose_name_plural = _("plan services")
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return f"{self.category_id} ({self.get_status_display()})"


class PlanReview(TrackedModel):
    plan = models.ForeignKey(
        IntegrationPlan, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("plan")
    )
    day = models.DateField(_("day"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")
        ordering = ["plan", "day", "id"]

    def __str__(self) -> str:
        return str(self.day)


class PlanExtension(TrackedModel):
    class Reason(models.TextChoices):
        LITERACY = "literacy", _("literacy")
        ILLNESS = "illness", _("illness")
        FAMILY_LEAVE = "family_leave", _("family leave")
        OTHER_SPECIAL_NEED = "other_special_need", _("other special need")

    plan = models.ForeignKey(
        IntegrationPlan,
        on_delete=models.CASCADE,
        related_name="extensions",
        verbose_name=_("plan"),
    )
    months = models.PositiveSmallIntegerField(_("months"))
    # Blank only for imported history; new extensions need a code (P3).
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    note = models.TextField(_("explanation"), blank=True)

    class Meta:
        verbose_name = _("plan extension")
        verbose_name_plural = _("plan extensions")
        ordering = ["plan", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(months__gte=1), name="extension_months_positive"),
        ]

    def __str__(self) -> str:
        return f"+{self.months} ({self.reason})"


class Referral(TrackedModel):
    """A referral from one organisation to another organisation or to a service.

    While it is accepted and not yet completed, the receiving organisation's case workers may
    see the client (decided in access/clients.py).
    """

    class Status(models.TextChoices):
        SENT = "sent", _("sent")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        COMPLETED = "completed", _("completed")

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.CASCADE,
        related_name="referrals",
        verbose_name=_("client"),
    )
    from_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        verbose_name=_("from"),
    )
    to_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("to"),
    )
    service = models.ForeignKey(
        "catalogue.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("service"),
    )
    plan_service = models.ForeignKey(
        PlanService,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("plan service"),
    )
    reason = models.TextField(_("reason"))
    consent = models.ForeignKey(
        "clients.Consent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("consent"),
    )
    consent_reference = models.CharField(
        _("consent reference"),
        max_length=120,
        blank=True,
        help_text=_("Where the client's consent is recorded, if not in Kotopolku."),
    )
    sent_on = models.DateField(_("sent on"))
    response_due = models.DateField(_("response due"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SENT
    )
    responded_on = models.DateField(_("answered on"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(response_due__gte=F("sent_on")),
                name="referral_due_after_sent",
                violation_error_message=_(
                    "The response cannot be due before the referral is sent."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="referral_rejection_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | ~Q(outcome=""),
                name="referral_completion_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(from_organisation=F("to_organisation")) | Q(service__isnull=False),
                name="referral_to_other_or_service",
            ),
        ]
        indexes = [models.Index(fields=["to_organisation", "status"], name="referral_to_idx")]

    def __str__(self) -> str:
        return f"{self.from_organisation} → {self.to_organisation} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SENT, self.Status.ACCEPTED)
