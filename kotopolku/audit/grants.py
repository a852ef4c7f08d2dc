"""Who may do what to the audit table on PostgreSQL (docs/security.md).

Triggers refuse UPDATE, DELETE and TRUNCATE, but a table's owner may disable its triggers
(`ALTER TABLE … DISABLE TRIGGER USER`). So the table belongs to a role of its own,
`AUDIT_OWNER_ROLE` (default `kotopolku_audit`, NOLOGIN), and the application's role
(`DATABASE_APP_ROLE`, default the role that runs the migration) is granted INSERT and SELECT
only. ops/README.md describes the two roles; `make drill` calls `problems()`.

Plain SQL on a DB-API cursor, so that ops/dbtool.py can use it without Django.
"""

from __future__ import annotations

TABLE = "audit_auditevent"
FUNCTION = "audit_refuse_change()"
DEFAULT_OWNER = "kotopolku_audit"
ALLOWED = {"INSERT", "SELECT"}


def _ident(name: str) -> str:
    if not name or '"' in name or "\x00" in name:
        raise ValueError(f"not a usable role name: {name!r}")
    return '"' + name + '"'


def _one(cursor, sql: str, params=()):
    cursor.execute(sql, params)
    row = cursor.fetchone()
    return row[0] if row else None


def current_role(cursor) -> str:
    return _one(cursor, "SELECT current_user")


def restrict(cursor, *, owner: str = DEFAULT_OWNER, app_role: str | None = None) -> None:
    """Give the audit table to `owner` and leave `app_role` INSERT and SELECT. Needs a
    superuser, or a role that may create roles and is a member of `owner`."""
    app_role = app_role or current_role(cursor)
    if app_role == owner:
        raise ValueError("the application role must not be the audit table's owner")
    exists = _one(cursor, "SELECT 1 FROM pg_roles WHERE rolname = %s", [owner])
    if not exists:
        cursor.execute(f"CREATE ROLE {_ident(owner)} NOLOGIN")
    cursor.execute(f"ALTER TABLE {TABLE} OWNER TO {_ident(owner)}")
    if _one(cursor, "SELECT to_regprocedure(%s)", [FUNCTION]):
        cursor.execute(f"ALTER FUNCTION {FUNCTION} OWNER TO {_ident(owner)}")
    cursor.execute(f"REVOKE ALL ON TABLE {TABLE} FROM PUBLIC")
    cursor.execute(f"REVOKE ALL ON TABLE {TABLE} FROM {_ident(app_role)}")
    cursor.execute(f"GRANT SELECT, INSERT ON TABLE {TABLE} TO {_ident(app_role)}")
    sequence = _one(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
    if sequence:
        cursor.execute(f"GRANT USAGE, SELECT ON SEQUENCE {sequence} TO {_ident(app_role)}")


def privileges(cursor, role: str) -> set[str]:
    """The table privileges granted to `role` (directly or through PUBLIC) in the ACL."""
    cursor.execute(
        """
        SELECT DISTINCT acl.privilege_type
          FROM pg_class c, aclexplode(COALESCE(c.relacl, acldefault('r', c.relowner))) acl
         WHERE c.oid = %s::regclass
           AND (acl.grantee = 0 OR acl.grantee = (SELECT oid FROM pg_roles WHERE rolname = %s))
        """,
        [TABLE, role],
    )
    return {row[0] for row in cursor.fetchall()}


def problems(cursor, *, owner: str = DEFAULT_OWNER, app_role: str | None = None) -> list[str]:
    """What is wrong with the audit table's ownership and grants (empty when all is well)."""
    app_role = app_role or current_role(cursor)
    found = []
    table_owner = _one(
        cursor, "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = %s::regclass", [TABLE]
    )
    if table_owner != owner:
        found.append(f"{TABLE} is owned by {table_owner}, not by {owner}")
    if table_owner == app_role:
        found.append(f"the application role {app_role} owns {TABLE} and may disable its triggers")
    granted = privileges(cursor, app_role)
    extra = granted - ALLOWED
    if extra:
        found.append(f"{app_role} may also {', '.join(sorted(extra))} on {TABLE}")
    if not granted >= ALLOWED:
        found.append(f"{app_role} lacks {', '.join(sorted(ALLOWED - granted))} on {TABLE}")
    member = _one(cursor, "SELECT pg_has_role(%s, %s, 'USAGE')", [app_role, owner])
    if member and table_owner == owner and not is_superuser(cursor, app_role):
        found.append(f"{app_role} is a member of {owner} and may act as the table's owner")
    triggers = _one(
        cursor,
        "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal "
        "AND tgenabled <> 'D'",
        [TABLE],
    )
    if (triggers or 0) < 2:
        found.append(f"{TABLE} lacks its enabled append-only triggers")
    return found


def is_superuser(cursor, role: str) -> bool:
    return bool(_one(cursor, "SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role]))
