"""Extending moves the plan's end, met deadlines show as met, the printed
plan names the contact person, and Swedish dates are written 15.10.2025."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client as HttpClient
from django.urls import reverse

from kotopolku.casework import services
from kotopolku.casework.tests.factories import caseworker, make_case, make_client, org
from kotopolku.catalogue.models import ServiceCategory

pytestmark = pytest.mark.django_db


def login(username="caseworker-jarvenpaa", language="fi"):
    http = HttpClient()
    http.force_login(caseworker(username))
    http.cookies["django_language"] = language
    return http


def _short_plan(external_id: str):
    """A client's first plan of six months, so an extension can move its end within P2."""
    client = make_client(external_id)
    services.assessment_start(
        actor=caseworker(), client=client, organisation=org("186"), started=date(2025, 4, 10)
    )
    return services.plan_create(
        actor=caseworker(),
        client=client,
        organisation=org("186"),
        start=date(2025, 5, 1),
        end=date(2025, 10, 31),
    )


def test_extend_moves_the_end_of_the_plan_by_its_months(demo):
    plan = _short_plan("EXT-1")
    http = login()
    response = http.post(
        reverse("casework:plan_extend", kwargs={"pk": plan.pk}),
        {"months": "3", "reason": "literacy", "note": "Lukutaito", "new_end": ""},
        follow=True,
    )
    body = response.content.decode()
    plan.refresh_from_db()
    assert plan.end == date(2026, 1, 31)
    assert "31.1.2026" in body  # the message names the new end
    assert "+3 kk" in body  # the history names its unit


def test_extending_a_first_plan_at_its_year_lengthens_the_total_and_says_so(demo):
    _, _, plan, _ = make_case("EXT-3")  # 1.5.2025–30.4.2026: a first plan at its P2 limit
    response = login().post(
        reverse("casework:plan_extend", kwargs={"pk": plan.pk}),
        {"months": "6", "reason": "family_leave", "note": "Perhevapaa", "new_end": ""},
        follow=True,
    )
    body = response.content.decode()
    plan.refresh_from_db()
    assert plan.end == date(2026, 4, 30)
    # P3: base 24 months from 1.5.2025 plus the 6 months of the extension.
    assert "30.4.2026" in body
    assert "31.10.2027" in body
    assert "+6 kk" in body


def test_a_named_new_end_wins_over_the_months(demo):
    plan = _short_plan("EXT-2")
    services.plan_extend(
        actor=caseworker(),
        plan=plan,
        months=6,
        reason="literacy",
        note="x",
        new_end=date(2026, 3, 31),
    )
    plan.refresh_from_db()
    assert plan.end == date(2026, 3, 31)


def test_met_deadlines_show_as_met_on_the_client_page(demo):
    client, _, plan, _ = make_case("MET-1")
    http = login()
    url = reverse("casework:case", kwargs={"pk": client.pk})
    page = http.get(url).content.decode()
    # The assessment was started on 10.4.2025: P6 is met; no service yet: P4 is open.
    assert "toteutunut: arviointi aloitettu 10.4.2025" in page
    assert "avoin" in page
    services.plan_service_add(
        actor=caseworker(),
        plan=plan,
        category=ServiceCategory.objects.get(code="social_orientation"),
        status="referred",
        referred=date(2025, 5, 20),
    )
    page = http.get(url).content.decode()
    assert "toteutunut: palveluun ohjattu tai palvelu alkanut 20.5.2025" in page
    assert "avoin" not in page


def test_swedish_client_page_writes_dates_day_first(demo):
    client, _, _, _ = make_case("SV-1")
    page = login(language="sv").get(reverse("casework:case", kwargs={"pk": client.pk}))
    text = page.content.decode()
    assert "10.4.2025" in text
    assert "2025-04-10" not in text


def test_printed_plan_names_the_contact_person_and_how_to_reach_them(demo):
    from kotopolku.casework.documents import plan_contact, plan_document

    worker = get_user_model().objects.get(username="caseworker-jarvenpaa")
    worker.first_name, worker.last_name, worker.email = "Sanna", "Ohjaaja", "sanna@example.fi"
    worker.save()
    _, _, plan, _ = make_case("PRINT-1")
    contact = plan_contact(plan)
    assert "Sanna Ohjaaja" in contact
    assert "sanna@example.fi" in contact
    assert plan.organisation.name in contact
    for language in ("fi", "sv", "en", "selko"):
        meta = " ".join(value for _, value in plan_document(plan, language=language).meta)
        assert "Sanna Ohjaaja" in meta
        assert "sanna@example.fi" in meta
    sv_meta = dict(plan_document(plan, language="sv").meta)
    assert "1.5.2025" in sv_meta.values()  # the plan's start, Finland-Swedish style


def test_printed_plan_names_the_clients_responsible_worker_first(demo):
    from kotopolku.casework.documents import plan_contact

    users = get_user_model().objects
    _, _, plan, _ = make_case("PRINT-2")
    coordinator = users.get(username="coordinator")
    coordinator.first_name, coordinator.last_name = "Kaisa", "Koordinaattori"
    coordinator.save()
    client = plan.client
    client.responsible_worker = coordinator
    client.save(update_fields=["responsible_worker"])
    plan.refresh_from_db()
    assert "Kaisa Koordinaattori" in plan_contact(plan)
