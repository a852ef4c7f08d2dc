"""import_cases and client_deadlines, as outside tools call them (docs/data-formats.md)."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from kotopolku.audit.models import AuditEvent
from kotopolku.casework.models import Assessment, IntegrationPlan, PlanService
from kotopolku.clients.models import Client, HomeMunicipalityPeriod

pytestmark = pytest.mark.django_db

EXAMPLE = {
    "external_id": "JP-2024-0001",
    "first_names": "Amina",
    "last_name": "Hassan",
    "hetu": "010594Y9032",
    "date_of_birth": "1994-05-01",
    "permit_basis": "asylum",
    "first_permit_date": "2024-03-15",
    "arrival_date": "2024-02-20",
    "home_municipality_periods": [{"municipality": "186", "start": "2024-04-01", "end": None}],
    "jobseeker": False,
    "languages": [{"code": "ar", "mother_tongue": True}, {"code": "fi", "level": "A1.2"}],
    "assessments": [{"started": "2024-04-10", "completed": "2024-04-24", "multi_agency": False}],
    "plans": [
        {
            "start": "2024-05-01",
            "end": "2025-04-30",
            "services": [{"category": "social_orientation", "referred": "2024-06-01"}],
            "reviews": ["2025-03-01"],
            "extensions": [{"months": 6, "reason": "literacy", "note": "literacy training first"}],
        }
    ],
}


def record(n: int) -> dict:
    return {
        "external_id": f"KU-{n:05d}",
        "first_names": f"Etu{n}",
        "last_name": f"Suku{n}",
        "date_of_birth": "1990-01-15",
        "permit_basis": "work" if n % 3 else "asylum",
        "first_permit_date": "2023-06-01",
        "home_municipality_periods": [
            {"municipality": ("186", "858", "106")[n % 3], "start": "2023-07-01", "end": None}
        ],
        "plans": [{"start": "2023-09-01", "end": "2024-08-31", "services": []}],
    }


def write_jsonl(path, records):
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_one_bad_line_among_a_thousand_stores_nothing_then_the_good_file_imports(demo, tmp_path):
    records = [record(n) for n in range(1, 1001)]
    bad = dict(records[536], permit_basis="tourist")
    path = write_jsonl(tmp_path / "cases.jsonl", [*records[:536], bad, *records[537:]])
    status, _, err = run("import_cases", str(path))
    assert status == 1
    assert "line 537: permit_basis: unknown code 'tourist'" in err
    assert Client.objects.count() == 0
    assert IntegrationPlan.objects.count() == 0

    good = write_jsonl(tmp_path / "good.jsonl", records[:536] + records[537:])
    status, out, _ = run("import_cases", str(good))
    assert status == 0, out
    assert Client.objects.count() == 999
    assert IntegrationPlan.objects.count() == 999
    assert HomeMunicipalityPeriod.objects.count() == 999

    changed = [dict(r, last_name=r["last_name"] + "-x") for r in records[:536] + records[537:]]
    status, out, _ = run("import_cases", str(write_jsonl(tmp_path / "again.jsonl", changed)))
    assert status == 0
    assert "999 updated" in out
    assert Client.objects.count() == 999
    assert IntegrationPlan.objects.count() == 999
    assert Client.objects.get(external_id="KU-00001").last_name == "Suku1-x"


def test_errors_name_line_and_field_and_unknown_keys_fail(demo, tmp_path):
    rows = [
        dict(EXAMPLE),
        dict(record(2), colour="blue"),
        dict(record(3), hetu="010594Y9032"),  # does not agree with 1990-01-15
        dict(
            record(4),
            home_municipality_periods=[
                {"municipality": "186", "start": "2023-01-01", "end": None},
                {"municipality": "999", "start": "2023-05-01", "end": None},
            ],
        ),
        dict(record(5), plans=[{"start": "2024-01-01", "end": "2024-13-01"}]),
        dict(record(6), languages=[{"code": "Arabic"}]),
        dict(record(1), external_id="JP-2024-0001"),
    ]
    path = write_jsonl(tmp_path / "bad.jsonl", rows)
    status, _, err = run("import_cases", str(path))
    assert status == 1
    assert "line 2: colour: unknown key" in err
    assert "line 3: hetu: " in err
    assert (
        "line 4: home_municipality_periods[1].municipality: unknown municipality code '999'" in err
    )
    assert "line 4: home_municipality_periods: periods starting" in err
    assert "line 5: plans[0].end: no such day: 2024-13-01" in err
    assert "line 6: languages[0].code: not an ISO 639 code" in err
    assert "line 7: external_id: also on line 1" in err
    assert Client.objects.count() == 0


def test_statutory_breaches_are_imported_and_reported(demo, tmp_path):
    too_long = dict(EXAMPLE, plans=[dict(EXAMPLE["plans"][0], end="2025-05-01")])
    status, _, _ = run("import_cases", str(write_jsonl(tmp_path / "a.jsonl", [too_long])))
    assert status == 0
    client = Client.objects.get(external_id="JP-2024-0001")
    assert client.hetu_encrypted
    assert "010594Y9032" not in client.hetu_encrypted
    assert client.responsible_organisation.municipality_code == "186"
    status, out, _ = run("client_deadlines", "--external-id", "JP-2024-0001", "--on", "2025-06-01")
    result = json.loads(out)
    assert result["problems"][0]["code"] == "first_plan_too_long"


def test_client_deadlines_matches_data_formats_field_for_field(demo, tmp_path):
    run("import_cases", str(write_jsonl(tmp_path / "a.jsonl", [EXAMPLE])))
    status, out, _ = run(
        "client_deadlines",
        "--external-id",
        "JP-2024-0001",
        "--on",
        "2025-06-01",
        "--format",
        "json",
    )
    assert status == 0
    assert json.loads(out) == {
        "external_id": "JP-2024-0001",
        "on": "2025-06-01",
        "plan_window_end": "2027-03-14",
        "max_plan_end": "2027-10-31",  # 2024-05-01 + (36 + 6) months − 1 day: old act
        "referral_due": "2024-11-01",
        "review_due": "2026-03-01",
        "problems": [],
    }
    assert Assessment.objects.get().status == "completed"
    assert PlanService.objects.get().status == "referred"
    assert AuditEvent.objects.filter(object_type="Deadlines", action="view").exists()
    # The day after the review was due, while the plan (extended on paper) still runs.

    assert (
        json.loads(
            run("client_deadlines", "--external-id", "JP-2024-0001", "--on", "2026-03-02")[1]
        )["problems"]
        == []
    )


def test_client_deadlines_every_problem_code(demo, tmp_path):
    case = {
        "external_id": "TU-1",
        "date_of_birth": "1980-02-29",
        "permit_basis": "work",
        "first_permit_date": "2020-01-15",
        "home_municipality_periods": [{"municipality": "858", "start": "2020-02-01", "end": None}],
        "assessments": [{"started": "2023-01-15"}],
        "plans": [
            {"start": "2021-01-01", "end": "2022-01-01"},
            {
                "start": "2023-01-15",
                "end": "2030-01-01",
                "extensions": [{"months": 10, "reason": None}, {"months": 16, "reason": "illness"}],
            },
        ],
    }
    run("import_cases", str(write_jsonl(tmp_path / "a.jsonl", [case])))
    status, out, _ = run("client_deadlines", "--external-id", "TU-1", "--on", "2025-06-01")
    result = json.loads(out)
    assert [p["code"] for p in result["problems"]] == [
        "assessment_outside_window",
        "plan_outside_window",
        "first_plan_too_long",
        "plans_exceed_max_length",
        "extension_without_reason",
        "extensions_exceed_cap",
        "no_service_by_referral_due",
        "review_overdue",
    ]
    assert result["plan_window_end"] == "2023-01-14"
    # First plan under the old act: 2021-01-01 + (36 + 26) months − 1 day; old cap 24 < 26.
    assert result["max_plan_end"] == "2026-02-28"


def test_client_deadlines_bad_arguments(demo):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("client_deadlines", "--external-id", "nobody")
    with pytest.raises(CommandError):
        call_command("client_deadlines", "--external-id", "x", "--on", "1.2.2025")


def test_csv_with_semicolons_bom_and_finnish_dates_and_xlsx(demo, tmp_path):
    header = "external_id;first_names;last_name;hetu;date_of_birth;permit_basis;first_permit_date;arrival_date;municipality;municipality_start;jobseeker;mother_tongue"
    body = "CSV-1;Liisa;Ahmed;;1.5.1994;asylum;15.3.2024;;186;1.4.2024;kyllä;so"
    path = tmp_path / "list.csv"
    path.write_bytes(("\ufeff" + header + "\n" + body + "\n").encode())
    status, out, err = run("import_cases", str(path))
    assert status == 0, err
    client = Client.objects.get(external_id="CSV-1")
    assert client.jobseeker
    assert client.first_permit_date == date(2024, 3, 15)
    assert client.languages.get().code == "so"

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header.split(";"))
    sheet.append(
        [
            "X-1",
            "Omar",
            "Ali",
            None,
            date(1990, 1, 1),
            "study",
            None,
            None,
            "858",
            date(2024, 1, 1),
            False,
            "ar",
        ]
    )
    sheet.append(
        ["X-2", "Bad", "Row", None, "2.2.1990", "nope", None, None, "858", None, False, None]
    )
    xlsx = tmp_path / "list.xlsx"
    book.save(xlsx)
    status, _, err = run("import_cases", str(xlsx))
    assert status == 1
    assert "line 3: permit_basis: unknown code 'nope'" in err
    assert "line 3: home_municipality_periods[0].start: required" in err
    assert not Client.objects.filter(external_id="X-1").exists()


def test_dry_run_stores_nothing(demo, tmp_path):
    status, out, _ = run(
        "import_cases", str(write_jsonl(tmp_path / "a.jsonl", [EXAMPLE])), "--dry-run"
    )
    assert status == 0
    assert "dry run" in out
    assert Client.objects.count() == 0


def test_daily_digest_mails_due_deadlines_without_names(demo, tmp_path, mailoutbox, settings):
    from kotopolku.casework.tests.factories import make_client

    settings.DEBUG = False  # the locmem backend of the tests, not the console
    make_client("DIG-1")  # no assessment: the P6 target is long past
    status, out, _ = run("casework_digest", "--on", "2026-01-15")
    assert status == 0
    mails = [m for m in mailoutbox if "caseworker-jarvenpaa" in m.to[0]]
    assert len(mails) == 1
    assert "DIG-1" in mails[0].body
    assert "Testi" not in mails[0].body
    # The mail named the client to its reader: on the client's log report, not a bulk read.
    from kotopolku.audit.models import AuditEvent

    named = AuditEvent.objects.filter(
        object_type="DeadlineDigest", client_id=Client.objects.get(external_id="DIG-1").pk
    )
    told = {m.to[0] for m in mailoutbox if "DIG-1" in m.body}
    assert sorted(row.actor.email for row in named) == sorted(told)
    assert "caseworker-jarvenpaa" in {row.actor.username for row in named}
    assert {row.reason_label for row in named} == {"päivittäinen määräaikakooste sähköpostilla"}


def test_identity_code_in_a_wrong_field_is_not_echoed(demo, tmp_path):
    row = dict(record(1), arrival_date="010594Y9032")
    status, _, err = run("import_cases", str(write_jsonl(tmp_path / "a.jsonl", [row])))
    assert status == 1
    assert "line 1: arrival_date:" in err
    assert "010594Y9032" not in err


def test_reimport_without_names_keeps_them(demo, tmp_path):
    run("import_cases", str(write_jsonl(tmp_path / "a.jsonl", [record(1)])))
    nameless = {k: v for k, v in record(1).items() if k not in ("first_names", "last_name")}
    status, _, _ = run("import_cases", str(write_jsonl(tmp_path / "b.jsonl", [nameless])))
    assert status == 0
    assert Client.objects.get(external_id="KU-00001").last_name == "Suku1"
