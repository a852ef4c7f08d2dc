"""`client_deadlines` across the law changes (docs/domain.md §5, law over time): each rule read on its
reference date, the old P3 regime for pathways begun before 2025, and `no_rule_in_force`
instead of an abort. Every expected date is computed by hand in the comment next to it."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from kotopolku.casework.deadlines import CaseSnapshot, PlanSnapshot, compute_deadlines
from kotopolku.rules.book import RuleBook
from kotopolku.rules.models import StatutoryRule

pytestmark = pytest.mark.django_db


def case(external_id, *, permit, plans, basis="asylum", assessments=(), home="1998-07-01"):
    return {
        "external_id": external_id,
        "date_of_birth": "1970-01-15",
        "permit_basis": basis,
        "first_permit_date": permit,
        "home_municipality_periods": [{"municipality": "186", "start": home, "end": None}],
        "assessments": list(assessments),
        "plans": plans,
    }


def imported(tmp_path, *records):
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_cases", str(path), stdout=out, stderr=err)


def deadlines(external_id, on):
    out = io.StringIO()
    call_command("client_deadlines", "--external-id", external_id, "--on", on, stdout=out)
    data = json.loads(out.getvalue())
    data["codes"] = [p["code"] for p in data.pop("problems")]
    return data


def test_a_pathway_begun_under_the_old_law_keeps_its_36_months(demo, tmp_path):
    plans = [
        {"start": "2022-03-01", "end": "2023-02-28", "services": []},
        {
            "start": "2023-03-01",
            "end": "2025-02-28",
            "services": [{"category": "language_studies", "referred": "2023-04-01"}],
            "reviews": ["2024-02-15"],
        },
    ]
    imported(tmp_path, case("OLD-1", permit="2021-06-01", plans=plans, home="2021-07-01"))
    assert deadlines("OLD-1", "2025-01-15") == {
        "external_id": "OLD-1",
        "on": "2025-01-15",
        "plan_window_end": "2024-05-31",  # 2021-06-01 + 3 years − 1 day
        "max_plan_end": "2025-02-28",  # 2022-03-01 + 36 months − 1 day: not exceeded
        "referral_due": "2023-09-01",  # 2023-03-01 + 6 months
        "review_due": "2025-02-15",  # last review 2024-02-15 + 12 months
        "codes": [],
    }


def test_the_first_plans_start_decides_the_regime_of_base_and_cap(demo, tmp_path):
    extended = [{"months": 18, "reason": "literacy", "note": "literacy first"}]
    imported(
        tmp_path,
        case(
            "OLD-2",
            permit="2024-06-01",
            home="2024-06-01",
            plans=[{"start": "2024-12-31", "end": "2025-12-30", "extensions": extended}],
        ),
        case(
            "NEW-2",
            permit="2024-06-01",
            home="2024-06-01",
            plans=[{"start": "2025-01-01", "end": "2025-12-31", "extensions": extended}],
        ),
    )
    old = deadlines("OLD-2", "2025-02-01")
    new = deadlines("NEW-2", "2025-02-01")
    # 2024-12-31 + (36 + 18) months = 2029-06-30 (clamped), − 1 day
    assert old["max_plan_end"] == "2029-06-29"
    assert new["max_plan_end"] == "2028-06-30"  # 2025-01-01 + (24 + 18) months − 1 day
    assert "extensions_exceed_cap" not in old["codes"]  # old cap 24
    assert "extensions_exceed_cap" in new["codes"]  # new cap 12


def test_dates_before_the_first_act_give_no_rule_in_force_and_never_abort(demo, tmp_path):
    imported(
        tmp_path,
        case(
            "EARLY-1",
            permit="1998-06-01",
            plans=[{"start": "1999-02-01", "end": "1999-12-31", "services": []}],
        ),
        case(
            "EARLY-2",
            permit="1998-06-01",
            plans=[{"start": "1999-06-01", "end": "2000-05-31", "services": []}],
        ),
        case(
            "EARLY-3",
            basis="trafficking_victim",
            permit="1998-06-01",
            plans=[{"start": "1999-06-01", "end": "2000-05-31", "services": []}],
        ),
    )
    # Everything of this pathway lies before 1999-05-01.
    assert deadlines("EARLY-1", "2000-06-01") == {
        "external_id": "EARLY-1",
        "on": "2000-06-01",
        "plan_window_end": None,
        "max_plan_end": None,
        "referral_due": None,
        "review_due": None,
        "codes": ["no_rule_in_force"],
    }
    # Only the window (read on the first permit date) is missing; the rest is computed.
    assert deadlines("EARLY-2", "2000-01-01") == {
        "external_id": "EARLY-2",
        "on": "2000-01-01",
        "plan_window_end": None,
        "max_plan_end": "2002-05-31",  # 1999-06-01 + 36 months − 1 day
        "referral_due": "1999-12-01",  # 1999-06-01 + 6 months
        "review_due": "2000-06-01",  # 1999-06-01 + 12 months
        "codes": ["no_rule_in_force", "no_service_by_referral_due"],
    }
    # Victims of trafficking have had no window under every version: no rule is needed.
    early_3 = deadlines("EARLY-3", "2000-01-01")
    assert early_3["plan_window_end"] is None
    assert early_3["codes"] == ["no_service_by_referral_due"]


def test_each_assessment_and_plan_is_judged_by_the_window_on_its_own_start():
    book = RuleBook.load()
    shortened = book.with_draft([_draft("plan_window_years", 2, date(2026, 1, 1))], source="test")
    snapshot = CaseSnapshot(
        permit_basis="asylum",
        first_permit_date=date(2024, 3, 15),
        plans=(PlanSnapshot(start=date(2026, 2, 1), end=date(2027, 1, 31)),),
    )
    result = compute_deadlines(snapshot, on=date(2026, 3, 1), rules=shortened)
    # The field is read on the first permit date (3 years); the plan of 2026 by the rule of
    # 2026 (2 years: its window ended 2026-03-14, so a start on 2026-02-01 is inside).
    assert result.plan_window_end == date(2027, 3, 14)
    assert "plan_outside_window" not in result.problem_codes
    late = CaseSnapshot(
        permit_basis="asylum",
        first_permit_date=date(2023, 12, 1),
        plans=(PlanSnapshot(start=date(2026, 1, 5), end=date(2026, 12, 31)),),
    )
    result = compute_deadlines(late, on=date(2026, 3, 1), rules=shortened)
    assert result.plan_window_end == date(2026, 11, 30)  # 2023-12-01 + 3 years − 1 day
    assert "plan_outside_window" in result.problem_codes  # 2023-12-01 + 2 years − 1 day < start


def test_a_shortened_rule_table_nulls_only_the_fields_that_need_the_missing_rule():
    rows = StatutoryRule.objects.filter(key="referral_due_months")
    rows.filter(effective_from__lt=date(2011, 9, 1)).delete()
    rows.update(effective_from=date(2025, 1, 1))  # now no row before 2025
    snapshot = CaseSnapshot(
        permit_basis="asylum",
        first_permit_date=date(2024, 3, 15),
        plans=(PlanSnapshot(start=date(2024, 5, 1), end=date(2025, 4, 30)),),
    )
    result = compute_deadlines(snapshot, on=date(2025, 6, 1), rules=RuleBook.load())
    assert result.referral_due is None
    assert result.max_plan_end == date(2027, 4, 30)  # 2024-05-01 + 36 months − 1 day
    assert result.review_due == date(2025, 5, 1)
    assert result.problem_codes[0] == "no_rule_in_force"
    assert "2024" in result.problems[0].message
    assert "no_service_by_referral_due" not in result.problem_codes


def _draft(key, value, start):
    from kotopolku.rules.book import DraftRow

    return DraftRow(key=key, value=value, effective_from=start)
