"""Statistics Finland's municipality classification, with the codes merged away.

Reference data, not organisations: every Finnish municipality is here, and only the region's own
municipalities are also `organisations.Organisation` rows. Home-municipality periods take any
code that is valid on the period's start (docs/domain.md C2).
"""

from datetime import date

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    code = models.CharField(_("municipality code"), max_length=3, primary_key=True)
    name_fi = models.CharField(_("name in Finnish"), max_length=100)
    name_sv = models.CharField(_("name in Swedish"), max_length=100)
    valid_from = models.DateField(
        _("valid from"), null=True, blank=True, help_text=_("Empty: since before 1999.")
    )
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: still in use.")
    )
    merged_into = models.CharField(
        _("merged into"),
        max_length=3,
        blank=True,
        help_text=_("The code of the municipality it was merged into."),
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name_fi", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{3}$"), name="municipality_code_shape"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="municipality_validity_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name_fi} ({self.code})"

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def name(self, language: str = "fi") -> str:
        return self.name_sv if language == "sv" and self.name_sv else self.name_fi
