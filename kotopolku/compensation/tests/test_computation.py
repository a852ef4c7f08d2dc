"""docs/domain.md C1–C6, with worked examples computed by hand and properties checked by hypothesis."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kotopolku.common.dates import add_years, last_day_of_month, months_between
from kotopolku.compensation.computation import (
    AGE_BAND_7_PLUS,
    AGE_BAND_UNDER_7,
    NO_HOME_MUNICIPALITY,
    NOT_ELIGIBLE_BASIS,
    HomePeriod,
    RuleBook,
    compute_compensation,
    direct_rules,
    eligibility_period,
    money,
    monthly_amount,
)
from kotopolku.rules.models import StatutoryRule
from kotopolku.rules.seed import PERMIT_BASES_ELIGIBLE

pytestmark = pytest.mark.django_db

ADULT = date(1990, 5, 1)
SEVEN_PLUS = Decimal("162.92")  # 1955.00 / 12 = 162.9166… → 162.92
UNDER_7 = Decimal("541.92")  # 6503.00 / 12 = 541.9166… → 541.92
NOT_ELIGIBLE = ["work", "study", "family", "eu_registration", "nordic", "other"]
HYPOTHESIS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _compute(basis="asylum", dob=ADULT, periods=(), year=2025, municipality="186", **kw):
    return compute_compensation(
        permit_basis=basis,
        date_of_birth=dob,
        home_periods=[HomePeriod(*p) for p in periods],
        year=year,
        municipality=municipality,
        **kw,
    )


def _labels(result):
    return [m.label for m in result.months]


# C4/C5: the monthly amount -------------------------------------------------------------------


def test_monthly_amounts_of_the_seeded_rates():
    assert monthly_amount(annual_rate=Decimal("1955.00")) == SEVEN_PLUS
    assert monthly_amount(annual_rate=Decimal("6503.00")) == UNDER_7
    assert monthly_amount(annual_rate=Decimal("345.00")) == Decimal("28.75")
    assert monthly_amount(annual_rate=Decimal("342.00")) == Decimal("28.50")
    assert monthly_amount(annual_rate=Decimal("2300.00")) == Decimal("191.67")
    assert monthly_amount(annual_rate=Decimal("6845.00")) == Decimal("570.42")
    # half-up, not banker's rounding: 0.30 / 12 = 0.025 → 0.03
    assert monthly_amount(annual_rate=Decimal("0.30")) == Decimal("0.03")


def test_adult_whole_year_in_one_municipality():
    result = _compute(periods=[("186", date(2024, 4, 1), None)])
    assert result.eligibility.start == date(2024, 4, 1)
    assert result.eligibility.end == date(2027, 3, 31)  # 3 years: started before 2025
    assert _labels(result) == [f"2025-{m:02d}" for m in range(1, 13)]
    assert {m.age_band for m in result.months} == {AGE_BAND_7_PLUS}
    assert all(m.amount == SEVEN_PLUS for m in result.months)
    assert result.total == Decimal("1955.04")  # 12 × 162.92, not 1955.00: C6 sums rounded months


def test_other_recipient_kinds_use_their_own_rates():
    periods = [("186", date(2024, 4, 1), None)]
    county = _compute(periods=periods, recipient_kind="wellbeing_county")
    aland = _compute(periods=periods, recipient_kind="aland_municipality")
    assert county.total == Decimal("345.00")
    assert aland.total == Decimal("2300.04")
    with pytest.raises(ValueError, match="recipient"):
        _compute(periods=periods, recipient_kind="state")


# C4: age band -------------------------------------------------------------------------------


def test_child_turning_seven_mid_year():
    result = _compute(dob=date(2018, 6, 15), periods=[("186", date(2024, 1, 10), None)])
    bands = [m.age_band for m in result.months]
    # age on 31 May 2025 is 6, on 30 June 2025 it is 7
    assert bands == [AGE_BAND_UNDER_7] * 5 + [AGE_BAND_7_PLUS] * 7
    assert result.total == 5 * UNDER_7 + 7 * SEVEN_PLUS == Decimal("3850.04")


def test_birthday_on_the_last_day_of_the_month_counts_that_month_as_seven_plus():
    result = _compute(dob=date(2018, 6, 30), periods=[("186", date(2024, 1, 10), None)])
    assert result.months[4].age_band == AGE_BAND_UNDER_7  # 31 May
    assert result.months[5].age_band == AGE_BAND_7_PLUS  # 30 June: birthday, age 7


def test_born_on_29_february_turns_seven_on_28_february_of_a_common_year():
    # eligible 2025-03-01 … 2027-02-28 (2 years, started after 2024)
    result = _compute(dob=date(2020, 2, 29), periods=[("186", date(2025, 3, 1), None)], year=2027)
    assert result.eligibility.end == date(2027, 2, 28)
    assert _labels(result) == ["2027-01", "2027-02"]
    assert [m.age_band for m in result.months] == [AGE_BAND_UNDER_7, AGE_BAND_7_PLUS]
    assert result.total == Decimal("704.84")


def test_period_starting_on_29_february():
    # 2024-02-29 + 3 years = 2027-02-28, so the period's last day is 2027-02-27
    eligibility = eligibility_period(
        permit_basis="asylum",
        home_periods=[HomePeriod("186", date(2024, 2, 29))],
        rules=direct_rules,
    )
    assert eligibility.end == date(2027, 2, 27)
    result = _compute(periods=[("186", date(2024, 2, 29), None)], year=2027)
    assert _labels(result) == ["2027-01"]  # 28 Feb 2027 is after the period's last day


# C2/C4: where the period starts and ends ----------------------------------------------------


def test_period_that_starts_mid_month_and_ends_mid_month():
    periods = [("186", date(2025, 3, 15), None)]
    start_year = _compute(periods=periods, year=2025)
    assert _labels(start_year) == [f"2025-{m:02d}" for m in range(3, 13)]
    end_year = _compute(periods=periods, year=2027)
    assert start_year.eligibility.end == date(2027, 3, 14)
    assert _labels(end_year) == ["2027-01", "2027-02"]  # 31 March is after 14 March
    assert end_year.total == 2 * SEVEN_PLUS


def test_period_that_starts_on_the_last_day_of_a_month():
    periods = [("186", date(2025, 1, 31), None)]
    first = _compute(periods=periods, year=2025)
    assert _labels(first)[0] == "2025-01"  # the start day is the month's last day
    assert _compute(periods=periods, year=2027).months == ()  # period ends 2027-01-30
    assert len(first.months) + len(_compute(periods=periods, year=2026).months) == 24


def test_the_first_home_municipality_period_starts_the_period():
    # moved away from Finland and back: the second arrival does not restart the period
    periods = [("186", date(2023, 3, 1), date(2023, 8, 31)), ("186", date(2025, 2, 1), None)]
    result = _compute(periods=periods, year=2025)
    assert result.eligibility.start == date(2023, 3, 1)
    assert result.eligibility.end == date(2026, 2, 28)
    assert _labels(result)[0] == "2025-02"  # no home municipality on 31 January 2025


def test_move_between_two_municipalities():
    periods = [("186", date(2024, 6, 1), date(2025, 4, 15)), ("858", date(2025, 4, 16), None)]
    jarvenpaa = _compute(periods=periods, municipality="186")
    tuusula = _compute(periods=periods, municipality="858")
    assert _labels(jarvenpaa) == ["2025-01", "2025-02", "2025-03"]
    assert _labels(tuusula) == [f"2025-{m:02d}" for m in range(4, 13)]
    assert jarvenpaa.eligibility.start == tuusula.eligibility.start == date(2024, 6, 1)
    everywhere = _compute(periods=periods, municipality=None)
    assert everywhere.total == jarvenpaa.total + tuusula.total == Decimal("1955.04")
    assert [m.municipality for m in everywhere.months] == ["186"] * 3 + ["858"] * 9


def test_moving_on_the_last_day_of_a_month_gives_that_month_to_the_new_municipality():
    periods = [("186", date(2024, 6, 1), date(2025, 4, 29)), ("858", date(2025, 4, 30), None)]
    assert _labels(_compute(periods=periods, municipality="858"))[0] == "2025-04"


# C3: length ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("basis", "start", "years", "end"),
    [
        ("quota_refugee", date(2024, 5, 1), 4, date(2028, 4, 30)),
        ("family_of_quota_refugee", date(2024, 12, 31), 4, date(2028, 12, 30)),
        ("quota_refugee", date(2025, 1, 1), 3, date(2027, 12, 31)),
        ("asylum", date(2024, 12, 31), 3, date(2027, 12, 30)),
        ("asylum", date(2025, 1, 1), 2, date(2026, 12, 31)),
        ("temporary_protection", date(2025, 5, 1), 2, date(2027, 4, 30)),
    ],
)
def test_length_is_decided_by_the_rule_in_force_on_the_start_day(basis, start, years, end):
    result = eligibility_period(
        permit_basis=basis, home_periods=[HomePeriod("186", start)], rules=direct_rules
    )
    assert (result.length_years, result.end) == (years, end)
    assert result.quota == basis.endswith("quota_refugee")


def test_quota_refugee_gets_the_longer_period():
    periods = [("186", date(2024, 5, 1), None)]
    quota = _compute(basis="quota_refugee", periods=periods, year=2028)
    other = _compute(basis="asylum", periods=periods, year=2028)
    assert _labels(quota) == ["2028-01", "2028-02", "2028-03", "2028-04"]
    assert other.months == ()  # asylum period ended 2027-04-30


def test_period_started_before_2025_and_one_after():
    before = _compute(periods=[("186", date(2024, 12, 31), None)], year=2027)
    after = _compute(periods=[("186", date(2025, 1, 1), None)], year=2026)
    assert _labels(before) == [f"2027-{m:02d}" for m in range(1, 12)]  # ends 2027-12-30
    assert _labels(after) == [f"2026-{m:02d}" for m in range(1, 13)]  # ends 2026-12-31
    assert _compute(periods=[("186", date(2025, 1, 1), None)], year=2027).months == ()


# C1: bases ----------------------------------------------------------------------------------


@pytest.mark.parametrize("basis", NOT_ELIGIBLE)
def test_non_eligible_bases_get_nothing(basis):
    result = _compute(basis=basis, periods=[("186", date(2024, 4, 1), None)])
    assert not result.eligibility.eligible
    assert result.eligibility.reason == NOT_ELIGIBLE_BASIS
    assert result.months == ()
    assert result.total == Decimal("0.00")


@pytest.mark.parametrize("basis", PERMIT_BASES_ELIGIBLE)
def test_every_eligible_basis_is_paid(basis):
    assert _compute(basis=basis, periods=[("186", date(2024, 4, 1), None)]).total > 0


def test_no_home_municipality_means_no_period():
    result = _compute(periods=[])
    assert result.eligibility.reason == NO_HOME_MUNICIPALITY
    assert result.months == ()


# Rule data ----------------------------------------------------------------------------------


def _new_rate(key, start, value):
    StatutoryRule.objects.create(
        key=key,
        code="C5",
        value=value,
        unit="eur_per_year",
        effective_from=start,
        source="test",
        confidence="U",
    )


def test_rate_change_taking_effect_on_1_january():
    _new_rate("compensation_rate_municipality_7_plus", date(2026, 1, 1), "2000.00")
    periods = [("186", date(2025, 6, 1), None)]
    for rules in (direct_rules, RuleBook()):
        dec = _compute(periods=periods, year=2025, rules=rules).months[-1]
        jan = _compute(periods=periods, year=2026, rules=rules).months[0]
        assert (dec.annual_rate, dec.amount) == (Decimal("1955.00"), SEVEN_PLUS)
        assert (jan.annual_rate, jan.amount) == (Decimal("2000.00"), Decimal("166.67"))


def test_seeded_2023_to_2024_rate_rows_meet_on_1_january():
    periods = [("186", date(2023, 1, 1), None)]
    assert _compute(periods=periods, year=2023).total == Decimal("1955.04")
    assert _compute(periods=periods, year=2024).total == Decimal("1955.04")


def test_a_month_with_no_rate_in_force_is_unresolved_not_zero():
    # A start before the rule history (1999-05-01): C3 cannot be read, the person is
    # unresolved. (Before the law-over-time change 2022 had no rate and raised RuleMissing;
    # it now has the 2,300.00 rate of decree 1393/2011.)
    result = _compute(periods=[("186", date(1999, 1, 1), None)], year=1999)
    assert result.unresolved
    assert result.missing.on == date(1999, 1, 1)
    assert result.months == ()
    # Without the rate rows before 2023, the first month end of 2022 has no rate.
    StatutoryRule.objects.filter(key__startswith="compensation_rate_municipality").filter(
        effective_from__lt=date(2023, 1, 1)
    ).delete()
    result = _compute(periods=[("186", date(2021, 1, 1), None)], year=2022, rules=RuleBook())
    assert result.missing.on == date(2022, 1, 31)


KEYS = [
    "compensation_eligible_bases",
    "compensation_period_years_quota",
    "compensation_period_years_other",
    "compensation_rate_municipality_7_plus",
    "compensation_rate_municipality_under_7",
]


@HYPOTHESIS
@given(
    key=st.sampled_from(KEYS),
    day=st.dates(min_value=date(2023, 1, 1), max_value=date(2032, 12, 31)),
)
def test_rule_book_reads_what_rule_value_reads(key, day):
    assert RuleBook()(key, day) == direct_rules(key, day)


# Properties ---------------------------------------------------------------------------------

persons = st.fixed_dictionaries(
    {
        "basis": st.sampled_from(PERMIT_BASES_ELIGIBLE),
        "dob": st.dates(min_value=date(1950, 1, 1), max_value=date(2024, 12, 31)),
        "start": st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31)),
    }
)


@HYPOTHESIS
@given(person=persons)
def test_months_are_exactly_the_month_ends_inside_the_period(person):
    book = RuleBook()
    dob = min(person["dob"], person["start"])
    periods = [HomePeriod("186", person["start"])]
    results = [
        compute_compensation(
            permit_basis=person["basis"],
            date_of_birth=dob,
            home_periods=periods,
            year=year,
            municipality="186",
            rules=book,
        )
        for year in range(2023, 2032)
    ]
    eligibility = results[0].eligibility
    expected = [
        m
        for m in months_between(eligibility.start, eligibility.end)
        if eligibility.start <= last_day_of_month(m) <= eligibility.end
    ]
    months = [m for r in results for m in r.months]
    assert [m.month for m in months] == expected
    for m in months:
        assert isinstance(m.amount, Decimal)
        assert m.amount.as_tuple().exponent == -2
        under_7 = m.last_day < add_years(dob, 7)
        assert m.age_band == (AGE_BAND_UNDER_7 if under_7 else AGE_BAND_7_PLUS)
        assert m.amount == (UNDER_7 if under_7 else SEVEN_PLUS)
    for r in results:
        assert r.total == sum((m.amount for m in r.months), Decimal("0.00"))
        assert isinstance(r.total, Decimal)


@HYPOTHESIS
@given(
    leap_year=st.sampled_from([2012, 2016, 2020, 2024]),
    start=st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31)),
)
def test_29_february_births_change_band_on_the_right_day(leap_year, start):
    dob = date(leap_year, 2, 29)
    start = max(start, dob)
    book = RuleBook()
    seventh = add_years(dob, 7)  # 28 Feb in a common year, 29 Feb in a leap year
    assert (seventh.month, seventh.day in (28, 29)) == (2, True)
    for year in range(start.year, start.year + 4):
        result = compute_compensation(
            permit_basis="asylum",
            date_of_birth=dob,
            home_periods=[HomePeriod("186", start)],
            year=year,
            rules=book,
        )
        for m in result.months:
            expected = AGE_BAND_UNDER_7 if m.last_day < seventh else AGE_BAND_7_PLUS
            assert m.age_band == expected


@HYPOTHESIS
@given(
    cents=st.integers(min_value=0, max_value=10_000_000),
)
def test_monthly_amount_is_whole_cents_within_half_a_cent(cents):
    rate = Decimal(cents) / 100
    amount = monthly_amount(annual_rate=rate)
    assert isinstance(amount, Decimal)
    assert amount.as_tuple().exponent == -2
    assert abs(amount - rate / 12) <= Decimal("0.005")
    # half-up: exactly half a cent always rounds away from zero
    if (rate / 12 * 1000) % 10 == 5:
        assert amount > rate / 12
    assert money(amount) == f"{amount}"


@HYPOTHESIS
@given(
    move=st.dates(min_value=date(2025, 1, 2), max_value=date(2025, 12, 31)),
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 1, 1)),
)
def test_a_move_splits_the_year_without_losing_or_doubling_a_month(move, start):
    book = RuleBook()
    periods = [
        HomePeriod("186", start, move - timedelta(days=1)),
        HomePeriod("858", move),
    ]
    args = {"permit_basis": "asylum", "date_of_birth": ADULT, "home_periods": periods}
    a = compute_compensation(**args, year=2025, municipality="186", rules=book)
    b = compute_compensation(**args, year=2025, municipality="858", rules=book)
    both = compute_compensation(**args, year=2025, municipality=None, rules=book)
    assert a.total + b.total == both.total
    assert sorted(m.month for m in a.months + b.months) == [m.month for m in both.months]
