"""Benchmark: import_cases and export_cases on a generated case file.

Generates N records (default 10,000) across 1999–2026 and across municipalities (the region's
and others, merged codes included), most with an identity code, languages, an assessment and one
or two plans with services, reviews and extensions. Each round copies a migrated, seeded
throw-away SQLite database, imports the file, re-imports it (every client an update, nothing
changed) and exports everything; the floor (reading and parsing the file) runs before those in
one round and after them in the next. Round 0 is a warm-up and not counted. Each side is reported
as the median and min–max over the rounds, wall and CPU time.

Target: ≥ 1,000 records per CPU second for the first import (median).

    DEBUG=true .venv/bin/python bench/bench_import.py [--records N] [--runs 3] [--write RESULT.json]
"""

import argparse
import io
import json
import os
import random
import shutil
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import _timing  # noqa: E402 - bench/ is this script's own folder

TARGET_PER_SECOND = 1000
CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CODES = ["186", "858", "106", "505", "543", "611", "091", "049", "092", "837", "564", "853"]


def hetu(day: date, n: int) -> str:
    sign = "-" if day.year < 2000 else "A"
    number = f"{day:%d%m%y}{n:03d}"
    return f"{day:%d%m%y}{sign}{n:03d}{CHECK[int(number) % 31]}"


def record(n: int, rng: random.Random) -> dict:
    born = date(1950, 1, 1) + timedelta(days=(n * 7919) % 25000)  # unique: no hetu twice
    arrived = max(born, date(1999, 5, 1) + timedelta(days=rng.randrange(9800)))
    first = rng.choice(CODES)
    periods = [{"municipality": first, "start": arrived.isoformat(), "end": None}]
    if rng.random() < 0.3:
        moved = arrived + timedelta(days=rng.randrange(30, 900))
        periods[0]["end"] = (moved - timedelta(days=1)).isoformat()
        periods.append({"municipality": rng.choice(CODES[:6]), "start": moved.isoformat()})
        periods[-1]["end"] = None
    start = arrived + timedelta(days=rng.randrange(10, 200))
    plans = [
        {
            "start": start.isoformat(),
            "end": (start + timedelta(days=364)).isoformat(),
            "services": [
                {"category": "social_orientation", "referred": start.isoformat()},
                {
                    "category": "integration_training",
                    "started": (start + timedelta(30)).isoformat(),
                },
            ],
            "reviews": [(start + timedelta(days=300)).isoformat()],
            "extensions": [{"months": 6, "reason": "literacy", "note": "luku- ja kirjoitustaito"}]
            if n % 5 == 0
            else [],
        }
    ]
    if n % 3 == 0:
        second = start + timedelta(days=365)
        plans.append({"start": second.isoformat(), "end": (second + timedelta(200)).isoformat()})
    row = {
        "external_id": f"BI-{n:06d}",
        "first_names": f"Etu{n}",
        "last_name": f"Suku{n}",
        "hetu": hetu(born, 2 + n % 898) if n % 10 else None,
        "date_of_birth": born.isoformat(),
        "permit_basis": rng.choice(["asylum", "work", "quota_refugee", "humanitarian_protection"]),
        "first_permit_date": arrived.isoformat(),
        "arrival_date": arrived.isoformat(),
        "home_municipality_periods": periods,
        "jobseeker": n % 2 == 0,
        "languages": [{"code": "ar", "mother_tongue": True}, {"code": "fi", "level": "A1.2"}],
        "assessments": [
            {"started": (start - timedelta(days=7)).isoformat(), "multi_agency": False}
        ],
        "plans": plans,
    }
    if n % 7 == 0:
        row["citizenship_date"] = (arrived + timedelta(days=2000)).isoformat()
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3, help="rounds, each on a fresh database")
    _timing.add_write_argument(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kp_bench_import_") as tmp:
        result = run(args, Path(tmp))
    _timing.write_result(args.write, result)
    return 0 if result["pass"] else 1


def run(args, tmp: Path) -> dict:
    template = tmp / "template.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{template}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotopolku.config.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    from kotopolku.demo.seed import seed_demo

    call_command("migrate", verbosity=0)
    seed_demo(with_users=False, clients=0)
    # DEBUG=true only for the keys' development defaults: production does not log every query.
    settings.DEBUG = False
    rng = random.Random(15)
    path = tmp / "cases.jsonl"
    with path.open("w", encoding="utf-8") as stream:
        for n in range(args.records):
            stream.write(json.dumps(record(n, rng)) + "\n")

    def use(database: Path) -> None:
        connections.close_all()
        connections["default"].settings_dict["NAME"] = str(database)

    def command(*argv) -> None:
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command(*argv, stdout=out, stderr=err)
        except SystemExit as exc:
            raise SystemExit(f"{argv[0]} failed: {err.getvalue()[:2000]}") from exc

    def floor() -> None:
        """Reading and parsing the file: what any import does before its first row."""
        with path.open(encoding="utf-8") as stream:
            for line in stream:
                json.loads(line)

    sides = {
        "import": lambda: command("import_cases", str(path)),
        "re-import": lambda: command("import_cases", str(path)),
        "export": lambda: command("export_cases", "--output", str(tmp / "export.jsonl")),
    }
    timings = _timing.Timings(
        {n: [] for n in [*sides, "floor"]}, {n: [] for n in [*sides, "floor"]}
    )
    connections.close_all()
    # Each round imports into a fresh copy of the migrated, seeded database; the import, the
    # re-import and the export depend on each other, so they run in that order, and the floor
    # runs before them in one round and after them in the next. Round 0 is a warm-up.
    for r in range(args.runs + 1):
        database = tmp / f"round-{r}.sqlite3"
        shutil.copyfile(template, database)
        use(database)
        order = list(sides)
        order = ["floor", *order] if r % 2 else [*order, "floor"]
        for name in order:
            wall, cpu = _timing.time_once(floor if name == "floor" else sides[name])
            if r:
                timings.record(name, wall, cpu)
        use(template)
        database.unlink()

    n = args.records
    print(f"case-file import, {n} records, SQLite, {args.runs} rounds; {_timing.conditions_text()}")
    result = {"benchmark": "import", "conditions": _timing.conditions(), "records": n, "sides": {}}
    for name in [*sides, "floor"]:
        wall, cpu = timings.summary(name), timings.summary(name, cpu=True)
        print(
            f"  {name:9}  {n / wall.median:7.0f}/s wall ({wall.text()}), "
            f"{n / cpu.median:7.0f}/s CPU ({cpu.text()})"
        )
        result["sides"][name] = {"wall": wall.as_dict(), "cpu": cpu.as_dict()}
    first = timings.summary("import", cpu=True)
    against_floor = timings.compare("import", "floor", cpu=True)
    ok = n / first.median >= TARGET_PER_SECOND
    # SQLite runs in this process, so CPU time includes the database's work and is the fairer
    # figure on a shared machine; the wall time is printed above.
    _timing.verdict(
        f"case-file import ({n} records): ≥ {TARGET_PER_SECOND} records per CPU second",
        f"{n / first.median:.0f}/s (CPU {first.text()}), {against_floor.text()}",
        f"reading and parsing the file, CPU {against_floor.floor.text()}",
        ok,
    )
    result["import_against_floor_cpu"] = against_floor.as_dict()
    result["pass"] = ok
    return result


if __name__ == "__main__":
    sys.exit(main())
