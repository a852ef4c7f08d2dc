"""Each indicator on the hand-built year of `factories.build_year`, with the answers worked out
by hand (see the factory's docstring), plus the edges: an empty period, a client who moves
mid-year, anonymous contacts and a plan with two extensions."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kotopolku.casework.deadlines import compute_deadlines
from kotopolku.casework.selectors import case_snapshot
from kotopolku.clients import services as client_services
from kotopolku.statistics import selectors
from kotopolku.statistics.filters import Filters, Period
from kotopolku.statistics.tests.factories import build_year, municipality

YEAR = Filters(Period.parse("2025"))
EMPTY = Filters(Period.parse("2023"))


@pytest.fixture
def year(demo):
    return build_year()


def values(table, row="total"):
    target = table.total if row == "total" else next(r for r in table.rows if r.label == row)
    return {k: c.value for k, c in target.cells.items()}


def by_label(table):
    """Rows by label (municipality names) and by key (choice codes)."""
    rows = {}
    for r in table.rows:
        cells = {k: c.value for k, c in r.cells.items()}
        rows[str(r.label)] = rows[r.key] = cells
    return rows


def test_new_clients_count_where_the_relationship_began(year):
    table = selectors.new_clients(YEAR)
    assert values(table) == {"clients": 2}
    rows = by_label(table)
    # B began in Tuusula and moved to Järvenpää in July: counted once, in Tuusula.
    assert rows["Järvenpää"]["clients"] == 1
    assert rows["Tuusula"]["clients"] == 1
    assert rows["Hyvinkää"]["clients"] == 0


def test_guidance_contacts_include_anonymous_groups(year):
    table = selectors.guidance_contacts(YEAR, by="topic")
    assert values(table) == {"contacts": 2, "persons": 4, "anonymous": 3}
    rows = by_label(table)
    assert rows["housing"]["contacts"] == 2
    assert rows["housing"]["persons"] == 4
    assert rows["work"]["persons"] == 1
    assert rows["money"]["contacts"] == 0  # the 2024 group is outside the year
    channels = by_label(selectors.guidance_contacts(YEAR, by="channel"))
    assert channels["phone"] == {"contacts": 1, "persons": 3, "anonymous": 3}
    languages = by_label(selectors.guidance_contacts(YEAR, by="language"))
    assert languages["so"]["persons"] == 3
    assert languages["ar"]["persons"] == 1
    # A client filter leaves out the anonymous contacts: nothing is known of those persons.
    asylum = Filters(YEAR.period, permit_group="protection")
    assert values(selectors.guidance_contacts(asylum)) == {
        "contacts": 1,
        "persons": 1,
        "anonymous": 0,
    }


def test_assessment_timeliness_against_p6(year):
    table = selectors.assessment_timeliness(YEAR)
    # A: 19 days (within 30), B: 75 days.
    assert values(table) == {
        "assessments": 2,
        "within": 1,
        "share": Decimal("50.0"),
        "median_days": Decimal("47.0"),
    }
    # The assessment of the mover B (in May) counts in Tuusula.
    assert by_label(table)["Tuusula"]["assessments"] == 1
    # The same answer as the deadline function's P6 due day for each client.
    for person in year.values():
        case = case_snapshot(person)
        due = compute_deadlines(case, on=Period.parse("2025").end).assessment_due
        if person.external_id == "ST-A":
            assert person.assessments.get().started <= due
        if person.external_id == "ST-B":
            assert person.assessments.get().started > due


def test_median_days_from_assessment_to_plan(year):
    # A: completed 1.3. → plan 11.3. = 10 days; B: started 15.5. (not completed) → 1.8. = 78.
    # D has no assessment and is left out.
    assert values(selectors.assessment_to_plan(YEAR)) == {
        "plans": 2,
        "median_days": Decimal("44.0"),
    }


def test_active_plans_on_the_last_day(year):
    table = selectors.active_plans(YEAR)
    assert values(table) == {"plans": 3}  # A, B, C; D was closed in October
    assert by_label(table)["Järvenpää"]["plans"] == 3  # B lives in Järvenpää by then


def test_a_plan_with_two_extensions_counts_once_and_under_each_reason(year):
    table = selectors.plan_extensions(YEAR)
    assert values(table) == {
        "plans": 4,
        "extended": 1,
        "share": Decimal("25.0"),
        "extensions": 2,
        "reason_literacy": 1,
        "reason_illness": 1,
        "reason_family_leave": 0,
        "reason_other_special_need": 0,
    }


def test_service_by_referral_due_date(year):
    # A: due 11.9., orientation referred 1.4. (met); D: due 10.7., referred 1.8. (not met).
    table = selectors.referral_due_met(YEAR)
    assert values(table) == {"plans": 2, "met": 1, "share": Decimal("50.0")}
    # The deadline function agrees on D.
    d = year["D"]
    problems = compute_deadlines(case_snapshot(d), on=Period.parse("2025").end).problems
    assert "no_service_by_referral_due" in [p.code for p in problems]


def test_overdue_reviews(year):
    table = selectors.overdue_reviews(YEAR)
    assert values(table) == {"plans": 3, "overdue": 1, "share": Decimal("33.3"), "no_rule": 0}
    c = year["C"]
    problems = compute_deadlines(case_snapshot(c), on=Period.parse("2025").end).problems
    assert "review_overdue" in [p.code for p in problems]


def test_orientation_completion_and_median_hours(year):
    table = selectors.orientation(YEAR)
    # A 72 h (completed at 70), B 30 h.
    assert values(table) == {
        "participants": 2,
        "completed": 1,
        "rate": Decimal("50.0"),
        "median_hours": Decimal("51.0"),
    }


def test_training_completion(year):
    assert values(selectors.training_completion(YEAR)) == {
        "ended": 2,
        "completed": 1,
        "rate": Decimal("50.0"),
    }


def test_language_target_in_each_skill(year):
    got = values(selectors.language_target(YEAR))
    assert got["tested"] == 2
    assert got["all"] == 1  # C; A is below B1.1 in speaking
    assert (got["listening_tested"], got["listening_meets"]) == (2, 2)
    assert (got["speaking_tested"], got["speaking_meets"]) == (2, 1)
    assert (got["writing_tested"], got["writing_meets"]) == (1, 1)  # A was not tested in writing
    assert got["speaking_share"] == Decimal("50.0")


def test_referrals_by_route(year):
    table = selectors.referrals(YEAR)
    assert values(table) == {
        "sent": 3,
        "answered": 2,
        "accepted": 1,
        "rate": Decimal("50.0"),
        "median_days": Decimal("7.5"),
    }
    assert len(table.rows) == 1
    assert "→" in str(table.rows[0].label)


def test_plan_closures_by_reason(year):
    got = values(selectors.plan_closures(YEAR))
    assert got["closed"] == 1
    assert got["reason_employed"] == 1
    assert got["reason_studies"] == 0


def test_an_empty_period_gives_zeros_and_no_rates(year):
    assert values(selectors.new_clients(EMPTY)) == {"clients": 0}
    assert values(selectors.assessment_timeliness(EMPTY)) == {
        "assessments": 0,
        "within": 0,
        "share": None,
        "median_days": None,
    }
    assert values(selectors.orientation(EMPTY))["rate"] is None
    assert values(selectors.referrals(EMPTY))["median_days"] is None
    # Every municipality still has its row, with zeros.
    assert len(selectors.new_clients(EMPTY).rows) == 6


def test_a_quarter(year):
    q1 = Filters(Period.parse("2025-Q1"))
    assert values(selectors.new_clients(q1)) == {"clients": 2}  # A (Feb) and B (Mar)
    q3 = Filters(Period.parse("2025-Q3"))
    assert values(selectors.new_clients(q3)) == {"clients": 0}
    assert values(selectors.referrals(q3))["sent"] == 2


def test_filters_by_municipality_follow_the_move(year):
    tuusula = Filters(YEAR.period, municipality_id=municipality("858").pk)
    jarvenpaa = Filters(YEAR.period, municipality_id=municipality("186").pk)
    assert values(selectors.new_clients(tuusula)) == {"clients": 1}  # B, in March
    assert values(selectors.active_plans(tuusula)) == {"plans": 0}  # B lives in Järvenpää now
    assert values(selectors.active_plans(jarvenpaa)) == {"plans": 3}


def test_filters_by_client_attributes(year):
    period = YEAR.period
    assert values(selectors.new_clients(Filters(period, permit_group="work"))) == {"clients": 1}
    assert values(selectors.new_clients(Filters(period, age_band="18-29"))) == {"clients": 1}
    assert values(selectors.new_clients(Filters(period, language="uk"))) == {"clients": 1}
    client_services.client_update(actor=None, client=year["A"], gender="female")
    assert values(selectors.new_clients(Filters(period, gender="female"))) == {"clients": 1}
    assert values(selectors.new_clients(Filters(period, gender="unknown"))) == {"clients": 1}
    rows = by_label(selectors.new_clients(YEAR, by="age_band"))
    assert rows["18-29"]["clients"] == 1
    assert rows["30-64"]["clients"] == 1


def test_organisation_filter(year):
    jarvenpaa = Filters(YEAR.period, organisation_id=municipality("186").pk)
    # B's plan belongs to Tuusula (the responsible organisation when imported).
    assert values(selectors.referrals(jarvenpaa))["sent"] == 3
    hyvinkaa = Filters(YEAR.period, organisation_id=municipality("106").pk)
    assert values(selectors.plan_closures(hyvinkaa))["closed"] == 1


def test_the_number_of_queries_does_not_depend_on_the_data(demo):
    with CaptureQueriesContext(connection) as empty:
        selectors.indicator_tables(YEAR)
    build_year()
    with CaptureQueriesContext(connection) as full:
        selectors.indicator_tables(YEAR)
    assert len(full.captured_queries) == len(empty.captured_queries)
    assert len(full.captured_queries) <= 50
