import json
from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from kotopolku.audit.models import AuditEvent
from kotopolku.compensation.selectors import compensation_forecast, forecast_compute
from kotopolku.compensation.tests.factories import protected_person


@pytest.fixture
def people(demo):
    protected_person(
        "JP-2024-0002", dob=date(2018, 6, 15), periods=[("186", date(2024, 1, 10), None)]
    )
    protected_person("JP-2024-0001")  # adult, 186 since 2024-04-01: 12 × 162.92
    protected_person(
        "JP-2024-0003",
        periods=[("186", date(2024, 6, 1), date(2025, 4, 15)), ("858", date(2025, 4, 16), None)],
    )
    protected_person("JP-2024-0004", basis="work")  # not eligible: left out
    protected_person("TU-2024-0001", periods=[("858", date(2024, 2, 1), None)])
    protected_person("JP-2021-0001", periods=[("186", date(2021, 3, 1), None)])  # ended 2024
    protected_person(
        "JP-2025-0001", basis="quota_refugee", periods=[("186", date(2025, 3, 15), None)]
    )


EXPECTED_2025_186 = {
    "unresolved": [],
    "municipality": "186",
    "year": 2025,
    "currency": "EUR",
    "total": "7923.04",
    "persons": [
        {
            "external_id": "JP-2024-0001",
            "total": "1955.04",
            "months": [
                {"month": f"2025-{m:02d}", "age_band": "7_plus", "amount": "162.92"}
                for m in range(1, 13)
            ],
        },
        {
            "external_id": "JP-2024-0002",
            "total": "3850.04",
            "months": [
                {"month": f"2025-{m:02d}", "age_band": "under_7", "amount": "541.92"}
                for m in range(1, 6)
            ]
            + [
                {"month": f"2025-{m:02d}", "age_band": "7_plus", "amount": "162.92"}
                for m in range(6, 13)
            ],
        },
        {
            "external_id": "JP-2024-0003",
            "total": "488.76",
            "months": [
                {"month": f"2025-{m:02d}", "age_band": "7_plus", "amount": "162.92"}
                for m in range(1, 4)
            ],
        },
        {
            "external_id": "JP-2025-0001",
            "total": "1629.20",
            "months": [
                {"month": f"2025-{m:02d}", "age_band": "7_plus", "amount": "162.92"}
                for m in range(3, 13)
            ],
        },
    ],
}


def test_forecast_json_matches_the_documented_contract(people):
    out = StringIO()
    call_command("compensation_forecast", "--municipality", "186", "--year", "2025", stdout=out)
    data = json.loads(out.getvalue())
    assert data == EXPECTED_2025_186
    assert list(data) == ["municipality", "year", "currency", "total", "persons", "unresolved"]
    assert list(data["persons"][0]) == ["external_id", "total", "months"]
    assert list(data["persons"][0]["months"][0]) == ["month", "age_band", "amount"]
    # C6: the municipality's total is the sum of the persons' totals
    assert sum(Decimal(p["total"]) for p in data["persons"]) == Decimal(data["total"])
    assert AuditEvent.objects.filter(
        object_type="CompensationForecast", object_id="186:2025", action="export"
    ).exists()


def test_the_other_municipality_gets_the_moved_persons_later_months(people):
    data = forecast_compute(municipality_code="858", year=2025).as_data()
    assert [p["external_id"] for p in data["persons"]] == ["JP-2024-0003", "TU-2024-0001"]
    assert [m["month"] for m in data["persons"][0]["months"]][0] == "2025-04"
    assert data["total"] == "3421.32"  # 9 + 12 months × 162.92


def test_a_year_with_nobody_gives_an_empty_list(people):
    data = forecast_compute(municipality_code="611", year=2025).as_data()
    assert data["persons"] == []
    assert data["total"] == "0.00"


