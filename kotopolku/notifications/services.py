"""Writes of the notifications app: notify, read, preferences, and the e-mail outbox."""

import logging
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kotopolku.notifications import messages
from kotopolku.notifications.models import (
    DEFAULT_DELIVERY,
    Delivery,
    Kind,
    Notification,
    OutboxMail,
    Preference,
    RecipientLanguage,
)

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "kotopolku.notifications.unsubscribe"
ALL_KINDS = "*"


def delivery_for(user: Any, kind: str) -> str:
    chosen = Preference.objects.filter(user=user, kind=kind).values_list("delivery", flat=True)
    return chosen.first() or DEFAULT_DELIVERY.get(kind, Delivery.INBOX)


def language_of(user: Any) -> str:
    stored = RecipientLanguage.objects.filter(user=user).values_list("language", flat=True)
    return stored.first() or settings.LANGUAGE_CODE


def recipient_language_remember(*, user: Any, language: str) -> None:
    """Called when a user uses the app: their e-mails follow the language they use."""
    if language not in dict(settings.LANGUAGES):
        return
    RecipientLanguage.objects.update_or_create(user=user, defaults={"language": language})


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path.startswith("/") else path


def unsubscribe_token(*, user: Any, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(*, user: Any, kind: str) -> str:
    token = unsubscribe_token(user=user, kind=kind)
    return _absolute(reverse("notifications:unsubscribe", args=[token]))


def notify(
    *, recipient: Any, kind: str, key: str, params: dict[str, Any], link: str = ""
) -> Notification | None:
    """Put a notice in the recipient's inbox and, by their preference, queue an e-mail.

    `key` names the event (for example `referral:12:accepted`): the same event never notifies
    the same person twice, however often this is called. Returns None for a repeat.
    """
    if recipient is None or not recipient.is_active:
        return None
    Kind(kind)  # an unknown kind is a programming error
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, kind=kind, key=key[:120], params=params, link=link[:300]
            )
    except IntegrityError:
        return None
    delivery = delivery_for(recipient, kind)
    if delivery == Delivery.IMMEDIATE and recipient.email:
        notification.mail = Notification.Mail.PENDING
        notification.save(update_fields=["mail"])
        mail = _outbox_for_notification(notification)
        enqueue_mail(mail.pk)
    elif delivery == Delivery.DIGEST and recipient.email:
        notification.mail = Notification.Mail.DIGEST
        notification.save(update_fields=["mail"])
    return notification


def _outbox_for_notification(notification: Notification) -> OutboxMail:
    user = notification.recipient
    with translation.override(language_of(user)):
        subject = f"Kotopolku: {messages.title(notification.kind, notification.params)}"
        text = messages.body(notification.kind, notification.params)
        unsubscribe = unsubscribe_url(user=user, kind=notification.kind)
        lines = [messages.title(notification.kind, notification.params)]
        if text:
            lines += ["", text]
        if notification.link:
            lines += ["", _("Open in Kotopolku: %(url)s") % {"url": _absolute(notification.link)}]
        lines += [
            "",
            "-- ",
            _("You get this e-mail because of your notification settings in Kotopolku."),
            _("Stop these e-mails: %(url)s") % {"url": unsubscribe},
        ]
    mail, _created = OutboxMail.objects.get_or_create(
        key=f"notification:{notification.pk}",
        defaults={
            "recipient": user,
            "subject": subject[:300],
            "body": "\n".join(lines),
            "unsubscribe_url": unsubscribe[:500],
        },
    )
    return mail


def enqueue_mail(mail_id: int) -> None:
    """Send through a task once the mail row is committed; never inside the request."""
    from kotopolku.notifications.tasks import send_mail_task

    transaction.on_commit(lambda: send_mail_task.enqueue(mail_id), robust=True)


