"""The inbox, notification preferences and the unsubscribe link of e-mails."""

from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kotopolku.access.jobs import NOTIFICATIONS_VIEW
from kotopolku.access.views import public, requires
from kotopolku.notifications import messages as texts
from kotopolku.notifications import selectors, services
from kotopolku.notifications.models import Delivery, Kind, Notification


@requires(NOTIFICATIONS_VIEW)
def inbox(request):
    page = Paginator(selectors.inbox(user=request.user), 25).get_page(request.GET.get("page"))
    rows = [
        {
            "notification": n,
            "title": texts.title(n.kind, n.params),
            "body": texts.body(n.kind, n.params),
        }
        for n in page.object_list
    ]
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "rows": rows, "unread": selectors.unread_count(user=request.user)},
    )


@requires(NOTIFICATIONS_VIEW)
@require_POST
def read(request, pk: int):
    notification = Notification.objects.filter(pk=pk, recipient_id=request.user.pk).first()
    if notification is None:
        raise Http404
    services.notification_read(user=request.user, notification=notification)
    target = notification.link
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")


@requires(NOTIFICATIONS_VIEW)
@require_POST
def read_all(request):
    services.notifications_read_all(user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:inbox")


@requires(NOTIFICATIONS_VIEW)
@require_http_methods(["GET", "POST"])
def preferences(request):
    rows = selectors.preferences(user=request.user)
    error = ""
    if request.method == "POST":
        choices = {}
        for kind, _label, _current in rows:
            value = request.POST.get(kind, "")
            if value not in Delivery.values:
                error = _("Choose how each kind of notification reaches you.")
                break
            choices[kind] = value
        if not error:
            services.preferences_set(user=request.user, choices=choices)
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "rows": rows,
            "deliveries": Delivery.choices,
            "error": error,
            "has_email": bool(request.user.email),
        },
        status=400 if error else 200,
    )


@public
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """From an e-mail, without logging in: the signed link names the user and the kind."""
    try:
        user, kind = services.unsubscribe_check(token)
    except (signing.BadSignature, LookupError, ValueError):
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    if kind != services.ALL_KINDS and kind not in Kind.values:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    label = _("all notifications") if kind == services.ALL_KINDS else Kind(kind).label
    if request.method == "POST":
        services.unsubscribe_apply(user=user, kind=kind)
        return render(request, "notifications/unsubscribe.html", {"done": True, "label": label})
    return render(request, "notifications/unsubscribe.html", {"label": label})
