from django import template

from kotopolku.access import privacy as perms
from kotopolku.access.policy import can
from kotopolku.privacy.selectors import is_restricted

register = template.Library()


@register.inclusion_tag("privacy/includes/client_privacy_links.html", takes_context=True)
def client_privacy_links(context, client):
    """The Privacy section of the client page, for those who may use it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    show = user is not None and can(user, perms.PRIVACY_LOG_REPORT, client)
    return {
        "client": client,
        "show": show,
        "restricted": show and is_restricted(client.pk),
    }
