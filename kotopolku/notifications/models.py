"""The in-app inbox, each user's delivery preferences, and the e-mail outbox.

A notification stores its kind and a few plain parameters (organisation names, a date, a
count), never a client's name or identity code; its text is written when it is shown or mailed,
in the language of the person reading it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    REFERRAL_RECEIVED = "referral_received", _("A referral is received")
    REFERRAL_ANSWERED = "referral_answered", _("My referral is answered")
    REFERRAL_COMPLETED = "referral_completed", _("My referral is completed")
    REFERRAL_WITHDRAWN = "referral_withdrawn", _("A referral is withdrawn")
    TASK_ASSIGNED = "task_assigned", _("A follow-up task is assigned to me")
    TASK_DUE = "task_due", _("My follow-up task is due")
    DEADLINE_DIGEST = "deadline_digest", _("My deadlines (overdue and coming)")
    JOB_FINISHED = "job_finished", _("My background job has finished")
    SECURITY_ALERT = "security_alert", _("Security alert (administrators)")


class Delivery(models.TextChoices):
    INBOX = "inbox", _("Inbox only")
    DIGEST = "digest", _("Inbox and a daily e-mail digest")
    IMMEDIATE = "immediate", _("Inbox and e-mail at once")


# Until a user chooses: what needs action soon is mailed at once, the rest stays in the inbox.
DEFAULT_DELIVERY: dict[str, str] = {
    Kind.REFERRAL_RECEIVED: Delivery.IMMEDIATE,
    Kind.REFERRAL_ANSWERED: Delivery.IMMEDIATE,
    Kind.REFERRAL_COMPLETED: Delivery.DIGEST,
    Kind.REFERRAL_WITHDRAWN: Delivery.IMMEDIATE,
    Kind.TASK_ASSIGNED: Delivery.IMMEDIATE,
    Kind.TASK_DUE: Delivery.DIGEST,
    Kind.DEADLINE_DIGEST: Delivery.IMMEDIATE,
    Kind.JOB_FINISHED: Delivery.INBOX,
    Kind.SECURITY_ALERT: Delivery.IMMEDIATE,
}


class Notification(models.Model):
    class Mail(models.TextChoices):
        NONE = "none", pgettext_lazy("e-mail status", "not mailed")
        PENDING = "pending", pgettext_lazy("e-mail status", "to be mailed")
        DIGEST = "digest", pgettext_lazy("e-mail status", "in the next digest")
        SENT = "sent", pgettext_lazy("e-mail status", "mailed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    params = models.JSONField(_("details"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    key = models.CharField(
        _("idempotency key"),
        max_length=120,
        help_text=_("The event this notice is about; the same event never notifies twice."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    mail = models.CharField(_("e-mail"), max_length=10, choices=Mail.choices, default=Mail.NONE)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class Preference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"


class RecipientLanguage(models.Model):
    """The language a user's e-mails are written in: the one they last used the app in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_language",
        verbose_name=_("user"),
    )
    language = models.CharField(_("language"), max_length=10)

    class Meta:
        verbose_name = _("e-mail language")
        verbose_name_plural = _("e-mail languages")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"


class OutboxMail(models.Model):
    """One e-mail to send. `key` is unique: the same notice or digest is never mailed twice,
    and a retried task finds the mail already sent and stops."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("e-mail status", "to be sent")
        SENT = "sent", pgettext_lazy("e-mail status", "sent")
        FAILED = "failed", pgettext_lazy("e-mail status", "failed")

    key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    subject = models.CharField(_("e-mail subject"), max_length=300)
    body = models.TextField(_("e-mail text"))
    unsubscribe_url = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.key
