from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kotopolku.access.policy import Perm, allowed

NAVIGATION = [
    (Perm.STAFF_HOME, "home", _("Home")),
    (Perm.ORGANISATION_LIST, "organisations:list", _("Organisations")),
    (Perm.RULES_VIEW, "rules:list", _("Rules")),
    (Perm.AUDIT_VIEW, "audit:list", _("Audit log")),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    perms = allowed(user)
    items = []
    for perm, name, label in NAVIGATION:
        if perm in perms:
            url = reverse(name)
            current = request.path == url if name == "home" else request.path.startswith(url)
            items.append({"url": url, "label": label, "current": current})
    return {"nav_items": items, "user_perms": {str(p) for p in perms}}
