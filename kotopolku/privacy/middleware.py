"""Sends a user who hits a restricted client to the page that asks for a reason.

Without this middleware the user gets the plain 403 page (RestrictedClient is a
PermissionDenied), so removing it fails safe. API calls keep their 403 problem JSON.
"""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from kotopolku.access.privacy import RestrictedClient


class RestrictedClientMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RestrictedClient) or request.path.startswith("/api/"):
            return None
        target = request.get_full_path() if request.method == "GET" else request.path
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = ""
        url = reverse("privacy:restricted_open", kwargs={"pk": exception.client_pk})
        return redirect(f"{url}?{urlencode({'next': target})}" if target else url)
