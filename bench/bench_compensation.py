"""Benchmark: the compensation forecast of Järvenpää (186) for 2025 over a realistic registry.

Loads N synthetic clients (default 10,000) into a throw-away SQLite database (or a PostgreSQL
database of this run's own with `--postgres SERVER_URL`, always dropped) with a mix of people
the rules (docs/domain.md C1–C4) count and people they do not, and times, by turns after a
warm-up run each:

- forecast: `compensation.selectors.forecast_compute("186", 2025)`: the two registry queries,
  the rule reads and the C1–C5 computation of every person read;
- preview: the what-if preview (the registry read once, the forecast under the live
  table and under a draft);
- floor: the same two registry reads as plain SQL rows, with no computation: what any forecast
  must at least read.

Targets: forecast median ≤ 2 s at 10,000 clients; preview ≤ 2 × forecast (ratio of the
medians). The mix is checked too: the persons with a counted month must be exactly the groups
the rules count, group by group (the bench fails otherwise).

The mix is derived from the rule table, not from legal numbers written here: the eligible and
the ineligible permit bases come from `compensation_eligible_bases` and the client model's
choices; "arrived too long ago" from the longest `compensation_period_years_*` in force; the
naturalised from `compensation_citizenship_kept_bases`. Only the shares are parameters.

    DEBUG=true .venv/bin/python bench/bench_compensation.py [--persons N] [--runs 5] \\
        [--postgres SERVER_URL] [--write RESULT.json]
"""

# The floor's SQL is built from constants and "%s" placeholders only, never from input.
# ruff: noqa: S608

import argparse
import os
import random
import sys
import tempfile
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import _timing  # noqa: E402 - bench/ is this script's own folder

LIMIT_SECONDS = 2.0
PREVIEW_RATIO = 2.0
YEAR = 2025
HOME, NEIGHBOUR, OUTSIDE = "186", "858", "091"  # Järvenpää, Tuusula, Helsinki (not in the region)

# Shares of the synthetic registry (data generation parameters). "counted": the rules give them
# at least one month of 2025 in Järvenpää; the others none, or they are not read at all.
MIX = (
    ("eligible, arrived recently", 0.40, True),
    ("eligible, first home elsewhere in Finland, moved in", 0.10, True),
    ("eligible, moved out of Järvenpää during the year", 0.05, True),
    ("eligible, naturalised, basis keeps the months", 0.02, True),
    ("eligible, arrived too long ago", 0.15, False),
    ("eligible, naturalised before the year", 0.06, False),
    ("permit basis not eligible", 0.17, False),
    ("lives in Tuusula only (not read)", 0.05, False),
)


def years_before(day: date, years: int) -> date:
    return date(day.year - years, day.month, min(day.day, 28))


