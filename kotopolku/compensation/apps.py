from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompensationConfig(AppConfig):
    name = "kotopolku.compensation"
    label = "compensation"
    verbose_name = _("State compensation")

    def ready(self) -> None:
        from kotopolku.audit.labels import register_summaries
        from kotopolku.compensation import audit_labels

        register_summaries(audit_labels.SUMMARIES, audit_labels.OLD_ROWS)
