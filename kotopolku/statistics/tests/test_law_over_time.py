"""Law over time in the statistics (docs/domain.md §5): P5 is read on its reference
date, the plan's start, as `compute_deadlines` reads it; a home period outside the region
(Helsinki first) counts the person where they lived; a plan that no rule row covers is counted
as `no_rule` and never stops a table.

The rule table gets a new P5 interval of 6 months from 2025-01-01 (published through the rules
services, as an administrator would), so that the day the rule is read on matters:

- OLD: first permit 2010, plan 2010-06-01 (the first act's row, 12 months), last review
  2025-03-01: due 2026-03-01, not overdue at the end of 2025 (read on the review day, the
  6 months of 2025 would have made it overdue from 2025-09-01);
- NEW: plan 2025-02-01 under the new interval, never reviewed: due 2025-08-01, overdue;
- HEL: home in Helsinki (091, not one of the region's organisations) until 2025-10-31, then
  Tuusula; plan 2024-09-01 (12 months), reviewed 2025-02-01: due 2026-02-01, not overdue;
- NORULE: a plan from 1999-01-01, before the first rule row (1999-05-01), still in force.
"""

from datetime import date

import pytest

from kotopolku.casework.deadlines import compute_deadlines
from kotopolku.casework.selectors import case_snapshot
from kotopolku.clients.models import Client
from kotopolku.rules import services as rule_services
from kotopolku.statistics import selectors
from kotopolku.statistics.filters import Filters, Period
from kotopolku.statistics.tests.factories import clock, import_records, municipality

YEAR = Filters(Period.parse("2025"))
Q2 = Filters(Period.parse("2025-Q2"))

RECORDS = [
    {
        "external_id": "LAW-OLD",
        "date_of_birth": "1980-02-02",
        "permit_basis": "asylum",
        "first_permit_date": "2010-03-01",
        "client_since": "2010-04-01",
        "home_municipality_periods": [{"municipality": "186", "start": "2010-04-01", "end": None}],
        "plans": [{"start": "2010-06-01", "end": "2026-05-31", "reviews": ["2025-03-01"]}],
    },
    {
        "external_id": "LAW-NEW",
        "date_of_birth": "1992-03-03",
        "permit_basis": "work",
        "first_permit_date": "2024-11-01",
        "client_since": "2024-12-01",
        "home_municipality_periods": [{"municipality": "186", "start": "2024-12-01", "end": None}],
        "plans": [{"start": "2025-02-01", "end": "2026-01-31"}],
    },
    {
        "external_id": "LAW-HEL",
        "date_of_birth": "1995-04-04",
        "permit_basis": "quota_refugee",
        "first_permit_date": "2023-04-01",
        "client_since": "2023-05-01",
        "home_municipality_periods": [
            {"municipality": "091", "start": "2023-05-01", "end": "2025-10-31"},
            {"municipality": "858", "start": "2025-11-01", "end": None},
        ],
        "plans": [{"start": "2024-09-01", "end": "2026-08-31", "reviews": ["2025-02-01"]}],
    },
    {
        "external_id": "LAW-NORULE",
        "date_of_birth": "1970-05-05",
        "permit_basis": "family",
        "first_permit_date": "1998-10-01",
        "client_since": "1998-11-01",
        "home_municipality_periods": [{"municipality": "186", "start": "1998-11-01", "end": None}],
        "plans": [{"start": "1999-01-01", "end": "2026-12-31"}],
    },
]


@pytest.fixture
def cases(demo):
    draft = rule_services.draft_create(
        actor=None,
        data={
            "title": "P5 test regime",
            "rows": [{"key": "review_interval_months", "value": 6, "effective_from": "2025-01-01"}],
        },
    )
    rule_services.draft_publish(actor=None, draft=draft)
    with clock(date(2025, 1, 5)):
        import_records(RECORDS)
    return {r["external_id"]: Client.objects.get(external_id=r["external_id"]) for r in RECORDS}


def cells(row):
    return {k: c.value for k, c in row.cells.items() if k != "share"}


def rows_by_key(table):
    return {row.key: cells(row) for row in table.rows}


def test_p5_is_read_on_the_plan_start_as_the_deadline_function_reads_it(cases):
    table = selectors.overdue_reviews(YEAR)
    assert cells(table.total) == {"plans": 4, "overdue": 1, "no_rule": 1}
    jarvenpaa, tuusula = (str(municipality(code).pk) for code in ("186", "858"))
    rows = rows_by_key(table)
    assert rows[jarvenpaa] == {"plans": 3, "overdue": 1, "no_rule": 1}  # OLD, NEW, NORULE
    assert rows[tuusula] == {"plans": 1, "overdue": 0, "no_rule": 0}  # HEL, moved in November

    # The Python form agrees client by client, on the same day.
    end = YEAR.period.end
    problems = {
        external_id: {p.code for p in compute_deadlines(case_snapshot(client), on=end).problems}
        for external_id, client in cases.items()
    }
    assert "review_overdue" in problems["LAW-NEW"]
    assert "review_overdue" not in problems["LAW-OLD"]
    assert "review_overdue" not in problems["LAW-HEL"]
    assert "no_rule_in_force" in problems["LAW-NORULE"]
    old = compute_deadlines(case_snapshot(cases["LAW-OLD"]), on=end)
    assert old.review_due == date(2026, 3, 1)  # 12 months of the first act, not 6 of 2025


def test_a_home_period_outside_the_region_counts_the_person_outside_its_municipalities(cases):
    """On 2025-06-30 HEL lives in Helsinki: in the totals, in the row of no home municipality
    in the region, and in no municipality's filter."""
    table = selectors.overdue_reviews(Q2)
    assert cells(table.total) == {"plans": 4, "overdue": 0, "no_rule": 1}
    rows = rows_by_key(table)
    assert rows["None"] == {"plans": 1, "overdue": 0, "no_rule": 0}
    tuusula = municipality("858").pk
    assert (
        cells(selectors.overdue_reviews(Filters(Q2.period, municipality_id=tuusula)).total)["plans"]
        == 0
    )
    assert (
        cells(selectors.overdue_reviews(Filters(YEAR.period, municipality_id=tuusula)).total)[
            "plans"
        ]
        == 1
    )


def test_every_table_is_computed_when_a_rule_is_missing(cases):
    tables = selectors.indicator_tables(YEAR)
    assert len(tables) == len(selectors.TABLES)
    active = next(t for t in tables if t.key == "active_plans")
    assert active.total.cells["plans"].value == 4


def test_the_dashboard_shows_the_plans_no_rule_covers(cases, client_for):
    response = client_for("coordinator").get("/statistics/?period=2025")
    assert response.status_code == 200
    assert "ei voimassa olevaa sääntöä suunnitelman alkupäivänä" in response.content.decode()
