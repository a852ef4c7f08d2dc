"""The forecast reads only candidates in SQL (C1 first, docs/domain.md §5) and must give exactly
what computing every person of the municipality one by one gives (bench/README.md)."""

from dataclasses import replace
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kotopolku.clients.models import Client
from kotopolku.compensation.computation import (
    HomePeriod,
    candidates,
    compute_compensation,
    money,
)
from kotopolku.compensation.selectors import forecast, forecast_compute, people_for
from kotopolku.compensation.tests.factories import protected_person
from kotopolku.rules.book import DraftRow, RuleBook

pytestmark = pytest.mark.django_db

YEAR = 2025
CODE = "186"


def _one_by_one(book: RuleBook) -> dict:
    """The forecast's contract fields computed per person in Python, for every client with a
    period in the municipality during the year, with no SQL pre-filter."""
    first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
    persons, unresolved = [], []
    for client in Client.objects.filter(archived=False).order_by("external_id"):
        periods = [
            HomePeriod(p.municipality_code, p.start, p.end)
            for p in client.home_periods.order_by("start")
        ]
        touching = any(
            p.municipality == CODE and p.start <= last and (p.end is None or p.end >= first)
            for p in periods
        )
        if not touching:
            continue
        result = compute_compensation(
            permit_basis=client.permit_basis,
            date_of_birth=client.date_of_birth,
            home_periods=periods,
            year=YEAR,
            municipality=CODE,
            rules=book,
            citizenship_date=client.citizenship_date,
        )
        if result.missing is not None:
            unresolved.append((client.external_id, result.missing.on.isoformat()))
        elif result.months:
            persons.append(
                (
                    client.external_id,
                    money(result.total),
                    [(m.label, m.age_band, money(m.amount)) for m in result.months],
                )
            )
    return {"persons": persons, "unresolved": unresolved}


def _forecast(book: RuleBook) -> dict:
    data = forecast_compute(municipality_code=CODE, year=YEAR, rules=book).as_data()
    return {
        "persons": [
            (
                p["external_id"],
                p["total"],
                [(m["month"], m["age_band"], m["amount"]) for m in p["months"]],
            )
            for p in data["persons"]
        ],
        "unresolved": [(u["external_id"], u["date"]) for u in data["unresolved"]],
    }


def _naturalised(external_id: str, day: date) -> None:
    Client.objects.filter(external_id=external_id).update(citizenship_date=day)


@pytest.fixture
def mixed(demo):
    # Counted: adult, child crossing 7, quota refugee, moved here, moved away mid-year.
    protected_person("A-ADULT", periods=[(CODE, date(2024, 4, 1), None)])
    protected_person("A-CHILD", dob=date(2018, 6, 15), periods=[(CODE, date(2024, 1, 10), None)])
    protected_person("A-QUOTA", basis="quota_refugee", periods=[(CODE, date(2025, 3, 15), None)])
    protected_person(
        "A-MOVED-IN",
        basis="subsidiary_protection",
        periods=[("858", date(2023, 2, 1), date(2025, 5, 31)), (CODE, date(2025, 6, 1), None)],
    )
    protected_person(
        "A-MOVED-OUT",
        periods=[(CODE, date(2024, 6, 1), date(2025, 4, 15)), ("858", date(2025, 4, 16), None)],
    )
    protected_person(
        "A-89", basis="humanitarian_protection", periods=[(CODE, date(2024, 8, 1), None)]
    )
    # Not eligible, for different reasons.
    protected_person("N-WORK", basis="work")
    protected_person("N-STUDY", basis="study", periods=[(CODE, date(2025, 2, 1), None)])
    protected_person("N-NORDIC", basis="nordic", periods=[(CODE, date(1995, 1, 1), None)])
    protected_person("N-ENDED", periods=[(CODE, date(2019, 3, 1), None)])  # 3 years: ended 2022
    protected_person(
        "N-ENDED-QUOTA", basis="quota_refugee", periods=[(CODE, date(2016, 1, 1), None)]
    )
    protected_person("N-ELSEWHERE", periods=[("858", date(2024, 2, 1), None)])
    protected_person("N-NATURALISED", periods=[(CODE, date(2024, 4, 1), None)])
    _naturalised("N-NATURALISED", date(2024, 12, 1))
    # Naturalised during the year; a victim of trafficking keeps the months (C1).
    protected_person("A-CITIZEN-MAY", periods=[(CODE, date(2024, 4, 1), None)])
    _naturalised("A-CITIZEN-MAY", date(2025, 5, 15))
    protected_person(
        "A-TRAFFICKING", basis="trafficking_victim", periods=[(CODE, date(2024, 4, 1), None)]
    )
    _naturalised("A-TRAFFICKING", date(2024, 6, 1))
    # Old regime (C3 read on the start): 3 years for others from 2022, 4 for quota from 2021.
    protected_person("A-OLD-OTHER", periods=[(CODE, date(2022, 6, 1), None)])
    protected_person(
        "A-OLD-QUOTA", basis="quota_refugee", periods=[(CODE, date(2021, 9, 30), None)]
    )
    # No rule in force on the start (before 1999-05-01), here and elsewhere first.
    protected_person("U-OLD", periods=[(CODE, date(1998, 1, 1), None)])
    protected_person(
        "U-OLD-ELSEWHERE",
        periods=[("858", date(1998, 3, 1), date(2024, 12, 31)), (CODE, date(2025, 1, 1), None)],
    )
    protected_person("N-OLD-WORK", basis="work", periods=[(CODE, date(1998, 1, 1), None)])


