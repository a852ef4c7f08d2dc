from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "kotopolku.governance"
    label = "governance"
    verbose_name = _("Governance")

    def ready(self):
        # The programme cannot import governance (governance builds on it), so the working
        # groups join the programme document through the programme's own extension points.
        from kotopolku.governance.programme_section import _working_groups, working_groups_provider
        from kotopolku.programme import document, selectors

        selectors.register_content("working_groups", working_groups_provider)
        document.register_section(_working_groups, after="_goals")
