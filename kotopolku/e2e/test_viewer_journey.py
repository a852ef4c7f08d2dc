"""Issue 10, journeys: the viewer (a committee member) reads the year's statistics report, and a
case worker's page is refused with a friendly page, not an error. axe on every page, in fi, sv
and en. The programme report is read in test_governance_journey."""

import re
from urllib.parse import urljoin

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kotopolku.e2e.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_viewer_reads_the_statistics_report_and_is_refused_casework(page):
    last_year = timezone.localdate().year - 1
    login(page, "viewer")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tervetuloa")
    menu = page.get_by_role("navigation", name="Päävalikko")
    expect(menu.get_by_role("link", name="Työlista")).to_have_count(0)

    # The dashboard, then last year's figures and the report as a PDF.
    menu.get_by_role("link", name="Tilastot").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("tilastot", re.I))
    assert_accessible(page)
    page.get_by_label("Ajanjakso").fill(str(last_year))
    page.get_by_role("button", name="Näytä").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(last_year))
    expect(page.get_by_role("table").first).to_be_visible()
    assert_accessible(page)
    href = page.get_by_role("link", name="Lataa PDF").get_attribute("href")
    pdf = page.request.get(urljoin(page.url, href), timeout=60_000)
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body()[:5] == b"%PDF-"

    # The same report as a web page.
    response = page.goto(f"/statistics/document.html?period={last_year}")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Kotoutumistyön tilastot")
    expect(page.locator("body")).to_contain_text(str(last_year))
    assert_accessible(page)

    # A case worker's pages: refused, with the friendly page in the user's language.
    for url in ("/casework/", "/clients/new/", "/casework/contacts/add/"):
        response = page.goto(url)
        assert response.status == 403, f"{url} answered {response.status}"
        expect(page.get_by_role("heading", level=1)).to_have_text("Ei käyttöoikeutta")
    assert_accessible(page)
    page.get_by_role("link", name="Siirry etusivulle").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tervetuloa")
