"""The README's guided tour: each role's home page and main pages, checked with axe and
photographed for the README (no screenshot is hand-made).

    KOTOPOLKU_SCREENSHOTS=docs/screenshots .venv/bin/pytest -n 0 kotopolku/e2e/test_readme_tour.py

writes docs/screenshots/tour-<role>-<page>.png. The shots are of the 1280×800 viewport, not the
whole page, so that they stay small and show what a user sees first.
"""

import pytest
from playwright.sync_api import expect

from kotopolku.e2e.conftest import SCREENSHOTS, assert_accessible, logged_in, login

pytestmark = [pytest.mark.browser]
# Slow (several seconds per test): a real browser against a real server; pages are checked
# with axe-core in fi, sv and en. One worker runs them all, sharing one server and log-ins.

# role in the file name, demo user, and the pages after the home page: (name, path)
TOUR = [
    ("coordinator", "coordinator", [("catalogue", "/catalogue/"), ("statistics", "/statistics/")]),
    ("caseworker", "caseworker-jarvenpaa", [("worklist", "/casework/")]),
    ("provider", "provider", [("courses", "/courses/")]),
    ("viewer", "viewer", [("reports", "/governance/reports/")]),
    ("admin", "admin", [("rules", "/rules/"), ("audit", "/audit/")]),
]


def tour_screenshot(page, name: str) -> None:
    """What the user sees first (the viewport), only when KOTOPOLKU_SCREENSHOTS is set."""
    if SCREENSHOTS is not None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def visit(page, path: str, name: str) -> None:
    response = page.goto(path)
    assert response is not None, path
    assert response.status == 200, (path, response.status)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    tour_screenshot(page, name)


def test_tour_login_page(page):
    visit(page, "/login/", "tour-login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirjaudu Kotopolkuun")


@pytest.mark.parametrize(("role", "username", "pages"), TOUR, ids=[t[0] for t in TOUR])
def test_tour_role_home_and_main_pages(page, role, username, pages):
    logged_in(page, username)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tervetuloa")
    visit(page, "/", f"tour-{role}-home")
    for name, path in pages:
        visit(page, path, f"tour-{role}-{name}")
    if role == "caseworker":
        # From the worklist to the client nearest a deadline.
        page.goto("/casework/")
        page.locator("table.worklist tbody a").first.click()
        expect(page.get_by_role("heading", level=2, name="Määräajat")).to_be_visible()
        assert_accessible(page)
        tour_screenshot(page, "tour-caseworker-client")


def test_tour_on_a_phone(browser, live_url):
    """The case worker's day at 375 px: the menu opens from its button, the client page fits
    the screen."""
    context = browser.new_context(base_url=live_url, viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        # Before logging in there is nothing to fold: the languages are in sight, no menu button.
        page.goto("/login/")
        expect(page.get_by_role("button", name="Svenska")).to_be_visible()
        expect(page.get_by_role("button", name="Valikko")).to_have_count(0)
        login(page, "caseworker-jarvenpaa")
        toggle = page.get_by_role("button", name="Valikko")
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        assert_accessible(page, languages=False)
        tour_screenshot(page, "tour-phone-menu")
        page.locator(".site-nav").get_by_role("link", name="Työlista", exact=True).click()
        page.locator("table.worklist tbody a").first.click()
        expect(page.get_by_role("heading", level=2, name="Määräajat")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert_accessible(page, languages=False)
        tour_screenshot(page, "tour-phone-client")
    finally:
        context.close()
