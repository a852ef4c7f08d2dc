"""The viewer (a committee member) reads the year's statistics report, and a
case worker's page is refused with a friendly page, not an error. axe on every page, in fi, sv
and en. The programme report is read in test_governance_journey."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kotopolku.e2e.conftest import assert_accessible, logged_in

pytestmark = [pytest.mark.browser]
# Slow (several seconds per test): a real browser against a real server; pages are checked
# with axe-core in fi, sv and en. One worker runs them all, sharing one server and log-ins.


def test_viewer_reads_the_statistics_report_and_is_refused_casework(page):
    last_year = timezone.localdate().year - 1
    logged_in(page, "viewer")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tervetuloa")
    menu = page.get_by_role("navigation", name="Päävalikko")
    expect(menu.get_by_role("link", name="Työlista")).to_have_count(0)

    # The dashboard, then last year's figures and the report as a PDF.
    menu.get_by_role("link", name="Tilastot").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("tilastot", re.I))
    assert_accessible(page)
    page.get_by_label("Ajanjakso").select_option(str(last_year))
    page.get_by_role("button", name="Näytä").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(last_year))
    expect(page.get_by_role("table").first).to_be_visible()
    assert_accessible(page)
    # The PDF is made in the background: a job page with a progress bar, then the download.
    with page.expect_download(timeout=90_000) as download:
        page.get_by_role("link", name="Lataa PDF").click()
        expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]{36}/"))
        expect(page.locator("progress.job-progress")).to_be_visible()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    expect(page.locator("progress.job-progress")).to_have_attribute("value", "100")

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