def test_the_forecast_equals_the_per_person_computation_for_a_mixed_population(mixed):
    book = RuleBook.load()
    expected = _one_by_one(book)
    assert _forecast(book) == expected
    counted = {p[0] for p in expected["persons"]}
    assert {"A-ADULT", "A-CHILD", "A-QUOTA", "A-MOVED-IN", "A-MOVED-OUT", "A-89"} <= counted
    assert {"A-CITIZEN-MAY", "A-TRAFFICKING", "A-OLD-OTHER", "A-OLD-QUOTA"} <= counted
    assert not any(p.startswith(("N-", "U-")) for p in counted)
    assert [u[0] for u in expected["unresolved"]] == ["U-OLD", "U-OLD-ELSEWHERE"]


def test_a_gap_in_a_start_rule_keeps_the_persons_who_start_in_it_unresolved(mixed):
    # A rule table with no C3 row for "others" in 2019: the expired period of N-ENDED now has no
    # rule on its start, so it must be read and listed, not filtered out as ended.
    live = RuleBook.load()
    rows = []
    for row in live.all_rows():
        if row.key == "compensation_period_years_other" and row.covers(date(2019, 3, 1)):
            rows.append(replace(row, effective_to=date(2018, 12, 31)))
            rows.append(replace(row, effective_from=date(2020, 1, 1)))
        else:
            rows.append(row)
    book = RuleBook(rows)
    expected = _one_by_one(book)
    assert ("N-ENDED", "2019-03-01") in expected["unresolved"]
    assert _forecast(book) == expected


def test_the_forecast_queries_do_not_grow_with_persons(demo):
    def population(prefix: str, count: int) -> None:
        bases = ["asylum", "work", "quota_refugee", "study", "family_of_protected"]
        for n in range(count):
            protected_person(
                f"{prefix}-{n:03d}",
                basis=bases[n % len(bases)],
                periods=[(CODE, date(2015 + n % 11, 1 + n % 12, 1), None)],
            )

    population("S", 10)
    with CaptureQueriesContext(connection) as small:
        few = forecast_compute(municipality_code=CODE, year=YEAR)
    population("L", 50)
    with CaptureQueriesContext(connection) as large:
        many = forecast_compute(municipality_code=CODE, year=YEAR)
    assert len(many.persons) > len(few.persons) > 0
    assert len(large) == len(small)
    # The client ids go to the database as one array parameter (`in_ids`), not one each.
    periods_sql = large.captured_queries[-1]["sql"]
    assert "json_each" in periods_sql or "ANY(" in periods_sql


