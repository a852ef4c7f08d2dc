from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "kotopolku.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        from kotopolku.audit import signals  # noqa: F401
