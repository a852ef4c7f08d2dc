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


# The two holes a penetration test found -------------------------------------------

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's INSERT OR REPLACE; the PostgreSQL tests follow"
)
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="runs when the suite runs on PostgreSQL"
)


@sqlite_only
@pytest.mark.parametrize(
    "verb", ["INSERT OR REPLACE INTO", "REPLACE INTO"], ids=["insert-or-replace", "replace"]
)
def test_sqlite_insert_or_replace_cannot_rewrite_a_row(event, verb):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"{verb} audit_auditevent (id, at, actor_label, action, object_type, object_id,"  # noqa: S608
            " reason, success, path, request_id) SELECT id, at, 'someone else', action,"
            " object_type, object_id, 'rewritten', success, path, request_id"
            " FROM audit_auditevent WHERE id = %s",
            [event.pk],
        )
    event.refresh_from_db()
    assert (event.reason, event.actor_label) == ("", "")
    assert AuditEvent.objects.count() == 1


@sqlite_only
def test_sqlite_upsert_cannot_rewrite_a_row(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (id, at, actor_label, action, object_type, object_id,"
            " reason, success, path, request_id) SELECT id, at, '', action, object_type,"
            " object_id, 'x', success, path, request_id FROM audit_auditevent WHERE id = %s"
            " ON CONFLICT(id) DO UPDATE SET reason = 'rewritten'",
            [event.pk],
        )
    event.refresh_from_db()
    assert event.reason == ""


@postgres_only
def test_postgres_audit_table_belongs_to_its_own_role_and_the_app_may_only_insert_and_select():
    from django.conf import settings

    from kotopolku.audit import grants

    with connection.cursor() as cursor:
        assert grants.problems(cursor, owner=settings.AUDIT_OWNER_ROLE) == []
        cursor.execute(
            "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = %s", [grants.TABLE]
        )
        assert cursor.fetchone()[0] == settings.AUDIT_OWNER_ROLE


@postgres_only
def test_postgres_application_role_cannot_update_or_disable_the_triggers(event):
    """A login role like production's (no superuser), restricted by the migration's function;
    every statement runs as that role. The role lives only in this test's transaction."""
    from kotopolku.audit import grants

    def as_app(cursor, sql, params=()):
        cursor.execute("SAVEPOINT attempt")
        cursor.execute("SET LOCAL ROLE kotopolku_app_test")
        try:
            cursor.execute(sql, params)
        except DatabaseError as exc:
            cursor.execute("ROLLBACK TO SAVEPOINT attempt")
            return str(exc)
        cursor.execute("RESET ROLE")
        cursor.execute("RELEASE SAVEPOINT attempt")
        return ""

    with connection.cursor() as cursor:
        # The fixture's row has deferred foreign-key checks pending; ALTER TABLE waits for none.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("CREATE ROLE kotopolku_app_test LOGIN NOSUPERUSER")
        cursor.execute("GRANT USAGE ON SCHEMA public TO kotopolku_app_test")
        grants.restrict(cursor, app_role="kotopolku_app_test")
        assert grants.problems(cursor, app_role="kotopolku_app_test") == []
        assert grants.privileges(cursor, "kotopolku_app_test") == {"INSERT", "SELECT"}

        denied = "permission denied"
        assert "must be owner" in as_app(
            cursor, "ALTER TABLE audit_auditevent DISABLE TRIGGER USER"
        )
        assert denied in as_app(
            cursor, "UPDATE audit_auditevent SET reason = 'x' WHERE id = %s", [event.pk]
        )
        assert denied in as_app(cursor, "DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
        assert denied in as_app(cursor, "TRUNCATE audit_auditevent")
        assert "must be owner" in as_app(
            cursor, "ALTER TABLE audit_auditevent OWNER TO kotopolku_app_test"
        )
        assert (
            as_app(
                cursor,
                "INSERT INTO audit_auditevent (at, actor_label, action, object_type, object_id,"
                " reason, success, path, request_id) VALUES (now(), '', 'view', '', '', 'ok', true,"
                " '', '')",
            )
            == ""
        )
        assert as_app(cursor, "SELECT count(*) FROM audit_auditevent") == ""

        # The check notices a grant too many.
        cursor.execute("GRANT UPDATE ON audit_auditevent TO kotopolku_app_test")
        assert grants.problems(cursor, app_role="kotopolku_app_test") == [
            "kotopolku_app_test may also UPDATE on audit_auditevent"
        ]
    event.refresh_from_db()
    assert event.reason == ""
