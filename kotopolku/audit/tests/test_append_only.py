import pytest
from django.db import DatabaseError, connection, transaction

from kotopolku.audit.models import AuditEvent
from kotopolku.audit.services import REDACTED, audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return audit_record(actor=None, action=AuditEvent.Action.VIEW, object_type="Organisation")


def test_orm_update_is_refused(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="tampered")
    event.refresh_from_db()
    assert event.reason == ""


def test_model_save_of_existing_row_is_refused(event):
    event.success = False
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()


def test_orm_delete_is_refused(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET reason = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_raw_sql_is_refused(event, sql):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, reason="").exists()


def test_insert_still_works(event):
    audit_record(actor=None, action=AuditEvent.Action.SEARCH)
    assert AuditEvent.objects.count() == 2


@pytest.mark.parametrize(
    "text", ["010594Y9032", "search 010594Y9032 please", "131052-308T", "010101A123X"]
)
def test_identity_codes_never_reach_the_table(text):
    row = audit_record(actor=None, action=AuditEvent.Action.SEARCH, reason=text, actor_label=text)
    row.refresh_from_db()
    assert REDACTED in row.reason
    assert REDACTED in row.actor_label
    assert "9032" not in row.reason
