"""What-if (docs/data-formats.md): a coordinator goes from the home page to the rule table,
creates a draft,
adds a row, sees the preview chart and table in Finnish and Swedish (axe clean in fi, sv and en),
and exports XLSX. At 1280 and 375 px the page is not wider than the screen.

On a server whose `WHATIF_BACKGROUND_CLIENTS` is lower than the demo region's clients, the
preview is offered as a background job, which makes the XLSX."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from kotopolku.e2e import conftest
from kotopolku.e2e.conftest import assert_accessible, logged_in, login, screenshot

pytestmark = [pytest.mark.browser]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_coordinator_previews_a_draft_and_exports_xlsx(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "coordinator")
    page.wait_for_url(re.compile(r"/$"))
    page.set_default_timeout(20000)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tervetuloa", timeout=20000)
    page.get_by_role("navigation", name="Päävalikko").get_by_role(
        "link", name="Säännöt", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lakisääteiset säännöt")
    # The demo region ships one draft.
    expect(page.get_by_role("link", name=re.compile("Hallituksen esitys 2027"))).to_be_visible()

    page.get_by_role("link", name="Uusi sääntöluonnos").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uusi sääntöluonnos")
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Luonnoksen nimi")).fill("Korvausaika 2 vuotta 2027")
    page.get_by_role("button", name="Luo luonnos").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Korvausaika 2 vuotta 2027")

    page.get_by_label(re.compile(r"^Säännön avain")).select_option(
        "compensation_rate_municipality_7_plus"
    )
    page.get_by_label(re.compile(r"^Arvo")).fill("1500.00")
    page.get_by_label(re.compile(r"^Voimassa alkaen")).fill("2025-01-01")
    page.get_by_role("button", name="Lisää rivi").click()
    rows = page.get_by_role("table", name=re.compile("Luonnoksen rivit"))
    expect(rows.get_by_role("row", name=re.compile("1500.00"))).to_have_count(1)
    assert_accessible(page)

    page.get_by_role("link", name="Esikatsele vaikutus").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Esikatselu")
    page.get_by_label(re.compile(r"^Kunta")).select_option("186")
    page.get_by_label(re.compile(r"^Vuosi")).fill("2025")
    page.get_by_role("button", name="Näytä").click()
    expect(page.locator("svg.chart")).to_be_visible()
    months = page.get_by_role("table", name="Ennuste kuukausittain, nyt ja luonnoksen mukaan")
    expect(months.get_by_role("row")).to_have_count(13)
    expect(page.get_by_role("heading", name="Henkilöt, joiden korvaus muuttuu")).to_be_visible()
    assert _fits(page)
    screenshot(page, "whatif-01-preview-fi")
    assert_accessible(page)  # fi here, then sv and en of the same URL

    page.get_by_role("button", name="Svenska").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Förhandsgranskning")
    expect(
        page.get_by_role("table", name="Prognos per månad, nu och enligt utkastet")
    ).to_be_visible()
    expect(page.locator("svg.chart")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})
    assert _fits(page)
    screenshot(page, "whatif-02-preview-sv-375")

    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner Excel (XLSX)").click()
    book = load_workbook(BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames == ["summary", "persons", "deadlines"]
    summary = {row[0]: row[1] for row in book["summary"].iter_rows(values_only=True)}
    assert summary["title"] == "Korvausaika 2 vuotta 2027"
    assert summary["municipality"] == "186"
    assert float(summary["draft"]) < float(summary["current"])


# The demo region has 30 clients (conftest's `seed_demo --clients 30`): more than this.
LOW_THRESHOLD = "5"


@pytest.fixture(scope="module")
def low_threshold_url(tmp_path_factory):
    """A server of its own, started exactly as conftest's `live_url` but with
    `WHATIF_BACKGROUND_CLIENTS` low in its environment (the server is another process: a
    setting of this one would not reach it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WHATIF_BACKGROUND_CLIENTS", LOW_THRESHOLD)
        server = conftest.live_url.__wrapped__(tmp_path_factory)
        url = next(server)  # the server and its worker copy the environment when started
    try:
        yield url
    finally:
        next(server, None)


@pytest.fixture
def large_page(browser, low_threshold_url):
    context = browser.new_context(
        base_url=low_threshold_url,
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def test_a_large_preview_is_made_in_the_background_and_downloaded(large_page):
    page = large_page
    logged_in(page, "coordinator")
    # From the home page by clicking: the rule table, the demo draft, its preview.
    page.get_by_role("navigation", name="Päävalikko").get_by_role(
        "link", name="Säännöt", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lakisääteiset säännöt")
    page.get_by_role("link", name=re.compile("Hallituksen esitys 2027")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hallituksen esitys 2027")
    page.get_by_role("link", name="Esikatsele vaikutus").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Esikatselu")

    panel = page.get_by_role("region", name="Laaja esikatselu")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text(re.compile(r"Valituissa kunnissa on \d+ asiakasta\."))
    # Nothing was computed in the request: no figures, no chart.
    expect(page.locator("#whatif-totals")).to_have_count(0)
    expect(page.locator("svg.chart")).to_have_count(0)
    expect(panel.get_by_label("Tiedostomuoto")).to_have_value("xlsx")
    assert _fits(page)
    screenshot(page, "whatif-background-01-background-fi")
    assert_accessible(page)  # fi, and the same URL in sv and en

    page.get_by_role("button", name="Svenska").click()
    panel_sv = page.get_by_role("region", name="En stor förhandsgranskning")
    expect(panel_sv).to_be_visible()
    expect(
        panel_sv.get_by_role("button", name="Gör förhandsgranskningen i bakgrunden")
    ).to_be_visible()
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= 375")
    screenshot(page, "whatif-background-02-background-sv-375")

    page.set_viewport_size({"width": 1280, "height": 900})  # the language buttons in sight
    page.get_by_role("button", name="Suomi").click()
    expect(page.get_by_role("region", name="Laaja esikatselu")).to_be_visible()
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= 375")
    screenshot(page, "whatif-background-03-background-fi-375")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Tee esikatselu taustalla").click()
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sääntömuutoksen esikatselu")
    download_link = page.get_by_role(
        "link", name=re.compile(r"^Lataa whatif-\d+-region-\d{4}\.xlsx$")
    )
    expect(download_link).to_be_visible(timeout=120_000)  # the worker polls every 0.3 s
    expect(page.locator("#job-status")).to_have_attribute("data-status", "succeeded")
    screenshot(page, "whatif-background-04-job-done-fi")
    assert_accessible(page)

    with page.expect_download() as download:
        download_link.click()
    assert re.fullmatch(r"whatif-\d+-region-\d{4}\.xlsx", download.value.suggested_filename)
    book = load_workbook(BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames == ["summary", "persons", "deadlines"]
    summary = {row[0]: row[1] for row in book["summary"].iter_rows(values_only=True)}
    assert summary["municipality"] == "region"
    assert summary["title"].startswith("Hallituksen esitys 2027")
    # The demo draft lowers the rates by 5 %: the region's forecast under it is lower.
    assert float(summary["draft"]) < float(summary["current"])
