"""The case file from the client list (docs/adr/0008-interoperability.md): a case worker ticks clients on the list,
exports them, watches the job and downloads the .jsonl; at phone width in Finnish and at desktop
width in Swedish, axe clean, no page wider than the screen."""

import json
import re

import pytest
from playwright.sync_api import expect

from kotopolku.e2e.conftest import _settled, assert_accessible, login, screenshot

pytestmark = [pytest.mark.browser]

WORDS = {
    "fi": {"menu": "Valikko", "clients": "Asiakkaat", "export": "Vie valitut asiakkaat"},
    "sv": {"menu": "Meny", "clients": "Klienter", "export": "Exportera de förkryssade"},
}


def fits(page, width: int) -> None:
    _settled(page)  # after a click the next document may not exist yet
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width, f"{page.url} is {wide} px wide on a {width} px screen"


@pytest.mark.parametrize(("language", "width"), [("fi", 375), ("sv", 1280)])
def test_case_worker_exports_ticked_clients_as_a_case_file(browser, live_url, language, width):
    words = WORDS[language]
    context = browser.new_context(base_url=live_url, viewport={"width": width, "height": 800})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, "caseworker-jarvenpaa")
        if width < 760:
            page.get_by_role("button", name=words["menu"]).click()
        page.locator(".site-nav").get_by_role("link", name=words["clients"], exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(words["clients"])
        boxes = page.locator("input[type=checkbox][form=export-form]")
        expect(boxes.first).to_be_visible()
        boxes.nth(0).check()
        boxes.nth(1).check()
        fits(page, width)
        assert_accessible(page, languages=False)
        screenshot(page, f"case-export-list-{language}-{width}")

        page.get_by_role("button", name=re.compile(words["export"])).click()
        expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]{36}/"))
        link = page.locator("#job-download")
        expect(link).to_be_visible(timeout=60_000)
        fits(page, width)
        assert_accessible(page, languages=False)
        screenshot(page, f"case-export-job-{language}-{width}")
        with page.expect_download() as download:
            link.click()
        assert re.fullmatch(
            r"kotopolku-case-file-\d{4}-\d\d-\d\d\.jsonl", download.value.suggested_filename
        )
        lines = download.value.path().read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines]
        assert len(records) == 2
        assert [r["external_id"] for r in records] == sorted(r["external_id"] for r in records)
    finally:
        context.close()
