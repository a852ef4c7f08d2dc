"""Service delivery: group courses, their sessions, enrolments, attendance, work-based learning
and the final language test (docs/domain.md §2 items 3–5).

Writes go through `courses/services.py`. Completion (P7) and the language target (P8) are not
stored as rules here: `courses/progress.py` computes them from these rows and the rule table.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kotopolku.casework.models import CefrLevel
from kotopolku.common.models import TrackedModel


class Course(TrackedModel):
    class Kind(models.TextChoices):
        SOCIAL_ORIENTATION = "social_orientation", _("multilingual social orientation")
        INTEGRATION_TRAINING = "integration_training", _("integration training")
        LITERACY = "literacy", _("literacy training")
        OTHER_LANGUAGE = "other_language", _("other Finnish or Swedish studies")

    # The catalogue's service category (docs/data-formats.md) each kind of course belongs to; a plan
    # service of this category may enrol its client.
    CATEGORY_OF_KIND: dict[str, str] = {
        Kind.SOCIAL_ORIENTATION: "social_orientation",
        Kind.INTEGRATION_TRAINING: "integration_training",
        Kind.LITERACY: "literacy",
        Kind.OTHER_LANGUAGE: "language_studies",
    }

    code = models.CharField(
        _("course code"),
        max_length=40,
        unique=True,
        help_text=_("A short code the provider uses, for example in attendance spreadsheets."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    provider = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("provider"),
    )
    service = models.ForeignKey(
        "catalogue.Service",
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("catalogue service"),
    )
    language = models.CharField(
        _("language of instruction"),
        max_length=3,
        help_text=_("ISO 639-1 code, or ISO 639-3 where there is no two-letter code."),
    )
    municipality = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="courses_held",
        limit_choices_to={"kind": "municipality"},
        verbose_name=_("municipality"),
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    capacity = models.PositiveIntegerField(_("capacity"), help_text=_("Number of places."))
    planned_hours = models.DecimalField(_("planned hours"), max_digits=6, decimal_places=1)
    # Places held by invited, enrolled and completed participants. Kept by the services under a
    # row lock; the check constraint makes oversubscription impossible even if code goes wrong.
    places_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-start", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="course_end_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="course_capacity_positive"),
            models.CheckConstraint(
                condition=Q(places_taken__lte=F("capacity")),
                name="course_not_oversubscribed",
                violation_error_message=_("The course is full."),
            ),
            models.CheckConstraint(
                condition=Q(planned_hours__gt=0), name="course_planned_hours_positive"
            ),
            models.CheckConstraint(
                condition=Q(language__regex=r"^[a-z]{2,3}$"), name="course_language_iso639"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def category_code(self) -> str:
        return self.CATEGORY_OF_KIND[self.kind]

    @property
    def places_free(self) -> int:
        return max(self.capacity - self.places_taken, 0)


class CourseSession(TrackedModel):
    class Topic(models.TextChoices):
        # The contents of social orientation (docs/domain.md §2 item 3).
        SOCIETY = "society", _("Finnish society")
        LIVING = "living", _("living and everyday life")
        WORKING = "working", _("working life")
        RIGHTS_DUTIES = "rights_duties", _("rights and duties")
        # Integration training and language courses.
        LANGUAGE = "language", _("Finnish or Swedish")
        WORKING_LIFE_SKILLS = "working_life_skills", _("working-life skills and career guidance")
        OTHER = "other", _("other")

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("course")
    )
    day = models.DateField(_("day"))
    start_time = models.TimeField(_("start time"))
    hours = models.DecimalField(_("length in hours"), max_digits=4, decimal_places=1)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["course", "day", "start_time", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=12), name="session_hours_range"
            ),
            models.UniqueConstraint(
                fields=["course", "day", "start_time"], name="session_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.start_time:%H:%M}"


class Enrolment(TrackedModel):
    class Status(models.TextChoices):
        WAITING = "waiting", _("on the waiting list")
        INVITED = "invited", _("invited")
        ENROLLED = "enrolled", _("enrolled")
        COMPLETED = "completed", _("completed")
        INTERRUPTED = "interrupted", _("interrupted")
        NO_SHOW = "no_show", _("did not show up")
        CANCELLED = "cancelled", _("cancelled")

    HOLDS_PLACE = frozenset({Status.INVITED, Status.ENROLLED, Status.COMPLETED})
    ACTIVE = frozenset({Status.WAITING, Status.INVITED, Status.ENROLLED})

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("course")
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("client"),
    )
    plan_service = models.ForeignKey(
        "casework.PlanService",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("plan service"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    enrolled_on = models.DateField(_("place given on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    interruption_reason = models.CharField(_("reason for interruption"), max_length=300, blank=True)
    # The order of the waiting list: when the client was put on it.
    waiting_since = models.DateTimeField(_("on the waiting list since"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["course", "client__last_name", "client__first_names", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "client"],
                condition=Q(status__in=["waiting", "invited", "enrolled", "completed"]),
                name="enrolment_one_per_client",
                violation_error_message=_("The client is already on this course."),
            ),
            models.CheckConstraint(
                condition=~Q(status="interrupted") | ~Q(interruption_reason=""),
                name="enrolment_interruption_reason",
                violation_error_message=_("An interruption needs a reason."),
            ),
            models.CheckConstraint(
                condition=~Q(status="waiting") | Q(waiting_since__isnull=False),
                name="enrolment_waiting_since",
            ),
        ]
        indexes = [models.Index(fields=["course", "status"], name="enrolment_course_status_idx")]

    def __str__(self) -> str:
        return f"{self.course_id}/{self.client_id} ({self.get_status_display()})"

    @property
    def holds_place(self) -> bool:
        return self.status in self.HOLDS_PLACE


class Attendance(TrackedModel):
    """Hours one participant attended one session (0 = absent)."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("enrolment")
    )
    session = models.ForeignKey(
        CourseSession,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("session"),
    )
    hours = models.DecimalField(_("hours attended"), max_digits=4, decimal_places=1)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session__day", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "session"], name="attendance_once_per_session"
            ),
            models.CheckConstraint(condition=Q(hours__gte=0), name="attendance_hours_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.hours}"


class WorkPlacement(TrackedModel):
    """A work-based learning period (työssäoppimisjakso) of integration training."""

    class Outcome(models.TextChoices):
        ONGOING = "ongoing", _("ongoing")
        COMPLETED = "completed", _("completed")
        INTERRUPTED = "interrupted", _("interrupted")
        JOB_OFFER = "job_offer", _("completed with a job offer")

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="placements", verbose_name=_("enrolment")
    )
    employer = models.CharField(_("employer or organisation"), max_length=200)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    supervisor = models.CharField(_("supervisor"), max_length=150, blank=True)
    supervisor_contact = models.CharField(
        _("supervisor's phone or e-mail"), max_length=150, blank=True
    )
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.ONGOING
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("work placement")
        verbose_name_plural = _("work placements")
        ordering = ["enrolment", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="placement_end_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.start}–{self.end}"


class LanguageTestResult(TrackedModel):
    """The final language test (päättötesti); a skill left empty was not tested."""

    SKILLS = ("listening", "reading", "speaking", "writing")

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="test_results",
        verbose_name=_("enrolment"),
    )
    day = models.DateField(_("test day"))
    test_name = models.CharField(_("test"), max_length=150)
    listening = models.CharField(
        _("listening"), max_length=4, choices=CefrLevel.choices, blank=True
    )
    reading = models.CharField(_("reading"), max_length=4, choices=CefrLevel.choices, blank=True)
    speaking = models.CharField(_("speaking"), max_length=4, choices=CefrLevel.choices, blank=True)
    writing = models.CharField(_("writing"), max_length=4, choices=CefrLevel.choices, blank=True)

    class Meta:
        verbose_name = _("language test result")
        verbose_name_plural = _("language test results")
        ordering = ["enrolment", "day", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(listening="", reading="", speaking="", writing=""),
                name="test_result_some_skill",
                violation_error_message=_("Give the level of at least one skill."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.test_name} {self.day}"
