"""The worklist reads the case data in one query of its own (plain values, one UNION ALL of the
assessments, the plans and the plans' services, reviews and extensions); its deadlines must be
those of the client page, which reads the same case through the models."""

from datetime import date

import pytest
from django.utils import timezone

from kotopolku.casework import selectors, services
from kotopolku.casework.tests.factories import caseworker, make_case
from kotopolku.catalogue.models import ServiceCategory

pytestmark = pytest.mark.django_db


def test_worklist_deadlines_equal_the_client_pages(demo):
    actor = caseworker()
    client, _, plan, _ = make_case("ROWS-1")
    bare, _, _, _ = make_case("ROWS-2")  # a plan without services, reviews or extensions
    services.plan_service_add(
        actor=actor,
        plan=plan,
        category=ServiceCategory.objects.get(code="social_orientation"),
        status="started",
        referred=date(2025, 5, 20),
        started=date(2025, 6, 2),
    )
    services.plan_review_add(actor=actor, plan=plan, day=date(2025, 10, 1))
    services.plan_extend(actor=actor, plan=plan, months=8, reason="literacy", note="Lukutaito")

    today = timezone.localdate()
    rows = {row.client.pk: row for row in selectors.worklist(user=actor, on=today)}
    for case in (client, bare):
        expected = selectors.client_deadlines(selectors.client_with_case(pk=case.pk), on=today)
        got = rows[case.pk].deadlines
        assert got is not None
        assert expected is not None
        assert got.next_due == expected.next_due
        assert [(a.code, a.due) for a in got.actions] == [(a.code, a.due) for a in expected.actions]
        assert [p.code for p in got.problems] == [p.code for p in expected.problems]

    # The one query brings every kind of row, with its values in the right places.
    kinds = {r[0]: r for r in selectors._case_rows([client.pk])}
    assert sorted(kinds) == [
        selectors._ASSESSMENT,
        selectors._SERVICE,
        selectors._REVIEW,
        selectors._EXTENSION,
        selectors._PLAN,
    ]
    assert kinds[selectors._SERVICE][2] == plan.pk
    assert kinds[selectors._SERVICE][4:6] == (date(2025, 5, 20), date(2025, 6, 2))
    assert kinds[selectors._REVIEW][4] == date(2025, 10, 1)
    assert kinds[selectors._EXTENSION][8:] == (8, "literacy", "Lukutaito")
    assert kinds[selectors._PLAN][2:7] == (plan.pk, plan.pk, plan.start, plan.end, plan.closed_on)
    assessment = kinds[selectors._ASSESSMENT]
    assert assessment[1] == client.pk
    assert isinstance(assessment[4], date)
    assert assessment[7] in (True, False, None)
