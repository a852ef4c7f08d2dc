from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kotopolku.audit import labels


class AuditEvent(models.Model):
    """Append-only: database triggers refuse UPDATE and DELETE (see migration 0002).

    Never holds an identity code; `audit_record` redacts anything that looks like one.
    """

    class Action(models.TextChoices):
        LOGIN = "login", _("log-in")
        LOGIN_FAILED = "login_failed", _("failed log-in")
        LOCKOUT = "lockout", _("account locked")
        LOGOUT = "logout", _("log-out")
        ACCESS_DENIED = "access_denied", _("access denied")
        VIEW = "view", _("view")
        SEARCH = "search", _("search")
        EXPORT = "export", _("export")
        DISCLOSE = "disclose", _("disclosure")
        REVOKE = "revoke", _("end of disclosure")
        CREATE = "create", _("create")
        UPDATE = "update", _("update")
        DELETE = "delete", _("delete")
        REVEAL = "reveal", _("reveal identity code")
        ALERT = "alert", _("security alert")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    client_id = models.BigIntegerField(_("client"), null=True, blank=True, db_index=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # A summary made by the system, as a code and its parameters (`audit.labels.audit_summary`), so
    # that the log reads in the reader's language; `reason` keeps the English text as well.
    details = models.JSONField(_("details"), null=True, blank=True)
    success = models.BooleanField(_("success"), default=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    @property
    def object_label(self) -> str:
        return labels.object_label(self.object_type)

    @property
    def reason_label(self) -> str:
        return labels.reason_label(self.details, self.reason)

    @property
    def reason_code(self) -> str:
        return labels.reason_code(self.details, self.reason)
