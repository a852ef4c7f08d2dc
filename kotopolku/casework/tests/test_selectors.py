"""Casework reads: a client whose processing is restricted (privacy, GDPR art. 18) is left out
of the case worker's lists, without costing the worklist a query."""

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kotopolku.casework import selectors, services
from kotopolku.casework.tests.factories import caseworker, make_case
from kotopolku.privacy import services as privacy

pytestmark = pytest.mark.django_db


def _restrict(client, actor):
    return privacy.restriction_start(actor=actor, client=client, reason="Poistopyyntö 1/2025")


def _worklist_ids(username: str) -> set[str]:
    rows = selectors.worklist(user=caseworker(username), on=timezone.localdate())
    return {row.client.external_id for row in rows}


def test_restricted_client_is_left_out_of_the_worklist_and_clients(user_for):
    kept, *_ = make_case("KEEP-1")
    hidden, *_ = make_case("HIDE-1")
    restriction = _restrict(hidden, user_for("coordinator"))

    assert _worklist_ids("caseworker-jarvenpaa") == {"KEEP-1"}
    mine = selectors.caseworker_clients(user=caseworker())
    assert set(mine.values_list("external_id", flat=True)) == {"KEEP-1"}

    privacy.restriction_lift(
        actor=user_for("coordinator"), restriction=restriction, reason="Päätös kumottu"
    )
    assert _worklist_ids("caseworker-jarvenpaa") == {"KEEP-1", "HIDE-1"}
    assert kept.pk in set(
        selectors.caseworker_clients(user=caseworker()).values_list("pk", flat=True)
    )


def test_restricted_client_reached_by_referral_is_left_out_too(user_for):
    client, _, _, referral = make_case("REF-1")
    employment = caseworker("caseworker-employment")
    services.referral_accept(actor=employment, referral=referral)
    assert _worklist_ids("caseworker-employment") == {"REF-1"}
    assert selectors.caseworker_clients(user=employment).count() == 1

    _restrict(client, user_for("coordinator"))
    assert _worklist_ids("caseworker-employment") == set()
    assert not selectors.caseworker_clients(user=employment).exists()


def test_worklist_page_hides_restricted_client_with_the_same_queries(user_for):
    http = HttpClient()
    http.force_login(caseworker())
    make_case("PAGE-1")
    hidden, *_ = make_case("PAGE-2")
    http.get(reverse("casework:worklist"))  # the session's first request writes its last-seen time
    with CaptureQueriesContext(connection) as before:
        page = http.get(reverse("casework:worklist"))
    assert "PAGE-2" in page.content.decode()

    _restrict(hidden, user_for("coordinator"))
    with CaptureQueriesContext(connection) as after:
        page = http.get(reverse("casework:worklist"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "PAGE-1" in html
    assert "PAGE-2" not in html
    assert hidden.last_name not in html
    assert len(after) == len(before)
