"""Payment lists and their reconciliation, and actual-cost claims (DESIGN.md glossary).

The computational compensation itself is never stored: it is computed by
`computation.compute_compensation` from the client registry and the rule data whenever asked.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kotopolku.common.models import TrackedModel
from kotopolku.organisations.models import Organisation

MUNICIPALITY_ONLY = {"kind": Organisation.Kind.MUNICIPALITY}


class PaymentListMapping(TrackedModel):
    """Which column of the state's payment list holds what, saved per municipality.

    Each value is a column heading as written in the file (compared without case and spaces).
    """

    municipality = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="payment_list_mapping",
        limit_choices_to=MUNICIPALITY_ONLY,
        verbose_name=_("municipality"),
    )
    identity_code = models.CharField(_("identity code column"), max_length=80, blank=True)
    last_name = models.CharField(_("last name column"), max_length=80, blank=True)
    first_names = models.CharField(_("first names column"), max_length=80, blank=True)
    date_of_birth = models.CharField(_("date of birth column"), max_length=80, blank=True)
    amount = models.CharField(_("amount column"), max_length=80)

    class Meta:
        verbose_name = _("payment-list column mapping")
        verbose_name_plural = _("payment-list column mappings")

    def __str__(self) -> str:
        return str(self.municipality)


class PaymentList(TrackedModel):
    """One monthly payment list of the state, as uploaded. The file itself is not kept."""

    municipality = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="payment_lists",
        limit_choices_to=MUNICIPALITY_ONLY,
        verbose_name=_("municipality"),
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month paid for."))
    file_name = models.CharField(_("file name"), max_length=200)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    total = models.DecimalField(_("total paid"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("payment list")
        verbose_name_plural = _("payment lists")
        ordering = ["-month", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="payment_list_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.month:%Y-%m}"


class PaymentListRow(models.Model):
    """One paid person. The identity code is kept only as the clients app's keyed hash."""

    class Match(models.TextChoices):
        IDENTITY_CODE = "identity_code", _("identity code")
        NAME_AND_BIRTH = "name_and_birth", _("name and date of birth")
        NONE = "none", _("not found")

    payment_list = models.ForeignKey(
        PaymentList, on_delete=models.CASCADE, related_name="rows", verbose_name=_("payment list")
    )
    line = models.PositiveIntegerField(_("line"))
    hetu_hash = models.CharField(_("identity code lookup hash"), max_length=64, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    first_names = models.CharField(_("first names"), max_length=150, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("client"),
    )
    match = models.CharField(_("matched by"), max_length=20, choices=Match.choices)

    class Meta:
        verbose_name = _("payment-list row")
        verbose_name_plural = _("payment-list rows")
        ordering = ["payment_list", "line"]
        constraints = [
            models.UniqueConstraint(fields=["payment_list", "line"], name="payment_row_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.payment_list} #{self.line}"


class ReconciliationDecision(TrackedModel):
    """What was decided about one difference found in a payment list, with a note and by whom."""

    class Decision(models.TextChoices):
        RESOLVED = "resolved", _("resolved")
        APPLIED = "applied", _("applied for with the e-form")
        DISPUTED = "disputed", _("disputed")

    payment_list = models.ForeignKey(
        PaymentList,
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("payment list"),
    )
    # "client:<pk>" for a registry person, "row:<line>" for an unmatched row of the list.
    subject = models.CharField(_("subject"), max_length=40)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("reconciliation decision")
        verbose_name_plural = _("reconciliation decisions")
        ordering = ["payment_list", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["payment_list", "subject"], name="reconciliation_decision_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment_list} {self.subject}: {self.decision}"


class ActualCostClaim(TrackedModel):
    """A claim for actual costs of one cost type over a period, with lines and evidence."""

    class CostType(models.TextChoices):
        INTERPRETING = "interpreting", _("interpreting and translation")
        SPECIAL_SOCIAL_HEALTH = "special_social_health", _("special social and health costs")
        UNACCOMPANIED_MINORS = "unaccompanied_minors", _("unaccompanied minors")
        OTHER_SPECIAL = "other_special", _("other special costs")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        DECIDED = "decided", _("decided")

    municipality = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="cost_claims",
        limit_choices_to=MUNICIPALITY_ONLY,
        verbose_name=_("municipality"),
    )
    cost_type = models.CharField(_("cost type"), max_length=30, choices=CostType.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    description = models.TextField(_("description"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_amount = models.DecimalField(
        _("decided amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("actual-cost claim")
        verbose_name_plural = _("actual-cost claims")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="claim_period_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(status="decided")
                | Q(decided_amount__isnull=False, decided_on__isnull=False),
                name="claim_decided_has_amount",
            ),
            models.CheckConstraint(
                condition=Q(decided_amount__isnull=True) | Q(decided_amount__gte=0),
                name="claim_decided_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_cost_type_display()} {self.period_start}–{self.period_end}"


class ClaimLine(TrackedModel):
    """One cost in a claim: for a client, or anonymous (for example a group's interpreter)."""

    claim = models.ForeignKey(
        ActualCostClaim, on_delete=models.CASCADE, related_name="lines", verbose_name=_("claim")
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("client"),
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    description = models.CharField(_("description"), max_length=300)

    class Meta:
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        ordering = ["claim", "date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="claim_line_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount}"


class ClaimAttachment(TrackedModel):
    """Evidence for a claim. Kept in the database, served only through an access check."""

    claim = models.ForeignKey(
        ActualCostClaim,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("claim"),
    )
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))
    content = models.BinaryField(_("content"))

    class Meta:
        verbose_name = _("claim attachment")
        verbose_name_plural = _("claim attachments")
        ordering = ["claim", "id"]

    def __str__(self) -> str:
        return self.file_name
