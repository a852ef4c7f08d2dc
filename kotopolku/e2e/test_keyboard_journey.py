"""Keyboard only: the case worker registers a client, completes an assessment and
drafts a plan with the keyboard only: Tab, Shift+Tab, Enter, Space, arrows and typing. No click,
no fill, no mouse. Every element that takes the focus on the way shows it (outline or shadow),
and a wrong input is announced and linked to its field."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kotopolku.e2e.conftest import PASSWORD, assert_accessible

pytestmark = [pytest.mark.browser]
# Slow (several seconds per test): a real browser against a real server; pages are checked
# with axe-core in fi, sv and en. One worker runs them all, sharing one server and log-ins.

# What has the focus, and whether it shows: an outline or a box shadow on the element, or on
# its label (custom checkboxes draw the ring there).
FOCUS = r"""(selector) => {
  const el = document.activeElement;
  if (!el || el === document.body) return {tag: 'body', matches: false, shows: false};
  const clear = (color) => color === 'transparent' || /^rgba\(.*,\s*0\)$/.test(color);
  const shows = (s) => (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
      && !clear(s.outlineColor))
    || (s.boxShadow && s.boxShadow !== 'none');
  let ring = shows(getComputedStyle(el));
  if (!ring && el.labels && el.labels.length) {
    const label = el.labels[0];
    ring = shows(getComputedStyle(label)) || shows(getComputedStyle(label, '::before'))
      || shows(getComputedStyle(label, '::after'));
  }
  return {
    tag: el.tagName.toLowerCase(),
    describe: el.outerHTML.slice(0, 120),
    visible: el.matches(':focus-visible'),
    shows: ring,
    matches: selector ? el.matches(selector) : false,
  };
}"""


class Keyboard:
    """Moves through the page with Tab and checks the focus ring at every stop."""

    def __init__(self, page):
        self.page = page
        self.stops = 0
        self.date_order: str | None = None

    def _check(self, selector: str | None = None) -> dict:
        state = self.page.evaluate(FOCUS, selector)
        if state["tag"] != "body":
            self.stops += 1
            assert state["shows"], f"no visible focus (outline or shadow) on {state['describe']}"
        return state

    def tab_to(self, selector: str, *, backwards: bool = False, limit: int = 120) -> None:
        key = "Shift+Tab" if backwards else "Tab"
        if self.page.evaluate(FOCUS, selector)["matches"]:
            self._check(selector)
            return  # already there (an error summary's link focuses its field)
        for _ in range(limit):
            self.page.keyboard.press(key)
            if self._check(selector)["matches"]:
                return
        raise AssertionError(f"{selector} was not reached with {key} in {limit} presses")

    def type_into(self, selector: str, text: str) -> None:
        self.tab_to(selector)
        self.page.keyboard.type(text)

    def type_date(self, selector: str, day: date) -> None:
        """A date input takes the digits of its segments in the order of the browser's own
        locale (not the page's): learn the order from the first field, then type."""
        self.tab_to(selector)
        field = self.page.locator(selector)
        if self.date_order is None:
            self._to_first_segment()
            self.page.keyboard.type("01022003")  # day 1 and month 2 in some order
            value = field.input_value()
            self.date_order = {"2003-02-01": "dmy", "2003-01-02": "mdy"}.get(value, "ymd")
        parts = {"d": f"{day.day:02d}", "m": f"{day.month:02d}", "y": str(day.year)}
        self._to_first_segment()
        self.page.keyboard.type("".join(parts[p] for p in self.date_order))
        expect(field).to_have_value(day.isoformat())

    def _to_first_segment(self) -> None:
        # Shift+Tab enters a date field at its last segment; arrows move between segments.
        self.page.keyboard.press("ArrowLeft")
        self.page.keyboard.press("ArrowLeft")

    def submit(self) -> None:
        self.follow("main form[method=post] button[type=submit]")

    def follow(self, selector: str, *, loads_page: bool = True) -> None:
        self.tab_to(selector)
        if loads_page:
            with self.page.expect_navigation():
                self.page.keyboard.press("Enter")
        else:
            self.page.keyboard.press("Enter")


def test_caseworker_assesses_and_plans_with_the_keyboard_only(page):
    keys = Keyboard(page)
    today = timezone.localdate()
    start = today - timedelta(days=20)

    # Log in.
    page.context.kotopolku_user = "caseworker-jarvenpaa"  # whose pages (assert_accessible)
    page.goto("/login/")
    keys.type_into("input[name=username]", "caseworker-jarvenpaa")
    keys.type_into("input[name=password]", PASSWORD)
    keys.submit()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tervetuloa")

    # The skip link comes first and shows.
    keys.tab_to("a.skip-link")

    # Register a client: menu, list, form.
    keys.follow("nav.site-nav a[href='/clients/']")
    expect(page.get_by_role("heading", level=1)).to_have_text("Asiakkaat")
    keys.follow("main a[href='/clients/new/']")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rekisteröi asiakas")
    assert_accessible(page)
    keys.type_into("#id_external_id", "E2E-KEYBOARD-1")
    keys.type_into("#id_first_names", "Amina")
    keys.type_into("#id_last_name", "Yusuf")
    keys.type_date("#id_date_of_birth", date(1988, 9, 3))
    keys.tab_to("#id_permit_basis")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_permit_basis")).to_have_value("asylum")
    keys.type_date("#id_first_permit_date", start)
    keys.tab_to("#id_home_municipality")
    page.keyboard.type("Järvenpää (186)")
    expect(page.locator("#id_home_municipality")).to_have_value("Järvenpää (186)")
    keys.type_date("#id_home_start", start)
    keys.submit()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amina Yusuf")
    client_pk = re.search(r"/clients/(\d+)/", page.url).group(1)
    assert_accessible(page)

    # The pathway, then start the assessment.
    keys.follow(f"main a[href='/casework/clients/{client_pk}/']")
    keys.follow(f"main a[href='/casework/clients/{client_pk}/assessments/add/']")
    keys.type_date("#id_started", start + timedelta(days=5))
    keys.submit()
    expect(page).to_have_url(re.compile(r"/casework/assessments/\d+/"))

    # Complete it (in the form's order): multi-agency with Space, the goals, whether a plan is
    # needed, the day.
    keys.tab_to("#id_multi_agency")
    page.keyboard.press("Space")
    expect(page.locator("#id_multi_agency")).to_be_checked()
    keys.type_into("#id_goals", "Työ terveydenhuoltoalalla")
    keys.tab_to("#id_plan_needed")
    page.keyboard.type("Kyllä")
    expect(page.locator("#id_plan_needed")).to_have_value("true")
    keys.type_date("#id_completed", start + timedelta(days=10))
    keys.submit()
    expect(page.locator(".hds-notification--success").first).to_be_visible()
    assert_accessible(page)

    # Back on the pathway: draft the plan, one day too long first.
    expect(page).to_have_url(re.compile(rf"/casework/clients/{client_pk}/$"))
    keys.follow(f"main a[href='/casework/clients/{client_pk}/plans/add/']")
    plan_start = start + timedelta(days=12)
    too_long = plan_start.replace(year=plan_start.year + 1)
    keys.type_date("#id_start", plan_start)
    keys.type_date("#id_end", too_long)
    keys.type_into("#id_period_goals", "Kotoutumiskoulutus ja työkokeilu")
    keys.submit()

    # The error is announced (an alert that holds the focus) and linked to the field.
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Ensimmäinen kotoutumissuunnitelma")
    expect(summary).to_be_focused()
    end = page.locator("#id_end")
    expect(end).to_have_attribute("aria-invalid", "true")
    described = end.get_attribute("aria-describedby").split()
    messages = " ".join(page.locator(f"[id='{i}']").inner_text() for i in described)
    assert "Ensimmäinen kotoutumissuunnitelma" in messages
    assert_accessible(page)

    # From the summary, the link takes the user to the field; the input was kept.
    keys.follow("#error-summary a[href='#id_end']", loads_page=False)
    expect(end).to_have_value(too_long.isoformat())
    keys.type_date("#id_end", too_long - timedelta(days=1))
    keys.submit()
    # (the browser keeps the #id_end of the summary's link through the redirect)
    expect(page).to_have_url(re.compile(r"/casework/plans/\d+/(#id_end)?$"))
    expect(page.locator(".hds-notification--success").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("Kotoutumiskoulutus ja työkokeilu")
    assert keys.stops > 30  # the focus was checked all along the way
