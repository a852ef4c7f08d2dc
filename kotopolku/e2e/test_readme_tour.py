"""The README's guided tour: each role's home page and main pages, checked with axe and
photographed for the README (issue 10, acceptance 5: no screenshot is hand-made).

    KOTOPOLKU_SCREENSHOTS=docs/screenshots .venv/bin/pytest -n 0 kotopolku/e2e/test_readme_tour.py

writes docs/screenshots/tour-<role>-<page>.png. The shots are of the 1280×800 viewport, not the
whole page, so that they stay small and show what a user sees first.
"""

import pytest
from playwright.sync_api import expect

from kotopolku.e2e.conftest import SCREENSHOTS, assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

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
    login(page, username)
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
