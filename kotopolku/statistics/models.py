"""The summary table of the indicators (docs/adr/0010-statistics-summary-table.md).

`IndicatorSummary` keeps, per filter set (`filter_key`, the period and every filter, the
organisation of an organisation-limited user included), indicator table and breakdown, the raw
figures the table's queries returned: unsuppressed, inside the personal-data boundary like the
records they are counted from. Suppression is applied when a table is read from them.

`DataVersion` is one row whose `version` goes up after every committed write that can change
a figure; a summary is current while it was computed at the version in force.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class IndicatorSummary(models.Model):
    filter_key = models.CharField(_("filters"), max_length=200)
    period = models.CharField(_("period"), max_length=7)
    table = models.CharField(_("indicator table"), max_length=40)
    by = models.CharField(_("breakdown"), max_length=20, blank=True)
    # The day the stock figures were read on (the period's last day, or the day of computing
    # within the period).
    as_of = models.DateField(_("figures as of"))
    data_version = models.BigIntegerField(_("data version"))
    format = models.PositiveSmallIntegerField(_("format"))
    figures = models.JSONField(_("figures"))
    computed_at = models.DateTimeField(_("computed at"))
    compute_seconds = models.FloatField(_("seconds to compute"), default=0)
    read_at = models.DateTimeField(_("last read"))

    class Meta:
        verbose_name = _("indicator summary")
        verbose_name_plural = _("indicator summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["filter_key", "table", "by"], name="indicator_summary_once"
            )
        ]
        indexes = [models.Index(fields=["read_at"], name="indicator_summary_read")]

    def __str__(self) -> str:
        return f"{self.filter_key} {self.table} {self.by}"


class DataVersion(models.Model):
    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(_("version"), default=0)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("statistics data version")
        verbose_name_plural = _("statistics data versions")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="statistics_version_one")]

    def __str__(self) -> str:
        return str(self.version)
