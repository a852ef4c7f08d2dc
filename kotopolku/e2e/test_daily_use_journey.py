"""Daily use in the browser, at 375 px and 1280 px, in Finnish and Swedish, axe
clean: a case worker starts from the home page and clicks through the menu to the worklist, a
client (P6/P4 shown as met or open, day-first dates), the plan (extend it; enrol in a course
from it), registers a jobseeker (lands on the list, told who is responsible), reads the
referral list (the sender column is the sender) and both statements from the footer. No page
is wider than the screen."""

import re
from itertools import count

import pytest
from playwright.sync_api import expect

from kotopolku.e2e.conftest import _settled, assert_accessible, live_shell, login

pytestmark = [pytest.mark.browser]

WORDS = {
    "fi": {
        "worklist": "Työlista",
        "clients": "Asiakkaat",
        "register": "Rekisteröi asiakas",
        "deadlines_met_or_open": r"toteutunut|avoin",
        "enrol": "Ilmoita kurssille",
        "extend": "Pidennä",
        "extended": "Suunnitelmaa pidennetty",
        "month": "+1 kk",
        "responsible": "joten asiakas ei näy listallasi",
        "sender": "Lähettäjä",
        "accessibility": "Saavutettavuusseloste",
        "privacy": "Tietosuojaseloste",
        "menu": "Valikko",
        "home": "Järvenpää",
    },
    "sv": {
        "worklist": "Arbetslista",
        "clients": "Klienter",
        "register": "Registrera en klient",
        "deadlines_met_or_open": r"uppfyllt|öppen",
        "enrol": "Anmäl till en kurs",
        "extend": "Förläng",
        "extended": "Planen förlängd",
        "month": "+1 mån.",
        "responsible": "så klienten syns inte i din lista",
        "sender": "Avsändare",
        "accessibility": "Tillgänglighetsutlåtande",
        "privacy": "Dataskyddsbeskrivning",
        "menu": "Meny",
        "home": "Träskända",
    },
}
# A client of Järvenpää with a running plan that still needs a course place: the journey's
# own, so that what the other journeys enrolled or closed on the shared server does not matter.
PLANNED_COURSE_CLIENT = """
from datetime import timedelta
from django.utils import timezone
from kotopolku.casework.models import Assessment, IntegrationPlan, PlanService
from kotopolku.casework.tests.factories import make_client
today = timezone.localdate()
client = make_client("{external_id}", client_since=today - timedelta(days=90),
                     first_permit=today - timedelta(days=100))
client.first_names, client.last_name = "Daily", "{last_name}"
client.save(update_fields=["first_names", "last_name"])
org = client.responsible_organisation
Assessment.objects.create(client=client, organisation=org, started=today - timedelta(days=80),
                          completed=today - timedelta(days=70), plan_needed=True,
                          status=Assessment.Status.COMPLETED)
plan = IntegrationPlan.objects.create(client=client, organisation=org,
                                      start=today - timedelta(days=60),
                                      end=today + timedelta(days=300))
PlanService.objects.create(plan=plan, category_id="social_orientation",
                           status=PlanService.Status.PLANNED)
"""
ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
_numbers = count(1)


def fits(page, width: int) -> None:
    """No sideways scroll of the page itself (tables scroll inside their own box)."""
    _settled(page)  # after a click the next document may not exist yet
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width, f"{page.url} is {wide} px wide on a {width} px screen"


def check(page, width: int) -> None:
    fits(page, width)
    assert_accessible(page, languages=False)


