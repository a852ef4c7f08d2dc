from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kotopolku.audit.models import AuditEvent
from kotopolku.clients import services as clients
from kotopolku.clients.tests.factories import ClientFactory, staff_user
from kotopolku.privacy import selectors, services
from kotopolku.privacy.models import ClientChange, ErasureRequest, Restriction

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(demo):
    return ClientFactory(first_names="Amina", last_name="Hassan")


def test_rejected_request_changes_nothing_but_is_recorded(client):
    actor = staff_user()
    request = services.erasure_request_create(
        actor=actor, client=client, received_on=timezone.localdate()
    )
    services.erasure_request_decide(
        actor=actor, request=request, decision="reject", reason="Ei koske tätä henkilöä"
    )
    request.refresh_from_db()
    assert request.decision == ErasureRequest.Decision.REJECT
    assert not selectors.is_restricted(client.pk)
    with pytest.raises(ValidationError):
        services.erasure_request_decide(
            actor=actor, request=request, decision="restrict", reason="Toinen kerta"
        )
    assert not Restriction.objects.exists()


def test_request_in_the_future_and_unknown_decision_are_refused(client):
    actor = staff_user()
    with pytest.raises(ValidationError):
        services.erasure_request_create(
            actor=actor, client=client, received_on=timezone.localdate() + timedelta(days=1)
        )
    request = services.erasure_request_create(
        actor=actor, client=client, received_on=timezone.localdate()
    )
    with pytest.raises(ValidationError):
        services.erasure_request_decide(actor=actor, request=request, decision="delete", reason="x")
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.RECEIVED


def test_one_active_restriction_and_lifting_once(client):
    actor = staff_user()
    restriction = services.restriction_start(actor=actor, client=client, reason="Kiista")
    with pytest.raises(ValidationError):
        services.restriction_start(actor=actor, client=client, reason="Uudelleen")
    services.restriction_lift(actor=actor, restriction=restriction, reason="Ratkaistu")
    with pytest.raises(ValidationError):
        services.restriction_lift(actor=actor, restriction=restriction, reason="Uudelleen")
    assert not selectors.is_restricted(client.pk)
    services.restriction_start(actor=actor, client=client, reason="Uusi kiista")
    assert selectors.is_restricted(client.pk)


def test_grant_expires(client):
    actor = staff_user()
    grant = services.restricted_read_grant(actor=actor, client=client, reason="Oikaisuvaatimus")
    now = timezone.now()
    assert selectors.active_grant(user=actor, client_pk=client.pk, now=now) == grant
    later = now + timedelta(minutes=16)
    assert selectors.active_grant(user=actor, client_pk=client.pk, now=later) is None
    with pytest.raises(ValidationError):
        services.restricted_read_grant(actor=actor, client=client, reason=" ")


def test_closing_is_in_the_history_and_free_text_is_redacted(client):
    actor = staff_user()
    clients.client_update(actor=actor, client=client, street_address="Koti 1 (tunnus 010594Y9032)")
    clients.client_close(actor=actor, client=client, closure="moved")
    changes = {c.field: c for c in ClientChange.objects.filter(client=client)}
    assert "010594Y9032" not in changes["street_address"].new_value
    assert changes["closure"].new_value == "moved"
    assert changes["closure"].source == "close"
    assert not AuditEvent.objects.filter(reason__contains="010594Y9032").exists()


def test_unchanged_update_writes_no_history(client):
    clients.client_update(actor=staff_user(), client=client, first_names="Amina")
    assert not ClientChange.objects.filter(client=client).exists()
