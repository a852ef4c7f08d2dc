"""State compensation, the coordinator's month: the forecast, the state's payment list checked
against the registry, and an actual-cost claim built line by line (one line removed after a
confirmation and added again), with evidence, submitted and exported. The demo coordinator
handles Järvenpää's compensation (access/compensation.py). axe on every page, in fi, sv and en."""

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from kotopolku.compensation.demo import demo_payment_list_csv
from kotopolku.e2e.conftest import assert_accessible, logged_in, screenshot

pytestmark = [pytest.mark.browser]
# Slow (several seconds per test): a real browser against a real server; pages are checked
# with axe-core in fi, sv and en. One worker runs them all, sharing one server and log-ins.

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LINE = "Tulkkaus, arabia, alkuhaastattelu"


def heading(page, text: str):
    return expect(page.get_by_role("heading", level=1)).to_have_text(text)


def add_line(page) -> None:
    page.get_by_label(re.compile(r"^Päivä")).fill("2025-02-03")
    page.get_by_label(re.compile(r"^Summa \(EUR\)")).fill("120.50")
    page.get_by_label(re.compile(r"^Kuvaus")).fill(LINE)
    page.get_by_role("button", name="Lisää rivi").click()
    expect(page.get_by_role("status").first).to_contain_text("Kustannusrivi lisätty.")
    lines = page.get_by_role("table", name="Kustannusrivit")
    expect(lines.get_by_role("row", name=re.compile(LINE))).to_have_count(1)


