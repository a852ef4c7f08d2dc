from datetime import date
from decimal import Decimal

import pytest

from kotopolku.rules.models import StatutoryRule
from kotopolku.rules.seed import RULES, load_rules
from kotopolku.rules.selectors import RuleMissing, rule_value

pytestmark = pytest.mark.django_db


def test_every_rule_code_of_domain_section_5_is_seeded():
    codes = set(StatutoryRule.objects.values_list("code", flat=True))
    assert {"P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "C1", "C3", "C4", "C5"} <= codes
    assert StatutoryRule.objects.count() == len(RULES)


def test_pathway_values():
    on = date(2025, 6, 1)
    assert rule_value("plan_window_years", on=on) == 3
    assert rule_value("first_plan_max_years", on=on) == 1
    assert rule_value("plan_total_base_months", on=on) == 24
    assert rule_value("plan_extension_cap_months", on=on) == 12
    assert rule_value("referral_due_months", on=on) == 6
    assert rule_value("review_interval_months", on=on) == 12
    assert rule_value("assessment_start_target_days", on=on) == 30
    assert rule_value("orientation_completion_hours", on=on) == 70
    assert rule_value("language_target_level", on=on) == "B1.1"
    assert rule_value("plan_window_exempt_bases", on=on) == frozenset({"trafficking_victim"})


def test_compensation_period_changes_on_2025_01_01():
    assert rule_value("compensation_period_years_quota", on=date(2024, 12, 31)) == 4
    assert rule_value("compensation_period_years_quota", on=date(2025, 1, 1)) == 3
    assert rule_value("compensation_period_years_other", on=date(2024, 12, 31)) == 3
    assert rule_value("compensation_period_years_other", on=date(2025, 1, 1)) == 2


def test_rates_are_decimals_and_confidence_changes_after_2023():
    rate = rule_value("compensation_rate_municipality_7_plus", on=date(2023, 6, 30))
    assert rate == Decimal("1955.00")
    assert isinstance(rate, Decimal)
    assert rule_value("compensation_rate_municipality_under_7", on=date(2026, 1, 31)) == Decimal(
        "6503.00"
    )
    assert rule_value(
        "compensation_rate_wellbeing_county_under_7", on=date(2025, 1, 31)
    ) == Decimal("342.00")
    rows = StatutoryRule.objects.filter(key="compensation_rate_municipality_7_plus")
    # 493/1999 (to verify), decree 1393/2011 (V), 2023 (V), 2024 onwards (U)
    assert [r.confidence for r in rows.order_by("effective_from")] == ["U", "V", "V", "U"]


def test_missing_rule_and_day_before_any_rule_raise():
    with pytest.raises(RuleMissing):
        rule_value("no_such_rule", on=date(2025, 1, 1))
    with pytest.raises(RuleMissing):
        rule_value("compensation_rate_municipality_7_plus", on=date(1999, 4, 30))
    with pytest.raises(RuleMissing):
        rule_value("compensation_rate_wellbeing_county_7_plus", on=date(2022, 12, 31))


def test_administrator_edit_wins_over_reseeding():
    row = StatutoryRule.objects.get(
        key="plan_extension_cap_months", effective_from=date(2025, 1, 1)
    )
    row.value = 18
    row.save()
    assert load_rules(StatutoryRule) == 0
    assert rule_value("plan_extension_cap_months", on=date(2025, 6, 1)) == 18


def test_unverified_rules_are_marked_to_verify():
    on = date(2025, 1, 1)
    assert StatutoryRule.objects.get(
        key="review_interval_months", effective_from__lte=on, effective_to=None
    ).to_verify
    assert not StatutoryRule.objects.get(key="referral_due_months", effective_to=None).to_verify
