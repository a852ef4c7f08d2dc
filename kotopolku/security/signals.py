from django.contrib.auth.signals import user_logged_in
from django.dispatch import Signal, receiver

from kotopolku.access.reauth import mark_authenticated


@receiver(user_logged_in, dispatch_uid="kotopolku.security.auth_at")
def _remember_log_in_time(sender, request, user, **kwargs):
    # The single sign-on callback marks its own log-ins as "oidc" right after this.
    if request is not None and hasattr(request, "session"):
        mark_authenticated(request, "password")


security_alert = Signal()
"""A security alert for administrators: `send_robust(sender=kind, key=..., params={...})`.
The notifications app turns it into inbox notices and e-mails (by a task)."""
