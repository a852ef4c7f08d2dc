import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def run_manage(*args, env_extra, timeout=120):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.django_db
def test_healthz_and_readyz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["database"] == "ok"


def test_readyz_answers_503_json_when_database_is_unreachable():
    # A real request through the whole middleware stack, with a database that refuses connections.
    script = (
        "import json; from django.test import Client; r = Client().get('/readyz'); "
        "print(json.dumps({'status': r.status_code, 'type': r['Content-Type'], "
        "'body': r.content.decode()}))"
    )
    result = run_manage(
        "shell",
        "-c",
        script,
        env_extra={
            "DEBUG": "true",
            "ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": "postgres://nobody@127.0.0.1:9/nothing",
        },
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert answer["type"] == "application/json"
    assert json.loads(answer["body"])["database"] == "unreachable"


def test_check_deploy_with_production_settings_prints_no_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "kotopolku.example.fi",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_pages_have_no_inline_scripts(client):
    page = client.get("/login/").content.decode()
    assert "<script>" not in page
    assert " onclick=" not in page
    assert " style=" not in page


def test_openapi_schema_generates_without_warnings(tmp_path):
    result = run_manage(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
        env_extra={"DEBUG": "true"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
