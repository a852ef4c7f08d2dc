#!/usr/bin/env python3
"""Backup, restore and the restore drill for Kotopolku's database (SQLite or PostgreSQL).

    ops/backup  [--database-url URL] OUT          PostgreSQL: pg_dump -Fc; SQLite: online backup
    ops/restore [--database-url URL] [--create] FILE   into an empty database (or a new file)
    ops/drill   [--database-url URL]              back up, restore into a fresh database,
                                                  compare every table's row count and the
                                                  audit table's checksum, print the times

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

    def fingerprint(self) -> tuple[dict[str, int], str]:
        """Row counts of every table and a SHA-256 of the audit table in id order."""
        conn = self.connect()
        try:
            counts = {}
            for table in self.tables(conn):
                counts[table] = conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            digest = hashlib.sha256()
            if AUDIT_TABLE in counts:
                cursor = conn.execute(f'SELECT * FROM "{AUDIT_TABLE}" ORDER BY id')  # noqa: S608
                for row in cursor:
                    digest.update(repr(tuple(_plain(v) for v in row)).encode())
            return counts, digest.hexdigest()
        finally:
            conn.close()


def _plain(value):
    """The same text for a value whichever driver read it (datetimes, booleans)."""
    if isinstance(value, bool):
        return int(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
        return text.replace("+00:00", "")
    return value


def backup(db: Db, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if db.kind == "sqlite":
        if not db.path.exists():
            raise SystemExit(f"no database at {db.path}")
        source = sqlite3.connect(db.path)
        target = sqlite3.connect(out)
        try:
            source.backup(target)  # consistent even while the app writes
        finally:
            target.close()
            source.close()
    else:
        command = ["pg_dump", "-Fc", "--no-owner", "--no-privileges", "-f", str(out), db.libpq()]
        subprocess.run(command, check=True)  # noqa: S603 - fixed programme, our own URL


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


def drill(db: Db) -> int:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kotopolku-drill-") as tmp:
        dump = Path(tmp) / ("backup.dump" if db.kind == "postgres" else "backup.sqlite3")
        t0 = time.monotonic()
        backup(db, dump)
        t_backup = time.monotonic() - t0
        size = dump_size(dump)
        if db.kind == "sqlite":
            fresh = Db(f"sqlite:///{Path(tmp) / 'restored.sqlite3'}")
        else:
            fresh = db.with_name(f"{db.name[:40]}_drill_{os.getpid()}")
        t0 = time.monotonic()
        try:
            restore(fresh, dump, create=db.kind == "postgres")
            t_restore = time.monotonic() - t0
            source_counts, source_sum = db.fingerprint()
            restored_counts, restored_sum = fresh.fingerprint()
        finally:
            if db.kind == "postgres":
                drop_database(fresh)
    problems = [
        f"{t}: {source_counts.get(t)} rows in the source, {restored_counts.get(t)} restored"
        for t in sorted(source_counts.keys() | restored_counts.keys())
        if source_counts.get(t) != restored_counts.get(t)
    ]
    if source_sum != restored_sum:
        problems.append(
            f"{AUDIT_TABLE}: checksum differs ({source_sum[:12]} vs {restored_sum[:12]})"
        )
    total = time.monotonic() - started
    rows = sum(source_counts.values())
    print(
        f"drill on {db.kind}: {len(source_counts)} tables, {rows} rows, "
        f"audit rows {source_counts.get(AUDIT_TABLE, 0)}, audit sha256 {source_sum[:16]}"
    )
    print(f"backup {t_backup:.2f} s ({size}), restore {t_restore:.2f} s, total {total:.2f} s")
    if problems:
        print("DRILL FAILED:")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print("DRILL OK: every table's row count and the audit checksum match")
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
