# ruff: noqa: S608 (fixed table names, no input reaches this SQL)
"""The rule table's stamp: triggers give it a new random value on every write to the rule
table, by any path, on SQLite and PostgreSQL (docs/adr/0003, the book across requests)."""

import secrets

from django.db import migrations, models

STAMP = "rules_ruletablestamp"
RULES = "rules_statutoryrule"


def _sqlite():
    upsert = (
        f"INSERT INTO {STAMP} (id, stamp) VALUES (1, random()) "
        "ON CONFLICT (id) DO UPDATE SET stamp = excluded.stamp;"
    )
    return [
        f"CREATE TRIGGER {RULES}_stamp_{op.lower()} AFTER {op} ON {RULES} BEGIN {upsert} END;"
        for op in ("INSERT", "UPDATE", "DELETE")
    ]


def _sqlite_reverse():
    return [f"DROP TRIGGER IF EXISTS {RULES}_stamp_{op};" for op in ("insert", "update", "delete")]


def _postgres():
    return [
        "CREATE OR REPLACE FUNCTION rules_table_stamp() RETURNS trigger AS $$ BEGIN "
        f"INSERT INTO {STAMP} (id, stamp) VALUES (1, floor(random() * 9007199254740991)::bigint) "
        "ON CONFLICT (id) DO UPDATE SET stamp = excluded.stamp; "
        "RETURN NULL; END; $$ LANGUAGE plpgsql;",
        f"CREATE TRIGGER {RULES}_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {RULES} "
        "FOR EACH STATEMENT EXECUTE FUNCTION rules_table_stamp();",
    ]


def _postgres_reverse():
    return [
        f"DROP TRIGGER IF EXISTS {RULES}_stamp ON {RULES};",
        "DROP FUNCTION IF EXISTS rules_table_stamp();",
    ]


def forwards(apps, schema_editor):
    statements = {"sqlite": _sqlite, "postgresql": _postgres}.get(schema_editor.connection.vendor)
    if statements is None:
        raise RuntimeError("The rule table's stamp triggers exist for SQLite and PostgreSQL only.")
    for sql in statements():
        schema_editor.execute(sql)
    # The first stamp: a write to the rule table sets a new one.
    schema_editor.execute(
        f"INSERT INTO {STAMP} (id, stamp) VALUES (1, %s) ON CONFLICT (id) DO NOTHING;",
        [secrets.randbits(53)],
    )


def backwards(apps, schema_editor):
    for sql in {"sqlite": _sqlite_reverse, "postgresql": _postgres_reverse}[
        schema_editor.connection.vendor
    ]():
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("rules", "0005_draft_rule_sets"),
    ]

    operations = [
        migrations.CreateModel(
            name="RuleTableStamp",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("stamp", models.BigIntegerField(verbose_name="stamp")),
            ],
            options={
                "verbose_name": "rule table stamp",
                "verbose_name_plural": "rule table stamps",
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("id", 1)), name="rule_stamp_one_row")
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
