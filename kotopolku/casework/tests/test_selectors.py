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
    mine = selectors.caseload(user=caseworker())
    assert set(mine.values_list("external_id", flat=True)) == {"KEEP-1"}

    privacy.restriction_lift(
        actor=user_for("coordinator"), restriction=restriction, reason="Päätös kumottu"
    )
    assert _worklist_ids("caseworker-jarvenpaa") == {"KEEP-1", "HIDE-1"}
    assert kept.pk in set(selectors.caseload(user=caseworker()).values_list("pk", flat=True))


def test_restricted_client_reached_by_referral_is_left_out_too(user_for):
    client, _, _, referral = make_case("REF-1")
    employment = caseworker("caseworker-employment")
    services.referral_accept(actor=employment, referral=referral)
    assert _worklist_ids("caseworker-employment") == {"REF-1"}
    assert selectors.caseload(user=employment).count() == 1

    _restrict(client, user_for("coordinator"))
    assert _worklist_ids("caseworker-employment") == set()
    assert not selectors.caseload(user=employment).exists()


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


def test_plan_form_dates_offer_p2_only_for_what_would_be_the_first_plan(user_for):
    from datetime import date

    from kotopolku.casework.deadlines import first_plan_last_day, referral_due

    client, _, plan, _ = make_case("FORM-1")  # its plan starts on 2025-05-01
    today = date(2025, 6, 1)

    later = selectors.plan_form_dates(client, start=date(2026, 5, 1), on=today)
    assert later.first_plan_end is None
    assert later.referral_due == referral_due(date(2026, 5, 1))
    assert later.plan_window_end is not None
    assert later.max_plan_end is not None

    same_day = selectors.plan_form_dates(client, start=plan.start, on=today)
    assert same_day.first_plan_end == first_plan_last_day(plan.start)

    earlier = selectors.plan_form_dates(client, start=date(2025, 4, 15), on=today)
    assert earlier.first_plan_end == first_plan_last_day(date(2025, 4, 15))

    no_start = selectors.plan_form_dates(client, start=None, on=today)
    assert no_start.first_plan_end is None
    assert no_start.referral_due is None


def test_clients_of_municipality_take_the_home_municipality_rules_periods_choose(demo):
    """Where stored periods overlap, the later-started one is the home municipality on the day
    (docs/domain.md, law over time; `rules.periods`): the earlier one no longer counts as well."""
    from datetime import date

    from kotopolku.casework.tests.factories import make_client, org
    from kotopolku.clients.models import HomeMunicipalityPeriod

    client = make_client("OVERLAP-1", municipality="858")  # responsible: Tuusula
    HomeMunicipalityPeriod.all_rows.filter(client=client).delete()
    # Raw rows on purpose: `home_period_add` would refuse the overlap under test.
    HomeMunicipalityPeriod.objects.bulk_create(
        [
            HomeMunicipalityPeriod(client=client, municipality_code="091", start=date(2024, 1, 1)),
            HomeMunicipalityPeriod(
                client=client,
                municipality_code="186",
                municipality=org("186"),
                start=date(2024, 6, 1),
                end=date(2024, 12, 31),
            ),
        ]
    )

    def among(code: str, on: date) -> bool:
        found = selectors.clients_of_municipality(municipality_code=code, on=on)
        return found.filter(pk=client.pk).exists()

    assert [among("091", d) for d in (date(2023, 12, 31), date(2024, 3, 1))] == [False, True]
    assert among("091", date(2024, 7, 1)) is False  # the later Järvenpää period wins
    assert among("186", date(2024, 7, 1)) is True
    assert among("091", date(2025, 1, 1)) is True  # Järvenpää ended: Helsinki again (open end)
    assert among("186", date(2025, 1, 1)) is False
    assert among("858", date(2023, 1, 1)) is True  # the responsible organisation, on any day


def test_kept_worklist_statements_follow_the_scope_and_keep_no_search(demo):
    """The worklist's statements are kept per scope key (`access.clients.client_scope_key`) and
    options: a change of the user's organisations changes the key, so the list follows it on
    the next read; a search is built afresh and never kept."""
    from kotopolku.access.clients import client_scope, client_scope_key, scope_parts
    from kotopolku.clients.models import Client
    from kotopolku.organisations.models import Membership

    make_case("KEPT-1")
    user = caseworker()
    today = timezone.localdate()
    # The scope is built from the key alone: the same parts, the same SQL.
    key = client_scope_key(user, today)
    assert key is not None

    def sql(parts):
        return [str(Client.objects.filter(p.condition).query) for p in parts]

    assert sql(client_scope(user, today)) == sql(scope_parts(key))
    assert _worklist_ids("caseworker-jarvenpaa") == {"KEPT-1"}

    kept = selectors._kept_heads_statement.cache_info().currsize
    rows = selectors.worklist(user=caseworker(), on=today, search="KEPT-1")
    assert [row.client.external_id for row in rows] == ["KEPT-1"]
    assert selectors._kept_heads_statement.cache_info().currsize == kept

    Membership.objects.filter(user=user).delete()
    assert client_scope_key(caseworker(), today) != key
    assert _worklist_ids("caseworker-jarvenpaa") == set()
