from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kotopolku.access.calendar import CALENDAR_OWN
from kotopolku.access.ratelimit import hit, too_many
from kotopolku.access.views import public, requires
from kotopolku.calendar import selectors, services
from kotopolku.common.ics import absolute_url, calendar_bytes, ics_response
from kotopolku.notifications.services import language_of


def _feed_url(token: str) -> str:
    return absolute_url(reverse("calendar:feed", kwargs={"token": token}))


@requires(CALENDAR_OWN)
def settings_page(request):
    """The user's feed address; the first visit makes it, so there is nothing to switch on."""
    feed = services.calendar_feed_get_or_create(user=request.user)
    url = _feed_url(feed.token)
    return render(
        request,
        "calendar/settings.html",
        {
            "feed": feed,
            "feed_url": url,
            "webcal_url": "webcal://" + url.split("://", 1)[1],
        },
    )


@requires(CALENDAR_OWN)
@require_http_methods(["GET", "POST"])
def regenerate(request):
    """GET asks for confirmation; POST replaces the address."""
    if request.method == "POST":
        services.calendar_feed_regenerate(actor=request.user)
        messages.success(
            request,
            _("Your calendar has a new address. Subscribe to it again in your calendar app."),
        )
        return redirect("calendar:settings")
    return render(request, "calendar/regenerate.html")


@public
@require_GET
def feed(request, token: str):
    """The feed of the token's user, for calendar apps (no log-in). An unknown token is a 404,
    the same as a page that does not exist; tokens are too long to guess.

    The limit counts per feed and address, not per address alone: a calendar service such as
    Google fetches every subscriber's feed from the same few addresses."""
    found = selectors.feed_by_token(token=token)
    if found is None:
        raise Http404
    allowed, retry_after = hit(request, f"calendar-feed-{found.pk}", limit=30, per=60)
    if not allowed:
        return too_many(request, retry_after)
    services.calendar_feed_used(feed=found)
    user = found.user
    with translation.override(language_of(user)):
        content = calendar_bytes(
            selectors.feed_events(user=user, today=timezone.localdate()),
            name="Kotopolku",
        )
    return ics_response(content, filename="kotopolku.ics", download=False)