def test_csv_and_xlsx_carry_the_same_amounts(people, tmp_path):
    csv_path = tmp_path / "f.csv"
    xlsx_path = tmp_path / "f.xlsx"
    call_command(
        "compensation_forecast",
        "--municipality",
        "186",
        "--year",
        "2025",
        "--format",
        "csv",
        "--output",
        str(csv_path),
    )
    call_command(
        "compensation_forecast",
        "--municipality",
        "186",
        "--year",
        "2025",
        "--format",
        "xlsx",
        "--output",
        str(xlsx_path),
    )
    lines = csv_path.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0] == "municipality,year,external_id,month,age_band,amount"
    assert lines[1] == "186,2025,JP-2024-0001,2025-01,7_plus,162.92"
    assert len(lines) == 1 + 12 + 12 + 3 + 10
    assert sum(Decimal(line.split(",")[-1]) for line in lines[1:]) == Decimal("7923.04")
    book = load_workbook(BytesIO(xlsx_path.read_bytes()))
    months = list(book["months"].iter_rows(values_only=True))
    assert months[0] == ("municipality", "year", "external_id", "month", "age_band", "amount")
    assert len(months) == len(lines)
    persons = list(book["persons"].iter_rows(values_only=True))
    assert persons[-1][0] == "total"
    assert Decimal(str(persons[-1][2])) == Decimal("7923.04")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--municipality", "999", "--year", "2025"], "unknown municipality"),
        (["--municipality", "186", "--year", "2025", "--format", "xlsx"], "needs --output"),
        (["--municipality", "186", "--year", "2025", "--format", "pdf"], "invalid choice"),
        (["--year", "2025"], "required"),
    ],
)
def test_bad_arguments_exit_with_status_2(people, args, message):
    with pytest.raises(CommandError, match=message) as exc:
        call_command("compensation_forecast", *args, stdout=StringIO())
    assert exc.value.returncode == 2


def test_the_forecast_reads_in_a_fixed_number_of_queries(people):
    with CaptureQueriesContext(connection) as small:
        forecast_compute(municipality_code="186", year=2025)
    protected_person("JP-2024-0099", periods=[("186", date(2024, 3, 1), None)])
    protected_person("JP-2024-0098", periods=[("186", date(2024, 3, 1), None)])
    with CaptureQueriesContext(connection) as larger:
        forecast = forecast_compute(municipality_code="186", year=2025)
    assert len(larger) == len(small)
    assert len(forecast.persons) == 6


def test_reading_the_forecast_is_audited(people, user_for):
    coordinator = user_for("coordinator")
    forecast = compensation_forecast(actor=coordinator, municipality_code="186", year=2025)
    event = AuditEvent.objects.get(object_type="CompensationForecast", actor=coordinator)
    assert event.action == "view"
    assert event.reason == f"{len(forecast.persons)} persons"
    # Each person shown gets a row of their own, for their log report.
    per_client = AuditEvent.objects.filter(
        object_type="CompensationForecastPerson", actor=coordinator
    )
    assert sorted(per_client.values_list("client_id", flat=True)) == sorted(
        p.person.client_id for p in forecast.persons
    )
    by_month = forecast.by_month()
    assert by_month[0]["amounts"] == {"7_plus": Decimal("325.84"), "under_7": Decimal("541.92")}
    assert sum((r["total"] for r in by_month), Decimal(0)) == forecast.total
    bands = {row["age_band"]: row for row in forecast.by_age_band()}
    assert bands["under_7"]["months"] == 5
    assert bands["under_7"]["amount"] == Decimal("2709.60")


def _case(external_id, dob, periods, basis="asylum"):
    return {
        "external_id": external_id,
        "first_names": "Testi",
        "last_name": external_id,
        "date_of_birth": dob,
        "permit_basis": basis,
        "home_municipality_periods": [
            {"municipality": m, "start": s, "end": e} for m, s, e in periods
        ],
    }


def test_forecast_of_imported_case_files_matches_the_contract(demo, tmp_path):
    """Acceptance 2: import_cases, then compensation_forecast --municipality 186 --year 2025."""
    cases = [
        _case("JP-2024-0002", "2018-06-15", [("186", "2024-01-10", None)]),
        _case("JP-2024-0001", "1990-05-01", [("186", "2024-04-01", None)]),
        _case(
            "JP-2024-0003",
            "1990-05-01",
            [("186", "2024-06-01", "2025-04-15"), ("858", "2025-04-16", None)],
        ),
        _case("JP-2024-0004", "1990-05-01", [("186", "2024-04-01", None)], basis="work"),
        _case("TU-2024-0001", "1990-05-01", [("858", "2024-02-01", None)]),
        _case("JP-2021-0001", "1990-05-01", [("186", "2021-03-01", None)]),
        _case("JP-2025-0001", "1990-05-01", [("186", "2025-03-15", None)], "quota_refugee"),
    ]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in cases) + "\n", encoding="utf-8")
    call_command("import_cases", str(path), stdout=StringIO())
    out = StringIO()
    call_command(
        "compensation_forecast",
        "--municipality",
        "186",
        "--year",
        "2025",
        "--format",
        "json",
        stdout=out,
    )
    assert json.loads(out.getvalue()) == EXPECTED_2025_186
