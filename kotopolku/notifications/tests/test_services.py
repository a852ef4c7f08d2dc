"""Notifications through the real services: referral events, preferences, the outbox, the
unsubscribe link, digests and the security alert. Tasks run where they are queued (tests)."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kotopolku.casework import services as casework
from kotopolku.casework.tests.factories import caseworker, make_case
from kotopolku.notifications import services
from kotopolku.notifications.models import Kind, Notification, OutboxMail
from kotopolku.notifications.tasks import send_daily_digests


@pytest.fixture
def sender(demo):
    user = caseworker()
    user.email = "jussi@example.fi"
    user.save()
    services.recipient_language_remember(user=user, language="sv")
    return user


def test_answered_referral_reaches_the_sender_once_in_their_language(
    sender, django_capture_on_commit_callbacks
):
    _, _, _, referral = make_case("N-1")
    receiver = caseworker("caseworker-employment")
    with django_capture_on_commit_callbacks(execute=True):
        casework.referral_accept(actor=receiver, referral=referral)
    notice = Notification.objects.get(recipient=sender, kind=Kind.REFERRAL_ANSWERED)
    assert notice.link == reverse("casework:referral_detail", args=[referral.pk])
    assert notice.mail == Notification.Mail.SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jussi@example.fi"]
    assert "accepterade din remiss" in message.subject
    assert "/notifications/unsubscribe/" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    # No personal data: neither the client's name nor their external id.
    assert "Testi" not in message.body
    assert "N-1" not in message.body
    # The same event again (a retried task, a second signal) notifies nobody twice.
    assert (
        services.notify(
            recipient=sender,
            kind=Kind.REFERRAL_ANSWERED,
            key=f"referral:{referral.pk}:accepted",
            params={},
        )
        is None
    )
    assert Notification.objects.filter(recipient=sender, kind=Kind.REFERRAL_ANSWERED).count() == 1
    # A sent mail is never sent again, whatever calls for it.
    assert (
        services.outbox_send(mail_id=OutboxMail.objects.get(subject=message.subject).pk)
        == "already sent"
    )
    assert len(mail.outbox) == 1


def test_a_received_referral_notifies_the_receiving_caseworkers_not_the_sender(demo):
    make_case("N-2")
    received = Notification.objects.filter(kind=Kind.REFERRAL_RECEIVED)
    assert {n.recipient.username for n in received} == {"caseworker-employment"}


def test_a_withdrawn_referral_notifies_the_receiving_caseworkers(sender):
    _, _, _, referral = make_case("N-5")
    casework.referral_withdraw(actor=sender, referral=referral, reason="client moved away")
    withdrawn = Notification.objects.filter(kind=Kind.REFERRAL_WITHDRAWN)
    assert {n.recipient.username for n in withdrawn} == {"caseworker-employment"}
    assert withdrawn.get().link == reverse("casework:referral_detail", args=[referral.pk])


def test_a_rolled_back_answer_leaves_no_notice(sender):
    _, _, _, referral = make_case("N-3")
    receiver = caseworker("caseworker-employment")
    with pytest.raises(Exception, match="reason"):
        casework.referral_reject(actor=receiver, referral=referral, reason=" ")
    assert not Notification.objects.filter(kind=Kind.REFERRAL_ANSWERED).exists()


def test_inbox_only_and_daily_digest_preferences(sender, django_capture_on_commit_callbacks):
    services.preferences_set(user=sender, choices={Kind.REFERRAL_ANSWERED: "digest"})
    _, _, _, referral = make_case("N-4")
    with django_capture_on_commit_callbacks(execute=True):
        casework.referral_accept(actor=caseworker("caseworker-employment"), referral=referral)
    assert mail.outbox == []
    answered = Notification.objects.get(recipient=sender, kind=Kind.REFERRAL_ANSWERED)
    assert answered.mail == Notification.Mail.DIGEST
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_digests.enqueue()
        send_daily_digests.enqueue()  # the same day again: no second digest
    assert len(mail.outbox) == 1
    assert "nya aviseringar" in mail.outbox[0].subject
    assert "accepterade din remiss" in mail.outbox[0].body
    answered.refresh_from_db()
    assert answered.mail == Notification.Mail.SENT


def test_unsubscribe_link_stops_mail_without_logging_in(sender, client):
    url = services.unsubscribe_url(user=sender, kind=Kind.REFERRAL_ANSWERED)
    path = url.split("127.0.0.1:8000", 1)[-1]
    page = client.get(path)
    assert page.status_code == 200
    client.post(path)
    assert services.delivery_for(sender, Kind.REFERRAL_ANSWERED) == "inbox"
    forged = path.replace(path.split("/")[-2], "x" + path.split("/")[-2][1:])
    assert client.post(forged).status_code == 400


def test_smtp_failure_retries_later_and_records_the_attempt(
    sender, monkeypatch, django_capture_on_commit_callbacks
):
    from kotopolku.jobs.models import TaskFailure

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    # The database and RQ backends run a task later; the tests' immediate one is told it can.
    monkeypatch.setattr(
        "django_tasks.backends.immediate.ImmediateBackend.supports_defer", True, raising=False
    )
    queued = []
    monkeypatch.setattr(
        "django_tasks.base.Task.enqueue",
        lambda task, *args, **kwargs: queued.append((task.name, task.run_after, args, kwargs)),
    )
    from kotopolku.notifications.tasks import send_mail_task

    _, _, _, referral = make_case("N-5")
    casework.referral_accept(actor=caseworker("caseworker-employment"), referral=referral)
    outbox = OutboxMail.objects.get(recipient=sender, subject__contains="accepterade")
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_mail_task.call(outbox.pk)
    outbox.refresh_from_db()
    assert outbox.status == OutboxMail.Status.PENDING
    assert outbox.attempts == 1
    assert "SMTPServerDisconnected" in outbox.last_error
    name, run_after, args, kwargs = queued[-1]
    assert name == "send_mail_task"
    assert args == (outbox.pk,)
    assert kwargs == {"attempt": 2}
    assert run_after > timezone.now() + timedelta(seconds=50)
    assert not TaskFailure.objects.exists()  # recorded by the worker's signal, not here


def test_bulk_read_alert_reaches_admins_through_the_inbox(demo, user_for):
    from kotopolku.security.services import _notify_admins

    admin = user_for("admin")
    reader = user_for("caseworker")
    _notify_admins(user=reader, reads=30, limit=20, at=timezone.now())
    _notify_admins(user=reader, reads=31, limit=20, at=timezone.now())  # same hour: once
    notice = Notification.objects.get(recipient=admin, kind=Kind.SECURITY_ALERT)
    assert notice.params["user"] == "caseworker-jarvenpaa"


def test_scheduled_deadline_digest_and_follow_up_reminders(
    sender, django_capture_on_commit_callbacks
):
    from kotopolku.casework.tests.factories import make_client
    from kotopolku.governance.models import FollowUpTask
    from kotopolku.notifications.tasks import deadline_digest, follow_up_reminders

    make_client("DIG-1")  # no assessment: its target is long past
    FollowUpTask.objects.filter(owner=sender).update(due=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        deadline_digest.call()
        deadline_digest.call()  # the same day again: no second notice
        follow_up_reminders.call()
    digest = Notification.objects.get(recipient=sender, kind=Kind.DEADLINE_DIGEST)
    assert digest.params["overdue"] >= 1
    assert any(row["client"] == "DIG-1" for row in digest.params["rows"])
    # Each client named is a read on its log report, once (the second call sent nothing), and
    # what the system pushed does not count toward the reader's bulk-read alert.
    from kotopolku.audit.models import AuditEvent
    from kotopolku.clients.models import Client
    from kotopolku.security.services import bulk_read_alert_check

    named = AuditEvent.objects.filter(object_type="DeadlineDigest", actor=sender)
    assert named.count() == len({row["client"] for row in digest.params["rows"]})
    assert named.filter(client_id=Client.objects.get(external_id="DIG-1").pk).count() == 1
    with mock.patch("kotopolku.security.services.rule_value", return_value=0):
        assert bulk_read_alert_check(user_id=sender.pk) is None  # a limit of 0, yet no alert
    assert digest.link == reverse("casework:worklist")
    mails = [m for m in mail.outbox if "tidsfrister" in m.subject]  # Swedish, the sender's
    assert len(mails) == 1
    assert "DIG-1" in mails[0].body
    assert "Testi" not in mails[0].body
    assert Notification.objects.filter(recipient=sender, kind=Kind.TASK_DUE).exists()
