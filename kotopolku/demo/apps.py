from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data set. Sits on top of every domain app; nothing imports it."""

    name = "kotopolku.demo"
    label = "demo"
