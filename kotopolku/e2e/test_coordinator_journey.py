"""The coordinator's day. Updates the catalogue, generates the programme
document, prepares a meeting and reviews the statistics dashboard, with the error paths (wrong
input gives a Finnish message linked to its field). axe on every page, in fi, sv and en."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kotopolku.e2e.conftest import assert_accessible, login

pytestmark = [pytest.mark.browser]
# Slow (several seconds per test): a real browser against a real server; pages are checked
# with axe-core in fi, sv and en. One worker runs them all, sharing one server and log-ins.

SERVICE = "Hyvinkään kotoutumisneuvonta"
GROUP = "Kotoutumisen ja maahanmuuton yhteistyöryhmä"


def nav(page, name: str) -> None:
    page.get_by_role("navigation", name="Päävalikko").get_by_role(
        "link", name=name, exact=True
    ).click()


def expect_linked_error(page, field, text: str) -> None:
    """The field is marked invalid and described by an element that holds the message."""
    expect(field).to_have_attribute("aria-invalid", "true")
    described = field.get_attribute("aria-describedby") or ""
    assert described, "the invalid field has no aria-describedby"
    messages = " ".join(page.locator(f"[id='{i}']").inner_text() for i in described.split())
    assert text in messages, f"{text!r} not in the field's description {messages!r}"
    # The error summary names the field and links to it.
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(text)
    field_id = field.get_attribute("id")
    expect(summary.locator(f"a[href='#{field_id}']")).to_have_count(1)


def test_coordinator_updates_catalogue_generates_programme_prepares_meeting_reviews_dashboard(
    page,
):
    login(page, "coordinator")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tervetuloa")

    # 1. The catalogue: change a service, first with a required name left empty.
    nav(page, "Palvelut")
    expect(page.get_by_role("heading", level=1)).to_have_text("Palveluluettelo")
    assert_accessible(page)
    page.get_by_role("link", name=SERVICE, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(SERVICE)
    assert_accessible(page)
    page.get_by_role("main").get_by_role("link", name="Muokkaa", exact=True).click()
    assert_accessible(page)
    name = page.get_by_label("Nimi suomeksi")
    name.fill("")
    page.get_by_label("Kapasiteetti (paikkaa vuodessa)").fill("120")
    page.get_by_role("button", name="Tallenna").click()
    expect_linked_error(page, name, "Tämä kenttä on pakollinen.")
    assert_accessible(page)
    # The other input is kept.
    expect(page.get_by_label("Kapasiteetti (paikkaa vuodessa)")).to_have_value("120")
    name.fill(SERVICE)
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("status").first).to_contain_text("Palvelu tallennettu.")
    expect(page.locator("main")).to_contain_text("120")
    assert_accessible(page)

    # 2. The programme document of the current version, as a PDF.
    nav(page, "Ohjelma")
    assert_accessible(page)
    page.get_by_role("link", name="Keski-Uudenmaan kotoutumisohjelma").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2025–2028")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Versio \d+$")).last.click()
    expect(page.get_by_role("heading", level=2, name="Lataa ohjelma-asiakirja")).to_be_visible()
    assert_accessible(page)
    with page.expect_download(timeout=60_000) as download:
        page.locator('a[href*="language=fi"][href*="format=pdf"]').click()
    assert download.value.suggested_filename.endswith("-fi.pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # 3. A meeting of the cooperation group: a wrong link first.
    nav(page, "Työryhmät")
    page.get_by_role("link", name=GROUP).click()
    page.get_by_role("link", name="Sovi kokous").click()
    assert_accessible(page)
    held = timezone.localdate() + timedelta(days=14)
    page.get_by_label(re.compile(r"^Päivä")).fill(held.isoformat())
    page.get_by_label("Paikka").fill("Tuusulan kunnantalo, valtuustosali")
    link = page.get_by_label("Etäkokouksen linkki")
    link.fill("ei osoite")
    page.get_by_role("button", name="Tallenna").click()
    expect_linked_error(page, link, "Syötä oikea URL-osoite.")
    assert_accessible(page)
    link.fill("https://meet.example.fi/kotoutuminen")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"{held.day}.{held.month}.{held.year}"
    )
    page.get_by_role("link", name="Lisää asia esityslistalle").click()
    assert_accessible(page)
    page.get_by_label("Otsikko").fill("Palvelukatalogin päivitys")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("heading", level=3)).to_have_text("1 §. Palvelukatalogin päivitys")
    assert_accessible(page)

    # 4. The statistics dashboard of the region, and a period that is not one.
    nav(page, "Tilastot")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alueen tilastot")
    expect(page.get_by_role("table").first).to_be_visible()
    assert_accessible(page)
    # The period is picked from a list of years and quarters ...
    period = page.get_by_label("Ajanjakso")
    expect(period.locator("option[value='2025-Q9']")).to_have_count(0)
    period.select_option("2025-Q3")
    page.get_by_role("button", name="Näytä").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2025")
    expect(period).to_have_value("2025-Q3")
    # ... and a hand-edited or stale link with a period that is not one gets a linked error.
    page.goto(page.url.replace("2025-Q3", "2025-Q9"))
    period = page.get_by_label("Ajanjakso")
    expect_linked_error(page, period, "Anna ajanjakso vuotena (2025) tai vuosineljänneksenä")
    assert_accessible(page)
    page.get_by_role("link", name="Alueellinen vertailu").click()
    expect(page.get_by_role("table").first).to_be_visible()
    assert_accessible(page)
