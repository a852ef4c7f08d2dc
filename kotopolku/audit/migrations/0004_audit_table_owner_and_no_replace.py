"""Close the two holes in the audit table's append-only rule (docs/security.md).

SQLite: `INSERT OR REPLACE` with an existing id deletes the old row and inserts a new one, and
no DELETE trigger fires for that; a BEFORE INSERT trigger refuses an id that exists.

PostgreSQL: the table's owner may disable its triggers, and the application's role owned it.
The table now belongs to a role of its own and the application's role keeps INSERT and SELECT
(`kotopolku/audit/grants.py`; the two roles are described in ops/README.md). This needs a
superuser (as in CI) or a role that may create roles and is a member of the owner role.
"""

from django.conf import settings
from django.db import migrations

from kotopolku.audit import grants

SQLITE = """
CREATE TRIGGER audit_event_no_replace BEFORE INSERT ON audit_auditevent
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_auditevent WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END;
"""

HELP = (
    "The audit table must belong to the role {owner} and the application's role ({app}) may "
    "only INSERT and SELECT. Run this migration once as a PostgreSQL superuser, e.g. "
    "DATABASE_URL=postgres://postgres@HOST/DB DATABASE_APP_ROLE={app} manage.py migrate audit "
    "(see ops/README.md, 'Database roles'). The database said: {error}"
)


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        schema_editor.execute(SQLITE)
        return
    if connection.vendor != "postgresql":
        raise RuntimeError("The audit table's protection exists for SQLite and PostgreSQL only.")
    owner = getattr(settings, "AUDIT_OWNER_ROLE", "") or grants.DEFAULT_OWNER
    app_role = getattr(settings, "DATABASE_APP_ROLE", "") or None
    with connection.cursor() as cursor:
        try:
            cursor.execute("SAVEPOINT audit_grants")
            grants.restrict(cursor, owner=owner, app_role=app_role)
            cursor.execute("RELEASE SAVEPOINT audit_grants")
        except Exception as exc:
            cursor.execute("ROLLBACK TO SAVEPOINT audit_grants")
            raise RuntimeError(
                HELP.format(owner=owner, app=app_role or grants.current_role(cursor), error=exc)
            ) from exc


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_replace;")
        return
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent OWNER TO CURRENT_USER")
        cursor.execute("ALTER FUNCTION audit_refuse_change() OWNER TO CURRENT_USER")
        cursor.execute("GRANT ALL ON TABLE audit_auditevent TO CURRENT_USER")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_alert_action")]
    operations = [migrations.RunPython(forwards, backwards)]
