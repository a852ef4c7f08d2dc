from django.contrib.admin.apps import AdminConfig


class KotopolkuAdminConfig(AdminConfig):
    """Django admin whose door is decided in access/, like every other page."""

    default_site = "kotopolku.access.admin_site.KotopolkuAdminSite"
