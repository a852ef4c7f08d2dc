from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _

from kotopolku.access.organisations import ADMIN_SITE
from kotopolku.access.policy import can


class KotopolkuAdminSite(AdminSite):
    site_header = _("Kotopolku administration")
    site_title = _("Kotopolku administration")

    def has_permission(self, request):
        return can(request.user, ADMIN_SITE) and request.user.is_staff
