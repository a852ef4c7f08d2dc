from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "kotopolku.access"
    label = "access"
    verbose_name = _("Access control")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from kotopolku.access.middleware import start_session_clock

        user_logged_in.connect(start_session_clock, dispatch_uid="kotopolku.access.session_clock")
