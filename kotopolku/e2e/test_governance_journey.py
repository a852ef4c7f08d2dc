"""The coordinator prepares a cooperation-group meeting and approves its minutes; a committee
member reads the annual programme report. In a real browser, with axe on every page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kotopolku.e2e.conftest import assert_accessible, logged_in, screenshot

pytestmark = [pytest.mark.browser]
# Slow (several seconds per test): a real browser against a real server; pages are checked
# with axe-core in fi, sv and en. One worker runs them all, sharing one server and log-ins.

GROUP = "Kotoutumisen ja maahanmuuton yhteistyöryhmä"
MEASURES = [
    "Yhteinen ajanvarauskalenteri kuntien ja työllisyysalueen kesken",
    "Järjestöjen kohtaamispaikkatoiminnan avustukset",
]


def test_coordinator_prepares_a_meeting_and_approves_the_minutes(page):
    logged_in(page, "coordinator")
    expect(page.get_by_role("heading", level=2, name="Omat jatkotoimenpiteeni")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Päävalikko").get_by_role("link", name="Työryhmät").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Työryhmät")
    assert_accessible(page)
    screenshot(page, "governance-01-groups")

    page.get_by_role("link", name=GROUP).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(GROUP)
    expect(page.get_by_role("cell", name="Kristiina Soots, palvelualuejohtaja")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "governance-02-group")

    page.get_by_role("link", name="Sovi kokous").click()
    assert_accessible(page)
    held = timezone.localdate() - timedelta(days=3)
    page.get_by_label(re.compile(r"^Päivä")).fill(held.isoformat())
    page.get_by_label("Paikka").fill("Järvenpää-talo, Sibelius-sali")
    page.get_by_label("Kristiina Soots (Järvenpää), puheenjohtaja").check()
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"{held.day}.{held.month}.{held.year}"
    )
    assert_accessible(page)

    page.get_by_role("link", name="Lisää asia esityslistalle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lisää asia esityslistalle")
    page.get_by_label("Otsikko").fill("Toimenpiteiden tilannekatsaus")
    for title in MEASURES:
        page.get_by_label(re.compile(re.escape(title))).check()
    assert_accessible(page)
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("heading", level=3)).to_have_text("1 §. Toimenpiteiden tilannekatsaus")
    for title in MEASURES:
        expect(page.locator("article").get_by_text(title)).to_be_visible()

    page.get_by_role("link", name="Kirjaa päätös").click()
    page.get_by_label("Päätös").fill("Merkittiin tiedoksi. Koordinaatioryhmä raportoi syksyllä.")
    assert_accessible(page)
    page.get_by_role("button", name="Tallenna").click()
    expect(
        page.get_by_text("Merkittiin tiedoksi. Koordinaatioryhmä raportoi syksyllä.")
    ).to_be_visible()

    page.get_by_role("link", name="Hyväksy pöytäkirja").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hyväksy pöytäkirja")
    assert_accessible(page)
    page.get_by_role("button", name="Kyllä, hyväksy").click()
    expect(page.get_by_text("Pöytäkirja on hyväksytty.")).to_be_visible()
    expect(page.get_by_role("link", name="Hyväksy pöytäkirja")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "governance-03-minutes-approved")

    with page.expect_download() as download:
        page.locator('a[href*="kind=minutes"][href*="language=fi"][href*="format=pdf"]').click()
    assert download.value.suggested_filename.endswith("-fi.pdf")


def test_viewer_reads_the_annual_report_and_cannot_edit(page):
    logged_in(page, "viewer")
    page.goto("/governance/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ohjelmaraportit")
    expect(page.get_by_role("link", name="Uusi raportti")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Ohjelmaraportti 2025").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ohjelmaraportti 2025")
    for section in (
        "Vuoden keskeiset tunnusluvut",
        "Toimenpiteiden tila",
        "Mittarit suhteessa tavoitteisiin",
        "Työryhmien kokoukset ja päätökset",
    ):
        expect(
            page.locator(".document-preview").get_by_role("heading", name=re.compile(section)).first
        ).to_be_visible()
    expect(page.get_by_role("link", name="Merkitse käsitellyksi")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "governance-04-report-viewer")

    page.goto(page.url.split("?")[0] + "?language=sv")
    expect(page.locator(".document-preview")).to_contain_text("Årets nyckeltal")
    assert_accessible(page)

    response = page.goto("/governance/groups/new/")
    assert response.status == 403
