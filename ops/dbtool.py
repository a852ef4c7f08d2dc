#!/usr/bin/env python3
"""Backup, restore and the restore drill for Kotopolku's database (SQLite or PostgreSQL).

    ops/backup  [--database-url URL] OUT          PostgreSQL: pg_dump -Fc; SQLite: online backup
    ops/restore [--database-url URL] [--create] FILE   into an empty database (or a new file)
    ops/drill   [--database-url URL]              back up, restore into a fresh database,
                                                  compare every table's rows and content
                                                  (one snapshot), print the times

DATABASE_URL is read from the environment when --database-url is not given; empty means the
default SQLite file var/db.sqlite3. Needs only the standard library, plus psycopg and the
PostgreSQL client programs (pg_dump, pg_restore) for PostgreSQL.
"""

import argparse
import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
AUDIT_TABLE = "audit_auditevent"
SQLITE_AUDIT_TRIGGERS = {"audit_event_no_update", "audit_event_no_delete", "audit_event_no_replace"}
sys.path.insert(0, str(ROOT))
from kotopolku.audit import grants  # noqa: E402 - plain SQL, no Django


def audit_roles() -> tuple[str, str | None]:
    """The audit table's owner role and the application's role (settings of the same names)."""
    owner = os.environ.get("AUDIT_OWNER_ROLE") or grants.DEFAULT_OWNER
    return owner, os.environ.get("DATABASE_APP_ROLE") or None


def audit_protection(db: "Db") -> tuple[list[str], list[str]]:
    """(problems, warnings) of the audit table's append-only protection: on PostgreSQL its
    owner and the application role's grants (kotopolku/audit/grants.py), on SQLite its
    triggers."""
    conn = db.connect()
    try:
        if db.kind == "sqlite":
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'").fetchall()
            missing = SQLITE_AUDIT_TRIGGERS - {r[0] for r in rows}
            return [f"{AUDIT_TABLE}: trigger {name} is missing" for name in sorted(missing)], []
        owner, app_role = audit_roles()
        with conn.cursor() as cursor:
            app_role = app_role or grants.current_role(cursor)
            found = grants.problems(cursor, owner=owner, app_role=app_role)
            warnings = []
            if grants.is_superuser(cursor, app_role):
                warnings.append(
                    f"the application role {app_role} is a superuser, which no grant restricts; "
                    "run the application as its own role (ops/README.md, 'Database roles')"
                )
        return found, warnings
    finally:
        conn.close()


class Db:
    def __init__(self, url: str):
        self.url = url or f"sqlite:///{ROOT / 'var' / 'db.sqlite3'}"
        parsed = urlparse(self.url)
        self.kind = "sqlite" if parsed.scheme.startswith("sqlite") else "postgres"
        if self.kind == "postgres" and parsed.scheme not in ("postgres", "postgresql", "pgsql"):
            raise SystemExit(f"unsupported database URL scheme: {parsed.scheme}")
        self.parsed = parsed

    # -- SQLite ---------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        raw = self.url.split("sqlite:///", 1)[1] if "sqlite:///" in self.url else ""
        return Path(raw if raw.startswith("/") else ROOT / raw)

    # -- PostgreSQL -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.parsed.path.lstrip("/")

    def with_name(self, name: str) -> "Db":
        return Db(urlunparse(self.parsed._replace(path=f"/{name}")))

    def libpq(self) -> str:
        return urlunparse(self.parsed._replace(scheme="postgresql"))

    def connect(self):
        if self.kind == "sqlite":
            return sqlite3.connect(self.path)
        import psycopg

        return psycopg.connect(self.libpq(), autocommit=True)

    # -- common -------------------------------------------------------------------------------
    def tables(self, conn) -> list[str]:
        if self.kind == "sqlite":
            rows = conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
        else:
            rows = conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema='public' AND table_type='BASE TABLE'"
            ).fetchall()
        return sorted(r[0] for r in rows)

    def fingerprint(self, conn=None) -> dict[str, tuple[int, str]]:
        """Each table's row count and a SHA-256 of its content (every row, every column, in
        the order of all its columns), read in one transaction: one snapshot of the database."""
        own = conn is None
        conn = conn or self.connect()
        try:
            if own:
                _begin_snapshot(self, conn)
            found = {}
            for table in self.tables(conn):
                columns = len(_columns(self, conn, table))
                order = ", ".join(str(n) for n in range(1, columns + 1))
                digest = hashlib.sha256()
                count = 0
                cursor = conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}')  # noqa: S608
                for row in cursor:
                    digest.update(repr(tuple(_plain(v) for v in row)).encode())
                    count += 1
                found[table] = (count, digest.hexdigest())
            return found
        finally:
            if own:
                conn.close()


