"""Browser tests: a real server (gunicorn) on a fresh SQLite file, driven by Debian's Chromium.

The server runs in its own process with its own database, as `make run` does, so that the
append-only audit triggers and the real middleware stack are exercised exactly as in production.
"""

import functools
import os
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


@pytest.fixture(scope="session")
def live_url(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("e2e")
    drop = ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        {
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "kotopolku.config.settings",
            "DATABASE_URL": f"sqlite:///{workdir / 'e2e.sqlite3'}",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    for args in (["migrate", "--noinput", "-v", "0"], ["seed_demo", "--clients", "30"]):
        done = subprocess.run(
            [*manage, *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed for the e2e server:\n{done.stderr[-3000:]}")
    port = _free_port()
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
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
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
        server.wait(timeout=10)
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
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click(
        "button[type=submit]:has-text('Kirjaudu'), button[type=submit]:has-text('Logga in'), button[type=submit]:has-text('Log in')"
    )


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


def assert_accessible(page, *, languages: bool = True) -> None:
    """axe-core (WCAG 2.1 A/AA) on the page as it is, then on the same URL in the other two
    languages (issue 10, acceptance 1).

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
