# ruff: noqa: S608 (fixed table and column names, no input reaches this SQL)
"""The worklist's stored order key gains what lets an index read a caseload in its order
(docs/adr/0009): the responsible organisation and the next deadline in the form of the day
(`plan_over`, `next_due`). The table is derived data, so it is emptied and refilled by the next
reads; the client trigger also forgets a client's row when the responsible organisation changes."""

import datetime
import importlib

import django.db.models.deletion
from django.db import migrations, models

DUE = "casework_clientdue"
OLD_FIELDS = "permit_basis, first_permit_date, client_since, closed_at, archived"
NEW_FIELDS = f"{OLD_FIELDS}, responsible_organisation_id"


def _client_trigger(fields):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            statements = [
                "DROP TRIGGER IF EXISTS clients_client_due_upd;",
                f"CREATE TRIGGER clients_client_due_upd AFTER UPDATE OF {fields} ON clients_client "
                f"BEGIN DELETE FROM {DUE} WHERE client_id = NEW.id; END;",
            ]
        elif vendor == "postgresql":
            statements = [
                "DROP TRIGGER IF EXISTS clients_client_due ON clients_client;",
                f"CREATE TRIGGER clients_client_due AFTER UPDATE OF {fields} ON clients_client "
                "FOR EACH ROW EXECUTE FUNCTION casework_due_forget_self();",
            ]
        else:
            raise RuntimeError("The worklist order-key triggers exist for SQLite and PostgreSQL.")
        for sql in statements:
            schema_editor.execute(sql)

    return run


_TRIGGERS = importlib.import_module("kotopolku.casework.migrations.0005_client_due_triggers")


def _sqlite_only(statements):
    """SQLite remakes a table to add a column with a default, and cannot rename the new table
    while triggers name it: the triggers of 0005 are dropped around the change."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements():
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0006_history_rows"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(f"DELETE FROM {DUE};", migrations.RunSQL.noop),
        migrations.RunPython(
            _sqlite_only(_TRIGGERS._sqlite_reverse), _sqlite_only(_TRIGGERS._sqlite)
        ),
        migrations.AddField(
            model_name="clientdue",
            name="organisation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organisations.organisation",
                verbose_name="responsible organisation",
            ),
        ),
        migrations.AddField(
            model_name="clientdue",
            name="plan_over",
            field=models.BooleanField(default=False, verbose_name="the latest plan has ended"),
        ),
        migrations.AddField(
            model_name="clientdue",
            name="next_due",
            field=models.DateField(default=datetime.date(1, 1, 1), verbose_name="next deadline"),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="clientdue",
            index=models.Index(fields=["organisation", "next_due"], name="client_due_order_idx"),
        ),
        migrations.AddIndex(
            model_name="clientdue",
            index=models.Index(fields=["plan_over", "plan_ended_on"], name="client_due_form_idx"),
        ),
        migrations.RunPython(
            _sqlite_only(_TRIGGERS._sqlite), _sqlite_only(_TRIGGERS._sqlite_reverse)
        ),
        migrations.RunPython(_client_trigger(NEW_FIELDS), _client_trigger(OLD_FIELDS)),
    ]
