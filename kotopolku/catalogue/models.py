from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kotopolku.common.models import TrackedModel
from kotopolku.organisations.models import Organisation


class ServiceCategory(models.Model):
    """The twelve service category codes of docs/data-formats.md; the code is the primary key.

    Other apps refer to a category by its code (`category_id == "guidance"`).
    """

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    statutory = models.BooleanField(
        _("statutory minimum"),
        default=False,
        help_text=_("Part of the service package the municipality must organise by law."),
    )
    statutory_item = models.PositiveSmallIntegerField(
        _("item of the statutory package"), null=True, blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class TargetGroup(models.TextChoices):
    ALL_IMMIGRANTS = "all_immigrants", _("all immigrants")
    JOBSEEKERS = "jobseekers", _("jobseekers")
    OUTSIDE_LABOUR_FORCE = "outside_labour_force", _("people outside the labour force")
    HOME_CARE_PARENTS = "home_care_parents", _("home-care parents")
    MINORS = "minors", _("children and young people")
    PROTECTED = "protected", _("beneficiaries of international protection")
    SOCIAL_ASSISTANCE = "social_assistance", _("social-assistance clients")
    SENIORS = "seniors", _("older people")


class ServiceQuerySet(models.QuerySet):
    def active_on(self, day: date):
        return self.filter(archived=False, active_from__lte=day).filter(
            Q(active_to__isnull=True) | Q(active_to__gte=day)
        )


class Service(TrackedModel):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        ServiceCategory,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("category"),
    )
    responsible_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_services",
        verbose_name=_("responsible organisation"),
    )
    cooperating_organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="cooperating_services",
        verbose_name=_("cooperating organisations"),
    )
    municipalities = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="offered_services",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
        verbose_name=_("municipalities where offered"),
    )
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Client places per year.")
    )
    active_from = models.DateField(_("active from"))
    active_to = models.DateField(_("active until"), null=True, blank=True)
    ptv_id = models.CharField(
        _("national service catalogue id"),
        max_length=36,
        blank=True,
        help_text=_("The service's id in the national service catalogue (PTV), if any."),
    )
    # What the national catalogue says and Kotopolku does not edit: service classes, ontology
    # terms, target groups and areas as PTV gives them. Replaced on every sync.
    ptv_classification = models.JSONField(
        _("national catalogue classification"), default=dict, blank=True, editable=False
    )
    # The local field values the last sync wrote. A local value that differs from both this and
    # PTV was edited here, and the sync keeps it ("without overwriting local fields").
    ptv_last_values = models.JSONField(default=dict, blank=True, editable=False)
    ptv_synced_at = models.DateTimeField(
        _("last synchronised with the national catalogue"), null=True, blank=True, editable=False
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["category__order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gte=models.F("active_from")),
                name="service_active_period_order",
                violation_error_message=_("The end of the active period is before its start."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: date) -> bool:
        return (
            not self.archived
            and self.active_from <= day
            and (self.active_to is None or self.active_to >= day)
        )

    @property
    def language_codes(self) -> list[str]:
        return [row.code for row in self.languages.all()]


class ServiceLanguage(models.Model):
    """A language the service is given in: ISO 639-1, or 639-3 where there is no 639-1 code."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("language"), max_length=3)

    class Meta:
        verbose_name = _("language of service")
        verbose_name_plural = _("languages of service")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="service_language_unique"),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[a-z]{2,3}$"), name="service_language_iso639"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class ServiceChannel(models.Model):
    class Kind(models.TextChoices):
        LOCATION = "location", _("location")
        PHONE = "phone", _("phone")
        E_SERVICE = "e_service", _("e-service")
        WEB = "web", _("web")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(_("channel"), max_length=20, choices=Kind.choices)
    value = models.CharField(
        _("address, number or link"), max_length=300, help_text=_("Street address, phone or URL.")
    )
    details = models.TextField(_("details"), blank=True)
    # A channel with a PTV id came from the national catalogue and is replaced by each sync;
    # one without is local and the sync never touches it.
    ptv_id = models.CharField(_("national service catalogue id"), max_length=36, blank=True)
    opening_hours = models.JSONField(_("opening hours"), default=list, blank=True)

    class Meta:
        verbose_name = _("service channel")
        verbose_name_plural = _("service channels")
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "ptv_id"],
                condition=~Q(ptv_id=""),
                name="service_channel_ptv_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class PtvOrganisation(models.Model):
    """An organisation as the national service catalogue (PTV) describes it, matched to a local
    organisation by municipality code or business id where one fits."""

    ptv_id = models.CharField(_("national service catalogue id"), max_length=36, unique=True)
    names = models.JSONField(_("names"), default=dict)
    business_code = models.CharField(_("business id"), max_length=20, blank=True)
    municipality_code = models.CharField(_("municipality code"), max_length=3, blank=True)
    organisation_type = models.CharField(_("type"), max_length=60, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ptv_organisations",
        verbose_name=_("local organisation"),
    )
    modified = models.CharField(_("modified in PTV"), max_length=40, blank=True)
    synced_at = models.DateTimeField(_("synchronised"), null=True, blank=True)

    class Meta:
        verbose_name = _("national catalogue organisation")
        verbose_name_plural = _("national catalogue organisations")
        ordering = ["ptv_id"]

    def __str__(self) -> str:
        return self.names.get("fi") or self.ptv_id


class PtvSyncRun(models.Model):
    """One read of an organisation's services from PTV: what was fetched, what it would change,
    and whether a coordinator applied it. The preview and the apply use the same payload."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("previewed")
        APPLIED = "applied", _("applied")
        FAILED = "failed", _("failed")

    organisation_ptv_id = models.CharField(_("PTV organisation"), max_length=36)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    payload = models.JSONField(default=dict, editable=False)
    changes = models.JSONField(_("changes"), default=list, editable=False)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("fetched"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fetched by"),
    )
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    class Meta:
        verbose_name = _("national catalogue synchronisation")
        verbose_name_plural = _("national catalogue synchronisations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation_ptv_id} {self.created_at:%Y-%m-%d %H:%M}"
