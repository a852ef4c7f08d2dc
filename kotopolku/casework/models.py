"""Guidance, assessment, integration plan and referrals (docs/domain.md §2).

Deadlines are not stored: `casework/deadlines.py` computes them from these rows on any day.
Writes go through `casework/services.py`.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kotopolku.clients.models import CurrentRowsManager
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
    """Assessment of competence and integration service needs (docs/domain.md §2 item 1)."""

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
        help_text=_("A list of {occupation, field, country, years}."),
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

    # An import that replaces a history archives the old rows (kept, never read).
    objects = CurrentRowsManager()
    all_rows = models.Manager()

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

    # An import that replaces a history archives the old rows (kept, never read).
    objects = CurrentRowsManager()
    all_rows = models.Manager()

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

    # An import that replaces a history archives the old rows (kept, never read).
    objects = CurrentRowsManager()
    all_rows = models.Manager()

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

    # An import that replaces a history archives the old rows (kept, never read).
    objects = CurrentRowsManager()
    all_rows = models.Manager()

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

    # An import that replaces a history archives the old rows (kept, never read).
    objects = CurrentRowsManager()
    all_rows = models.Manager()

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

    It rests on a recorded consent of the client (`consent`, covering the receiver and the
    referral purpose) or on a legal basis from the fixed list below; free text is not a consent.
    While it is accepted and `access_until` has not passed, the receiving organisation's case
    workers may see the client (decided by the one scope in access/clients.py). Completing,
    rejecting, withdrawing or expiring it ends that access. An onward referral (`parent`) is
    sent by the responsible organisation, or by a receiver whose referral allows it
    (`onward_allowed`, recorded by the responsible organisation).
    """

    class Status(models.TextChoices):
        SENT = "sent", _("sent")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        COMPLETED = "completed", _("completed")
        WITHDRAWN = "withdrawn", _("withdrawn")
        EXPIRED = "expired", _("expired")

    class LegalBasis(models.TextChoices):
        # A closed list: the worker picks a provision, never writes one. Each label names the
        # section that allows the disclosure without the client's consent.
        INTEGRATION_ACT_INFORMATION = (
            "integration_act_information",
            _(
                "Integration Act (681/2023) § 89: information needed to organise the client's services"
            ),
        )
        INTEGRATION_ACT_MULTI_AGENCY = (
            "integration_act_multi_agency",
            _("Integration Act (681/2023) § 90: multi-agency assessment and planning"),
        )
        EMPLOYMENT_SERVICES_ACT = (
            "employment_services_act",
            _(
                "Act on Organising Employment Services (380/2023) § 111: employment authority's tasks"
            ),
        )

    ENDED = frozenset({Status.REJECTED, Status.COMPLETED, Status.WITHDRAWN, Status.EXPIRED})

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
        help_text=_("A note on the consent (for example the form's number); not a consent itself."),
    )
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=40,
        choices=LegalBasis.choices,
        blank=True,
        help_text=_("The provision that allows the referral without the client's consent."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="onward_referrals",
        verbose_name=_("onward from"),
    )
    onward_allowed = models.BooleanField(
        _("receiver may refer onward"),
        default=False,
        help_text=_(
            "Recorded by the responsible organisation: the receiver may refer the client on."
        ),
    )
    access_until = models.DateField(
        _("access until"),
        null=True,
        blank=True,
        help_text=_("The last day the receiver may read the client's data."),
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("reason for ending"), blank=True)
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
            models.CheckConstraint(
                condition=~Q(status__in=["withdrawn", "expired"]) | Q(ended_on__isnull=False),
                name="referral_ended_on",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(access_until__isnull=False),
                name="referral_accepted_access_until",
            ),
        ]
        indexes = [
            models.Index(fields=["to_organisation", "status"], name="referral_to_idx"),
            models.Index(fields=["status", "access_until"], name="referral_access_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.from_organisation} → {self.to_organisation} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SENT, self.Status.ACCEPTED)

    def grants_access_on(self, day) -> bool:
        """Whether the receiver may read the client on `day` (mirrors the scope's condition)."""
        return (
            self.status == self.Status.ACCEPTED
            and self.access_until is not None
            and day <= self.access_until
        )


class SavedWorklistFilter(models.Model):
    """A user's named worklist filter: the query string of the worklist (search, filters and
    order), applied again from the list of saved filters. It holds no client data."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_worklist_filters",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("query"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved worklist filter")
        verbose_name_plural = _("saved worklist filters")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_filter_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ClientDue(models.Model):
    """The worklist's order key of one client, kept so that a caseload of thousands is ordered
    and paged by an indexed read instead of computing every client's deadlines per request
    (docs/adr/0009-worklist-order-key.md).

    The days are those of `next_due.stored_annotations`, the SQL form of the worklist's actions,
    and do not depend on the day asked about: the next deadline on day D is `due_running` while
    the latest plan runs on D (`plan_ended_on` is empty or on or after D), `due_after` once it has
    ended. Database triggers delete a client's row on every write to the rows it was computed
    from (the client, its assessments, plans, plan services and reviews) and every row on a
    write to the rule table; a missing row is computed afresh in the query
    (`next_due.next_due_key`) and stored again by the next worklist read
    (`selectors.client_due_fill`). So a stale row cannot be read, whatever wrote the data.
    """

    client = models.OneToOneField(
        "clients.Client",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="due",
        verbose_name=_("client"),
    )
    due_running = models.DateField(_("next deadline while the plan runs"))
    due_after = models.DateField(_("next deadline after the plan"))
    plan_ended_on = models.DateField(_("latest plan ended on"), null=True, blank=True)
    # The worklist reads these through one index, in its order (docs/adr/0009): the client's
    # responsible organisation when stored (a trigger deletes the row when it changes), and the
    # next deadline on the days when the plan has ended (`plan_over`) or not: `due_after` or
    # `due_running`. `next_due.refresh_forms(on)` turns the rows whose plan ended (or, for a day
    # in the past, had not yet ended) to the form of `on` before a read.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("responsible organisation"),
    )
    plan_over = models.BooleanField(_("the latest plan has ended"), default=False)
    next_due = models.DateField(_("next deadline"))

    class Meta:
        verbose_name = _("client's next deadline")
        verbose_name_plural = _("clients' next deadlines")
        indexes = [
            models.Index(fields=["due_running"], name="client_due_running_idx"),
            models.Index(fields=["organisation", "next_due"], name="client_due_order_idx"),
            models.Index(fields=["plan_over", "plan_ended_on"], name="client_due_form_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.due_running}"