def some_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def build_registry(persons: int, rng: random.Random) -> dict[str, set[int]]:
    """Create the clients and their home periods; return the client ids of each group."""
    from django.db import transaction

    from kotopolku.clients.models import Client, HomeMunicipalityPeriod
    from kotopolku.organisations.models import Organisation
    from kotopolku.rules.selectors import rule_value

    year_start, year_end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    eligible = list(rule_value("compensation_eligible_bases", on=year_start))
    kept = set(rule_value("compensation_citizenship_kept_bases", on=year_start))
    not_eligible = [b for b in Client.PermitBasis.values if b not in eligible]
    not_kept = [b for b in eligible if b not in kept]

    def period_years(on: date) -> tuple[int, int]:
        lengths = (
            rule_value("compensation_period_years_quota", on=on),
            rule_value("compensation_period_years_other", on=on),
        )
        return min(lengths), max(lengths)

    # Recent arrivals: every one of them still in the shortest period at the end of February
    # (a month's margin), so every one has a month counted; the earliest such start is found
    # by stepping back while the shortest period in force on that start still reaches it.
    recent_from = date(YEAR - 1, 12, 1)
    while True:
        earlier = recent_from - timedelta(days=30)
        if years_before(date(YEAR, 2, 28), period_years(earlier)[0]) > earlier:
            break
        recent_from = earlier
    recent_to = date(YEAR, 11, 30)
    # Too long ago: even the longest period in force on the start ended before the year.
    long_ago_to = years_before(year_start, period_years(year_start)[1] + 1)
    while years_before(year_start, period_years(long_ago_to)[1]) <= long_ago_to:
        long_ago_to = years_before(long_ago_to, 1)
    long_ago_from = years_before(long_ago_to, 8)

    orgs = {
        o.municipality_code: o
        for o in Organisation.objects.filter(municipality_code__in=[HOME, NEIGHBOUR, OUTSIDE])
    }
    shares = [share for _name, share, _counted in MIX]
    groups: dict[str, set[int]] = {name: set() for name, _s, _c in MIX}
    specs = []  # (group, client fields, [(code, start, end)])
    for n in range(persons):
        group = rng.choices([name for name, _s, _c in MIX], weights=shares)[0]
        basis = rng.choice(eligible)
        citizenship = None
        start = some_day(rng, recent_from, recent_to)
        periods = [(HOME, start, None)]
        if group.startswith("eligible, first home elsewhere"):
            move = some_day(rng, recent_from + timedelta(days=150), recent_to)
            start = move - timedelta(days=rng.randrange(30, 150))
            periods = [(OUTSIDE, start, move - timedelta(days=1)), (HOME, move, None)]
        elif group.startswith("eligible, moved out"):
            start = some_day(rng, recent_from, date(YEAR, 1, 1))
            out = some_day(rng, date(YEAR, 3, 1), date(YEAR, 10, 31))
            periods = [(HOME, start, out - timedelta(days=1)), (NEIGHBOUR, out, None)]
        elif group == "eligible, naturalised, basis keeps the months":
            basis = rng.choice(sorted(kept))
            citizenship = some_day(rng, start, year_end)
        elif group == "eligible, arrived too long ago":
            start = some_day(rng, long_ago_from, long_ago_to)
            periods = [(HOME, start, None)]
        elif group == "eligible, naturalised before the year":
            basis = rng.choice(not_kept)
            start = some_day(rng, recent_from, date(YEAR - 1, 11, 30))
            periods = [(HOME, start, None)]
            citizenship = some_day(rng, start + timedelta(days=1), date(YEAR, 1, 31))
        elif group == "permit basis not eligible":
            basis = rng.choice(not_eligible)
        elif group.startswith("lives in Tuusula"):
            periods = [(NEIGHBOUR, start, None)]
        first_home = periods[0][1]
        born = first_home - timedelta(days=rng.randrange(200, 70 * 365))
        specs.append(
            (
                group,
                Client(
                    external_id=f"BENCH-{n:06d}",
                    first_names="Bench",
                    last_name=f"Person {n}",
                    date_of_birth=born,
                    permit_basis=basis,
                    client_since=first_home,
                    citizenship_date=citizenship,
                ),
                periods,
            )
        )
    with transaction.atomic():
        clients = Client.objects.bulk_create([client for _g, client, _p in specs], batch_size=2000)
        rows = []
        for (group, _c, periods), client in zip(specs, clients, strict=True):
            groups[group].add(client.pk)
            for code, start, end in periods:
                rows.append(
                    HomeMunicipalityPeriod(
                        client=client,
                        municipality=orgs.get(code),  # none for Helsinki: not in the region
                        municipality_code=code,
                        start=start,
                        end=end,
                    )
                )
        HomeMunicipalityPeriod.objects.bulk_create(rows, batch_size=2000)
    return groups


