"""The worklist's sortable columns, filters and saved filters, and the
overdue mark of referrals whose answer is late. Sorting and filtering happen in SQL: the
queries do not change with the filters' results."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kotopolku.casework import services
from kotopolku.casework.models import Referral, SavedWorklistFilter
from kotopolku.casework.tests.factories import caseworker, make_case, make_client, org

pytestmark = pytest.mark.django_db


def login(username="caseworker-jarvenpaa"):
    http = HttpClient()
    http.force_login(caseworker(username))
    http.get(reverse("home"))
    return http


def ids(response):
    return [row.client.external_id for row, _ in response.context["page"].object_list]


def test_sort_by_name_both_ways_with_aria_sort(demo):
    for external_id in ("S-B", "S-A", "S-C"):
        make_client(external_id)
    http = login()
    url = reverse("casework:worklist")
    by_name = http.get(url, {"sort": "name"})
    assert ids(by_name) == ["S-A", "S-B", "S-C"]
    html = by_name.content.decode()
    assert 'aria-sort="ascending"' in html
    assert "?sort=-name" in html  # the header offers the other direction
    assert ids(http.get(url, {"sort": "-name"})) == ["S-C", "S-B", "S-A"]
    assert 'aria-sort="descending"' in http.get(url, {"sort": "-name"}).content.decode()
    # The default order is by the next deadline, marked on its header.
    assert 'aria-sort="ascending"' in http.get(url).content.decode()


def test_filters_by_deadline_type_overdue_and_organisation(demo):
    running = make_client("F-PLAN", first_permit=timezone.localdate() - timedelta(days=90))
    services.assessment_start(
        actor=caseworker(), client=running, organisation=org("186"), started=timezone.localdate()
    )
    start = timezone.localdate() - timedelta(days=10)
    services.plan_create(  # a running plan: review and plan ending, no assessment action
        actor=caseworker(),
        client=running,
        organisation=org("186"),
        start=start,
        end=start + timedelta(days=300),
    )
    make_client("F-NEW", client_since=date(2025, 4, 1))  # assessment target long passed
    http = login()
    url = reverse("casework:worklist")
    assert ids(http.get(url, {"action": "assessment_not_started"})) == ["F-NEW"]
    assert ids(http.get(url, {"action": "review_due"})) == ["F-PLAN"]
    assert "F-NEW" in ids(http.get(url, {"overdue": "true"}))
    jarvenpaa = org("186").pk
    tuusula = org("858").pk
    chosen = http.get(url, {"organisation": jarvenpaa})
    assert set(ids(chosen)) == {"F-PLAN", "F-NEW"}
    # The select offers every organisation by name, the chosen one selected, on the filtered
    # page and on the page as first opened.
    html = chosen.content.decode()
    assert f'<option value="{jarvenpaa}" selected>{org("186").name}</option>' in html
    assert f'<option value="{tuusula}">{org("858").name}</option>' in html
    first = http.get(url).content.decode()
    assert f'<option value="{jarvenpaa}">{org("186").name}</option>' in first
    # An organisation outside the caseload narrows to nothing; it never widens the scope.
    make_client("F-TUUSULA", municipality="858")
    assert ids(http.get(url, {"organisation": tuusula})) == []
    # A bad value is dropped, the rest still applies.
    assert ids(http.get(url, {"action": "nonsense", "q": "F-NEW"})) == ["F-NEW"]


def test_filtered_pages_cost_the_same_queries_whatever_the_number_of_clients(demo):
    http = login()
    url = reverse("casework:worklist")
    filtered = {"sort": "-due", "overdue": "true", "action": "window_closing"}
    make_client("Q-1")
    http.get(url, filtered)  # stores the order key of the new client (docs/adr/0009)
    with CaptureQueriesContext(connection) as few:
        http.get(url, filtered)
    for n in range(2, 12):
        make_client(f"Q-{n}")
    http.get(url, filtered)
    with CaptureQueriesContext(connection) as many:
        response = http.get(url, filtered)
    assert len(ids(response)) == 11
    assert len(many) == len(few)


def test_saved_filter_save_list_apply_and_delete_with_confirmation(demo):
    make_client("SV-1")
    http = login()
    save = reverse("casework:worklist_filter_save")
    confirm = http.get(save, {"overdue": "true", "sort": "name"})
    assert confirm.status_code == 200
    assert 'name="overdue" value="true"' in confirm.content.decode()
    assert http.post(save, {"name": "", "overdue": "true"}).status_code == 400
    response = http.post(save, {"name": "Myöhässä", "overdue": "true", "sort": "name"})
    assert response.status_code == 302
    saved = SavedWorklistFilter.objects.get()
    assert (saved.user, saved.name, saved.query) == (
        caseworker(),
        "Myöhässä",
        "overdue=true&sort=name",
    )
    page = http.get(reverse("casework:worklist")).content.decode()
    assert "Myöhässä" in page
    assert "?overdue=true&amp;sort=name" in page
    # Saving the same name replaces it.
    http.post(save, {"name": "Myöhässä", "action": "review_due"})
    assert SavedWorklistFilter.objects.get().query == "action=review_due"

    delete = reverse("casework:worklist_filter_delete", kwargs={"pk": saved.pk})
    other = login("caseworker-tuusula")
    assert other.get(delete).status_code == 404
    assert other.post(delete).status_code == 404
    assert http.get(delete).status_code == 200  # the confirmation
    assert SavedWorklistFilter.objects.exists()
    assert http.post(delete).status_code == 302
    assert not SavedWorklistFilter.objects.exists()


def test_referral_whose_answer_is_overdue_is_marked_in_text(demo):
    _, _, _, waiting = make_case("R-1")
    Referral.objects.filter(pk=waiting.pk).update(
        sent_on=date(2025, 1, 2), response_due=date(2025, 1, 16)
    )
    _, _, _, answered = make_case("R-2")
    Referral.objects.filter(pk=answered.pk).update(
        sent_on=date(2025, 1, 2), response_due=date(2025, 1, 16), status="accepted"
    )
    http = login()
    response = http.get(reverse("casework:referral_list"), HTTP_ACCEPT_LANGUAGE="en")
    rows = {r.client.external_id: r.response_overdue for r in response.context["page"]}
    assert rows == {"R-1": True, "R-2": False}
    html = response.content.decode()
    assert html.count('class="overdue-mark"') == 1


def _with_worker(external_id, worker):
    from kotopolku.clients import services as client_services

    client = make_client(external_id)
    return client_services.client_update(actor=worker, client=client, responsible_worker=worker)


def _worker_clients():
    jussi, kaisa = caseworker(), caseworker("coordinator")
    _with_worker("WK-JUSSI", jussi)
    _with_worker("WK-KAISA", kaisa)
    make_client("WK-NOBODY")
    return jussi, kaisa


def test_worker_filter_mine_nobody_or_a_named_worker(demo):
    jussi, kaisa = _worker_clients()
    tuula = caseworker("caseworker-tuusula")
    http = login()
    url = reverse("casework:worklist")
    assert ids(http.get(url, {"worker": "mine"})) == ["WK-JUSSI"]
    assert ids(http.get(url, {"worker": "none"})) == ["WK-NOBODY"]
    assert ids(http.get(url, {"worker": kaisa.pk})) == ["WK-KAISA"]
    assert ids(http.get(url, {"worker": "mine", "q": "WK-KAISA"})) == []
    # Kaisa's "mine" is her own.
    assert ids(login("coordinator").get(url, {"worker": "mine"})) == ["WK-KAISA"]
    # The choices: the case workers of the user's organisation, not another organisation's.
    page = http.get(url, HTTP_ACCEPT_LANGUAGE="fi")
    html = page.content.decode()
    assert f'<option value="{kaisa.pk}">Kaisa Koordinaattori</option>' in html
    assert "Tuula Tuominen" not in html
    assert "Omat asiakkaani" in html
    assert "Ei vastuutyöntekijää" in html
    # A worker of another organisation is refused with a message; the other filters apply.
    refused = http.get(url, {"worker": tuula.pk, "q": "WK-JUSSI"}, HTTP_ACCEPT_LANGUAGE="fi")
    assert ids(refused) == ["WK-JUSSI"]
    assert "Valitse oman organisaatiosi työntekijä." in refused.content.decode()
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    sv = http.get(url, {"worker": "nonsense"}).content.decode()
    assert "Ange ”mine”, ”none” eller handläggarens id." in sv
    assert len(ids(http.get(url, {"worker": "nonsense"}))) == 3


def test_worker_filter_costs_the_same_queries_whatever_the_number_of_clients(demo):
    jussi = caseworker()
    http = login()
    url = reverse("casework:worklist")
    mine = {"worker": "mine", "sort": "name"}
    _with_worker("WQ-1", jussi)
    http.get(url, mine)  # stores the order key of the new client (docs/adr/0009)
    with CaptureQueriesContext(connection) as few:
        http.get(url, mine)
    for n in range(2, 12):
        _with_worker(f"WQ-{n}", jussi)
        make_client(f"WQ-OTHER-{n}")
    http.get(url, mine)
    with CaptureQueriesContext(connection) as many:
        response = http.get(url, mine)
    assert len(ids(response)) == 11
    assert len(many) == len(few)


def test_saved_filter_keeps_the_worker(demo):
    _worker_clients()
    http = login()
    response = http.post(
        reverse("casework:worklist_filter_save"), {"name": "Omat", "worker": "mine"}
    )
    assert response.status_code == 302
    saved = SavedWorklistFilter.objects.get()
    assert saved.query == "worker=mine"
    assert ids(http.get(reverse("casework:worklist") + "?" + saved.query)) == ["WK-JUSSI"]


def test_api_worklist_filters_by_worker_and_refuses_another_organisations(demo):
    jussi, kaisa = _worker_clients()
    http = HttpClient()
    http.force_login(jussi)
    url = "/api/v1/casework/worklist/"

    def api_ids(**params):
        response = http.get(url, params)
        assert response.status_code == 200, response.content
        data = response.json()
        return sorted(r["external_id"] for r in (data.get("results", data)))

    assert api_ids(worker="mine") == ["WK-JUSSI"]
    assert api_ids(worker="none") == ["WK-NOBODY"]
    assert api_ids(worker=kaisa.pk) == ["WK-KAISA"]
    assert api_ids() == ["WK-JUSSI", "WK-KAISA", "WK-NOBODY"]
    tuula = caseworker("caseworker-tuusula")
    for bad in (tuula.pk, "everyone", "0"):
        response = http.get(url, {"worker": bad})
        assert response.status_code == 400
        assert "worker" in str(response.json())
    schema = http.get("/api/schema/", {"format": "json"}).json()
    parameters = schema["paths"][url]["get"]["parameters"]
    worker = next(p for p in parameters if p["name"] == "worker")
    assert "mine" in worker["description"]