def test_coordinator_checks_payment_list_and_submits_actual_cost_claim(page):
    logged_in(page, "coordinator")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tervetuloa")

    # 1. The forecast.
    page.get_by_role("navigation", name="Päävalikko").get_by_role(
        "link", name="Valtion korvaukset", exact=True
    ).click()
    heading(page, "Laskennallisen korvauksen ennuste")
    assert_accessible(page)
    tabs = page.get_by_role("navigation", name="Valtion korvaukset")

    # 2. The state's payment list of March 2025, checked against the registry.
    tabs.get_by_role("link", name="Maksulistat").click()
    heading(page, "Maksulistat")
    assert_accessible(page)
    page.get_by_role("link", name="Lataa maksulista").click()
    heading(page, "Lataa maksulista: Järvenpää")
    assert_accessible(page)
    # The columns saved from the previous list are filled in.
    expect(page.get_by_label(re.compile(r"^Summan sarake"))).to_have_value("Korvaus (EUR)")
    page.get_by_label(re.compile(r"^Kuukausi, jolta maksettu")).fill("2025-03")
    page.get_by_label(re.compile(r"^Maksulista \(CSV tai XLSX\)")).set_input_files(
        {
            "name": "maksulista-2025-03.csv",
            "mimeType": "text/csv",
            "buffer": demo_payment_list_csv(),
        }
    )
    page.get_by_role("button", name="Lataa ja tarkista").click()
    heading(page, "Maksulista maaliskuu 2025: Järvenpää")
    expect(page.get_by_role("status").first).to_contain_text("Maksulista luettu: 8 riviä.")
    for section in ("Summaerot (2)", "Maksettu mutta ei odotettu (3)", "Maksettu odotetusti (3)"):
        expect(page.get_by_role("heading", level=2, name=section)).to_be_visible()
    expect(
        page.get_by_role("heading", level=2, name=re.compile(r"^Odotettu mutta ei maksettu"))
    ).to_be_visible()
    screenshot(page, "compensation-01-payment-list")
    assert_accessible(page)

    # 3. A new actual-cost claim for interpreting.
    page.get_by_role("navigation", name="Päävalikko").get_by_role(
        "link", name="Valtion korvaukset", exact=True
    ).click()
    heading(page, "Laskennallisen korvauksen ennuste")
    page.get_by_role("navigation", name="Valtion korvaukset").get_by_role(
        "link", name="Todellisten kustannusten hakemukset"
    ).click()
    heading(page, "Todellisten kustannusten hakemukset")
    assert_accessible(page)
    page.get_by_role("link", name="Uusi hakemus").click()
    heading(page, "Uusi todellisten kustannusten hakemus: Järvenpää")
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Kustannuslaji")).select_option("interpreting")
    page.get_by_label(re.compile(r"^Kauden alku")).fill("2025-01-01")
    page.get_by_label(re.compile(r"^Kauden loppu")).fill("2025-06-30")
    page.get_by_role("button", name="Luo hakemus").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Järvenpää")
    expect(page.get_by_role("status").first).to_contain_text("Hakemus luotu.")
    claim_url = page.url
    assert_accessible(page)

    # 4. A line, removed after the confirmation, and added again.
    add_line(page)
    assert_accessible(page)
    lines = page.get_by_role("table", name="Kustannusrivit")
    lines.get_by_role("link", name=re.compile(r"^Poista")).click()
    heading(page, "Poista kustannusrivi")
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"120,50\s€"))
    expect(page.get_by_role("main")).to_contain_text(LINE)
    screenshot(page, "compensation-02-remove-line")
    assert_accessible(page)
    page.get_by_role("button", name="Kyllä, poista").click()
    expect(page.get_by_role("status").first).to_contain_text("Kustannusrivi poistettu.")
    assert page.url == claim_url
    expect(page.get_by_role("main")).to_contain_text("Ei vielä kustannusrivejä.")
    assert_accessible(page)
    add_line(page)

    # 5. The evidence, then the submission.
    page.get_by_label(re.compile(r"^Liite \(PDF, PNG tai JPEG\)")).set_input_files(
        {"name": "lasku-tulkkaus.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Liitä").click()
    expect(page.get_by_role("status").first).to_contain_text("Liite lisätty.")
    expect(page.get_by_role("link", name="lasku-tulkkaus.pdf")).to_be_visible()
    screenshot(page, "compensation-03-claim-draft")
    assert_accessible(page)
    remove_url = (
        page.get_by_role("table", name="Kustannusrivit")
        .get_by_role("link", name=re.compile(r"^Poista"))
        .get_attribute("href")
    )
    page.get_by_role("main").get_by_role("link", name="Lähetä hakemus").click()
    heading(page, "Lähetä hakemus")
    assert_accessible(page)
    page.get_by_role("button", name="Kyllä, lähetä").click()
    expect(page.get_by_role("status").first).to_contain_text("Hakemus lähetetty.")
    # Submitted: the lines can no longer be removed.
    lines = page.get_by_role("table", name="Kustannusrivit")
    expect(lines.get_by_role("link", name=re.compile(r"^Poista"))).to_have_count(0)
    expect(page.get_by_role("button", name="Lisää rivi")).to_have_count(0)
    screenshot(page, "compensation-04-claim-submitted")
    assert_accessible(page)
    # The removal page of a submitted claim refuses, and the line stays.
    response = page.goto(remove_url)
    assert response is not None
    assert response.status == 400
    heading(page, "Poista kustannusrivi")
    expect(page.get_by_role("alert")).to_contain_text(
        "Vain luonnosvaiheessa olevaa hakemusta voi muuttaa."
    )
    expect(page.get_by_role("button", name="Kyllä, poista")).to_have_count(0)
    screenshot(page, "compensation-05-remove-refused")
    assert_accessible(page)
    page.get_by_role("link", name="Takaisin hakemukseen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Järvenpää")
    expect(page.get_by_role("table", name="Kustannusrivit")).to_contain_text(LINE)

    # 6. The summary for the state's e-form.
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("link", name="Yhteenveto Excel-tiedostona (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as xlsx:
        rows = list(load_workbook(BytesIO(xlsx.read())).active.iter_rows(values_only=True))
    assert sum(1 for row in rows if LINE in row) == 1
