from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kotopolku.common.models import TimeStampedModel


class StatutoryRule(TimeStampedModel):
    """One effective-dated value of a statutory or municipal rule (DOMAIN.md §5)."""

    class Confidence(models.TextChoices):
        VERIFIED = "V", _("verified")
        UNVERIFIED = "U", _("to verify")

    class Unit(models.TextChoices):
        YEARS = "years", _("years")
        MONTHS = "months", _("months")
        DAYS = "days", _("days")
        HOURS = "hours", _("hours")
        PERSONS = "persons", _("persons")
        EUR_PER_YEAR = "eur_per_year", _("euros per year")
        CODES = "codes", _("codes")
        CEFR = "cefr", _("CEFR level")

    key = models.SlugField(_("key"), max_length=80)
    code = models.CharField(_("rule"), max_length=8, help_text=_("P1–P8, C1–C6 or similar"))
    value = models.JSONField(_("value"))
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    source = models.TextField(_("source"))
    confidence = models.CharField(_("confidence"), max_length=1, choices=Confidence.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("statutory rule")
        verbose_name_plural = _("statutory rules")
        ordering = ["code", "key", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "effective_from"], name="rule_unique_start"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="rule_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.key} ({self.effective_from})"

    @property
    def display_value(self) -> str:
        if isinstance(self.value, list):
            return ", ".join(str(v) for v in self.value)
        return str(self.value)

    @property
    def to_verify(self) -> bool:
        return self.confidence == self.Confidence.UNVERIFIED