def floor_read() -> int:
    """The forecast's registry reads as plain SQL rows: the clients with a period in 186
    during the year, and all their periods. No computation."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, c.external_id, c.first_names, c.last_name, c.date_of_birth, "
            "c.permit_basis, c.citizenship_date FROM clients_client c WHERE NOT c.archived AND "
            "c.id IN (SELECT h.client_id FROM clients_homemunicipalityperiod h WHERE "
            'h.municipality_code = %s AND h.start <= %s AND (h."end" IS NULL OR h."end" >= %s))',
            [HOME, date(YEAR, 12, 31), date(YEAR, 1, 1)],
        )
        clients = cursor.fetchall()
        ids = [row[0] for row in clients]
        periods = []
        for i in range(0, len(ids), 900):  # SQLite's limit of bound parameters
            chunk = ids[i : i + 900]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                'SELECT client_id, municipality_code, start, "end" FROM '
                f"clients_homemunicipalityperiod WHERE client_id IN ({marks})",
                chunk,
            )
            periods += cursor.fetchall()
    return len(clients) + len(periods)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=int(os.environ.get("BENCH_PERSONS", 10000)))
    parser.add_argument("--runs", type=int, default=5, help="rounds of the three sides")
    parser.add_argument("--postgres", metavar="SERVER_URL", default="")
    _timing.add_write_argument(parser)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotopolku.config.settings")
    os.environ.setdefault("DEBUG", "true")
    with ExitStack() as stack:
        if args.postgres:
            url = stack.enter_context(_timing.postgres_database(args.postgres, "kp_bench_comp"))
        else:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="kp_bench_comp_"))
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        os.environ["DATABASE_URL"] = url
        result = run(args, backend="postgresql" if args.postgres else "sqlite")
        from django.db import connections

        connections.close_all()
    _timing.write_result(args.write, result)
    return 0 if result["pass"] else 1


def run(args, *, backend: str) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from kotopolku.compensation.selectors import forecast as forecast_under
    from kotopolku.compensation.selectors import forecast_compute, people_for
    from kotopolku.demo.seed import seed_demo
    from kotopolku.rules import whatif
    from kotopolku.rules.book import RuleBook, parse_draft

    call_command("migrate", verbosity=0)
    seed_demo(with_users=False, clients=0)
    settings.DEBUG = False  # no query log: it would grow with every run
    groups = build_registry(args.persons, random.Random(8))

    def forecast():
        return forecast_compute(municipality_code=HOME, year=YEAR)

    draft_rows = {
        "rows": [
            {
                "key": "compensation_rate_municipality_7_plus",
                "value": "1800.00",
                "effective_from": f"{YEAR}-07-01",
            }
        ]
    }

    def preview():
        live = RuleBook.load()
        draft = live.with_draft(parse_draft(draft_rows, live)[1])
        people = people_for(
            municipality_code=HOME, first_day=date(YEAR, 1, 1), last_day=date(YEAR, 12, 31)
        )
        return whatif.compare_forecasts(
            forecast_under(HOME, YEAR, book=live, people=people),
            forecast_under(HOME, YEAR, book=draft, people=people),
        )

    # The mix, checked group by group against what the rules say of each group.
    result_forecast = forecast()
    counted_ids = {p.person.client_id for p in result_forecast.persons if p.compensation.months}
    months = sum(len(p.compensation.months) for p in result_forecast.persons)
    mix_rows, mix_ok = [], True
    for name, _share, counted in MIX:
        ids = groups[name]
        got = len(ids & counted_ids)
        want = len(ids) if counted else 0
        mix_ok &= got == want
        mix_rows.append({"group": name, "persons": len(ids), "expected": want, "counted": got})

    timings = _timing.interleave(
        {"forecast": forecast, "preview": preview, "floor": floor_read}, runs=args.runs, warmup=1
    )
    f = timings.summary("forecast")
    against_floor = timings.compare("forecast", "floor")
    preview_vs = timings.compare("preview", "forecast")
    forecast_ok = f.median <= LIMIT_SECONDS
    preview_ok = preview_vs.ratio <= PREVIEW_RATIO

    print(
        f"compensation forecast {HOME}/{YEAR}, {backend}: {args.persons} clients, "
        f"{len(counted_ids)} with a counted month, {months} person-months, total "
        f"{result_forecast.total} EUR; {_timing.conditions_text()}"
    )
    for row in mix_rows:
        mark = "" if row["counted"] == row["expected"] else "  MISMATCH"
        print(
            f"  {row['group']:55} {row['persons']:6} persons, counted {row['counted']:6} "
            f"(expected {row['expected']}){mark}"
        )
    print(f"  forecast  {f.text()}   CPU {timings.summary('forecast', cpu=True).text()}")
    print(f"  preview   {timings.summary('preview').text()}")
    print(f"  floor     {timings.summary('floor').text()} (the two registry reads, plain SQL)")
    print(f"  forecast / floor: {against_floor.text()}")
    print(f"  preview / forecast: {preview_vs.text()}")
    _timing.verdict(
        f"compensation forecast ({backend}, {args.persons} clients): median ≤ {LIMIT_SECONDS} s",
        f.text(),
        f"{timings.summary('floor').text()}, {against_floor.text()}",
        forecast_ok,
    )
    _timing.verdict(
        f"compensation what-if preview: ≤ {PREVIEW_RATIO} × forecast",
        f"{timings.summary('preview').text()}, {preview_vs.text()}",
        f"forecast {f.text()}",
        preview_ok,
    )
    _timing.verdict(
        "compensation: persons counted, group by group, as the rules say",
        f"{len(counted_ids)} counted",
        f"{sum(r['expected'] for r in mix_rows)} expected",
        mix_ok,
    )
    return {
        "benchmark": "compensation",
        "conditions": _timing.conditions(),
        "backend": backend,
        "persons": args.persons,
        "counted_persons": len(counted_ids),
        "person_months": months,
        "total_eur": str(result_forecast.total),
        "mix": mix_rows,
        "forecast_against_floor": against_floor.as_dict(),
        "preview_against_forecast": preview_vs.as_dict(),
        "pass": forecast_ok and preview_ok and mix_ok,
    }


if __name__ == "__main__":
    sys.exit(main())
