"""The provider corrects delivery records in a real browser, with axe on every new page in fi,
sv and en: a session (a marked one cannot become shorter than its recorded hours), a work
placement, a final test result (the progress follows) and a result recorded by mistake.
The demo (seed_demo) has Mohamed Ali on KK-FI-JP with a placement and a final test result."""

import re

import pytest
from playwright.sync_api import expect

from kotopolku.e2e.conftest import assert_accessible, logged_in, open_course, screenshot

pytestmark = [pytest.mark.browser]
# Slow (several seconds per test): a real browser against a real server; pages are checked
# with axe-core in fi, sv and en. One worker runs them all, sharing one server and log-ins.


def test_provider_corrects_a_session_a_placement_and_a_test_result(page):
    logged_in(page, "provider")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tervetuloa")
    open_course(page, "KK-FI-JP")
    sessions = page.locator("section[aria-labelledby=sessions-h] tbody tr")

    # A marked session keeps room for the hours recorded on it; nothing is saved.
    marked = sessions.filter(has=page.get_by_role("link", name=re.compile("Merkitse läsnäolot")))
    marked.first.get_by_role("link", name=re.compile("^Muuta")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Muuta opetuskertaa")
    assert_accessible(page)
    page.get_by_label("Kesto tunteina").fill("0.5")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.locator("main")).to_contain_text("opetuskerta ei voi olla sitä lyhyempi")
    assert_accessible(page)
    screenshot(page, "course-edits-01-session-error")
    page.get_by_role("link", name="Peruuta").click()
    expect(marked.first.locator("td.num").first).not_to_have_text("0,5")

    # A coming session gets a description.
    coming = sessions.filter(has_text="tulossa").first
    coming.get_by_role("link", name=re.compile("^Muuta")).click()
    page.get_by_label("Kuvaus").fill("Työhaastatteluharjoitus")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("status").first).to_contain_text("Opetuskerta tallennettu")
    expect(sessions.filter(has_text="Työhaastatteluharjoitus")).to_have_count(1)

    # The participant's placement and final test result, from the enrolment page.
    page.get_by_role("link", name="Ali, Mohamed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mohamed Ali")
    progress = page.locator("section.course-progress")
    progress.get_by_role("link", name=re.compile("^Muuta K-Supermarket")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Muuta työssäoppimisjaksoa")
    assert_accessible(page)
    page.get_by_label("Ohjaaja", exact=True).fill("Sari Salo-Laine")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("status").first).to_contain_text("Työssäoppimisjakso tallennettu")
    expect(progress).to_contain_text("ohjaaja Sari Salo-Laine")

    progress.get_by_role("link", name=re.compile("^Korjaa tulos")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Korjaa kielitestin tulos")
    assert_accessible(page)
    page.get_by_label("Luetun ymmärtäminen").select_option("B1.1")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("status").first).to_contain_text("Testin tulos tallennettu")
    reading = progress.get_by_role("row").filter(has_text="Luetun ymmärtäminen")
    expect(reading).to_contain_text("B1.1")
    expect(reading).to_contain_text("kyllä")
    screenshot(page, "course-edits-02-enrolment")

    progress.get_by_role("link", name=re.compile("^Poista")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Poista testin tulos")
    assert_accessible(page)
    page.get_by_role("button", name="Kyllä, poista").click()
    expect(page.get_by_role("status").first).to_contain_text("Testin tulos poistettu")
    expect(progress).not_to_contain_text("päättötesti")
    assert_accessible(page)
