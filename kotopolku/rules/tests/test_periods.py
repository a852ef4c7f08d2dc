"""The home municipality on a day: the Python function and its set-based twin agree, on every
day around moves, period ends and open periods."""

from datetime import date, timedelta

import pytest

from kotopolku.clients.models import Client, HomeMunicipalityPeriod
from kotopolku.compensation.tests.factories import protected_person
from kotopolku.rules.periods import home_municipality_on, municipality_on

pytestmark = pytest.mark.django_db


def test_python_and_sql_give_the_same_municipality_on_every_day(demo):
    protected_person(
        "MOVE-1",
        periods=[("858", date(2024, 1, 31), date(2024, 2, 28)), ("186", date(2024, 2, 29), None)],
    )
    protected_person("GAP-1", periods=[("106", date(2024, 1, 1), date(2024, 1, 31))])
    protected_person("LATE-1", periods=[("543", date(2024, 3, 1), None)])
    periods: dict[int, list[HomeMunicipalityPeriod]] = {}
    for period in HomeMunicipalityPeriod.objects.all():
        periods.setdefault(period.client_id, []).append(period)
    day = date(2023, 12, 30)
    while day <= date(2024, 3, 2):
        rows = Client.objects.filter(external_id__in=["MOVE-1", "GAP-1", "LATE-1"]).annotate(
            home=municipality_on(HomeMunicipalityPeriod.objects.all(), client_ref="pk", day=day)
        )
        for client in rows:
            expected = home_municipality_on(
                periods.get(client.pk, []), day, attribute="municipality_id"
            )
            assert client.home == expected, (client.external_id, day)
        day += timedelta(days=1)


def test_period_or_latest_falls_back_to_the_latest_started_then_the_first():
    from types import SimpleNamespace as P

    from kotopolku.rules.periods import period_or_latest

    early = P(start=date(2024, 1, 1), end=date(2024, 1, 31))
    late = P(start=date(2024, 3, 1), end=date(2024, 3, 31))
    inside = P(start=date(2024, 3, 10), end=date(2024, 3, 20))
    assert period_or_latest([late, early], date(2024, 1, 15)) is early
    assert period_or_latest([late, early], date(2024, 2, 15)) is early  # the gap: latest started
    assert period_or_latest([late, early], date(2023, 6, 1)) is early  # none started: the first
    assert period_or_latest([late, early], date(2025, 1, 1)) is late
    assert period_or_latest([early, late, inside], date(2024, 3, 15)) is inside  # started last
    assert period_or_latest([], date(2024, 1, 1)) is None
