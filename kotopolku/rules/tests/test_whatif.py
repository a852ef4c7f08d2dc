"""`rules_whatif` (docs/data-formats.md) against numbers computed by hand, and the promise
that it changes nothing."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import load_workbook

from kotopolku.compensation.selectors import forecast
from kotopolku.rules.models import StatutoryRule

pytestmark = pytest.mark.django_db


def _record(external_id, *, dob, home, permit, plans=(), municipality="186"):
    return {
        "external_id": external_id,
        "date_of_birth": dob,
        "permit_basis": "asylum",
        "first_permit_date": permit,
        "home_municipality_periods": [{"municipality": municipality, "start": home, "end": None}],
        "plans": list(plans),
    }


@pytest.fixture
def caseload(demo, tmp_path):
    records = [
        _record(
            "JP-1",
            dob="1980-05-01",
            home="2024-04-01",
            permit="2024-03-15",
            plans=[
                {
                    "start": "2024-05-01",
                    "end": "2025-04-30",
                    "services": [{"category": "language_studies", "referred": "2024-06-01"}],
                }
            ],
        ),
        _record("JP-2", dob="2021-06-15", home="2025-02-01", permit="2025-01-15"),
        _record(
            "JP-3",
            dob="1985-01-20",
            home="2025-03-01",
            permit="2025-02-01",
            plans=[{"start": "2025-06-01", "end": "2026-05-31", "services": []}],
        ),
        _record(
            "TU-1", dob="1980-05-01", home="2024-01-01", permit="2024-01-01", municipality="858"
        ),
    ]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    call_command("import_cases", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    return tmp_path


def whatif(tmp_path, draft, *args):
    path = tmp_path / "draft.json"
    path.write_text(json.dumps(draft), encoding="utf-8")
    out = io.StringIO()
    call_command("rules_whatif", "--draft", str(path), *args, stdout=out)
    return out.getvalue()


def test_a_lower_rate_from_2026(caseload):
    draft = {
        "title": "Rates −8 %",
        "rows": [
            {
                "key": "compensation_rate_municipality_7_plus",
                "value": "1800.00",
                "effective_from": "2026-01-01",
            }
        ],
    }
    out = whatif(caseload, draft, "--municipality", "186", "--year", "2026", "--on", "2026-06-01")
    assert json.loads(out) == {
        "municipality": "186",
        "year": 2026,
        "on": "2026-06-01",
        "title": "Rates −8 %",
        # JP-1 and JP-3: 12 × 162.92 each; JP-2 (under 7 all year): 12 × 541.92
        "current": {"total": "10413.12"},
        # JP-1 and JP-3: 12 × 150.00 each; JP-2 unchanged
        "draft": {"total": "10103.04"},
        "delta": "-310.08",
        "persons": [
            {"external_id": "JP-1", "current": "1955.04", "draft": "1800.00", "delta": "-155.04"},
            {"external_id": "JP-3", "current": "1955.04", "draft": "1800.00", "delta": "-155.04"},
        ],
        "deadlines": [],
    }


def test_shorter_periods_plans_and_review_interval_from_2025(caseload):
    draft = {
        "title": "Shorter",
        "rows": [
            {"key": "compensation_period_years_other", "value": 1, "effective_from": "2025-01-01"},
            {"key": "plan_total_base_months", "value": "12", "effective_from": "2025-01-01"},
            {"key": "review_interval_months", "value": 6, "effective_from": "2025-01-01"},
        ],
    }
    before = list(StatutoryRule.objects.order_by("pk").values())
    forecast_before = forecast("186", 2026).as_data()
    out = whatif(caseload, draft, "--municipality", "186", "--year", "2026", "--on", "2026-03-01")
    assert json.loads(out) == {
        "municipality": "186",
        "year": 2026,
        "on": "2026-03-01",
        "title": "Shorter",
        "current": {"total": "10413.12"},
        # JP-1 began in 2024 (3 years, unchanged); JP-2 from 2025-02-01 for 1 year: January
        # 541.92; JP-3 from 2025-03-01 for 1 year: January and February, 2 × 162.92
        "draft": {"total": "2822.80"},
        "delta": "-7590.32",
        "persons": [
            {"external_id": "JP-2", "current": "6503.04", "draft": "541.92", "delta": "-5961.12"},
            {"external_id": "JP-3", "current": "1955.04", "draft": "325.84", "delta": "-1629.20"},
        ],
        # JP-1's pathway began in 2024: its rules are read then, and do not change.
        "deadlines": [
            # 2025-06-01 + 24 months − 1 day, and + 12 months − 1 day
            {
                "external_id": "JP-3",
                "field": "max_plan_end",
                "current": "2027-05-31",
                "draft": "2026-05-31",
            },
            {
                "external_id": "JP-3",
                "field": "problems",
                "current": "no_service_by_referral_due",
                "draft": "no_service_by_referral_due,review_overdue",
            },
            # 2025-06-01 + 12 months, and + 6 months
            {
                "external_id": "JP-3",
                "field": "review_due",
                "current": "2026-06-01",
                "draft": "2025-12-01",
            },
        ],
    }
    # Nothing changed: the rule table and the forecast are as before.
    assert list(StatutoryRule.objects.order_by("pk").values()) == before
    assert forecast("186", 2026).as_data() == forecast_before


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"key": "no_such_rule", "value": 1, "effective_from": "2027-01-01"}], "unknown rule key"),
        (
            [{"key": "referral_due_months", "value": "six", "effective_from": "2027-01-01"}],
            "bad value",
        ),
        (
            [{"key": "referral_due_months", "value": 3, "effective_from": "2027-13-01"}],
            "not a date",
        ),
    ],
)
def test_a_bad_draft_exits_with_status_2_and_one_line(caseload, rows, message):
    before = StatutoryRule.objects.count()
    with pytest.raises(CommandError, match=message) as caught:
        whatif(caseload, {"title": "x", "rows": rows}, "--municipality", "186", "--year", "2026")
    assert caught.value.returncode == 2
    assert "\n" not in str(caught.value)
    assert StatutoryRule.objects.count() == before


def test_csv_and_xlsx_carry_the_same_totals(caseload):
    draft = {
        "title": "t",
        "rows": [
            {
                "key": "compensation_rate_municipality_7_plus",
                "value": "1800",
                "effective_from": "2026-01-01",
            }
        ],
    }
    csv_text = whatif(caseload, draft, "--municipality", "186", "--year", "2026", "--format", "csv")
    lines = csv_text.lstrip("\ufeff").splitlines()
    assert lines[0] == "section,external_id,field,current,draft,delta"
    assert lines[1] == "total,,total,10413.12,10103.04,-310.08"
    assert lines[2] == "person,JP-1,total,1955.04,1800.00,-155.04"
    target = caseload / "preview.xlsx"
    whatif(
        caseload,
        draft,
        "--municipality",
        "186",
        "--year",
        "2026",
        "--format",
        "xlsx",
        "--output",
        str(target),
    )
    book = load_workbook(target)
    summary = {row[0]: row[1] for row in book["summary"].iter_rows(values_only=True)}
    assert float(summary["delta"]) == pytest.approx(-310.08)
    assert [r[0] for r in book["persons"].iter_rows(min_row=2, values_only=True)] == [
        "JP-1",
        "JP-3",
    ]


def test_unknown_municipality_and_bad_on_exit_with_status_2(caseload):
    draft = {"title": "t", "rows": []}
    for args in (
        ("--municipality", "999", "--year", "2026"),
        ("--municipality", "186", "--year", "2026", "--on", "1.6.2026"),
    ):
        with pytest.raises(CommandError) as caught:
            whatif(caseload, draft, *args)
        assert caught.value.returncode == 2


def test_an_empty_draft_changes_nothing_in_the_preview(caseload):
    out = json.loads(
        whatif(caseload, {"title": "", "rows": []}, "--municipality", "186", "--year", "2026")
    )
    assert out["delta"] == "0.00"
    assert out["persons"] == []
    assert out["deadlines"] == []
    assert out["on"] == timezone.localdate().isoformat()
