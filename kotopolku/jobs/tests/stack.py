"""A running Kotopolku for the worker tests: its own database, gunicorn and a real task worker.

The database is a SQLite file, or, when the suite runs on PostgreSQL (DATABASE_URL), a database
of its own next to the test database (`<name>_worker_stack`). It is migrated and seeded once per
run; each backend (database, RQ on Redis) gets its own web server and worker process on it.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import requests
from django.conf import settings

from kotopolku.e2e.template import manage

ROOT = Path(settings.BASE_DIR)
PASSWORD = "kotopolku-demo"
REDIS_DB = "14"  # a Redis database of its own, flushed before use

SETUP = """
import json
from datetime import date, timedelta
from django.contrib.auth import get_user_model
from kotopolku.casework.services import referral_send
from kotopolku.casework.tests.factories import make_client
from kotopolku.organisations.models import Organisation
from kotopolku.programme.models import Programme
users = get_user_model().objects
sender = users.get(username="caseworker-jarvenpaa")
sender.email = "jussi@example.fi"; sender.save()
programme = Programme.objects.order_by("pk").first()
version = programme.versions.order_by("-number").first()
client = make_client("WORKER-1")
employment = Organisation.objects.get(kind="employment_area")
referrals = []
for n in range(3):
    referral = referral_send(
        actor=sender, client=client, from_organisation=client.responsible_organisation,
        to_organisation=employment, reason="työnhaku", response_due=date.today() + timedelta(14),
        legal_basis="integration_act_information", consent_reference="paper form",
    )
    referrals.append(referral.pk)
print(json.dumps({"programme": programme.pk, "version": version.number, "referrals": referrals}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def _base_env(database_url: str) -> dict[str, str]:
    drop = ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "TASKS_BACKEND")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        {
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "kotopolku.config.settings",
            "DATABASE_URL": database_url,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
    )
    return env


def prepare_database(workdir: Path) -> tuple[str, dict]:
    """Migrate, seed the demo (no clients) and add a client with referrals; (url, ids)."""
    suite_url = os.environ.get("DATABASE_URL", "")
    if suite_url.startswith("postgres"):
        parts = urllib.parse.urlsplit(suite_url)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        name = f"{parts.path.lstrip('/') or 'kotopolku'}_worker_stack_{worker}"
        admin = parts._replace(path="/postgres").geturl()
        import psycopg

        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        url = parts._replace(path=f"/{name}").geturl()
    else:
        url = f"sqlite:///{workdir / 'stack.sqlite3'}"
    env = _base_env(url)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "seed_demo", "--clients", "0")
    ids = json.loads(manage(env, "shell", "-c", SETUP).strip().splitlines()[-1])
    return url, ids


@dataclass
class Stack:
    backend: str
    database_url: str
    workdir: Path
    ids: dict
    url: str = ""
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        env = _base_env(self.database_url)
        env.update(
            {
                "TASKS_BACKEND": self.backend,
                "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": str(self.mail_dir),
                "MEDIA_ROOT": str(self.workdir / "media"),
                "SITE_URL": self.url or "http://127.0.0.1",
                "JOB_UPLOAD_THRESHOLD_BYTES": "0",  # every upload through a job
            }
        )
        return env

    @property
    def mail_dir(self) -> Path:
        return self.workdir / f"mail-{self.backend}"

    def _spawn(self, name: str, args: list[str]) -> None:
        log = open(self.workdir / f"{name}-{self.backend}.log", "a")  # noqa: SIM115 (closed with the process)
        # A session of its own: `stop` signals the whole process group, as a crash of the worker
        # machine would. RQ's `--with-scheduler` forks a child that inherits the worker's Redis
        # socket; killing only the parent left that socket open, so Redis handed the next job to
        # the dead worker's pending BLMOVE and the job was lost in RQ's intermediate queue.
        self.processes[name] = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name].log = log  # type: ignore[attr-defined]

    def start_web(self) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self._spawn(
            "web",
            [str(gunicorn), "kotopolku.config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers",
             "1", "--threads", "4", "--log-level", "warning"],
        )  # fmt: skip
        for _ in range(150):
            try:
                requests.get(f"{self.url}/healthz", timeout=10)
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("web server did not start: " + self.log("web"))

    def start_worker(self) -> None:
        manage_py = [sys.executable, str(ROOT / "manage.py")]
        if self.backend == "rq":
            args = [*manage_py, "rqworker", "default", "--with-scheduler"]
        else:
            args = [*manage_py, "db_worker", "--interval", "0.2", "--no-startup-delay",
                    "--no-reload"]  # fmt: skip
        self._spawn("worker", args)

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.processes.pop(name, None)
        if process is None:
            return
        _signal_group(process, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()
        _signal_group(process, signal.SIGKILL)  # any child left behind (RQ's scheduler)
        process.log.close()  # type: ignore[attr-defined]

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}-{self.backend}.log"
        return path.read_text()[-4000:] if path.exists() else ""

    def session(self, username: str, language: str = "fi") -> requests.Session:
        http = requests.Session()
        http.cookies.set(settings.LANGUAGE_COOKIE_NAME, language)
        http.get(f"{self.url}/login/", timeout=10)
        answer = http.post(
            f"{self.url}/login/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": http.cookies["csrftoken"],
            },
            headers={"Referer": f"{self.url}/login/"},
            timeout=10,
        )
        assert answer.ok, f"log-in of {username} failed"
        assert "/login/" not in answer.url, f"log-in of {username} failed"
        return http

    def post(self, http: requests.Session, path: str, data: dict | None = None):
        return http.post(
            f"{self.url}{path}",
            data={**(data or {}), "csrfmiddlewaretoken": http.cookies["csrftoken"]},
            headers={"Referer": f"{self.url}{path}"},
            timeout=10,
        )

    def mails(self) -> list[str]:
        if not self.mail_dir.exists():
            return []
        return [p.read_text() for p in sorted(self.mail_dir.glob("*.log"))]


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(f"redis://127.0.0.1:6379/{REDIS_DB}").flushdb()


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
