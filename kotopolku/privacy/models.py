"""Data-subject rights: erasure requests, restriction, anonymisation.

The rectification history (`ClientChange`) belongs to the client registry, which writes it;
privacy only reads it (no import cycle between clients and privacy).

Writes go through `privacy/services.py`. What is held about a client, and how each model is
exported and anonymised, is declared once in `privacy/registry.py`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kotopolku.clients.models import ClientChange  # noqa: F401 (the history belongs to clients)
from kotopolku.common.models import TrackedModel


class ErasureRequest(TrackedModel):
    """A client's request to erase their data, and the decision on it.

    Client records must be kept for their retention period (GDPR 17(3)(b)): a request ends in
    restriction of processing until retention anonymises the data, or in a rejection.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        DECIDED = "decided", _("decided")

    class Decision(models.TextChoices):
        RESTRICT = "restrict", _("kept for the retention period, processing restricted")
        REJECT = "reject", _("rejected")

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="erasure_requests",
        verbose_name=_("client"),
    )
    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("how it was received"), max_length=100, blank=True)
    note = models.TextField(_("what was asked"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="received", decision="", decided_on__isnull=True)
                | Q(status="decided", decided_on__isnull=False)
                & ~Q(decision="")
                & ~Q(decision_reason=""),
                name="erasure_request_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} ({self.get_status_display()})"


class Restriction(TrackedModel):
    """Restriction of processing: the client is hidden from lists and read only with a reason."""

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        related_name="restrictions",
        verbose_name=_("client"),
    )
    erasure_request = models.ForeignKey(
        ErasureRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="restrictions",
        verbose_name=_("erasure request"),
    )
    reason = models.TextField(_("reason"))
    started_on = models.DateField(_("restricted since"))
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        verbose_name = _("restriction of processing")
        verbose_name_plural = _("restrictions of processing")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(lifted_on__isnull=True),
                name="restriction_one_active_per_client",
                violation_error_message=_("The client's processing is already restricted."),
            ),
            models.CheckConstraint(
                condition=Q(lifted_on__isnull=True) | ~Q(lift_reason=""),
                name="restriction_lift_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.started_on}–{self.lifted_on or ''}"

    @property
    def active(self) -> bool:
        return self.lifted_on is None


class RestrictedReadGrant(models.Model):
    """A user's time-limited permission, with a stated reason, to read a restricted client."""

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.CASCADE,
        related_name="restricted_read_grants",
        verbose_name=_("client"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    reason = models.CharField(_("reason"), max_length=300)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("restricted read")
        verbose_name_plural = _("restricted reads")
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(fields=["user", "client", "expires_at"], name="grant_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.granted_at:%Y-%m-%d %H:%M}"


class Anonymisation(models.Model):
    """Marks a client anonymised by the retention rule, with the rule's figure and the day."""

    client = models.OneToOneField(
        "clients.Client",
        on_delete=models.CASCADE,
        related_name="anonymisation",
        verbose_name=_("client"),
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), auto_now_add=True)
    as_of = models.DateField(_("retention applied as of"))
    retention_years = models.PositiveSmallIntegerField(_("retention years"))

    class Meta:
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")
        ordering = ["-anonymised_at", "-id"]

    def __str__(self) -> str:
        return f"{self.client_id} {self.as_of}"
