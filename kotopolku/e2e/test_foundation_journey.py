"""Log in, switch language, see the organisations, log out — in a real browser, with axe."""

import re

import pytest
from playwright.sync_api import expect

from kotopolku.e2e.conftest import assert_accessible, login, screenshot

pytestmark = [pytest.mark.browser]
# Slow (several seconds per test): a real browser against a real server; pages are checked
# with axe-core in fi, sv and en. One worker runs them all, sharing one server and log-ins.

MUNICIPALITIES = ["Hyvinkää", "Järvenpää", "Mäntsälä", "Nurmijärvi", "Pornainen", "Tuusula"]


def test_coordinator_logs_in_switches_language_and_logs_out(page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirjaudu Kotopolkuun")
    assert_accessible(page)
    screenshot(page, "01-login")

    login(page, "coordinator")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tervetuloa")
    for name in MUNICIPALITIES:
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "02-home")

    page.get_by_role("navigation", name="Päävalikko").get_by_role(
        "link", name="Organisaatiot"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisaatiot")
    assert_accessible(page)

    page.get_by_role("button", name="Svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisationer")
    for name in ["Träskända", "Tusby", "Hyvinge", "Borgnäs", "Nurmijärvi", "Mäntsälä"]:
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    body = page.locator("main").inner_text()
    for finnish in ("Organisaatiot", "Hae", "Kuntanumero", "Jäsenet", "Tyyppi"):
        assert finnish not in body, f"Finnish text {finnish!r} left on the Swedish page"
    assert_accessible(page)
    screenshot(page, "03-organisations-sv")

    # The choice persists: a new page load stays in Swedish.
    page.goto("/organisations/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")

    page.get_by_role("link", name="Träskända", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="Medlemmar")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "04-organisation-detail-sv")

    page.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(re.compile(r"/login/"))
    page.goto("/organisations/")
    expect(page).to_have_url(re.compile(r"/login/"))


def test_wrong_password_shows_error_summary(page):
    login(page, "coordinator", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("Käyttäjätunnus tai salasana on väärin")
    assert_accessible(page)


def test_viewer_is_refused_the_audit_log_with_a_friendly_page(page):
    login(page, "viewer")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tervetuloa")
    response = page.goto("/audit/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Ei käyttöoikeutta")
    assert_accessible(page)
