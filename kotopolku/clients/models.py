"""The client registry: identity, residence permit, home municipality, languages and consent.

Writes go through `clients/services.py`; the identity code is never stored in clear
(see `clients/identity.py`).
"""

from datetime import date

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kotopolku.common.choices import CefrLevel
from kotopolku.common.models import TrackedModel
from kotopolku.organisations.models import Organisation


class Client(TrackedModel):
    class PermitBasis(models.TextChoices):
        # DOMAIN.md C1: eligible for computational compensation
        QUOTA_REFUGEE = "quota_refugee", _("quota refugee")
        FAMILY_OF_QUOTA_REFUGEE = "family_of_quota_refugee", _("family member of a quota refugee")
        ASYLUM = "asylum", _("asylum")
        SUBSIDIARY_PROTECTION = "subsidiary_protection", _("subsidiary protection")
        HUMANITARIAN_ADMISSION = "humanitarian_admission", _("humanitarian admission")
        COMPASSIONATE_GROUNDS = "compassionate_grounds", _("compassionate grounds")
        TRAFFICKING_VICTIM = "trafficking_victim", _("victim of trafficking")
        REMOVAL_PREVENTED = "removal_prevented", _("removal prevented")
        TEMPORARY_PROTECTION = "temporary_protection", _("temporary protection")
        FAMILY_OF_PROTECTED = "family_of_protected", _("family member of a protected person")
        # DOMAIN.md C1: not eligible
        WORK = "work", _("work")
        STUDY = "study", _("study")
        FAMILY = "family", _("family ties")
        EU_REGISTRATION = "eu_registration", _("EU registration")
        NORDIC = "nordic", _("Nordic citizen")
        OTHER = "other", _("other")

    ELIGIBLE_BASES = frozenset(
        {
            PermitBasis.QUOTA_REFUGEE,
            PermitBasis.FAMILY_OF_QUOTA_REFUGEE,
            PermitBasis.ASYLUM,
            PermitBasis.SUBSIDIARY_PROTECTION,
            PermitBasis.HUMANITARIAN_ADMISSION,
            PermitBasis.COMPASSIONATE_GROUNDS,
            PermitBasis.TRAFFICKING_VICTIM,
            PermitBasis.REMOVAL_PREVENTED,
            PermitBasis.TEMPORARY_PROTECTION,
            PermitBasis.FAMILY_OF_PROTECTED,
        }
    )

    class Gender(models.TextChoices):
        FEMALE = "female", _("female")
        MALE = "male", _("male")
        OTHER = "other", _("other")

    class Closure(models.TextChoices):
        EMPLOYED = "employed", _("employed")
        STUDIES = "studies", _("studies")
        MOVED = "moved", _("moved away")
        TIME_LIMIT = "time_limit", _("time limit reached")
        OTHER = "other", _("other")

    external_id = models.CharField(
        _("external id"),
        max_length=64,
        unique=True,
        help_text=_("The client's number in the case file or the source system."),
    )
    first_names = models.CharField(_("first names"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    date_of_birth = models.DateField(_("date of birth"))
    # Fernet token of the identity code; never the code itself.
    hetu_encrypted = models.TextField(_("identity code (encrypted)"), blank=True, editable=False)
    # Keyed HMAC-SHA256 of the normalised code, for exact lookup.
    hetu_hash = models.CharField(
        _("identity code lookup hash"), max_length=64, blank=True, editable=False, db_index=True
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    citizenship = models.CharField(
        _("citizenship"),
        max_length=3,
        blank=True,
        help_text=_("ISO 3166 country code, for example SY, SO, UA or AF."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    post_office = models.CharField(_("post office"), max_length=100, blank=True)
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    interpreter_language = models.CharField(
        _("interpreter language"),
        max_length=3,
        blank=True,
        help_text=_("ISO 639-1 code, or ISO 639-3 where there is no two-letter code."),
    )
    permit_basis = models.CharField(_("permit basis"), max_length=30, choices=PermitBasis.choices)
    first_permit_date = models.DateField(_("first residence permit"), null=True, blank=True)
    arrival_date = models.DateField(_("arrival in Finland"), null=True, blank=True)
    jobseeker = models.BooleanField(_("jobseeker"), default=False)
    responsible_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_for_clients",
        verbose_name=_("responsible organisation"),
    )
    responsible_override_reason = models.CharField(
        _("reason for choosing the responsible organisation"),
        max_length=300,
        blank=True,
        help_text=_("Given when the responsible organisation differs from the derived one."),
    )
    client_since = models.DateField(
        _("client since"), help_text=_("The day the client relationship began.")
    )
    closed_at = models.DateField(_("closed on"), null=True, blank=True)
    closure = models.CharField(
        _("closure reason"), max_length=20, choices=Closure.choices, blank=True
    )

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["last_name", "first_names", "id"]
        indexes = [
            models.Index(fields=["last_name", "first_names"], name="client_name_idx"),
            models.Index(fields=["responsible_organisation", "closed_at"], name="client_resp_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["hetu_hash"],
                condition=~Q(hetu_hash=""),
                name="client_unique_hetu",
                violation_error_message=_("Another client already has this identity code."),
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, closure="")
                | Q(closed_at__isnull=False) & ~Q(closure=""),
                name="client_closure_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_names} ({self.external_id})"

    @property
    def full_name(self) -> str:
        return f"{self.first_names} {self.last_name}"

    @property
    def has_hetu(self) -> bool:
        return bool(self.hetu_encrypted)

    @property
    def is_compensation_eligible(self) -> bool:
        return self.permit_basis in self.ELIGIBLE_BASES

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def responsible_overridden(self) -> bool:
        return bool(self.responsible_override_reason)

    @property
    def latest_home_period(self) -> "HomeMunicipalityPeriod | None":
        """The period that started last (uses prefetched periods when there are some)."""
        periods = list(self.home_periods.all())
        return max(periods, key=lambda p: p.start) if periods else None


class HomeMunicipalityPeriod(TrackedModel):
    """A period of residence in a home municipality; `start` and `end` are inclusive days.

    Periods of one client never overlap (enforced in `home_period_add`).
    """

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="home_periods", verbose_name=_("client")
    )
    municipality = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="resident_periods",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
        verbose_name=_("municipality"),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True, help_text=_("Empty while ongoing."))

    class Meta:
        verbose_name = _("home-municipality period")
        verbose_name_plural = _("home-municipality periods")
        ordering = ["client", "start"]
        constraints = [
            models.UniqueConstraint(fields=["client", "start"], name="home_period_unique_start"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="home_period_end_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.start}–{self.end or ''}"

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class ClientLanguage(TrackedModel):
    Level = CefrLevel

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="languages", verbose_name=_("client")
    )
    code = models.CharField(
        _("language"),
        max_length=3,
        help_text=_("ISO 639-1 code, or ISO 639-3 where there is no two-letter code."),
    )
    level = models.CharField(_("CEFR level"), max_length=4, choices=Level.choices, blank=True)
    mother_tongue = models.BooleanField(_("mother tongue"), default=False)

    class Meta:
        verbose_name = _("client language")
        verbose_name_plural = _("client languages")
        ordering = ["client", "-mother_tongue", "code"]
        constraints = [
            models.UniqueConstraint(fields=["client", "code"], name="client_language_unique"),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[a-z]{2,3}$"), name="client_language_code_shape"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.level}".strip()


class Consent(TrackedModel):
    """The client's consent to share their data with an organisation, for a purpose, until a day."""

    class Purpose(models.TextChoices):
        ASSESSMENT = "assessment", _("assessment of service needs")
        PLANNING = "planning", _("integration plan")
        REFERRAL = "referral", _("referral to services")
        TRANSFER = "transfer", _("transfer after moving")
        OTHER = "other", _("other")

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="consents", verbose_name=_("client")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="client_consents",
        verbose_name=_("shared with"),
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["client", "-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")),
                name="consent_until_after_from",
                violation_error_message=_("A consent cannot end before it begins."),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "valid_until"], name="consent_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.valid_from}–{self.valid_until}"

    def is_valid_on(self, day: date) -> bool:
        return self.withdrawn_at is None and self.valid_from <= day <= self.valid_until
