"""The provider marks a session's attendance and records a final test result; the case worker
then sees the progress against P7 and the B1.1 target — in a real browser, with axe on every
page. The demo (seed_demo) has Keuda's courses with the latest Dari session still unmarked."""

import re

import pytest
from playwright.sync_api import expect

from kotopolku.e2e.conftest import assert_accessible, login, open_course, screenshot

pytestmark = [pytest.mark.browser]
# Slow (several seconds per test): a real browser against a real server; pages are checked
# with axe-core in fi, sv and en. One worker runs them all, sharing one server and log-ins.


def test_provider_marks_attendance_and_records_results_caseworker_sees_progress(page):
    login(page, "provider")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tervetuloa")
    open_course(page, "SO-FA-JP")
    assert_accessible(page)
    screenshot(page, "courses-01-course")
    # The provider sees the minimum fields only: no link to the plan or the client register.
    assert page.locator("a[href*='/casework/']").count() == 0
    assert page.locator("a[href*='/clients/']").count() == 0

    # The latest past session has no attendance yet ("Merkitty" 0).
    unmarked = (
        page.locator("tbody tr")
        .filter(has=page.get_by_role("link", name=re.compile("Merkitse läsnäolot")))
        .filter(has=page.locator("td.num", has_text=re.compile(r"^0$")))
    )
    unmarked.last.get_by_role("link", name=re.compile("Merkitse läsnäolot")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Läsnäolo SO-FA-JP")
    assert_accessible(page)
    inputs = page.locator("input[data-hours]")
    assert inputs.count() >= 2
    page.get_by_role("button", name=re.compile("Kaikki paikalla")).click()
    expect(inputs.first).to_have_value("3,0")
    inputs.last.fill("1,5")
    screenshot(page, "courses-02-attendance")
    page.get_by_role("button", name="Tallenna läsnäolot").click()
    expect(page.get_by_role("status").first).to_contain_text("Läsnäolot tallennettu")
    assert_accessible(page)

    # A bad value is refused with a named row, and nothing changes.
    unmarked_again = page.locator("tbody tr").filter(
        has=page.get_by_role("link", name=re.compile("Merkitse läsnäolot"))
    )
    unmarked_again.first.get_by_role("link", name=re.compile("Merkitse läsnäolot")).click()
    page.locator("input[data-hours]").first.fill("99")
    page.get_by_role("button", name="Tallenna läsnäolot").click()
    expect(page.get_by_role("alert")).to_contain_text("Mitään ei tallennettu")
    assert_accessible(page)

    # Final test result for a participant of the Järvenpää integration training group.
    open_course(page, "KK-FI-JP")
    page.get_by_role("link", name="Aziz, Samira").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Samira Aziz")
    assert_accessible(page)
    page.get_by_role("link", name="Kirjaa kielitestin tulos").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirjaa kielitestin tulos")
    assert_accessible(page)
    page.get_by_label("Testipäivä").fill("2025-06-02")
    page.locator("#id_test_name").fill("YKI perustaso")
    page.get_by_label("Kuullun ymmärtäminen").select_option("B1.1")
    page.get_by_label("Luetun ymmärtäminen").select_option("A2.2")
    page.get_by_label("Puhuminen").select_option("B1.2")
    page.get_by_label("Kirjoittaminen").select_option("B1.1")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("status").first).to_contain_text("Testin tulos tallennettu")
    results = page.get_by_role("table").filter(has_text="YKI perustaso")
    expect(results).to_contain_text("tavoite B1.1")
    expect(results.get_by_role("row").filter(has_text="Luetun ymmärtäminen")).to_contain_text("ei")
    assert_accessible(page)
    screenshot(page, "courses-03-result")
    page.get_by_role("button", name="Kirjaudu ulos").click()

    # The case worker sees the progress without asking: attended hours, placement, results.
    login(page, "caseworker-jarvenpaa")
    open_course(page, "KK-FI-JP")
    page.get_by_role("link", name="Aziz, Samira").click()
    page.get_by_role("link", name="Kaikki asiakkaan kurssit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kurssien eteneminen")
    progress = page.locator("section.course-progress")
    expect(progress).to_contain_text("KK-FI-JP")
    expect(progress.get_by_test_id("attended-hours")).to_contain_text("Läsnä")
    expect(progress).to_contain_text("Järvenpään kaupunki, Kyyhkysmäen päiväkoti")
    expect(progress).to_contain_text("YKI perustaso")
    expect(progress).to_contain_text("tavoite B1.1")
    assert_accessible(page)
    screenshot(page, "courses-04-caseworker-progress")

    # Orientation at 69.5 hours is not completed (P7); the plan shows the same progress.
    page.goto("/courses/")
    open_course(page, "SO-AR-JP")
    page.get_by_role("link", name="Saleh, Hassan").click()
    expect(page.get_by_test_id("attended-hours")).to_contain_text("69,5")
    expect(page.get_by_test_id("attended-hours")).not_to_contain_text("orientaatio suoritettu")
    page.get_by_role("link", name="Kotoutumissuunnitelma").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kotoutumissuunnitelma")
    assert_accessible(page)
