"""The public catalogue and the programme document preview pass axe-core
(WCAG 2.1 A/AA) in a real browser. Uses the browser harness of kotopolku/e2e."""

import re

import pytest
from playwright.sync_api import expect

from kotopolku.e2e.conftest import assert_accessible, logged_in, screenshot

pytestmark = [pytest.mark.browser]
# Slow (several seconds per test): a real browser against a real server; pages are checked
# with axe-core in fi, sv and en. One worker runs them all, sharing one server and log-ins.


def test_public_catalogue_is_accessible_in_finnish_and_swedish(page):
    page.goto("/catalogue/public/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kotoutumisen palvelut")
    expect(page.get_by_role("heading", name="Ohjaus ja neuvonta")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "catalogue-public-fi")

    page.get_by_label("Palvelukieli").select_option("so")
    page.get_by_role("button", name="Näytä").click()
    expect(page).to_have_url(re.compile(r"language=so"))
    assert_accessible(page)

    page.get_by_role("button", name="Svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Integrationstjänster")
    assert_accessible(page)


def test_programme_document_preview_is_accessible(page):
    logged_in(page, "viewer")
    page.goto("/programme/")
    page.get_by_role("link", name="Keski-Uudenmaan kotoutumisohjelma").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2025–2028")
    assert_accessible(page)
    page.get_by_role("link", name="Versio 1").click()
    expect(page.get_by_role("heading", name="1 Tarkoitus ja oikeusperusta")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "programme-document-preview")
    page.get_by_role("link", name="Ruotsi", exact=True).click()
    expect(page.get_by_role("heading", name="1 Syfte och rättslig grund")).to_be_visible()
    assert_accessible(page)
