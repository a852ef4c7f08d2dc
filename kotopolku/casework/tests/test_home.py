"""The home page shows a case worker what needs attention today."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kotopolku.casework.tests.factories import make_case, make_client

pytestmark = pytest.mark.django_db


def test_caseworker_home_lists_overdue_clients_and_waiting_referrals(demo, client_for):
    make_client("HOME-1")  # registered in 2025 and never assessed: overdue
    make_case("HOME-2")  # assessed, with a plan: nothing overdue; its referral went out
    html = client_for("caseworker").get(reverse("home")).content.decode()
    assert "Tänään huomioitavaa" in html
    assert "Asiakas HOME-1, Testi" in html
    assert "1 asiakkaalla on myöhässä oleva määräaika" in html
    assert "Koko työlista (2 asiakasta)" in html
    assert "Yksikään ohjaus ei odota vastaustasi." in html


def test_receiving_caseworker_sees_the_referral_waiting(demo, client_for, django_user_model):
    from django.test import Client

    make_case("HOME-3")
    http = Client()
    http.force_login(django_user_model.objects.get(username="caseworker-employment"))
    html = http.get(reverse("home")).content.decode()
    assert "1 ohjaus odottaa vastaustasi" in html


@pytest.mark.parametrize("role", ["provider", "viewer"])
def test_roles_without_a_worklist_get_no_block(demo, client_for, role):
    assert "Tänään huomioitavaa" not in client_for(role).get(reverse("home")).content.decode()


def test_home_queries_do_not_grow_with_clients(demo, client_for):
    http = client_for("caseworker")
    make_client("HOME-Q-1")
    http.get(reverse("home"))  # the session's first save
    with CaptureQueriesContext(connection) as few:
        assert http.get(reverse("home")).status_code == 200
    for n in range(2, 10):
        make_client(f"HOME-Q-{n}")
    http.get(reverse("home"))  # stores the new clients' worklist order keys (docs/adr/0009)
    with CaptureQueriesContext(connection) as many:
        assert http.get(reverse("home")).status_code == 200
    assert len(many) == len(few)
