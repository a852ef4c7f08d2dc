"""Optimistic locking: two case workers save the same plan; the second gets a conflict
message and loses nothing (optimistic locking in casework's plan_update and plan form)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation

from kotopolku.casework import services
from kotopolku.casework.models import IntegrationPlan
from kotopolku.casework.tests.factories import caseworker, make_case
from kotopolku.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_caseworkers(demo):
    second = get_user_model().objects.create_user("caseworker-jarvenpaa-2")
    Membership.objects.create(
        user=second,
        organisation=Organisation.objects.get(municipality_code="186"),
        role=Membership.Role.CASEWORKER,
    )
    first_http, second_http = HttpClient(), HttpClient()
    first_http.force_login(caseworker())
    second_http.force_login(second)
    return first_http, second_http


def _form_data(page: str, **changes: str) -> dict[str, str]:
    """The plan form as the browser would post it back, with the user's changes."""
    data = {}
    for name in ("start", "end", "version"):
        match = re.search(rf'name="{name}" value="([^"]*)"', page)
        data[name] = match.group(1) if match else ""
    for name in ("long_term_goals", "period_goals", "commitments", "job_search_obligation"):
        match = re.search(rf'name="{name}"[^>]*>\s*([^<]*)</textarea>', page)
        data[name] = match.group(1).strip() if match else ""
    data.update({"monitoring": "", "override_reason": ""}, **changes)
    return data


def test_second_save_gets_a_conflict_and_keeps_its_input(two_caseworkers):
    _, _, plan, _ = make_case()
    first, second = two_caseworkers
    url = reverse("casework:plan_edit", args=[plan.pk])
    first_page = first.get(url).content.decode()
    second_page = second.get(url).content.decode()
    assert 'name="version"' in first_page

    saved = first.post(url, _form_data(first_page, long_term_goals="Ensimmäisen tavoite"))
    assert saved.status_code == 302

    conflict = second.post(url, _form_data(second_page, long_term_goals="Toisen tavoite"))
    assert conflict.status_code == 409
    body = conflict.content.decode()
    with translation.override("fi"):
        message = str(services.PlanConflict(plan).messages[0])
    assert message in body.replace("&#x27;", "'")
    assert "Toisen tavoite" in body  # the second worker's input is shown back
    plan.refresh_from_db()
    assert plan.long_term_goals == "Ensimmäisen tavoite"  # the first save is not overwritten

    # Saving again after seeing the message is a deliberate overwrite, and it goes through.
    again = second.post(url, _form_data(body, long_term_goals="Toisen tavoite"))
    assert again.status_code == 302
    plan.refresh_from_db()
    assert plan.long_term_goals == "Toisen tavoite"


def test_service_refuses_a_stale_version_and_changes_nothing(demo):
    _, _, plan, _ = make_case()
    stale = services.plan_version(plan)
    services.plan_update(
        actor=caseworker(), plan=plan, start=plan.start, end=plan.end, long_term_goals="A"
    )
    with pytest.raises(services.PlanConflict):
        services.plan_update(
            actor=caseworker(),
            plan=IntegrationPlan.objects.get(pk=plan.pk),
            start=plan.start,
            end=plan.end,
            version=stale,
            long_term_goals="B",
        )
    assert IntegrationPlan.objects.get(pk=plan.pk).long_term_goals == "A"
