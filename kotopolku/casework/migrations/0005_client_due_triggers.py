# ruff: noqa: S608 (fixed table and column names, no input reaches this SQL)
"""Triggers that forget a client's stored worklist order key (casework_clientdue) whenever a row
it was computed from changes, by any write path (services, imports, bulk loads, raw SQL), on
SQLite and PostgreSQL; a write to the rule table forgets every key (docs/adr/0009)."""

from django.db import migrations

DUE = "casework_clientdue"
FORGET = f"DELETE FROM {DUE} WHERE client_id = %s;"
OF_PLAN = f"DELETE FROM {DUE} WHERE client_id = (SELECT client_id FROM casework_integrationplan WHERE id = %s);"
CLIENT_FIELDS = "permit_basis, first_permit_date, client_since, closed_at, archived"


def _sqlite():
    out = []
    for table, forget in (
        ("casework_assessment", FORGET),
        ("casework_integrationplan", FORGET),
        ("casework_planservice", OF_PLAN),
        ("casework_planreview", OF_PLAN),
    ):
        column = "client_id" if forget is FORGET else "plan_id"
        new, old = forget % f"NEW.{column}", forget % f"OLD.{column}"
        out += [
            f"CREATE TRIGGER {table}_due_ins AFTER INSERT ON {table} BEGIN {new} END;",
            f"CREATE TRIGGER {table}_due_upd AFTER UPDATE ON {table} BEGIN {old} {new} END;",
            f"CREATE TRIGGER {table}_due_del AFTER DELETE ON {table} BEGIN {old} END;",
        ]
    out.append(
        f"CREATE TRIGGER clients_client_due_upd AFTER UPDATE OF {CLIENT_FIELDS} ON clients_client "
        f"BEGIN {FORGET % 'NEW.id'} END;"
    )
    for op in ("INSERT", "UPDATE", "DELETE"):
        out.append(
            f"CREATE TRIGGER rules_statutoryrule_due_{op.lower()} AFTER {op} ON rules_statutoryrule "
            f"BEGIN DELETE FROM {DUE}; END;"
        )
    return out


def _sqlite_reverse():
    names = [
        f"{t}_due_{op}"
        for t in (
            "casework_assessment",
            "casework_integrationplan",
            "casework_planservice",
            "casework_planreview",
        )
        for op in ("ins", "upd", "del")
    ]
    names += ["clients_client_due_upd"] + [
        f"rules_statutoryrule_due_{op}" for op in ("insert", "update", "delete")
    ]
    return [f"DROP TRIGGER IF EXISTS {name};" for name in names]


def _postgres():
    def function(name, forget, column):
        return (
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
            f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {forget % f'OLD.{column}'} END IF; "
            f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {forget % f'NEW.{column}'} END IF; "
            "RETURN NULL; END; $$ LANGUAGE plpgsql;"
        )

    out = [
        function("casework_due_forget_client", FORGET, "client_id"),
        function("casework_due_forget_plan", OF_PLAN, "plan_id"),
        function("casework_due_forget_self", FORGET, "id"),
        f"CREATE OR REPLACE FUNCTION casework_due_forget_all() RETURNS trigger AS $$ BEGIN "
        f"DELETE FROM {DUE}; RETURN NULL; END; $$ LANGUAGE plpgsql;",
    ]
    for table, fn in (
        ("casework_assessment", "casework_due_forget_client"),
        ("casework_integrationplan", "casework_due_forget_client"),
        ("casework_planservice", "casework_due_forget_plan"),
        ("casework_planreview", "casework_due_forget_plan"),
    ):
        out.append(
            f"CREATE TRIGGER {table}_due AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {fn}();"
        )
    out.append(
        f"CREATE TRIGGER clients_client_due AFTER UPDATE OF {CLIENT_FIELDS} ON clients_client "
        "FOR EACH ROW EXECUTE FUNCTION casework_due_forget_self();"
    )
    out.append(
        "CREATE TRIGGER rules_statutoryrule_due AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        "ON rules_statutoryrule FOR EACH STATEMENT EXECUTE FUNCTION casework_due_forget_all();"
    )
    return out


def _postgres_reverse():
    tables = (
        "casework_assessment",
        "casework_integrationplan",
        "casework_planservice",
        "casework_planreview",
        "clients_client",
        "rules_statutoryrule",
    )
    out = [f"DROP TRIGGER IF EXISTS {t}_due ON {t};" for t in tables]
    for fn in ("client", "plan", "self", "all"):
        out.append(f"DROP FUNCTION IF EXISTS casework_due_forget_{fn}();")
    return out


def forwards(apps, schema_editor):
    statements = {"sqlite": _sqlite, "postgresql": _postgres}.get(schema_editor.connection.vendor)
    if statements is None:
        raise RuntimeError("The worklist order-key triggers exist for SQLite and PostgreSQL only.")
    for sql in statements():
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in {"sqlite": _sqlite_reverse, "postgresql": _postgres_reverse}[
        schema_editor.connection.vendor
    ]():
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0004_client_due"),
        ("rules", "0005_draft_rule_sets"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
