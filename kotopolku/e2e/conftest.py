"""Browser tests: a real server (gunicorn) on a fresh SQLite file, driven by Debian's Chromium.

The server runs in its own process with its own database, as `make run` does, so that the
append-only audit triggers and the real middleware stack are exercised exactly as in production.
"""

import functools
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from kotopolku.e2e.template import demo_template, manage, server_env
from kotopolku.testdb import locked, worker_run_dir

ROOT = Path(settings.BASE_DIR)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = (
    Path(os.environ.get("KOTOPOLKU_SCREENSHOTS", ""))
    if os.environ.get("KOTOPOLKU_SCREENSHOTS")
    else None
)
PASSWORD = "kotopolku-demo"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_TEMPLATE: dict[str, Path] = {}
_LIVE_DATABASES: dict[str, Path] = {}  # server URL → its database file


def live_shell(live_url: str, code: str) -> str:
    """Run Python in a `manage.py shell` against the database of the server at `live_url` (to
    give a test data of its own, so that it does not depend on what earlier tests changed)."""
    return manage(server_env(_LIVE_DATABASES[live_url]), "shell", "-c", code, timeout=300)


def _demo_database(tmp_path_factory) -> Path:
    """The run's demo database file (kotopolku/e2e/template.py), copied for each server."""
    if "path" not in _TEMPLATE:
        _TEMPLATE["path"] = demo_template(worker_run_dir(tmp_path_factory))
    return _TEMPLATE["path"]


