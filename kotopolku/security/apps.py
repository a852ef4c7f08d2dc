from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "kotopolku.security"
    label = "security"
    verbose_name = _("Security")

    def ready(self) -> None:
        from kotopolku.audit.labels import register_summaries
        from kotopolku.audit.services import subscribe_client_reads
        from kotopolku.security import (
            audit_labels,
            signals,  # noqa: F401
        )
        from kotopolku.security.services import on_client_read

        # audit is a leaf: it announces client reads after commit; the detector listens here.
        subscribe_client_reads(on_client_read)
        register_summaries(audit_labels.SUMMARIES, audit_labels.OLD_ROWS)
