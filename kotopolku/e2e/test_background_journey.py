"""A document made in the background shows a moving progress bar and arrives as a
download; the finished job appears in the inbox behind the header bell. axe-clean, fi and sv."""

import re

import pytest
from playwright.sync_api import expect

from kotopolku.e2e.conftest import assert_accessible, login, screenshot

pytestmark = [pytest.mark.browser]

TEXT = {
    "fi": {
        "button": "Suomi",
        "in_language": "Suomeksi",
        "working": re.compile(r"Odottaa vuoroaan|Työ käynnissä|Valmis"),
        "download": re.compile(r"Lataa kotoutumisohjelma-v1-fi\.docx"),
        "bell": re.compile(r"Ilmoitukset: \d+ lukematon"),
        "inbox": "Ilmoitukset",
        "ready": re.compile(r"Valmis: Ohjelma-asiakirja, versio 1"),
    },
    "sv": {
        "button": "Svenska",
        "in_language": "På finska",
        "working": re.compile(r"Väntar på sin tur|Arbetet pågår|Klart"),
        "download": re.compile(r"Ladda ner kotoutumisohjelma-v1-fi\.docx"),
        "bell": re.compile(r"Aviseringar: 1 oläst"),  # the viewer has no other notice
        "inbox": "Aviseringar",
        "ready": re.compile(r"Klart: Programdokument, version 1"),
    },
}


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_document_job_progress_download_and_inbox(page, language):
    text = TEXT[language]
    login(page, "coordinator" if language == "fi" else "viewer")
    page.get_by_role("button", name=text["button"]).click()
    page.goto("/programme/")
    page.get_by_role("link", name=re.compile("Keski-Uu|Mellersta Nyland")).first.click()
    page.get_by_role("link", name=re.compile(r"^(Versio|Version) 1")).first.click()
    # The Finnish document as DOCX, from the list of downloads.
    item = page.locator("#downloads ~ ul li").first
    with page.expect_download(timeout=90_000) as download:
        item.get_by_role("link", name="DOCX").click()
        expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]{36}/"))
        expect(page.locator("progress.job-progress")).to_be_visible()
        expect(page.locator(".job-status__line")).to_have_text(text["working"])
        screenshot(page, f"job-progress-{language}")
    assert download.value.suggested_filename == "kotoutumisohjelma-v1-fi.docx"
    expect(page.get_by_role("link", name=text["download"])).to_be_visible()
    expect(page.locator("progress.job-progress")).to_have_attribute("value", "100")
    assert_accessible(page)

    # The bell counts the notice of the finished job on the next page the user opens.
    page.reload()
    bell = page.get_by_role("link", name=text["bell"])
    expect(bell).to_be_visible()
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text["inbox"])
    expect(page.locator(".notification-item__title", has_text=text["ready"])).to_be_visible()
    screenshot(page, f"inbox-{language}")
    assert_accessible(page)
