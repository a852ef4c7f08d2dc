from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "kotopolku.common"
    label = "common"
