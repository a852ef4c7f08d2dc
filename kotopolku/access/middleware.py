import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

STARTED = "_kotopolku_started"
LAST_SEEN = "_kotopolku_last_seen"
# The last-seen time is written at most once a minute: a session write on every request would
# cost every page a database UPDATE. The idle limit is then exact to within this.
LAST_SEEN_RESOLUTION = 60


def start_session_clock(sender, request, user, **kwargs) -> None:
    """At log-in, start the session's clocks, so its first page does not write the session."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED] = now
        request.session[LAST_SEEN] = now


class SessionLimitsMiddleware:
    """Ends a session after 30 idle minutes or 12 hours in all (settings SESSION_*_SECONDS).

    Saving the last-seen time also renews the session's expiry in the session store, so the
    store keeps a session exactly as long as this middleware does (SESSION_COOKIE_AGE is the
    idle limit)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(STARTED, now)
            last_seen = request.session.get(LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_SECONDS
            too_long = now - started > settings.SESSION_ABSOLUTE_SECONDS
            if idle or too_long:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.info(request, _("Your session ended. Please log in again."))
                return redirect_to_login(request.get_full_path())
            if LAST_SEEN not in request.session or now - last_seen >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
