from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "kotopolku.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        import logging

        # WeasyPrint reports every layout step at INFO; only its warnings matter to operators.
        for name in ("weasyprint", "weasyprint.progress", "fontTools"):
            logging.getLogger(name).setLevel(logging.WARNING)
