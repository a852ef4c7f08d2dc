from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from kotopolku.access.reauth import mark_authenticated


@receiver(user_logged_in, dispatch_uid="kotopolku.security.auth_at")
def _remember_log_in_time(sender, request, user, **kwargs):
    # The single sign-on callback marks its own log-ins as "oidc" right after this.
    if request is not None and hasattr(request, "session"):
        mark_authenticated(request, "password")
