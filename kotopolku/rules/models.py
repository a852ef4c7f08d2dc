from django.apps import apps
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kotopolku.common.models import TimeStampedModel, TrackedModel

# Rules whose value is a list of codes, and the model field whose choices name those codes.
# Looked up through the app registry when shown: rules/ sits below the domain apps and does
# not import them.
CODE_CHOICES = {
    "plan_window_exempt_bases": ("clients.Client", "permit_basis"),
    "compensation_eligible_bases": ("clients.Client", "permit_basis"),
    "compensation_citizenship_kept_bases": ("clients.Client", "permit_basis"),
    "compensation_quota_bases": ("clients.Client", "permit_basis"),
    "plan_extension_reasons": ("casework.PlanExtension", "reason"),
}


def display_value(key: str, value) -> str:
    """The value as a reader sees it: a list of codes by their names in the active language."""
    if not isinstance(value, list):
        return str(value)
    labels: dict = {}
    if key in CODE_CHOICES:
        model, field = CODE_CHOICES[key]
        try:
            labels = dict(apps.get_model(model)._meta.get_field(field).flatchoices)
        except (LookupError, ValueError):
            labels = {}
    return ", ".join(str(labels.get(v, v)) for v in value)


class StatutoryRule(TimeStampedModel):
    """One effective-dated value of a statutory or municipal rule (docs/domain.md §5)."""

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
        return display_value(self.key, self.value)

    @property
    def raw_value(self) -> str:
        """The stored codes, for a title attribute."""
        if isinstance(self.value, list):
            return ", ".join(str(v) for v in self.value)
        return str(self.value)

    @property
    def to_verify(self) -> bool:
        return self.confidence == self.Confidence.UNVERIFIED


class DraftRuleSet(TrackedModel):
    """A named proposal of rule rows (docs/data-formats.md). It never affects live computation:
    previews
    apply it in memory (`RuleBook.with_draft`), and only publishing writes its rows to the
    live table."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("draft rule set")
        verbose_name_plural = _("draft rule sets")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class DraftRuleRow(models.Model):
    """One row of a draft: from `effective_from`, `key` has `value` (JSON as in the live
    table: money as a decimal string, counts as integers, code lists as lists)."""

    draft = models.ForeignKey(
        DraftRuleSet, on_delete=models.CASCADE, related_name="rows", verbose_name=_("draft")
    )
    key = models.SlugField(_("key"), max_length=80)
    value = models.JSONField(_("value"))
    effective_from = models.DateField(_("effective from"))

    class Meta:
        verbose_name = _("draft rule row")
        verbose_name_plural = _("draft rule rows")
        ordering = ["key", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "key", "effective_from"], name="draft_row_unique_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.effective_from}"

    @property
    def display_value(self) -> str:
        return display_value(self.key, self.value)

    @property
    def raw_value(self) -> str:
        """The stored codes, for a title attribute."""
        if isinstance(self.value, list):
            return ", ".join(str(v) for v in self.value)
        return str(self.value)


class RuleTableStamp(models.Model):
    """One row whose `stamp` database triggers set to a new random number on every write to
    the rule table (INSERT, UPDATE, DELETE, TRUNCATE; any path: services, admin, imports,
    `QuerySet.update()`, raw SQL; migration `rules/0006`). The process-wide rule book
    (`rules.book.live_book`) is reused while the stamp it was read with is unchanged. Random
    rather than counted, so that a stamp of a rolled-back write is never seen again."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    stamp = models.BigIntegerField(_("stamp"))

    class Meta:
        verbose_name = _("rule table stamp")
        verbose_name_plural = _("rule table stamps")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="rule_stamp_one_row")]

    def __str__(self) -> str:
        return str(self.stamp)