def menu_link(page, name: str, width: int, words: dict):
    if width < 760:
        toggle = page.get_by_role("button", name=words["menu"])
        expect(toggle).to_have_attribute("aria-expanded", "false")
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
    return page.locator(".site-nav").get_by_role("link", name=name, exact=True)


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_case_workers_day_at_phone_and_desktop_width(browser, live_url, language, width):
    words = WORDS[language]
    context = browser.new_context(base_url=live_url, viewport={"width": width, "height": 800})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, "caseworker-jarvenpaa")
        check(page, width)

        # The worklist, through the menu (collapsed on a phone).
        menu_link(page, words["worklist"], width, words).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(words["worklist"])
        check(page, width)
        clients = page.locator("main table a[href*='/casework/clients/']")
        assert clients.count(), "the demo worklist has clients"

        # A client with a planned course, found with the worklist's search: the case page,
        # then the plan, then enrolment.
        last_name = f"Kurssilainen{language.upper()}{width}"
        live_shell(
            live_url,
            PLANNED_COURSE_CLIENT.format(
                external_id=f"E2E-COURSE-{last_name}", last_name=last_name
            ),
        )
        page.fill("input[name=q]", last_name)
        page.locator("form[role=search] button[type=submit]").click()
        expect(clients).to_have_count(1)
        hrefs = [clients.first.get_attribute("href")]
        enrolled = False
        for href in hrefs:
            page.goto(href)
            deadlines = page.locator("section[aria-labelledby=deadlines]")
            main_text = page.locator("main").inner_text()
            if language == "sv":
                assert not ISO_DATE.search(main_text), f"ISO date on {page.url}"
            plans = page.locator("section[aria-labelledby=plans] a")
            if not plans.count():
                continue
            expect(deadlines).to_contain_text(re.compile(words["deadlines_met_or_open"]))
            plans.first.click()
            # The click does not wait for the plan page: count its links only once it is there.
            page.wait_for_url(re.compile(r"/casework/plans/\d+/$"))
            enrol = page.get_by_role("link", name=re.compile(words["enrol"]))
            if not enrol.count():
                continue
            check(page, width)
            plan_url = page.url
            # Extending moves the end (or the total) and the history names months.
            page.get_by_role("link", name=words["extend"], exact=True).click()
            page.fill("input[name=months]", "1")
            page.select_option("select[name=reason]", "literacy")
            page.fill("textarea[name=note]", "Lukutaidon harjoittelu")
            page.locator("main form[method=post] button[type=submit]").last.click()
            expect(page.locator(".hds-notification--success")).to_contain_text(words["extended"])
            expect(page.locator("main")).to_contain_text(words["month"])
            if language == "sv":
                assert not ISO_DATE.search(page.locator("main").inner_text())
            check(page, width)
            page.goto(plan_url)
            page.get_by_role("link", name=re.compile(words["enrol"])).first.click()
            expect(page.get_by_role("heading", level=1)).to_have_text(words["enrol"])
            check(page, width)
            enrolled = True
            break
        assert enrolled, "no plan of the worklist offered a course enrolment"

        # Registering a jobseeker ends on the client list, told who is responsible.
        page.goto("/")
        menu_link(page, words["clients"], width, words).click()
        page.get_by_role("link", name=words["register"]).click()
        expect(page.locator("input[name=external_id]")).to_be_visible()
        check(page, width)
        number = next(_numbers)
        page.fill("input[name=external_id]", f"E2E-DAILY-{language}-{width}-{number}")
        page.fill("input[name=first_names]", "Nasra")
        page.fill("input[name=last_name]", "Ali")
        page.fill("input[name=date_of_birth]", "1993-02-11")
        page.select_option("select[name=permit_basis]", "asylum")
        page.fill("input[name=first_permit_date]", "2025-09-01")
        # The home municipality is typed with a picker (a datalist of names and codes).
        home = page.locator("input[name=home_municipality]")
        expect(home).to_have_attribute("list", re.compile(".+"))
        home.fill(words["home"])
        page.fill("input[name=home_start]", "2025-09-01")
        page.locator("input[name=jobseeker]").check()
        page.locator("main form[method=post] button[type=submit]").last.click()
        expect(page.locator(".hds-notification--success")).to_contain_text(words["responsible"])
        expect(page.get_by_role("heading", level=1)).to_have_text(words["clients"])
        check(page, width)

        # The referral list: "From" is the sender organisation there.
        page.goto("/casework/referrals/")
        expect(page.locator("main thead")).to_contain_text(words["sender"])
        check(page, width)

        # Both statements, from the footer.
        for key in ("accessibility", "privacy"):
            page.locator("footer").get_by_role("link", name=words[key]).click()
            expect(page.get_by_role("heading", level=1)).to_have_text(words[key])
            check(page, width)
    finally:
        context.close()
