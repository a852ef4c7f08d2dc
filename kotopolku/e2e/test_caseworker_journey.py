"""A case worker's pathway from registration to a closed referral.
The plan is printed for the client, and two tabs saving the same plan conflict."""

import re
from datetime import timedelta
from urllib.parse import urljoin

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kotopolku.e2e.conftest import assert_accessible, login, screenshot

pytestmark = [pytest.mark.browser]
# Slow (several seconds per test): a real browser against a real server; pages are checked
# with axe-core in fi, sv and en. One worker runs them all, sharing one server and log-ins.


def submit(page):
    page.locator("main form[method=post] button[type=submit]").last.click()


def select_by_text(page, name: str, text: str) -> None:
    select = page.locator(f"select[name={name}]")
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value)


def test_caseworker_registers_assesses_plans_and_refers(page, browser, live_url):
    today = timezone.localdate()
    start = today - timedelta(days=20)
    login(page, "caseworker-jarvenpaa")

    # 1. Register a client.
    page.goto("/clients/new/")
    assert_accessible(page)
    page.fill("input[name=external_id]", "E2E-JOURNEY-1")
    page.fill("input[name=first_names]", "Layla")
    page.fill("input[name=last_name]", "Haddad")
    page.fill("input[name=date_of_birth]", "1991-04-12")
    page.select_option("select[name=permit_basis]", "asylum")
    page.fill("input[name=first_permit_date]", start.isoformat())
    page.fill("input[name=home_municipality]", "Järvenpää (186)")
    page.fill("input[name=home_start]", start.isoformat())
    submit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Layla Haddad")
    client_url = page.url
    client_pk = re.search(r"/clients/(\d+)/", client_url).group(1)
    screenshot(page, "10-client")

    # 2. A guidance contact.
    page.goto(f"/casework/contacts/add/?client={client_pk}")
    assert_accessible(page)
    page.fill("input[name=day]", today.isoformat())
    page.fill("input[name=language]", "ar")
    page.locator("input[name=topics]").first.check()
    submit(page)
    expect(page.locator(".hds-notification--success").first).to_be_visible()

    # 3. Start and complete an assessment.
    page.goto(f"/casework/clients/{client_pk}/assessments/add/")
    assert_accessible(page)
    page.fill("input[name=started]", (start + timedelta(days=5)).isoformat())
    submit(page)
    expect(page).to_have_url(re.compile(r"/casework/assessments/\d+/"))
    page.fill("input[name=completed]", (start + timedelta(days=10)).isoformat())
    page.select_option("select[name=plan_needed]", "true")
    page.fill("textarea[name=goals]", "Työ ravintola-alalla")
    submit(page)
    expect(page.locator(".hds-notification--success").first).to_be_visible()
    assert_accessible(page)

    # 4. A plan one day too long: the P2 message in Finnish, nothing stored.
    plan_start = start + timedelta(days=12)
    page.goto(f"/casework/clients/{client_pk}/plans/add/")
    page.fill("input[name=start]", plan_start.isoformat())
    too_long = plan_start.replace(year=plan_start.year + 1)
    page.fill("input[name=end]", too_long.isoformat())
    submit(page)
    expect(page.locator("main")).to_contain_text("Ensimmäinen suunnitelma")
    assert_accessible(page)
    screenshot(page, "11-plan-too-long")

    # 5. Correct it and save.
    page.fill("input[name=end]", (too_long - timedelta(days=1)).isoformat())
    submit(page)
    expect(page).not_to_have_url(re.compile(r"/plans/add/"))
    expect(page).to_have_url(re.compile(r"/casework/plans/\d+/$"))
    plan_url = page.url
    assert_accessible(page)

    # 5b. Print the plan for the client: the PDF answers.
    href = page.locator("a[href*='/print/'][href*='language=fi']").first.get_attribute("href")
    pdf = page.request.get(urljoin(page.url, href), timeout=60_000)
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body()[:5] == b"%PDF-"

    # 5c. Two tabs change the same plan: the later save is refused with the conflict message,
    # and the user's input is kept.
    first = page
    second = page.context.new_page()
    first.goto(plan_url + "edit/")
    second.goto(plan_url + "edit/")
    second.fill("textarea[name=period_goals]", "Kotoutumiskoulutus syksyllä")
    submit(second)
    expect(second.locator(".hds-notification--success").first).to_be_visible()
    second.close()
    first.fill("textarea[name=period_goals]", "Yhteiskuntaorientaatio keväällä")
    submit(first)
    expect(first.get_by_role("alert")).to_contain_text("Joku muu tallensi tämän suunnitelman")
    expect(first.locator("textarea[name=period_goals]")).to_have_value(
        "Yhteiskuntaorientaatio keväällä"
    )
    assert_accessible(first)
    submit(first)  # saving again is a deliberate overwrite
    expect(first.locator(".hds-notification--success").first).to_be_visible()
    expect(first.locator("main")).to_contain_text("Yhteiskuntaorientaatio keväällä")

    # 6. Refer the client to the employment area.
    page.goto(f"/casework/clients/{client_pk}/referrals/add/")
    assert_accessible(page)
    select_by_text(page, "to_organisation", "työllisyysalue")
    page.fill("textarea[name=reason]", "Työnhaun tuki")
    # The client's consent is recorded on the referral form itself.
    page.check("input[name=basis][value=new_consent]")
    page.fill("input[name=consent_valid_until]", (today + timedelta(days=180)).isoformat())
    page.fill("input[name=consent_reference]", "Suostumus lomakkeella 1/2026")
    page.fill("input[name=response_due]", (today + timedelta(days=14)).isoformat())
    submit(page)
    expect(page.locator("main")).to_contain_text("Keski-Uudenmaan työllisyysalue")

    # 7. The employment area's case worker accepts it and sees the client.
    other = browser.new_context(base_url=live_url)
    employment = other.new_page()
    login(employment, "caseworker-employment")
    assert employment.goto(f"/casework/clients/{client_pk}/").status == 404
    employment.goto("/casework/referrals/")
    assert_accessible(employment)
    row = employment.locator("tr", has_text="Layla Haddad")
    row.get_by_role("link").first.click()
    assert_accessible(employment)
    referral_url = employment.url
    employment.get_by_role("link", name="Hyväksy").click()
    assert_accessible(employment)
    submit(employment)
    assert employment.goto(f"/casework/clients/{client_pk}/").status == 200
    expect(employment.get_by_role("heading", level=1)).to_contain_text("Haddad")
    assert_accessible(employment)

    # 8. Closing the referral ends that access.
    employment.goto(referral_url)
    employment.get_by_role("link", name="Päätä ja ilmoita tulos").click()
    assert_accessible(employment)
    employment.locator("textarea[name=text]").fill("Ohjattu työnhakijaksi.")
    submit(employment)
    assert employment.goto(f"/casework/clients/{client_pk}/").status == 404
    other.close()
