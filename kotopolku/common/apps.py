from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "kotopolku.common"
    label = "common"

    def ready(self) -> None:
        from kotopolku.common import lookups, schema  # noqa: F401 (schema registers extensions)

        lookups.register()
