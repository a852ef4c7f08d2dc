"""The client registry: identity, residence permit, home municipality, languages and consent.

Writes go through `clients/services.py`; the identity code is never stored in clear
(see `clients/identity.py`).
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from kotopolku.common.choices import CefrLevel
from kotopolku.common.models import TrackedModel
from kotopolku.municipalities.selectors import municipality_name
from kotopolku.organisations.models import Organisation
from kotopolku.rules.periods import covers


def _day(value: date | None) -> str:
    """A date as people write it in the current language (15.10.2025), for choice labels."""
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


class Client(TrackedModel):
    class PermitBasis(models.TextChoices):
        # docs/domain.md C1: eligible for computational compensation
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
        # Aliens Act 89 § (repealed 2016; continuing permits remain), the "others" group of C1
        HUMANITARIAN_PROTECTION = "humanitarian_protection", _("humanitarian protection (89 §)")
        # docs/domain.md C1: not eligible
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
            PermitBasis.HUMANITARIAN_PROTECTION,
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
    citizenship_date = models.DateField(
        _("Finnish citizen since"),
        null=True,
        blank=True,
        help_text=_("The day the client became a Finnish citizen (naturalisation), if they have."),
    )
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
    # The case worker who answers for the client day to day (the worklist's "worker" filter;
    # the printed plan's contact person). A coordinator or case worker of the responsible
    # organisation (`services._check_worker`); cleared when responsibility moves.
    responsible_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_clients",
        verbose_name=_("responsible worker"),
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
            # The caseload of an organisation, counted from the index alone (the worklist).
            models.Index(
                fields=["responsible_organisation", "closed_at", "archived"],
                name="client_open_idx",
            ),
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


class CurrentRowsManager(models.Manager):
    """The default manager of history rows: archived rows (replaced by an import) are kept for the
    record but left out of every read, including `client.home_periods` and prefetches.
    `all_rows` sees them too."""

    def get_queryset(self):
        return super().get_queryset().filter(archived=False)


class HomeMunicipalityPeriod(TrackedModel):
    """A period of residence in a home municipality; `start` and `end` are inclusive days.

    `municipality_code` is any code of Statistics Finland's classification that was valid on
    `start` (docs/domain.md C2), in the region or not. `municipality` is the organisation of that code
    when the municipality is one of the region's own, else empty.
    Periods of one client never overlap (enforced in `home_period_add`).
    """

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="home_periods", verbose_name=_("client")
    )
    municipality_code = models.CharField(
        _("municipality code"),
        max_length=3,
        db_index=True,
        help_text=_("The official three-digit code of Statistics Finland."),
    )
    municipality = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resident_periods",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
        verbose_name=_("municipality (organisation)"),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True, help_text=_("Empty while ongoing."))

    objects = CurrentRowsManager()
    all_rows = models.Manager()

    class Meta:
        verbose_name = _("home-municipality period")
        verbose_name_plural = _("home-municipality periods")
        ordering = ["client", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "start"],
                condition=Q(archived=False),
                name="home_period_unique_start",
            ),
            models.CheckConstraint(
                condition=Q(municipality_code__regex=r"^[0-9]{3}$"),
                name="home_period_municipality_code_shape",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="home_period_end_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_name} {_day(self.start)}–{_day(self.end)}"

    @property
    def municipality_name(self) -> str:
        """The organisation's name for the region's own, else the classification's name."""
        if self.municipality_id is not None:
            return self.municipality.name  # type: ignore[union-attr]
        return municipality_name(self.municipality_code)

    def covers(self, day: date) -> bool:
        return covers(self, day)


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
        return f"{self.organisation} {_day(self.valid_from)}–{_day(self.valid_until)}"

    def is_valid_on(self, day: date) -> bool:
        return self.withdrawn_at is None and self.valid_from <= day <= self.valid_until


class ClientChange(models.Model):
    """One changed field of a client's record: old → new, who and when (rectification history).

    The identity code is never stored here: its change is recorded as changed, without values.
    """

    client = models.ForeignKey(
        Client,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("client"),
    )
    field = models.CharField(_("field"), max_length=60)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    source = models.CharField(_("source"), max_length=40, blank=True)

    class Meta:
        # The table keeps the name it had when privacy owned the model (moved without copying).
        db_table = "privacy_clientchange"
        verbose_name = _("client change")
        verbose_name_plural = _("client changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.field}"
