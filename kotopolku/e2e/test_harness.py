"""The accessibility check of the browser harness: it finds a violation, names it briefly,
checks the other languages of the same URL, and leaves the user's language as it was."""

import pytest
from playwright.sync_api import expect

from kotopolku.e2e.conftest import LANGUAGE_COOKIE, assert_accessible

pytestmark = [pytest.mark.browser]
# Slow (several seconds per test): a real browser against a real server; pages are checked
# with axe-core in fi, sv and en. One worker runs them all, sharing one server and log-ins.


def test_assert_accessible_reports_rule_target_url_and_language(page):
    page.goto("/login/")
    page.get_by_role("button", name="Svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert_accessible(page)  # sv as it is, then fi and en in a second tab

    # The user's choice is kept, in the same tab and the next page load.
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies[LANGUAGE_COOKIE] == "sv"
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert len(page.context.pages) == 1

    # A violation on this page only: an image without a text alternative.
    page.evaluate(
        "() => { const img = document.createElement('img'); img.id = 'no-alt';"
        " img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw='; "
        "document.querySelector('main').append(img); }"
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    message = str(failure.value)
    assert "[sv]" in message
    assert "image-alt" in message
    assert "#no-alt" in message
    assert "/login/" in message
    # The fresh loads in fi and en have no such image.
    assert "[fi]" not in message
    assert "[en]" not in message
