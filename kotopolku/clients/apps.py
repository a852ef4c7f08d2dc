from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "kotopolku.clients"
    label = "clients"
    verbose_name = _("Clients")

    def ready(self) -> None:
        from kotopolku.audit.labels import register_summaries
        from kotopolku.clients import audit_labels

        register_summaries(audit_labels.SUMMARIES, audit_labels.OLD_ROWS)
