from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "kotopolku.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from kotopolku.notifications import receivers  # noqa: F401