@pytest.fixture(scope="session")
def live_url(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("e2e")
    database = workdir / "e2e.sqlite3"
    shutil.copyfile(_demo_database(tmp_path_factory), database)
    env = server_env(database)
    port = _free_port()
    manage_py = [sys.executable, str(ROOT / "manage.py")]
    gunicorn = Path(sys.executable).parent / "gunicorn"
    log = open(workdir / "server.log", "w")  # noqa: SIM115 (closed at teardown)
    server = subprocess.Popen(
        [
            str(gunicorn),
            "kotopolku.config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # A task worker, as `make run` starts one: documents are made in the background.
    worker = subprocess.Popen(
        [*manage_py, "db_worker", "--interval", "0.3", "--no-reload", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    _LIVE_DATABASES[url] = database
    try:
        for _ in range(600):  # up to a minute on a busy machine
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1)  # noqa: S310 (loopback)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("e2e server did not start: " + (workdir / "server.log").read_text())
        yield url
    finally:
        server.terminate()
        worker.terminate()
        for process in (server, worker):
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:  # a busy machine: do not fail the run for it
                process.kill()
                process.wait()
        log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: `make test` installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_url):
    context = browser.new_context(base_url=live_url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def login(page, username: str, password: str = PASSWORD) -> None:
    page.context.kotopolku_user = username  # whose pages these are (`assert_accessible`)
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    # Wait for the page the log-in answers with (the home page, or the form with its error):
    # a click on the next page's controls before its script has run would go unanswered.
    with page.expect_navigation():
        page.click(
            "button[type=submit]:has-text('Kirjaudu'), button[type=submit]:has-text('Logga in'), button[type=submit]:has-text('Log in')"
        )


# Log-ins made through the form, reused by later tests of this worker: (server, user) → (when,
# cookies). Only the session and CSRF cookies are kept (never the language cookie), and only
# while the log-in is well inside REAUTH_MAX_AGE_SECONDS, so pages that ask for a recent log-in
# behave as after a fresh one.
_SESSIONS: dict[tuple[str, str], tuple[float, list[dict]]] = {}
SESSION_REUSE_SECONDS = min(120, settings.REAUTH_MAX_AGE_SECONDS // 2)
_SESSION_COOKIES = {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME}


def _origin(page) -> str:
    return "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(page.url))


def logged_in(page, username: str) -> None:
    """Be logged in as `username` on the home page, as after `login`, reusing a recent log-in.

    For tests whose subject is not the log-in form. A reused session that the server no longer
    knows (a test logged out) is dropped and the form is used again.
    """
    from playwright.sync_api import expect

    page.goto("/login/")
    key = (_origin(page), username)
    saved = _SESSIONS.get(key)
    if saved and time.monotonic() - saved[0] < SESSION_REUSE_SECONDS:
        page.context.add_cookies(saved[1])
        page.context.kotopolku_user = username
        page.goto("/")
        if "/login" not in urllib.parse.urlsplit(page.url).path:
            return
        page.context.clear_cookies()
    login(page, username)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tervetuloa")
    cookies = [c for c in page.context.cookies() if c["name"] in _SESSION_COOKIES]
    _SESSIONS[key] = (time.monotonic(), cookies)


def open_course(page, code: str) -> None:
    """From any page, through the main menu (in Finnish), to the course with `code`."""
    from playwright.sync_api import expect

    page.get_by_role("navigation", name="Päävalikko").get_by_role("link", name="Kurssit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kurssit")
    page.get_by_role("link", name=code, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)


LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME
UI_LANGUAGES = [code for code, _name in settings.LANGUAGES]


@functools.cache
def _axe_source() -> str:
    return AXE.read_text()  # half a megabyte: read once per test run


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.1 A/AA rules) on the current page and return its violations."""
    page.evaluate(_axe_source())
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations'], runOnly: "
        "{type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def _language_cookie(context, url: str) -> dict | None:
    for cookie in context.cookies(url):
        if cookie["name"] == LANGUAGE_COOKIE:
            return cookie
    return None


NAVIGATION_RETRIES = 5


def _settled(page) -> None:
    """Wait until the page's current document has loaded.

    A click that follows a link returns before the new document exists; checking then would
    read the old page or a page with no <html> yet. Waiting for the load state and for a
    complete document covers both.
    """
    page.wait_for_load_state("load")
    page.wait_for_function(
        "document.documentElement !== null && document.readyState === 'complete'"
    )


def _problems(page, language: str) -> list[str]:
    """What is wrong with the page in `language`, checked on a settled document.

    If a navigation still lands while axe runs, the check starts again on the new document.
    """
    from playwright.sync_api import Error as PlaywrightError

    for attempt in range(NAVIGATION_RETRIES):
        _settled(page)
        try:
            return _document_problems(page, language)
        except PlaywrightError:
            if attempt == NAVIGATION_RETRIES - 1:
                raise
            time.sleep(0.2)
    raise AssertionError("unreachable")


def _document_problems(page, language: str) -> list[str]:
    """<html lang>, then axe's violations."""
    problems = []
    lang = page.evaluate("document.documentElement.lang")
    if lang != language:
        problems.append(f"[{language}] {page.url}: <html lang={lang!r}>, expected {language!r}")
    for v in axe_violations(page):
        targets = ", ".join(" ".join(t) if isinstance(t, list) else str(t) for t in v["nodes"])
        problems.append(f"[{language}] {page.url}: {v['id']} ({v['impact']}) at {targets}")
    return problems


# Pages whose other two languages have been checked in this run: (user, path with its ids as
# "*"). The same page of the same user in another language is the same template with other
# strings, so it is checked once per run, by whichever worker meets it first (the workers share
# a list in the run's folder); the page as it is (its data, its state, its own language) is
# checked at every call. KOTOPOLKU_AXE_ALL=1 checks every language at every call.
_LANGUAGES_CHECKED: set[tuple[str, str]] = set()
AXE_ALL = os.environ.get("KOTOPOLKU_AXE_ALL", "") not in ("", "0")
_ID_SEGMENT = re.compile(r"^(\d+|[0-9a-f]{8}-[0-9a-f-]{27})$")


def _page_kind(page) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(page.url)
    path = "/".join("*" if _ID_SEGMENT.match(seg) else seg for seg in parts.path.split("/"))
    return (getattr(page.context, "kotopolku_user", ""), path)


def _claim_languages_check(kind: tuple[str, str]) -> bool:
    """Whether this call is the run's first to check `kind`'s other languages (and now claims
    it), on this worker and, through the run's folder, on the others."""
    if kind in _LANGUAGES_CHECKED:
        return False
    _LANGUAGES_CHECKED.add(kind)
    run_dir = _TEMPLATE.get("path")
    if run_dir is None:
        return True
    run_dir = run_dir.parent
    checked = run_dir / "e2e-languages-checked.txt"
    line = "\t".join(kind)
    with locked(run_dir, "e2e-languages-checked"):
        if checked.exists() and line in checked.read_text().splitlines():
            return False
        with checked.open("a") as out:
            out.write(line + "\n")
    return True


def assert_accessible(page, *, languages: bool = True) -> None:
    """axe-core (WCAG 2.1 A/AA) on the page as it is, then on the same URL in the other two
    languages (every page in fi, sv and en; the other two once per page and user in a run).

    The other languages are loaded with a GET in a second tab of the same browser context, so
    the same user sees them; the language cookie is set for that tab's loads and restored
    afterwards. A page that was the answer to a POST (a form with errors) is checked as it is in
    its own language, and as a fresh GET of its URL in the others.
    """
    _settled(page)
    url = page.url
    cookie = _language_cookie(page.context, url)
    current = cookie["value"] if cookie and cookie["value"] in UI_LANGUAGES else None
    current = current or settings.LANGUAGE_CODE
    problems = _problems(page, current)
    if languages and not AXE_ALL and url.startswith("http"):
        languages = _claim_languages_check(_page_kind(page))
    if languages and url.startswith("http"):
        context = page.context
        # The site's root, so that the cookie replaces Django's (host only, path /).
        root = "{0.scheme}://{0.netloc}/".format(urllib.parse.urlsplit(url))
        other = context.new_page()
        try:
            for language in UI_LANGUAGES:
                if language == current:
                    continue
                context.add_cookies([{"name": LANGUAGE_COOKIE, "value": language, "url": root}])
                response = other.goto(url)
                if response is not None and response.status >= 500:
                    problems.append(f"[{language}] {url}: HTTP {response.status}")
                    continue
                problems += _problems(other, language)
        finally:
            other.close()
            if cookie is None:
                context.clear_cookies(name=LANGUAGE_COOKIE)
            else:
                context.add_cookies(
                    [{"name": LANGUAGE_COOKIE, "value": cookie["value"], "url": root}]
                )
    assert not problems, "accessibility problems:\n" + "\n".join(problems)


def screenshot(page, name: str) -> None:
    if SCREENSHOTS is not None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
