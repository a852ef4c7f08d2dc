from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "kotopolku.jobs"
    label = "jobs"
    verbose_name = _("Background work")

    def ready(self) -> None:
        from kotopolku.jobs import signals  # noqa: F401

        # Each domain app registers its job runners in its own `jobs.py`, so this app never
        # imports a domain app.
        autodiscover_modules("jobs")
