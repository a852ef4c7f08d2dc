"""C1–C5 across the law changes (docs/domain.md §5): rates before 2023, C1 first, 89 §,
naturalisation, and persons whose rule cannot be read listed as unresolved. Amounts by hand."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from kotopolku.compensation.computation import HomePeriod, compute_compensation
from kotopolku.compensation.selectors import forecast
from kotopolku.compensation.tests.factories import protected_person
from kotopolku.rules.book import RuleBook
from kotopolku.rules.models import StatutoryRule

pytestmark = pytest.mark.django_db

ADULT = date(1980, 5, 1)


def _compute(basis="asylum", start=date(2024, 4, 1), year=2025, **kw):
    return compute_compensation(
        permit_basis=basis,
        date_of_birth=kw.pop("dob", ADULT),
        home_periods=[HomePeriod("186", start)],
        year=year,
        municipality="186",
        rules=RuleBook.load(),
        **kw,
    )


def test_before_2023_the_whole_compensation_went_to_the_municipality():
    adult = _compute(start=date(2021, 3, 1), year=2022)
    assert [m.amount for m in adult.months] == [Decimal("191.67")] * 12  # 2300.00 / 12
    assert adult.total == Decimal("2300.04")
    child = _compute(start=date(2021, 3, 1), year=2022, dob=date(2018, 6, 15))
    assert child.total == Decimal("6845.04")  # 12 × 570.42 (6845.00 / 12)
    # The rate is read on each month's last day: 2023 pays the 2023 rate.
    assert _compute(start=date(2021, 3, 1), year=2023).months[-1].amount == Decimal("162.92")


def test_a_period_begun_in_2000_is_paid_at_the_old_rate_for_four_years_of_a_quota_refugee():
    result = _compute(basis="quota_refugee", start=date(2000, 9, 1), year=2004)
    assert result.eligibility.end == date(2004, 8, 31)  # 4 years
    assert [m.label for m in result.months] == [f"2004-{m:02d}" for m in range(1, 9)]
    assert result.total == Decimal("1533.36")  # 8 × 191.67


def test_humanitarian_protection_is_eligible_in_the_others_group():
    result = _compute(basis="humanitarian_protection", start=date(2025, 3, 1))
    assert result.eligibility.eligible
    assert not result.eligibility.quota
    assert result.eligibility.end == date(2027, 2, 28)  # 2 years from 2025
    assert result.total == Decimal("1629.20")  # March–December: 10 × 162.92


@pytest.mark.parametrize(
    ("basis", "citizenship", "months"),
    [
        ("asylum", date(2025, 6, 30), 5),  # June ends on the citizenship day: not before it
        ("asylum", date(2025, 7, 1), 6),
        ("asylum", date(2024, 1, 1), 0),
        ("trafficking_victim", date(2025, 6, 30), 12),  # keeps the months
    ],
)
def test_naturalisation_ends_the_months_except_for_victims_of_trafficking(
    basis, citizenship, months
):
    result = _compute(basis=basis, citizenship_date=citizenship)
    assert len(result.months) == months
    assert result.total == Decimal("162.92") * months


def test_an_ineligible_basis_needs_no_rule_even_before_the_first_act():
    result = _compute(basis="work", start=date(1998, 1, 1))
    assert not result.unresolved
    assert result.eligibility.reason == "basis_not_eligible"


def test_an_eligible_person_whose_start_has_no_rule_is_unresolved_with_that_day():
    result = _compute(basis="asylum", start=date(1998, 1, 1))
    assert result.unresolved
    assert result.missing.on == date(1998, 1, 1)
    assert result.months == ()


def test_a_month_whose_rate_is_missing_makes_the_person_unresolved_on_that_month_end():
    StatutoryRule.objects.filter(
        key="compensation_rate_municipality_7_plus", effective_from=date(2024, 1, 1)
    ).update(effective_to=date(2025, 5, 31))
    result = _compute(start=date(2024, 4, 1))
    assert result.unresolved
    assert result.missing.on == date(2025, 6, 30)


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def test_the_forecast_lists_unresolved_persons_and_computes_the_others(demo):
    protected_person("JP-OLD-2", periods=[("186", date(1998, 3, 1), None)])
    protected_person("JP-OLD-1", periods=[("186", date(1998, 1, 1), None)])
    protected_person("JP-WORK", basis="work", periods=[("186", date(1998, 1, 1), None)])
    protected_person("JP-NEW", periods=[("186", date(2024, 4, 1), None)])
    protected_person("TU-OLD", periods=[("858", date(1998, 1, 1), None)])
    data = run("compensation_forecast", "--municipality", "186", "--year", "2025")
    assert data["total"] == "1955.04"
    assert [p["external_id"] for p in data["persons"]] == ["JP-NEW"]
    assert data["unresolved"] == [
        {"external_id": "JP-OLD-1", "reason": "no_rule_in_force", "date": "1998-01-01"},
        {"external_id": "JP-OLD-2", "reason": "no_rule_in_force", "date": "1998-03-01"},
    ]
    assert run("compensation_forecast", "--municipality", "106", "--year", "2025") == {
        "municipality": "106",
        "year": 2025,
        "currency": "EUR",
        "total": "0.00",
        "persons": [],
        "unresolved": [],
    }


def test_a_first_period_elsewhere_before_the_first_act_is_unresolved_here(demo):
    # C2: the first home period in Finland starts the compensation period, wherever it was.
    protected_person(
        "JP-JAN",
        periods=[("858", date(1998, 1, 1), date(2024, 12, 31)), ("186", date(2025, 1, 1), None)],
    )
    result = forecast("186", 2025)
    assert [u.external_id for u in result.unresolved] == ["JP-JAN"]


def test_the_forecast_page_names_the_unresolved_persons(demo, coordinator):
    protected_person("JP-OLD-1", periods=[("186", date(1998, 1, 1), None)])
    protected_person("JP-NEW", periods=[("186", date(2024, 4, 1), None)])
    response = coordinator.get("/compensation/", {"municipality": "186", "year": 2025})
    assert response.status_code == 200
    text = response.content.decode()
    assert "1 person could not be computed" in text
    assert "JP-OLD-1" in text
