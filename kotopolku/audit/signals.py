from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from kotopolku.audit.labels import audit_summary
from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditEvent.Action.LOGIN, path=request.path if request else "")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditEvent.Action.LOGOUT)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit_record(
        actor=None,
        actor_label=str(credentials.get("username", "")),
        action=AuditEvent.Action.LOGIN_FAILED,
        success=False,
        path=request.path if request else "",
    )


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(
        actor=None,
        actor_label=str(username or ""),
        action=AuditEvent.Action.LOCKOUT,
        success=False,
        details=audit_summary("failed_logins"),
        path=request.path if request else "",
    )
