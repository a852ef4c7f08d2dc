"""Writes of the calendar feed: create, replace and mark the token as used."""

import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import audit_record
from kotopolku.calendar.models import CalendarFeed

# `last_used_at` is written at most this often: calendar apps poll every few minutes.
USE_RESOLUTION = timedelta(hours=1)


def _new_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def calendar_feed_get_or_create(*, user: Any) -> CalendarFeed:
    feed, created = CalendarFeed.objects.get_or_create(user=user, defaults={"token": _new_token()})
    if created:
        audit_record(
            actor=user,
            action=AuditEvent.Action.CREATE,
            object_type="CalendarFeed",
            object_id=feed.pk,
        )
    return feed


@transaction.atomic
def calendar_feed_regenerate(*, actor: Any) -> CalendarFeed:
    """A new secret address for the actor's feed; the old one answers 404 from now on."""
    feed = CalendarFeed.objects.select_for_update().filter(user=actor).first()
    if feed is None:
        feed = CalendarFeed(user=actor)
    feed.token = _new_token()
    feed.last_used_at = None
    feed.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="CalendarFeed",
        object_id=feed.pk,
        reason="new address",
    )
    return feed


def calendar_feed_used(*, feed: CalendarFeed) -> None:
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at >= USE_RESOLUTION:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
