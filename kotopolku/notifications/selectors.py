"""Reads of the notifications app."""

from typing import Any

from django.db.models import QuerySet

from kotopolku.access.policy import is_admin
from kotopolku.notifications.models import DEFAULT_DELIVERY, Kind, Notification, Preference


def inbox(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")


def unread_count(*, user: Any) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def preferences(*, user: Any) -> list[tuple[str, Any, str]]:
    """(kind, label, delivery) for every kind the user can get (security alerts go to
    administrators only), with the user's choice or the default."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    kinds = [k for k in Kind if k != Kind.SECURITY_ALERT or is_admin(user)]
    return [(k.value, k.label, chosen.get(k.value, DEFAULT_DELIVERY[k.value])) for k in kinds]
