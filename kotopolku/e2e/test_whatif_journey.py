"""What-if (issue 21): a coordinator goes from the home page to the rule table, creates a draft,
adds a row, sees the preview chart and table in Finnish and Swedish (axe clean in fi, sv and en),
and exports XLSX. At 1280 and 375 px the page is not wider than the screen."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from kotopolku.e2e.conftest import assert_accessible, login, screenshot

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
