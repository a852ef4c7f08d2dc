from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from kotopolku.access import casework as casework_perms
from kotopolku.access import catalogue as catalogue_perms
from kotopolku.access import clients as client_perms
from kotopolku.access import compensation as compensation_perms
from kotopolku.access import courses as course_perms
from kotopolku.access import governance as governance_perms
from kotopolku.access import organisations as org_perms
from kotopolku.access import privacy as privacy_perms
from kotopolku.access import programme as programme_perms
from kotopolku.access import statistics as statistics_perms
from kotopolku.access.policy import can

# (permission, URL name, label). Apps add their entries here as they arrive.
NAVIGATION = [
    (org_perms.STAFF_HOME, "home", _("Home")),
    (casework_perms.WORKLIST, "casework:worklist", _("Worklist")),
    (client_perms.CLIENT_LIST, "clients:list", _("Clients")),
    (course_perms.COURSE_LIST, "courses:list", _("Courses")),
    (org_perms.ORGANISATION_LIST, "organisations:list", _("Organisations")),
    (catalogue_perms.CATALOGUE_VIEW, "catalogue:list", _("Services")),
    (programme_perms.PROGRAMME_VIEW, "programme:list", _("Programme")),
    (governance_perms.GOVERNANCE_VIEW, "governance:groups", _("Working groups")),
    (compensation_perms.COMPENSATION_VIEW, "compensation:forecast", _("State compensation")),
    (statistics_perms.STATISTICS_VIEW, "statistics:dashboard", _("Statistics")),
    (privacy_perms.PRIVACY_OVERVIEW, "privacy:overview", _("Privacy")),
    (org_perms.RULES_VIEW, "rules:list", _("Rules")),
    (org_perms.AUDIT_VIEW, "audit:list", _("Audit log")),
]


@lru_cache(maxsize=256)
def _url(name: str, prefix: str, urlconf: str | None) -> str:
    """The entry's URL, reversed once per script prefix and URLconf (both are part of it)."""
    return reverse(name, urlconf=urlconf)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for perm, name, label in NAVIGATION:
        if can(user, perm):
            url = _url(name, get_script_prefix(), get_urlconf())
            current = request.path == url if name == "home" else request.path.startswith(url)
            items.append({"url": url, "label": label, "current": current})
    return {"nav_items": items}
