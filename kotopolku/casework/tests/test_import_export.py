"""import_cases on malformed and held-out-like files, and the export_cases round trip
(docs/data-formats.md)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from kotopolku.audit.models import AuditEvent
from kotopolku.casework.models import Assessment, IntegrationPlan, PlanReview, PlanService
from kotopolku.clients.models import Client, ClientLanguage, HomeMunicipalityPeriod

pytestmark = pytest.mark.django_db

BASE = {
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

VARIED = [
    BASE,
    {  # an old case: first home in Helsinki in 2008, then Järvenpää; old-law plans, 89 §
        "external_id": "HIST-2008-7",
        "first_names": "Ali",
        "last_name": "Rahimi",
        "date_of_birth": "1980-02-29",
        "permit_basis": "humanitarian_protection",
        "first_permit_date": "2008-01-10",
        "citizenship_date": "2016-06-01",
        "home_municipality_periods": [
            {"municipality": "858", "start": "2011-01-01", "end": None},
            {"municipality": "091", "start": "2008-01-15", "end": "2010-12-31"},
        ],
        "plans": [
            {
                "start": "2008-03-01",
                "end": "2009-02-28",
                "services": [
                    {"category": "integration_training", "started": "2008-04-01"},
                    {"category": "literacy", "referred": "2008-03-15", "started": None},
                ],
                "reviews": ["2009-01-15", "2008-09-01"],
                "extensions": [],
            },
            {
                "start": "2009-03-01",
                "end": "2011-12-31",
                "reviews": [],
                "extensions": [
                    {"months": 12, "reason": "illness", "note": "sairausloma"},
                    {"months": 3, "reason": None, "note": None},
                ],
            },
        ],
    },
    {  # names unknown, a merged-away municipality (Maaninka, 476) before 2015, then Kuopio
        "external_id": "KUO-1",
        "date_of_birth": "2001-12-31",
        "permit_basis": "quota_refugee",
        "home_municipality_periods": [
            {"municipality": "476", "start": "2010-05-01", "end": "2014-12-31"},
            {"municipality": "297", "start": "2015-01-01", "end": None},
        ],
        "jobseeker": True,
        "assessments": [{"started": "2010-06-01", "plan_needed": True}],
        "languages": [{"code": "prs", "mother_tongue": True}],
    },
    {  # temporary identity code, empty lists, no history keys at all
        "external_id": "A-0",
        "first_names": "Ödön Ä",
        "last_name": "Ng\u2028uyen",
        "hetu": "131052-900W",
        "date_of_birth": "1952-10-13",
        "permit_basis": "work",
        "home_municipality_periods": [],
    },
]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def write_lines(path, records):
    path.write_bytes(b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records))
    return path


def import_ok(path):
    status, out, err = run("import_cases", str(path))
    assert status == 0, err
    return out


def export(tmp_path, name, *args):
    target = tmp_path / name
    status, _, err = run("export_cases", "--output", str(target), *args)
    assert status == 0, err
    return target.read_bytes()


def wipe():
    Client.objects.all().delete()
    assert not HomeMunicipalityPeriod.all_rows.exists()
    assert not IntegrationPlan.all_rows.exists()


def test_round_trip_gives_the_same_bytes(demo, tmp_path):
    import_ok(write_lines(tmp_path / "in.jsonl", VARIED))
    first = export(tmp_path, "a.jsonl")
    wipe()
    import_ok(tmp_path / "a.jsonl")
    second = export(tmp_path, "b.jsonl")
    assert first == second
    assert first.count(b"\n") == len(VARIED)
    assert b"\\u2028" in first  # escaped: str.splitlines() would break the line there
    lines = [json.loads(line) for line in first.decode().splitlines()]
    # one client a line, sorted by external id, all fields in the contract's order
    assert [r["external_id"] for r in lines] == ["A-0", "HIST-2008-7", "JP-2024-0001", "KUO-1"]
    assert list(lines[2])[:8] == [
        "external_id",
        "first_names",
        "last_name",
        "hetu",
        "date_of_birth",
        "permit_basis",
        "first_permit_date",
        "arrival_date",
    ]
    old = lines[1]
    assert old["permit_basis"] == "humanitarian_protection"
    assert old["citizenship_date"] == "2016-06-01"
    assert old["home_municipality_periods"][0] == {
        "municipality": "091",
        "start": "2008-01-15",
        "end": "2010-12-31",
    }
    assert old["plans"][0]["reviews"] == ["2008-09-01", "2009-01-15"]
    assert old["plans"][1]["extensions"][0] == {
        "months": 12,
        "reason": "illness",
        "note": "sairausloma",
    }
    assert lines[3]["first_names"] is None  # invented names are not exported as data
    assert lines[3]["home_municipality_periods"][0]["municipality"] == "476"
    assert lines[0]["hetu"] == "131052-900W"
    assert lines[2] == {**lines[2], "hetu": "010594Y9032"}


def test_round_trip_of_a_selection_and_audit_per_client(demo, tmp_path):
    import_ok(write_lines(tmp_path / "in.jsonl", VARIED))
    body = export(tmp_path, "k.jsonl", "--municipality", "297")
    assert [json.loads(x)["external_id"] for x in body.decode().splitlines()] == ["KUO-1"]
    exported = AuditEvent.objects.filter(action="export", object_type="Client")
    assert exported.count() == 1
    body = export(tmp_path, "two.jsonl", "--external-id", "KUO-1", "--external-id", "A-0")
    assert [json.loads(x)["external_id"] for x in body.decode().splitlines()] == ["A-0", "KUO-1"]
    assert exported.count() == 3
    assert "010594Y9032" not in "".join(AuditEvent.objects.values_list("reason", flat=True))
    with pytest.raises(CommandError, match="no such client: NO"):
        run("export_cases", "--output", str(tmp_path / "x"), "--external-id", "NO")
    assert not (tmp_path / "x").exists()


def test_one_audit_row_per_imported_client_and_replaced_history_is_archived(demo, tmp_path):
    import_ok(write_lines(tmp_path / "a.jsonl", VARIED))
    imported = AuditEvent.objects.filter(object_type="Client", reason__startswith="import_cases")
    assert imported.count() == len(VARIED)
    assert set(imported.values_list("action", flat=True)) == {"create"}

    changed = dict(BASE, plans=[dict(BASE["plans"][0], end="2025-03-31")])
    changed["home_municipality_periods"] = [
        {"municipality": "186", "start": "2024-04-01", "end": "2024-12-31"},
        {"municipality": "858", "start": "2025-01-01", "end": None},
    ]
    import_ok(write_lines(tmp_path / "b.jsonl", [changed]))
    client = Client.objects.get(external_id="JP-2024-0001")
    assert [p.end.isoformat() for p in client.plans.all()] == ["2025-03-31"]
    assert IntegrationPlan.all_rows.filter(client=client, archived=True).count() == 1
    assert PlanService.all_rows.filter(plan__client=client, archived=True).count() == 1
    assert [p.municipality_code for p in client.home_periods.all()] == ["186", "858"]
    assert HomeMunicipalityPeriod.all_rows.filter(client=client, archived=True).count() == 1
    assert Assessment.objects.filter(client=client).count() == 1  # unchanged: left as it was
    assert imported.filter(action="update").count() == 1

    # The same file again changes nothing and archives nothing more.
    import_ok(write_lines(tmp_path / "c.jsonl", [changed]))
    assert IntegrationPlan.all_rows.filter(client=client).count() == 2


def test_malformed_files_name_every_line_and_store_nothing(demo, tmp_path):
    good = json.dumps(BASE).encode()
    other = dict(VARIED[2])
    lines = [
        good,  # 1
        json.dumps(dict(other, first_names="Ab\u0000c")).encode(),  # 2: NUL in a name
        b'{"external_id": "X-3", "last_name": "caf\xe9"}',  # 3: Latin-1, not UTF-8
        json.dumps(dict(BASE, external_id="DUP-4")).encode(),  # 4: same hetu as line 1
        json.dumps(dict(other, external_id="S-5", last_name="a\ud800b")).encode(),  # 5
        json.dumps(
            dict(
                other,
                external_id="R-6",
                plans=[{"start": "2024-05-01", "end": "2024-12-31", "reviews": ["2024-04-30"]}],
            )
        ).encode(),  # 6: review before its plan
        b'{"external_id": "K-7", "external_id": "K-8"}',  # 7: a key twice
        json.dumps(
            dict(
                other,
                external_id="M-8",
                home_municipality_periods=[
                    {"municipality": "476", "start": "2016-01-01", "end": None}
                ],
            )
        ).encode(),  # 8: Maaninka was merged into Kuopio in 2015
        json.dumps(dict(other, external_id="C-9", languages=[{"code": "f\ti"}])).encode(),
    ]
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    offset = len(lines[0]) + 1 + len(lines[1]) + 1 + lines[2].index(b"\xe9")
    status, out, err = run("import_cases", str(path))
    assert status == 1
    assert "line 2: first_names: control character U+0000" in err
    assert f"line 3: file: not UTF-8 (byte {offset})" in err
    assert "line 4: hetu: also on line 1" in err
    assert "line 5: last_name: lone surrogate U+D800" in err
    assert "line 6: plans[0].reviews[0]: before the plan's start 2024-05-01" in err
    assert "line 7: external_id: given twice" in err
    assert "line 8: home_municipality_periods[0].municipality: municipality 476" in err
    assert "line 9: languages[0].code: control character U+0009" in err
    assert "010594Y9032" not in err
    assert Client.objects.count() == 0
    assert AuditEvent.objects.filter(object_type="Client").count() == 0


def test_hetu_of_another_stored_client_is_refused_with_its_line(demo, tmp_path):
    import_ok(write_lines(tmp_path / "a.jsonl", [BASE]))
    status, _, err = run(
        "import_cases",
        str(write_lines(tmp_path / "b.jsonl", [VARIED[2], dict(BASE, external_id="NEW-1")])),
    )
    assert status == 1
    assert "line 2: hetu: " in err
    assert Client.objects.count() == 1


def test_csv_not_utf8_and_a_quoted_line_break_keep_line_numbers(demo, tmp_path):
    header = b"external_id;first_names;last_name;date_of_birth;permit_basis;municipality;municipality_start;citizenship_date\n"
    rows = (
        b'C-1;"Two\nlines";A;1.5.1994;asylum;091;1.4.2024;\n'  # lines 2-3
        b"C-2;Ren\xe9;B;1.5.1994;asylum;186;1.4.2024;\n"  # line 4
        b"C-3;Ok;C;1.5.1994;humanitarian_protection;186;1.4.2024;1.1.2024\n"  # line 5
    )
    path = tmp_path / "list.csv"
    path.write_bytes(header + rows)
    status, _, err = run("import_cases", str(path))
    assert status == 1
    offset = len(header) + rows.index(b"\xe9")
    assert f"line 4: file: not UTF-8 (byte {offset})" in err
    assert "line 2: first_names: control character U+000A" in err  # a record's first line
    assert err.count("line ") == 2
    path.write_bytes(header + rows.replace(b"\xe9", b"e").replace(b"Two\nlines", b"Two;lines"))
    import_ok(path)
    assert Client.objects.get(external_id="C-1").home_periods.get().municipality_code == "091"
    assert Client.objects.get(external_id="C-3").permit_basis == "humanitarian_protection"


def test_dry_run_checks_everything_and_stores_nothing(demo, tmp_path):
    status, out, _ = run(
        "import_cases", str(write_lines(tmp_path / "a.jsonl", VARIED)), "--dry-run"
    )
    assert status == 0
    assert "4 record(s) are valid" in out
    assert Client.objects.count() == 0
    assert ClientLanguage.objects.count() == 0
    assert PlanReview.all_rows.count() == 0


def test_progress_bar_only_on_a_terminal():
    from kotopolku.casework.management.commands.import_cases import Progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        bar = Progress(stream, 1000, "import")
        bar.update(500, 10)
        bar.update(1000, 20)
        bar.finish()
    assert "\rimport [###############...............]  50 % 10 record(s)" in terminal.getvalue()
    assert terminal.getvalue().endswith("100 % 20 record(s)\n")
    assert pipe.getvalue() == ""


def numbered(n: int) -> dict:
    """BASE as client n: its own external id and identity code (born 1990-01-15)."""
    number = f"150190{n:03d}"
    code = f"150190-{n:03d}{'0123456789ABCDEFHJKLMNPRSTUVWXY'[int(number) % 31]}"
    plan = BASE["plans"][0]
    return dict(
        BASE,
        external_id=f"Q-{n:04d}",
        hetu=code,
        date_of_birth="1990-01-15",
        home_municipality_periods=[
            {"municipality": "091", "start": "2020-01-01", "end": "2023-12-31"},
            {"municipality": ("186", "858", "106")[n % 3], "start": "2024-01-01", "end": None},
        ],
        plans=[plan, dict(plan, start="2025-05-01", end="2025-12-31", reviews=[], extensions=[])],
    )


def test_import_queries_do_not_grow_with_the_records(demo, tmp_path):
    """Validation reads each reference table once and the rows go in batches: 100 records take
    no more queries than 10 (a new batch adds a constant; IMPORT_BATCH is larger than 100)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for size, first in ((10, 2), (100, 20)):
        path = write_lines(tmp_path / f"{size}.jsonl", [numbered(first + n) for n in range(size)])
        with CaptureQueriesContext(connection) as new:
            import_ok(path)
        with CaptureQueriesContext(connection) as again:  # every client an update, no change
            import_ok(path)
        counts[size] = (len(new), len(again))
        reasons = AuditEvent.objects.filter(reason__startswith="import_cases").order_by("-id")
        # The stored history (periods, languages, assessments, plans) read back equals the file.
        assert set(reasons[:size].values_list("reason", flat=True)) == {"import_cases: unchanged"}
    assert Client.objects.filter(external_id__startswith="Q-").count() == 110
    assert IntegrationPlan.objects.filter(client__external_id__startswith="Q-").count() == 220
    assert counts[100] == counts[10], counts
