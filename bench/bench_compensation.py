"""Benchmark: the compensation forecast of Järvenpää (186) for 2025 over a realistic registry.

Loads synthetic clients (default: the target's size, 25,000 clients of whom 10,000 are eligible,
i.e. have a month the rules count) into a throw-away SQLite database (or a PostgreSQL database of
this run's own with `--postgres SERVER_URL`, always dropped) with a mix of people the rules
(docs/domain.md C1–C4) count and people they do not, for different reasons (arrived too long
ago, a permit basis that is not eligible, naturalised, moved out of the region, never lived in
Järvenpää), and times, by turns after a warm-up run each:

- forecast: `compensation.selectors.forecast_compute("186", 2025)`: the rule reads, the two
  registry queries (C1 first, in SQL: only the candidates are read) and the C1–C5 computation
  of every person read;
- preview: the what-if preview as `rules.previews.whatif_compute` does it (the candidates of
  the live table and a draft read once, the forecast under each);
- floor: the two registry reads of every client with a period in 186 during the year as plain
  SQL rows, with no candidate filter and no computation.

Targets: forecast median ≤ 1 s at 10,000 eligible of 25,000 clients, other sizes at
the same rate per eligible person (linear in persons); preview ≤ 2 × forecast (ratio of the
medians). The mix is checked too: the persons with a counted month must be exactly the groups
the rules count, group by group (the bench fails otherwise).

The mix is derived from the rule table, not from legal numbers written here: the eligible and
the ineligible permit bases come from `compensation_eligible_bases` and the client model's
choices; "arrived too long ago" from the longest `compensation_period_years_*` in force; the
naturalised from `compensation_citizenship_kept_bases`. Only the group weights are parameters.

    DEBUG=true .venv/bin/python bench/bench_compensation.py [--clients 25000 --eligible 10000]
        [--runs 5] [--postgres SERVER_URL] [--write RESULT.json]
    (--persons N: the earlier form, N clients in the weights' shares)
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

PREVIEW_RATIO = 2.0
YEAR = 2025
HOME, NEIGHBOUR, OUTSIDE = "186", "858", "091"  # Järvenpää, Tuusula, Helsinki (not in the region)

# Weights of the synthetic registry's groups (data generation parameters). "counted": the rules
# give them at least one month of 2025 in Järvenpää; the others none, or they are not read at
# all. With `--eligible E` the counted groups share E persons and the others the rest of the
# clients, each in proportion to its weight; without it every group gets its weight's share.
MIX = (
    ("eligible, arrived recently", 0.40, True),
    ("eligible, first home elsewhere in Finland, moved in", 0.10, True),
    ("eligible, moved out of Järvenpää during the year", 0.05, True),
    ("eligible, naturalised, basis keeps the months", 0.02, True),
    ("eligible, arrived too long ago", 0.15, False),
    ("eligible, naturalised before the year", 0.06, False),
    ("permit basis not eligible", 0.17, False),
    ("eligible, moved out of the region before the year (not read)", 0.03, False),
    ("lives in Tuusula only (not read)", 0.05, False),
)
# The target: 10,000 eligible among 25,000 clients in ≤ 1 s. Other sizes are held to
# the same rate per eligible person (linear in persons).
TARGET_CLIENTS, TARGET_ELIGIBLE, TARGET_SECONDS = 25_000, 10_000, 1.0


def group_sizes(clients: int, eligible: int | None) -> dict[str, int]:
    """The number of persons of each group: exact, by largest remainders."""
    if eligible is None:
        parts = [(clients, MIX)]
    else:
        if not 0 <= eligible <= clients:
            raise SystemExit("--eligible must be between 0 and --clients")
        parts = [
            (eligible, [g for g in MIX if g[2]]),
            (clients - eligible, [g for g in MIX if not g[2]]),
        ]
    sizes: dict[str, int] = {}
    for total, groups in parts:
        weight = sum(share for _n, share, _c in groups)
        exact = {name: total * share / weight for name, share, _c in groups}
        part = {name: int(x) for name, x in exact.items()}
        rest = total - sum(part.values())
        for name in sorted(exact, key=lambda n: part[n] - exact[n])[:rest]:
            part[name] += 1
        sizes.update(part)
    return {name: sizes[name] for name, _s, _c in MIX}


def years_before(day: date, years: int) -> date:
    return date(day.year - years, day.month, min(day.day, 28))


def some_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def build_registry(sizes: dict[str, int], rng: random.Random) -> dict[str, set[int]]:
    """Create the clients of each group (`group_sizes`, in random order) and their home
    periods; return the client ids of each group."""
    from django.db import transaction

    from kotopolku.clients.models import Client, HomeMunicipalityPeriod
    from kotopolku.organisations.models import Organisation
    from kotopolku.rules.selectors import rule_value

    year_start, year_end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    eligible = sorted(rule_value("compensation_eligible_bases", on=year_start))
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
    order = [name for name, size in sizes.items() for _ in range(size)]
    rng.shuffle(order)
    groups: dict[str, set[int]] = {name: set() for name, _s, _c in MIX}
    specs = []  # (group, client fields, [(code, start, end)])
    for n, group in enumerate(order):
        basis = rng.choice(eligible)
        citizenship = None
        start = some_day(rng, recent_from, recent_to)
        periods = [(HOME, start, None)]
        if group.startswith("eligible, first home elsewhere"):
            move = some_day(rng, recent_from + timedelta(days=150), recent_to)
            start = move - timedelta(days=rng.randrange(30, 150))
            periods = [(OUTSIDE, start, move - timedelta(days=1)), (HOME, move, None)]
        elif group == "eligible, moved out of Järvenpää during the year":
            start = some_day(rng, recent_from, date(YEAR, 1, 1))
            out = some_day(rng, date(YEAR, 3, 1), date(YEAR, 10, 31))
            periods = [(HOME, start, out - timedelta(days=1)), (NEIGHBOUR, out, None)]
        elif group.startswith("eligible, moved out of the region"):
            start = some_day(rng, recent_from - timedelta(days=365), recent_from)
            out = some_day(rng, start + timedelta(days=30), date(YEAR - 1, 12, 31))
            periods = [(HOME, start, out - timedelta(days=1)), (OUTSIDE, out, None)]
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
    parser.add_argument(
        "--clients",
        type=int,
        default=int(os.environ.get("BENCH_CLIENTS", TARGET_CLIENTS)),
        help="clients in the registry (default: the target's 25,000)",
    )
    parser.add_argument(
        "--eligible",
        type=int,
        default=None,
        help="of them, persons the rules count (default: the target's 10,000 at its 25,000 "
        "clients, else the weights' share)",
    )
    parser.add_argument(
        "--persons",
        type=int,
        default=None,
        help="the earlier option: N clients in the weights' shares (no --eligible)",
    )
    parser.add_argument("--runs", type=int, default=5, help="rounds of the three sides")
    parser.add_argument("--postgres", metavar="SERVER_URL", default="")
    _timing.add_write_argument(parser)
    args = parser.parse_args()
    if args.persons is not None:
        args.clients = args.persons
    elif args.eligible is None and args.clients == TARGET_CLIENTS:
        args.eligible = TARGET_ELIGIBLE
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

    from kotopolku.common.collector import collector_paused
    from kotopolku.compensation.selectors import forecast as forecast_under
    from kotopolku.compensation.selectors import forecast_compute
    from kotopolku.demo.seed import seed_demo
    from kotopolku.rules import whatif
    from kotopolku.rules.book import RuleBook, parse_draft
    from kotopolku.rules.previews import people_under_either

    call_command("migrate", verbosity=0)
    seed_demo(with_users=False, clients=0)
    settings.DEBUG = False  # no query log: it would grow with every run
    sizes = group_sizes(args.clients, args.eligible)
    eligible = sum(sizes[name] for name, _s, counted in MIX if counted)
    # The target at its size; any other size at the same rate per eligible person.
    limit = TARGET_SECONDS * eligible / TARGET_ELIGIBLE
    groups = build_registry(sizes, random.Random(8))
    if backend == "postgresql":
        # As autovacuum does on a production database in its own time: the planner's
        # statistics of the tables just loaded (without them it plans for empty tables).
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

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
        # As `rules.previews.whatif_compute`: the candidates of either table, read once, and
        # one pause of the cyclic collector over the whole.
        with collector_paused():
            people = people_under_either(HOME, YEAR, live, draft)
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
    f_cpu = timings.summary("forecast", cpu=True)
    forecast_ok = f.median <= limit
    preview_ok = preview_vs.ratio <= PREVIEW_RATIO

    print(
        f"compensation forecast {HOME}/{YEAR}, {backend}: {args.clients} clients, "
        f"{len(counted_ids)} with a counted month ({eligible} expected), {months} person-months, "
        f"total {result_forecast.total} EUR; {_timing.conditions_text()}"
    )
    for row in mix_rows:
        mark = "" if row["counted"] == row["expected"] else "  MISMATCH"
        print(
            f"  {row['group']:62} {row['persons']:6} persons, counted {row['counted']:6} "
            f"(expected {row['expected']}){mark}"
        )
    print(f"  forecast  {f.text()}   CPU {f_cpu.text()}")
    per_person = 1e6 / max(eligible, 1)
    print(
        f"  per eligible person: {f.median * per_person:.1f} µs wall, "
        f"{f_cpu.median * per_person:.1f} µs CPU (medians; "
        f"{f.median * 1e6 / max(args.clients, 1):.1f} µs wall per client)"
    )
    print(f"  preview   {timings.summary('preview').text()}")
    print(f"  floor     {timings.summary('floor').text()} (the two registry reads, plain SQL)")
    print(f"  forecast / floor: {against_floor.text()}")
    print(f"  preview / forecast: {preview_vs.text()}")
    _timing.verdict(
        f"compensation forecast ({backend}, {eligible} eligible of {args.clients} clients): "
        f"median ≤ {limit:.2f} s"
        + (
            " (the target's size)"
            if (eligible, args.clients) == (TARGET_ELIGIBLE, TARGET_CLIENTS)
            else f" (the target's rate: {TARGET_SECONDS} s per {TARGET_ELIGIBLE} eligible)"
        ),
        f"{f.text()}, CPU {f_cpu.text()}",
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
        "clients": args.clients,
        "eligible": eligible,
        "limit_seconds": round(limit, 4),
        "counted_persons": len(counted_ids),
        "person_months": months,
        "total_eur": str(result_forecast.total),
        "mix": mix_rows,
        "forecast_cpu": f_cpu.as_dict(),
        "forecast_against_floor": against_floor.as_dict(),
        "preview_against_forecast": preview_vs.as_dict(),
        "pass": forecast_ok and preview_ok and mix_ok,
    }


if __name__ == "__main__":
    sys.exit(main())
