"""`{% notification_bell %}` in the page header: a link to the inbox with the unread count."""

from django import template
from django.utils import translation

from kotopolku.notifications import selectors, services

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    language = translation.get_language() or ""
    # E-mails are written in the language the user last used the app in; remember it when it
    # changes (one write per change, not per page).
    session = getattr(request, "session", None)
    if session is not None and session.get("notifications_language") != language:
        services.recipient_language_remember(user=user, language=language)
        session["notifications_language"] = language
    return {"show": True, "unread": selectors.unread_count(user=user)}