def outbox_send(*, mail_id: int) -> str:
    """Send one outbox mail, once. Called by the task; SMTP errors propagate (and retry).

    The row is locked while sending, and a sent row is never sent again: a task delivered twice
    or retried after success changes nothing.
    """
    with transaction.atomic():
        mail = OutboxMail.objects.select_for_update().select_related("recipient").get(pk=mail_id)
        if mail.status == OutboxMail.Status.SENT:
            return "already sent"
        if not mail.recipient.email or not mail.recipient.is_active:
            mail.status = OutboxMail.Status.FAILED
            mail.last_error = "no e-mail address"
            mail.save(update_fields=["status", "last_error"])
            return "no address"
        mail.attempts += 1
        message = EmailMessage(
            subject=mail.subject,
            body=mail.body,
            to=[mail.recipient.email],
            headers={
                "List-Unsubscribe": f"<{mail.unsubscribe_url}>",
                "Auto-Submitted": "auto-generated",
            }
            if mail.unsubscribe_url
            else {"Auto-Submitted": "auto-generated"},
            connection=get_connection(),
        )
        failure: Exception | None = None
        try:
            message.send()
        except Exception as exc:
            failure = exc
            mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            mail.save(update_fields=["attempts", "last_error"])
        else:
            mail.status = OutboxMail.Status.SENT
            mail.sent_at = timezone.now()
            mail.save(update_fields=["status", "sent_at", "attempts"])
    if failure is not None:
        # The attempt is recorded (committed above); the task retries with backoff.
        raise failure
    notification_id = _notification_id(mail.key)
    if notification_id is not None:
        Notification.objects.filter(pk=notification_id, mail=Notification.Mail.PENDING).update(
            mail=Notification.Mail.SENT
        )
    return "sent"


def _notification_id(key: str) -> int | None:
    prefix = "notification:"
    return int(key[len(prefix) :]) if key.startswith(prefix) else None


def digest_send(*, user: Any, day: Any) -> OutboxMail | None:
    """Gather the user's notices waiting for the daily digest into one e-mail, once a day."""
    waiting = list(
        Notification.objects.filter(recipient=user, mail=Notification.Mail.DIGEST).order_by(
            "created_at"
        )
    )
    if not waiting or not user.email:
        return None
    with translation.override(language_of(user)):
        subject = _("Kotopolku: %(count)s new notifications") % {"count": len(waiting)}
        unsubscribe = unsubscribe_url(user=user, kind=ALL_KINDS)
        lines = [_("Your notifications since the last digest:"), ""]
        for notification in waiting:
            lines.append(f"- {messages.title(notification.kind, notification.params)}")
            if notification.link:
                lines.append(f"  {_absolute(notification.link)}")
        lines += [
            "",
            _("All notifications: %(url)s") % {"url": _absolute(reverse("notifications:inbox"))},
            "",
            "-- ",
            _("You get this e-mail because of your notification settings in Kotopolku."),
            _("Stop these e-mails: %(url)s") % {"url": unsubscribe},
        ]
    with transaction.atomic():
        mail, created = OutboxMail.objects.get_or_create(
            key=f"digest:{user.pk}:{day.isoformat()}",
            defaults={
                "recipient": user,
                "subject": subject[:300],
                "body": "\n".join(lines),
                "unsubscribe_url": unsubscribe[:500],
            },
        )
        if not created:
            return None
        Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(
            mail=Notification.Mail.SENT
        )
        enqueue_mail(mail.pk)
    return mail


# ---------------------------------------------------------------- inbox and preferences


def notification_read(*, user: Any, notification: Notification) -> None:
    if notification.recipient_id != user.pk:
        raise PermissionError("not the recipient")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_read_all(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def preferences_set(*, user: Any, choices: dict[str, str]) -> None:
    for kind, delivery in choices.items():
        Kind(kind)
        Delivery(delivery)
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})


def unsubscribe_check(token: str) -> tuple[Any, str]:
    """(user, kind) from an unsubscribe link; raises signing.BadSignature when not genuine."""
    from django.contrib.auth import get_user_model

    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    user = get_user_model().objects.get(pk=data["u"])
    return user, str(data["k"])


@transaction.atomic
def unsubscribe_apply(*, user: Any, kind: str) -> list[str]:
    """Stop e-mail for one kind, or for all (`*`): the notices stay in the inbox."""
    kinds = [k.value for k in Kind] if kind == ALL_KINDS else [Kind(kind).value]
    preferences_set(user=user, choices=dict.fromkeys(kinds, Delivery.INBOX.value))
    return kinds
