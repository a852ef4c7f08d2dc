"""The browser tests' demo database: migrated and seeded once per test run.

Every e2e server (each xdist worker's shared one, the visual-regression one) starts on a copy
of one SQLite file. Building it (all migrations, then `seed_demo --clients 30`) takes 20–60 s,
so it is built once per run: `kotopolku/conftest.py` starts `python -m kotopolku.e2e.template
RUN_DIR` in the background when the run begins, while the workers start and build their own
test databases, and the first server to need the file waits for it on a lock
(docs/adr/0007-fast-test-suite.md). A run that did not start the build (one test module, no
xdist) builds it on first use.

This module imports no Django settings, so it can run before Django is set up.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from kotopolku.testdb import locked

ROOT = Path(__file__).resolve().parents[2]
NAME = "e2e-demo-template.sqlite3"


def server_env(database: Path) -> dict[str, str]:
    """The environment of a process that serves or changes the e2e database `database`."""
    drop = ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        {
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "kotopolku.config.settings",
            "DATABASE_URL": f"sqlite:///{database}",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
    )
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 600) -> str:
    """Run `manage.py` with `args` in `env`; its output, or an error with the end of its log."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def demo_template(run_dir: Path) -> Path:
    """The run's migrated and seeded demo database file, built if no one has built it yet."""
    template = run_dir / NAME
    with locked(run_dir, "e2e-demo-template"):
        if not template.exists():
            _build(run_dir / "e2e-demo-building.sqlite3", template)
    return template


def _build(database: Path, template: Path) -> None:
    for suffix in ("", "-wal", "-shm"):  # what a build that was stopped half-way left
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    env = server_env(database)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "seed_demo", "--clients", "30")
    with sqlite3.connect(database) as db:  # fold the write-ahead log into the file
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    database.rename(template)  # complete or absent: a failed build leaves no template


if __name__ == "__main__":
    demo_template(Path(sys.argv[1]))