def test_a_draft_longer_period_brings_ended_persons_back_and_the_preview_reads_them(mixed):
    # Under a draft of 10 years for "others" from 2019, N-ENDED (start 2019-03-01) counts again:
    # the forecast under the draft and the what-if's shared read (candidates of both tables,
    # `Candidates.merged`) must both find it.
    live = RuleBook.load()
    draft = live.with_draft([DraftRow("compensation_period_years_other", 10, date(2019, 1, 1))])
    expected = _one_by_one(draft)
    assert "N-ENDED" in {p[0] for p in expected["persons"]}
    assert _forecast(draft) == expected
    shared = people_for(
        municipality_code=CODE,
        first_day=date(YEAR, 1, 1),
        last_day=date(YEAR, 12, 31),
        candidates=candidates(year=YEAR, rules=live).merged(candidates(year=YEAR, rules=draft)),
    )
    for book in (live, draft):
        data = forecast(CODE, YEAR, book=book, people=shared).as_data()
        assert [p["external_id"] for p in data["persons"]] == [
            p[0] for p in _one_by_one(book)["persons"]
        ]
        assert (
            data["unresolved"]
            == forecast_compute(municipality_code=CODE, year=YEAR, rules=book).as_data()[
                "unresolved"
            ]
        )


def _read(book: RuleBook) -> set[str]:
    return {
        p.external_id
        for p in people_for(
            municipality_code=CODE,
            first_day=date(YEAR, 1, 1),
            last_day=date(YEAR, 12, 31),
            candidates=candidates(year=YEAR, rules=book),
        )
    }


def test_persons_naturalised_before_the_year_are_not_read_unless_their_basis_keeps_months(mixed):
    # C1 first, in SQL: naturalised on 2024-12-01 with a basis that does not keep its months,
    # N-NATURALISED can count nothing in 2025 and is not read; the victim of trafficking
    # (naturalised earlier, basis kept) and the one naturalised in May are.
    read = _read(RuleBook.load())
    assert "N-NATURALISED" not in read
    assert {"A-TRAFFICKING", "A-CITIZEN-MAY"} <= read


def test_a_start_rule_without_any_row_reads_everyone_it_could_leave_unresolved(mixed):
    # With no row of the kept list at all, every naturalised person's start is uncovered: the
    # naturalised are read again and the forecast still equals the per-person computation.
    live = RuleBook.load()
    book = RuleBook([r for r in live.all_rows() if r.key != "compensation_citizenship_kept_bases"])
    assert "N-NATURALISED" in _read(book)
    assert _forecast(book) == _one_by_one(book)


def test_a_start_rule_without_any_row_leaves_every_start_uncovered(mixed):
    # No row of the quota list at all: every eligible person is unresolved (C3's group cannot
    # be read on any start), so the persons whose period ended long ago are read too.
    live = RuleBook.load()
    book = RuleBook([r for r in live.all_rows() if r.key != "compensation_quota_bases"])
    assert {"N-ENDED", "N-ENDED-QUOTA", "N-NATURALISED"} <= _read(book)
    expected = _one_by_one(book)
    assert ("N-ENDED", "2019-03-01") in expected["unresolved"]
    assert _forecast(book) == expected


def test_the_start_rules_gaps_are_merged_into_as_few_ranges_as_cover_them():
    from kotopolku.compensation.selectors import _merged

    d = date
    assert _merged(((None, d(1999, 4, 30)), (None, d(1999, 4, 30)))) == [(None, d(1999, 4, 30))]
    assert _merged(((d(2019, 1, 1), d(2019, 12, 31)), (None, d(1999, 4, 30)))) == [
        (None, d(1999, 4, 30)),
        (d(2019, 1, 1), d(2019, 12, 31)),
    ]
    # Touching and overlapping ranges join; an open end swallows what follows.
    assert _merged(((d(2019, 1, 1), d(2019, 6, 30)), (d(2019, 7, 1), d(2019, 8, 31)))) == [
        (d(2019, 1, 1), d(2019, 8, 31))
    ]
    assert _merged(((d(2019, 1, 1), None), (d(2020, 1, 1), d(2020, 2, 1)))) == [
        (d(2019, 1, 1), None)
    ]
    assert _merged(((None, None), (d(2019, 1, 1), d(2019, 2, 1)))) == [(None, None)]
    assert _merged(()) == []
