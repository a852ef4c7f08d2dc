"""The backup → restore drill of ops/: SQLite always, PostgreSQL when the suite runs on it."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def run(*args: str, url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "ops" / "dbtool.py"), *args, "--database-url", url],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def make_sqlite(path: Path) -> None:
    """A small database shaped like Kotopolku's: tables, an append-only audit table."""
    conn = sqlite3.connect(path)
    conn.create_function("REGEXP", 2, lambda p, s: True)
    conn.executescript(
        """
        CREATE TABLE clients_client (id INTEGER PRIMARY KEY, name TEXT,
            code TEXT CHECK (code REGEXP '^[0-9]{3}$'));
        CREATE TABLE audit_auditevent (id INTEGER PRIMARY KEY, at TEXT, action TEXT,
            client_id INTEGER, success BOOL);
        CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
            BEGIN SELECT RAISE(ABORT, 'append-only'); END;
        CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
            BEGIN SELECT RAISE(ABORT, 'append-only'); END;
        CREATE TRIGGER audit_event_no_replace BEFORE INSERT ON audit_auditevent
            WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_auditevent WHERE id = NEW.id)
            BEGIN SELECT RAISE(ABORT, 'append-only'); END;
        """
    )
    conn.executemany(
        "INSERT INTO clients_client (name, code) VALUES (?, ?)",
        [(f"Asiakas {i}", "186") for i in range(50)],
    )
    conn.executemany(
        "INSERT INTO audit_auditevent (at, action, client_id, success) VALUES (?, ?, ?, ?)",
        [(f"2026-01-01 10:{i % 60:02d}", "view", i, True) for i in range(200)],
    )
    conn.commit()
    conn.close()


def test_sqlite_drill_restores_every_row(tmp_path):
    source = tmp_path / "db.sqlite3"
    make_sqlite(source)
    result = run("drill", url=f"sqlite:///{source}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "DRILL OK" in result.stdout
    assert "250 rows" in result.stdout
    assert " s" in result.stdout  # the time taken is printed


def test_sqlite_backup_and_restore_scripts(tmp_path):
    source = tmp_path / "db.sqlite3"
    make_sqlite(source)
    dump = tmp_path / "backup.sqlite3"
    assert run("backup", str(dump), url=f"sqlite:///{source}").returncode == 0
    target = tmp_path / "restored.sqlite3"
    assert run("restore", str(dump), url=f"sqlite:///{target}").returncode == 0
    rows = sqlite3.connect(target).execute("SELECT COUNT(*) FROM audit_auditevent").fetchone()
    assert rows == (200,)
    # Restoring over an existing database needs --force: nothing is overwritten by accident.
    again = run("restore", str(dump), url=f"sqlite:///{target}")
    assert again.returncode != 0
    assert "exists" in again.stdout + again.stderr


@pytest.mark.parametrize(
    "damage",
    [
        "DELETE FROM clients_client WHERE id = 1",  # a row lost
        "UPDATE clients_client SET name = 'Toinen' WHERE id = 7",  # a value changed, same count
    ],
    ids=["row-lost", "value-changed"],
)
def test_drill_notices_a_difference(tmp_path, monkeypatch, damage):
    sys.path.insert(0, str(ROOT / "ops"))
    try:
        import dbtool
    finally:
        sys.path.pop(0)
    source = tmp_path / "db.sqlite3"
    make_sqlite(source)
    original = dbtool.restore

    def damaging_restore(db, dump, **kwargs):
        original(db, dump, **kwargs)
        conn = sqlite3.connect(db.path)
        conn.execute(damage)
        conn.commit()
        conn.close()

    monkeypatch.setattr(dbtool, "restore", damaging_restore)
    assert dbtool.drill(dbtool.Db(f"sqlite:///{source}")) == 1


@pytest.mark.django_db
def test_postgresql_drill(django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip(
            "the suite runs on SQLite; the PostgreSQL drill runs when DATABASE_URL is PostgreSQL"
        )
    s = connection.settings_dict
    url = f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    result = run("drill", url=url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "DRILL OK" in result.stdout
    assert "drill on postgres" in result.stdout


def test_drill_fails_when_the_audit_table_lost_a_trigger(tmp_path):
    source = tmp_path / "db.sqlite3"
    make_sqlite(source)
    conn = sqlite3.connect(source)
    conn.execute("DROP TRIGGER audit_event_no_replace")
    conn.commit()
    conn.close()
    result = run("drill", url=f"sqlite:///{source}")
    assert result.returncode == 1
    assert "trigger audit_event_no_replace is missing" in result.stdout


@pytest.mark.django_db
def test_postgresql_drill_checks_the_audit_grants(django_db_blocker):
    """The drill fails when the application role may UPDATE the audit table."""
    if connection.vendor != "postgresql":
        pytest.skip("runs when the suite runs on PostgreSQL")
    import psycopg

    s = connection.settings_dict
    url = f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    # Outside the test's transaction, so that the drill (another process) sees it.
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as other:
        other.execute("GRANT UPDATE ON audit_auditevent TO CURRENT_USER")
        try:
            result = run("drill", url=url)
        finally:
            other.execute("REVOKE UPDATE ON audit_auditevent FROM CURRENT_USER")
    assert result.returncode == 1, result.stdout
    assert "may also UPDATE on audit_auditevent" in result.stdout
