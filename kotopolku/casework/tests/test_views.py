"""The casework journey over HTTP, access through referrals, and query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kotopolku.audit.models import AuditEvent
from kotopolku.casework.models import IntegrationPlan, Referral
from kotopolku.casework.tests.factories import caseworker, make_case, make_client, org

pytestmark = pytest.mark.django_db


def login(username):
    http = HttpClient()
    http.force_login(caseworker(username))
    return http


def warm_up(http):
    """The first request of a session saves the session (three queries); count after it."""
    assert http.get(reverse("home")).status_code == 200


def test_plan_one_day_too_long_shows_the_finnish_p2_message_then_saves(demo):
    client = make_client("JP-1", first_permit=timezone.localdate() - timedelta(days=60))
    http = login("caseworker-jarvenpaa")
    start = timezone.localdate()
    last = (
        start.replace(year=start.year + 1) - timedelta(days=1)
        if not (start.month == 2 and start.day == 29)
        else start.replace(year=start.year + 1, day=28) - timedelta(days=1)
    )
    url = reverse("casework:plan_add", kwargs={"pk": client.pk})
    too_long = {"start": start.isoformat(), "end": (last + timedelta(days=1)).isoformat()}
    response = http.post(url, too_long, HTTP_ACCEPT_LANGUAGE="fi")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ensimmäinen kotoutumissuunnitelma voi kestää enintään vuoden" in body
    assert not IntegrationPlan.objects.exists()
    response = http.post(url, {"start": start.isoformat(), "end": last.isoformat()})
    assert response.status_code == 302
    assert IntegrationPlan.objects.get().end == last


def test_override_with_reason_saves_and_is_audited(demo):
    client = make_client("JP-2", first_permit=timezone.localdate() - timedelta(days=60))
    http = login("caseworker-jarvenpaa")
    start = timezone.localdate()
    data = {
        "start": start.isoformat(),
        "end": (start + timedelta(days=500)).isoformat(),
        "override_reason": "Tulkin saatavuus",
    }
    response = http.post(reverse("casework:plan_add", kwargs={"pk": client.pk}), data)
    assert response.status_code == 302
    plan = IntegrationPlan.objects.get()
    assert plan.override_codes == ["first_plan_too_long"]
    assert AuditEvent.objects.filter(
        object_type="IntegrationPlan", reason__startswith="override first_plan_too_long"
    ).exists()


def test_accepted_referral_gives_access_until_it_is_closed(demo):
    client, _, _, referral = make_case("JP-3")
    assert AuditEvent.objects.filter(
        action="disclose", object_type="Referral", client_id=client.pk
    ).exists()
    employment = login("caseworker-employment")
    case_url = reverse("casework:case", kwargs={"pk": client.pk})
    assert employment.get(case_url).status_code == 404
    answer = reverse("casework:referral_answer", kwargs={"pk": referral.pk, "answer": "accept"})
    assert employment.get(answer).status_code == 200  # the confirmation step
    assert employment.post(answer).status_code == 302
    assert employment.get(case_url).status_code == 200
    assert client.external_id in employment.get(reverse("casework:worklist")).content.decode()
    complete = reverse("casework:referral_answer", kwargs={"pk": referral.pk, "answer": "complete"})
    assert employment.post(complete, {"text": ""}).status_code == 400
    assert employment.post(complete, {"text": "Työkokeilu alkoi"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.COMPLETED
    assert employment.get(case_url).status_code == 404
    assert AuditEvent.objects.filter(action="access_denied", client_id=client.pk).exists()


def test_other_municipality_gets_404_and_cannot_answer(demo):
    client, _, plan, referral = make_case("JP-4")
    tuusula = login("caseworker-tuusula")
    assert tuusula.get(reverse("casework:case", kwargs={"pk": client.pk})).status_code == 404
    assert tuusula.get(reverse("casework:plan_detail", kwargs={"pk": plan.pk})).status_code == 404
    answer = reverse("casework:referral_answer", kwargs={"pk": referral.pk, "answer": "accept"})
    assert tuusula.post(answer).status_code == 404
    assert Referral.objects.get().status == Referral.Status.SENT


def test_worklist_queries_do_not_grow_with_clients(demo):
    """5 or 60 clients: the same queries (the order and the page in SQL, the detailed deadlines
    of the 25 rows shown only), and one audit row per client shown. The first read after
    clients or their cases change stores their order keys (two more queries: their ids and
    one INSERT … SELECT); the reads after it are measured."""
    http = login("caseworker-jarvenpaa")
    for n in range(1, 6):
        make_case(f"W-{n}")
    warm_up(http)  # the home page's worklist block stores the keys of the first five
    with CaptureQueriesContext(connection) as few:
        assert http.get(reverse("casework:worklist")).status_code == 200
    for n in range(6, 61):  # clients alone: building 55 whole cases would take ~20 s
        make_client(f"W-{n}")
    with CaptureQueriesContext(connection) as storing:
        assert http.get(reverse("casework:worklist")).status_code == 200
    audited = AuditEvent.objects.filter(object_type="Worklist").count()
    with CaptureQueriesContext(connection) as many:
        response = http.get(reverse("casework:worklist"))
    assert response.status_code == 200
    page = response.context["page"]
    assert (page.paginator.count, len(page.object_list)) == (60, 25)
    assert len(many) == len(few)
    assert len(storing) == len(few) + 2
    assert AuditEvent.objects.filter(object_type="Worklist").count() - audited == 25


def test_worklist_pages_and_searches_with_the_same_queries(demo, monkeypatch):
    from kotopolku.casework import views

    monkeypatch.setattr(views, "WORKLIST_PAGE_SIZE", 3)
    for n in range(1, 8):
        make_client(f"P-{n}")
    http = login("caseworker-jarvenpaa")
    warm_up(http)
    with CaptureQueriesContext(connection) as first:
        response = http.get(reverse("casework:worklist"))
    page = response.context["page"]
    assert (page.paginator.count, page.paginator.num_pages, len(page.object_list)) == (7, 3, 3)
    assert 'rel="next"' in response.content.decode()
    with CaptureQueriesContext(connection) as last:
        response = http.get(reverse("casework:worklist"), {"page": 3})
    assert len(response.context["page"].object_list) == 1
    assert len(last) == len(first)
    # The search narrows the list; a search that finds nobody says so.
    searched = http.get(reverse("casework:worklist"), {"q": "P-3"})
    assert [row.client.external_id for row, _ in searched.context["page"].object_list] == ["P-3"]
    nobody = http.get(reverse("casework:worklist"), {"q": "nobody"}).content.decode()
    assert "Haulla ei löytynyt asiakkaita." in nobody


def test_contact_anonymous_and_known(demo):
    client = make_client("JP-5")
    http = login("caseworker-jarvenpaa")
    data = {
        "day": timezone.localdate().isoformat(),
        "persons": "3",
        "language": "ar",
        "topics": ["housing", "work"],
        "channel": "in_person",
        "outcome": "information",
    }
    assert http.post(reverse("casework:contact_add"), data).status_code == 302
    known = dict(data)
    known.pop("persons")
    url = reverse("casework:contact_add") + f"?client={client.pk}"
    assert http.post(url, known).status_code == 302
    bad = dict(data, outcome="referred")
    assert http.post(reverse("casework:contact_add"), bad).status_code == 400
    listing = http.get(reverse("casework:contact_list"))
    assert listing.status_code == 200
    assert listing.context["page"].paginator.count == 2


def test_journey_steps_through_the_forms(demo):
    client = make_client("JP-9", first_permit=timezone.localdate() - timedelta(days=90))
    http = login("caseworker-jarvenpaa")
    today = timezone.localdate().isoformat()
    response = http.post(
        reverse("casework:assessment_add", kwargs={"pk": client.pk}),
        {
            "started": today,
            "skill_language": "fi",
            "literacy": "literate",
            "plan_needed": "unknown",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    edit_url = response["Location"]
    response = http.post(
        edit_url,
        {
            "skill_language": "fi",
            "literacy": "literate",
            "level_speaking": "A1.1",
            "education-TOTAL_FORMS": "1",
            "education-INITIAL_FORMS": "0",
            "education-0-level": "upper secondary",
            "education-0-field": "commerce",
            "education-0-country": "Syyria",
            "education-0-years": "3",
            "work_history-TOTAL_FORMS": "0",
            "work_history-INITIAL_FORMS": "0",
            "plan_needed": "true",
            "completed": today,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assessment = client.assessments.get()
    assert assessment.status == "completed"
    assert assessment.education == [
        {"level": "upper secondary", "field": "commerce", "country": "SY", "years": "3"}
    ]
    response = http.post(
        reverse("casework:referral_add", kwargs={"pk": client.pk}),
        {
            "to_organisation": org("employment_area").pk,
            "reason": "Työnhaku",
            # The consent is recorded on the referral form itself.
            "basis": "new_consent",
            "consent_valid_until": (timezone.localdate() + timedelta(days=180)).isoformat(),
            "consent_reference": "Suostumus haastattelussa",
            "response_due": (timezone.localdate() + timedelta(days=14)).isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    employment = login("caseworker-employment")
    listing = employment.get(reverse("casework:referral_list"))
    assert client.last_name in listing.content.decode()
    case_page = http.get(reverse("casework:case", kwargs={"pk": client.pk}))
    assert case_page.status_code == 200
    referral = Referral.objects.get(client=client)
    assert (
        reverse("casework:referral_detail", kwargs={"pk": referral.pk})
        in case_page.content.decode()
    )
    assert AuditEvent.objects.filter(action="disclose", client_id=client.pk).exists()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_printable_plan_pdf_in_three_languages(demo, language):
    _, _, plan, _ = make_case("PDF-1")
    http = login("caseworker-jarvenpaa")
    response = http.get(
        reverse("casework:plan_print", kwargs={"pk": plan.pk}), {"language": language}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export", reason=f"pdf {language}").exists()


def test_plan_document_text_is_translated(demo):
    from kotopolku.casework.documents import plan_document

    _, _, plan, _ = make_case("PDF-2")
    assert plan_document(plan, language="fi").title == "Kotoutumissuunnitelmasi"
    assert plan_document(plan, language="sv").title == "Din integrationsplan"
    assert plan_document(plan, language="en").title == "Your integration plan"


def test_printable_plan_in_plain_finnish(demo):
    from io import BytesIO

    from pypdf import PdfReader

    from kotopolku.casework.services import plan_service_add
    from kotopolku.catalogue.models import ServiceCategory

    client, _, plan, _ = make_case("SELKO-1")
    plan_service_add(
        actor=caseworker(),
        plan=plan,
        category=ServiceCategory.objects.order_by("pk").first(),
        status="planned",
    )
    http = login("caseworker-jarvenpaa")
    detail = http.get(reverse("casework:plan_detail", kwargs={"pk": plan.pk})).content.decode()
    assert "?language=selko" in detail
    response = http.get(
        reverse("casework:plan_print", kwargs={"pk": plan.pk}), {"language": "selko"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="export", reason="pdf selko").exists()
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Tämä paperi on sinun kotoutumissuunnitelmasi." in text
    assert "Teimme suunnitelman yhdessä." in text
    assert "Tilanne: olemme sopineet tästä." in text
    assert client.full_name in text
    # The standard Finnish printout keeps its own wording.
    standard = http.get(reverse("casework:plan_print", kwargs={"pk": plan.pk}), {"language": "fi"})
    standard_text = " ".join(
        page.extract_text() for page in PdfReader(BytesIO(standard.content)).pages
    )
    assert "Kotoutumissuunnitelmasi" in standard_text
    assert "Teimme suunnitelman yhdessä." not in standard_text


def test_referral_and_contact_lists_have_constant_queries(demo):
    http = login("caseworker-jarvenpaa")
    make_case("Q-1")
    warm_up(http)
    with CaptureQueriesContext(connection) as few:
        assert http.get(reverse("casework:referral_list")).status_code == 200
        assert http.get(reverse("casework:contact_list")).status_code == 200
    for n in range(2, 8):
        make_case(f"Q-{n}")
    with CaptureQueriesContext(connection) as many:
        response = http.get(reverse("casework:referral_list"))
        assert http.get(reverse("casework:contact_list")).status_code == 200
    assert response.context["page"].paginator.count == 7
    assert len(many) == len(few)
    searched = http.get(reverse("casework:referral_list"), {"q": "Q-3"})
    assert searched.context["page"].paginator.count == 1
    empty = http.get(reverse("casework:referral_list"), {"q": "nobody"})
    assert "Haulla ei löytynyt ohjauksia." in empty.content.decode()


def test_plan_form_shows_the_p4_date_of_the_rule_in_force(demo):
    """The date next to the form is the rule's: change the rule and the page follows."""
    from datetime import date

    from django.utils.formats import date_format

    from kotopolku.common.dates import add_months
    from kotopolku.rules.models import StatutoryRule
    from kotopolku.rules.selectors import rule_value

    client = make_client("JP-P4")
    http = login("caseworker-jarvenpaa")
    url = reverse("casework:plan_add", kwargs={"pk": client.pk})
    start = date(2026, 1, 31)
    months = rule_value("referral_due_months", on=start)
    page = http.post(url, {"start": start.isoformat(), "end": ""}).content.decode()
    expected = date_format(add_months(start, months), "SHORT_DATE_FORMAT")
    assert f'<dd data-testid="computed-date">{expected}</dd>' in page

    StatutoryRule.objects.filter(key="referral_due_months").update(value=str(months + 2))
    page = http.post(url, {"start": start.isoformat(), "end": ""}).content.decode()
    moved = date_format(add_months(start, months + 2), "SHORT_DATE_FORMAT")
    assert f'<dd data-testid="computed-date">{moved}</dd>' in page