def _columns(db: "Db", conn, table: str) -> list[str]:
    if db.kind == "sqlite":
        return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")').fetchall()]
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema='public' "
        "AND table_name=%s ORDER BY ordinal_position",
        (table,),
    ).fetchall()
    return [r[0] for r in rows]


def _begin_snapshot(db: "Db", conn) -> str | None:
    """Open a read transaction whose snapshot later reads share; on PostgreSQL, export it so
    that pg_dump reads the very same state (returns the snapshot id)."""
    if db.kind == "sqlite":
        conn.isolation_level = None
        conn.execute("BEGIN")
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # takes the snapshot
        return None
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    return conn.execute("SELECT pg_export_snapshot()").fetchone()[0]


def _plain(value):
    """The same text for a value whichever driver read it (datetimes, booleans)."""
    if isinstance(value, bool):
        return int(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
        return text.replace("+00:00", "")
    return value


def backup(db: Db, out: Path, *, source=None, snapshot: str | None = None) -> None:
    """A backup of the database, or of the snapshot `source` (SQLite: a connection inside its
    read transaction) or `snapshot` (PostgreSQL: an exported snapshot id) shows."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if db.kind == "sqlite":
        if not db.path.exists():
            raise SystemExit(f"no database at {db.path}")
        own = source is None
        source = source or sqlite3.connect(db.path)
        target = sqlite3.connect(out)
        try:
            source.backup(target)  # consistent even while the app writes
        finally:
            target.close()
            if own:
                source.close()
    else:
        command = ["pg_dump", "-Fc", "--no-owner", "--no-privileges", "-f", str(out)]
        if snapshot:
            command += [f"--snapshot={snapshot}"]
        subprocess.run([*command, db.libpq()], check=True)  # noqa: S603 - our own URL


def create_database(db: Db) -> None:
    admin = db.with_name("postgres")
    conn = admin.connect()
    try:
        conn.execute(f'CREATE DATABASE "{db.name}"')
    finally:
        conn.close()


def drop_database(db: Db) -> None:
    admin = db.with_name("postgres")
    conn = admin.connect()
    try:
        conn.execute(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')
    finally:
        conn.close()


def restore(db: Db, dump: Path, *, create: bool = False, force: bool = False) -> None:
    if not dump.exists():
        raise SystemExit(f"no backup at {dump}")
    if db.kind == "sqlite":
        if db.path.exists() and not force:
            raise SystemExit(f"{db.path} exists; restore into a new file or pass --force")
        db.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = db.path.with_suffix(".restoring")
        shutil.copyfile(dump, tmp)
        check = sqlite3.connect(tmp)
        # Django's CHECK constraints use REGEXP, which SQLite leaves to the application.
        check.create_function(
            "REGEXP",
            2,
            lambda pattern, text: text is not None and re.search(pattern, str(text)) is not None,
        )
        try:
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise SystemExit("the backup file fails SQLite's integrity check")
        finally:
            check.close()
        os.replace(tmp, db.path)
    else:
        if create:
            create_database(db)
        command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
        command += ["-d", db.libpq(), str(dump)]
        subprocess.run(command, check=True)  # noqa: S603 - fixed programme, our own URL
        # The dump carries no owners or grants: give the audit table back to its own role.
        conn = db.connect()
        try:
            owner, app_role = audit_roles()
            with conn.cursor() as cursor:
                grants.restrict(cursor, owner=owner, app_role=app_role)
        finally:
            conn.close()


def drill(db: Db) -> int:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kotopolku-drill-") as tmp:
        dump = Path(tmp) / ("backup.dump" if db.kind == "postgres" else "backup.sqlite3")
        # The source's fingerprint and the backup come from one snapshot, so rows the
        # application writes meanwhile cannot make a good backup look bad, or hide a loss.
        conn = db.connect()
        try:
            snapshot = _begin_snapshot(db, conn)
            t0 = time.monotonic()
            backup(db, dump, source=conn if db.kind == "sqlite" else None, snapshot=snapshot)
            t_backup = time.monotonic() - t0
            source_tables = db.fingerprint(conn)
        finally:
            conn.close()
        size = dump_size(dump)
        if db.kind == "sqlite":
            fresh = Db(f"sqlite:///{Path(tmp) / 'restored.sqlite3'}")
        else:
            fresh = db.with_name(f"{db.name[:40]}_drill_{os.getpid()}")
        t0 = time.monotonic()
        try:
            restore(fresh, dump, create=db.kind == "postgres")
            t_restore = time.monotonic() - t0
            restored_tables = fresh.fingerprint()
            protection, warnings = audit_protection(db)
            restored_protection, _ = audit_protection(fresh)
        finally:
            if db.kind == "postgres":
                drop_database(fresh)
    problems = []
    for table in sorted(source_tables.keys() | restored_tables.keys()):
        (rows_a, sum_a), (rows_b, sum_b) = (
            source_tables.get(table, (None, "")),
            restored_tables.get(table, (None, "")),
        )
        if rows_a != rows_b:
            problems.append(f"{table}: {rows_a} rows in the source, {rows_b} restored")
        elif sum_a != sum_b:
            problems.append(f"{table}: content differs (sha256 {sum_a[:12]} vs {sum_b[:12]})")
    source_counts = {t: rows for t, (rows, _sum) in source_tables.items()}
    source_sum = source_tables.get(AUDIT_TABLE, (0, ""))[1]
    problems += [f"source: {p}" for p in protection]
    problems += [f"restored: {p}" for p in restored_protection]
    total = time.monotonic() - started
    rows = sum(source_counts.values())
    print(
        f"drill on {db.kind}: {len(source_counts)} tables, {rows} rows, "
        f"audit rows {source_counts.get(AUDIT_TABLE, 0)}, audit sha256 {source_sum[:16]}"
    )
    print(f"backup {t_backup:.2f} s ({size}), restore {t_restore:.2f} s, total {total:.2f} s")
    for warning in warnings:
        print(f"WARNING: {warning}")
    if problems:
        print("DRILL FAILED:")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print(
        "DRILL OK: every table's rows and content checksum match; the audit table is "
        "append-only (triggers, owner role and grants) in the source and the restored copy"
    )
    return 0


def dump_size(path: Path) -> str:
    return f"{path.stat().st_size / 1024:.0f} KiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["backup", "restore", "drill"])
    parser.add_argument("file", nargs="?", type=Path)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument(
        "--create", action="store_true", help="PostgreSQL: create the database first"
    )
    parser.add_argument("--force", action="store_true", help="SQLite: replace an existing file")
    args = parser.parse_args(argv)
    db = Db(args.database_url)
    if args.command == "drill":
        return drill(db)
    if args.file is None:
        parser.error(f"{args.command} needs a file")
    if args.command == "backup":
        started = time.monotonic()
        backup(db, args.file)
        print(
            f"backup of {db.kind} written to {args.file} ({dump_size(args.file)}) "
            f"in {time.monotonic() - started:.2f} s"
        )
    else:
        started = time.monotonic()
        restore(db, args.file, create=args.create, force=args.force)
        print(f"restored {args.file} into {db.kind} in {time.monotonic() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
