from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kotopolku.common.models import TrackedModel


class Region(TrackedModel):
    slug = models.SlugField(_("identifier"), unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(TrackedModel):
    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("municipality")
        EMPLOYMENT_AREA = "employment_area", _("employment area")
        WELLBEING_COUNTY = "wellbeing_county", _("wellbeing services county")
        EDUCATION = "education", _("education provider")
        NGO = "ngo", _("NGO")
        STATE_AUTHORITY = "state_authority", _("state authority")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    municipality_code = models.CharField(
        _("municipality code"),
        max_length=3,
        null=True,
        blank=True,
        unique=True,
        help_text=_("The official three-digit code of Statistics Finland."),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("region"),
    )
    employment_area = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="member_municipalities",
        limit_choices_to={"kind": Kind.EMPLOYMENT_AREA},
        verbose_name=_("employment area"),
    )
    wellbeing_county = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="county_municipalities",
        limit_choices_to={"kind": Kind.WELLBEING_COUNTY},
        verbose_name=_("wellbeing services county"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="municipality", municipality_code__regex=r"^[0-9]{3}$")
                    | (~Q(kind="municipality") & Q(municipality_code__isnull=True))
                ),
                name="organisation_municipality_code",
                violation_error_message=_(
                    "A municipality needs its three-digit code; other organisations have none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind="municipality")
                | (Q(employment_area__isnull=True) & Q(wellbeing_county__isnull=True)),
                name="organisation_only_municipality_has_areas",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(TrackedModel):
    """A staff member's role in one organisation. Roles decide access, in access/."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        COORDINATOR = "coordinator", _("coordinator")
        CASEWORKER = "caseworker", _("case worker")
        PROVIDER = "provider", _("course provider")
        VIEWER = "viewer", _("viewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    title = models.CharField(_("job title"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"
