"""Benchmark: the case worker's worklist at two caseload sizes.

Two case workers in a database of 100,000 clients and about 1,000,000 related rows (home
periods, languages, assessments, plans, plan services, reviews, referrals): Järvenpää's is
responsible for 300 open clients, Tuusula's for 15,000. Times GET /casework/ for both, the
requests interleaved (small, large, small, large …) so that a busy moment of the shared machine
hits both alike, through Django's test client (the whole server side: middleware, access, the
SQL order and page, the deadline function for the 25 rows shown, the template), and counts the
queries. Targets: median ≤ 20 ms at 300 clients, ≤ 1.5 × that at 15,000, and the
same query count for both.

The two worklists and the floor, `GET /healthz` through the same client and middleware (what
any request costs before the view does its work), run by turns (`_timing.interleave`: small,
large, floor; the order rotates every round) after five warm-up requests each, which also store
the clients' order keys (docs/adr/0009): the steady state is measured.

    DEBUG=true .venv/bin/python bench/bench_worklist.py                      # SQLite (temp file)
    DEBUG=true .venv/bin/python bench/bench_worklist.py --postgres \\
        postgres://postgres@127.0.0.1:5432/postgres   # a database of the run's own, dropped

Options: --clients N (default 100000), --mine N (default 300), --many N (default 15000),
--runs N (default 21 rounds), --sqlite-file PATH (keep the loaded SQLite database there and
reuse it), --profile N (also profile N requests of each worklist with cProfile and print the
costliest functions), --write PATH (results as JSON).
"""

import argparse
import os
import random
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import _timing  # noqa: E402 - bench/ is this script's own folder

TARGET_MS = 20
TARGET_RATIO = 1.5


def load(total: int, mine: int, many: int) -> int:
    """Bulk-load synthetic clients; returns the number of related rows."""
    from django.db import OperationalError, connection

    from kotopolku.organisations.models import Organisation

    rng = random.Random(4)
    jarvenpaa = Organisation.objects.get(municipality_code="186")
    tuusula = Organisation.objects.get(municipality_code="858")
    others = list(
        Organisation.objects.filter(kind="municipality")
        .exclude(pk__in=[jarvenpaa.pk, tuusula.pk])
        .order_by("pk")
    )
    employment = Organisation.objects.get(kind="employment_area")
    categories = ["social_orientation", "integration_training", "language_studies", "guidance"]
    bases = ["asylum", "work", "family", "quota_refugee", "study", "trafficking_victim"]
    related = 0
    batch = 5000
    orgs = (jarvenpaa, tuusula, many, others, employment, categories, bases)
    for offset in range(0, total, batch):
        for attempt in range(10):
            try:
                related += _load_batch(offset, min(offset + batch, total), mine, rng, orgs)
                break
            except OperationalError as exc:  # PostgreSQL restarted (make fault); retry the batch
                print(f"\nbatch at {offset} failed ({exc}); retrying", file=sys.stderr)
                connection.close()
                time.sleep(5 + attempt * 5)
        else:
            raise SystemExit("the database kept failing")
        print(f"\rloaded {min(offset + batch, total)}/{total} clients", end="", file=sys.stderr)
    print(file=sys.stderr)
    return related


def _load_batch(start_n: int, end_n: int, mine: int, rng, orgs) -> int:
    from django.db import transaction

    from kotopolku.casework.models import (
        Assessment,
        IntegrationPlan,
        PlanReview,
        PlanService,
        Referral,
    )
    from kotopolku.clients.models import Client, ClientLanguage, HomeMunicipalityPeriod

    jarvenpaa, tuusula, many, others, employment, categories, bases = orgs
    related = 0
    with transaction.atomic():
        clients = []
        for n in range(start_n, end_n):
            if n < mine:
                org = jarvenpaa
            elif n < mine + many:
                org = tuusula
            else:
                org = others[n % len(others)]
            since = date(2023, 1, 1) + timedelta(days=rng.randrange(1200))
            clients.append(
                Client(
                    external_id=f"BW-{n:06d}",
                    first_names="Bench",
                    last_name=f"Person {n:06d}",
                    date_of_birth=date(1960, 1, 1) + timedelta(days=rng.randrange(20000)),
                    permit_basis=rng.choice(bases),
                    first_permit_date=since - timedelta(days=rng.randrange(200)),
                    client_since=since,
                    responsible_organisation=org,
                )
            )
        clients = Client.objects.bulk_create(clients)
        periods, languages, assessments, plans = [], [], [], []
        for c in clients:
            org = c.responsible_organisation
            periods.append(
                HomeMunicipalityPeriod(
                    client=c,
                    municipality=org,
                    municipality_code=org.municipality_code,
                    start=c.client_since,
                )
            )
            languages.append(ClientLanguage(client=c, code="ar", mother_tongue=True))
            languages.append(ClientLanguage(client=c, code="fi", level="A1.2"))
            started = c.client_since + timedelta(days=rng.randrange(60))
            assessments.append(
                Assessment(
                    client=c,
                    organisation=org,
                    started=started,
                    completed=started + timedelta(days=14),
                    status="completed",
                    plan_needed=True,
                )
            )
            start = started + timedelta(days=30)
            plans.append(
                IntegrationPlan(
                    client=c, organisation=org, start=start, end=start + timedelta(days=364)
                )
            )
        HomeMunicipalityPeriod.objects.bulk_create(periods)
        ClientLanguage.objects.bulk_create(languages)
        Assessment.objects.bulk_create(assessments)
        plans = IntegrationPlan.objects.bulk_create(plans)
        services, reviews, referrals = [], [], []
        for p in plans:
            for k in range(3):
                referred = p.start + timedelta(days=rng.randrange(250)) if k < 2 else None
                services.append(
                    PlanService(
                        plan=p,
                        category_id=categories[(p.pk + k) % len(categories)],
                        status="referred" if referred else "planned",
                        referred=referred,
                    )
                )
            reviews.append(PlanReview(plan=p, day=p.start + timedelta(days=180)))
            referrals.append(
                Referral(
                    client_id=p.client_id,
                    from_organisation_id=p.organisation_id,
                    to_organisation=employment,
                    reason="bench",
                    consent_reference="bench",
                    sent_on=p.start,
                    response_due=p.start + timedelta(days=14),
                    status="completed",
                    outcome="bench",
                )
            )
        PlanService.objects.bulk_create(services)
        PlanReview.objects.bulk_create(reviews)
        Referral.objects.bulk_create(referrals)
        related += (
            len(periods)
            + len(languages)
            + len(assessments)
            + len(plans)
            + len(services)
            + len(reviews)
            + len(referrals)
        )
    return related


SIZES = (("small", "caseworker-jarvenpaa"), ("large", "caseworker-tuusula"))


def measure(runs: int) -> tuple[_timing.Timings, dict[str, dict]]:
    """The two worklists and the floor by turns; per worklist also its query count and size."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext

    from kotopolku.casework.selectors import caseload

    facts: dict[str, dict] = {}
    sides = {}

    def get(http: HttpClient, path: str):
        def run() -> None:
            response = http.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")

        return run

    for size, username in SIZES:
        user = get_user_model().objects.get(username=username)
        http = HttpClient()
        http.force_login(user)
        sides[size] = get(http, "/casework/")
        facts[size] = {"rows": caseload(user=user).count()}
    sides["floor"] = get(http, "/healthz")
    # Warm-up (templates, translations, connection, session; the order keys stored, at most
    # 5,000 a request) and then the rounds; not inside CaptureQueriesContext, whose debug
    # cursor formats every statement with its parameters, which the server does not do.
    timings = _timing.interleave(sides, runs=runs, warmup=5)
    for size, _username in SIZES:
        with CaptureQueriesContext(connection) as captured:
            sides[size]()
        facts[size]["queries"] = len(captured)
    return timings, facts


def profile(requests: int, top: int = 30) -> None:
    """cProfile of `requests` worklist requests per size: the costliest functions by own time
    and by cumulative time."""
    import cProfile
    import pstats

    from django.contrib.auth import get_user_model
    from django.test import Client as HttpClient

    for size, username in SIZES:
        http = HttpClient()
        http.force_login(get_user_model().objects.get(username=username))
        http.get("/casework/")
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            http.get("/casework/")
        profiler.disable()
        print(f"\n== cProfile, {requests} requests of the {size} worklist ({username})")
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("tottime").print_stats(top)
        stats.sort_stats("cumulative").print_stats(top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--mine", type=int, default=300)
    parser.add_argument("--many", type=int, default=15_000)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument(
        "--postgres",
        metavar="SERVER_URL",
        default="",
        help="PostgreSQL server URL: a database of this run's own is created there and dropped",
    )
    parser.add_argument(
        "--database",
        metavar="DATABASE_URL",
        default="",
        help="an existing database of your own: loaded when it has no clients, reused after, "
        "never dropped (to compare two trees on the same data)",
    )
    parser.add_argument(
        "--sqlite-wal",
        action="store_true",
        help="SQLite in WAL mode with synchronous=NORMAL (no disk sync on every commit)",
    )
    parser.add_argument(
        "--sqlite-file", type=Path, help="keep the SQLite database here; reuse it when it exists"
    )
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    _timing.add_write_argument(parser)
    args = parser.parse_args()

    with ExitStack() as stack:
        reuse = False
        if args.database:
            os.environ["DATABASE_URL"] = args.database
            reuse = None  # decided after the migrations: loaded when it has no clients
            engine = "PostgreSQL" if args.database.startswith("postgres") else "SQLite"
        elif args.postgres:
            url = stack.enter_context(_timing.postgres_database(args.postgres, "kp_bench_worklist"))
            os.environ["DATABASE_URL"] = url
            engine = "PostgreSQL"
        else:
            tmp = stack.enter_context(tempfile.TemporaryDirectory())
            path = args.sqlite_file or Path(tmp) / "bench.sqlite3"
            reuse = path.exists()
            os.environ["DATABASE_URL"] = f"sqlite:///{path.resolve()}"
            engine = "SQLite"
        return run(args, engine, reuse)


def run(args: argparse.Namespace, engine: str, reuse: bool | None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotopolku.config.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from kotopolku.demo.seed import seed_demo

    settings.ALLOWED_HOSTS = ["*"]
    # The settings were read with DEBUG on (static files without a manifest, no HTTPS
    # redirect); off from here, so the database cursor does not log and format every statement
    # as it does under DEBUG (with the rules' parameters that costs several ms a request).
    settings.DEBUG = False
    if args.sqlite_wal and not args.postgres:
        from django.db.backends.signals import connection_created

        def wal(sender, connection, **kwargs):
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")

        connection_created.connect(wal)
        engine = "SQLite (WAL, synchronous=NORMAL)"
    try:
        started = time.perf_counter()
        # A reused file gets the migrations made since it was loaded.
        call_command("migrate", verbosity=0)
        if reuse is None:
            from kotopolku.clients.models import Client

            reuse = Client.objects.exists()
        if not reuse:
            seed_demo(with_users=True, clients=0)
            related = load(args.clients, args.mine, args.many)
        else:
            related = -1  # reused: loaded earlier
        if connection.vendor == "postgresql":
            # As autovacuum leaves a loaded database (this machine's server runs without it):
            # planner statistics, and the visibility map that lets a count read an index alone.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        load_seconds = time.perf_counter() - started
        print(_timing.conditions_text())
        timings, facts = measure(args.runs)
        print(_timing.conditions_text())
        loaded = f"{related} related rows" if related >= 0 else "reused database"
        print(
            f"{engine}: {args.clients} clients, {loaded} (ready in {load_seconds:.0f} s); "
            f"{args.runs} rounds by turns (small, large, floor GET /healthz)"
        )
        floor = timings.summary("floor")
        for size, _username in SIZES:
            wall, cpu = timings.summary(size), timings.summary(size, cpu=True)
            print(
                f"  worklist of {facts[size]['rows']} clients: {wall.text('ms', 1000, 1)}, "
                f"CPU {cpu.text('ms', 1000, 1)}; {facts[size]['queries']} queries; "
                f"{timings.compare(size, 'floor').text()} to the floor"
            )
        print(f"  floor GET /healthz: {floor.text('ms', 1000, 1)}")
        scale = timings.compare("large", "small")
        small = timings.summary("small")
        ok_small = small.median * 1000 <= TARGET_MS
        ok_ratio = scale.ratio <= TARGET_RATIO
        ok_queries = facts["small"]["queries"] == facts["large"]["queries"]
        name = f"worklist ({engine}, {args.clients} clients)"
        _timing.verdict(
            f"{name}: {args.mine} own clients, median ≤ {TARGET_MS} ms",
            small.text("ms", 1000, 1),
            f"GET /healthz {floor.text('ms', 1000, 1)}",
            ok_small,
        )
        _timing.verdict(
            f"{name}: {args.many} own clients ≤ {TARGET_RATIO} × {args.mine}",
            f"{timings.summary('large').text('ms', 1000, 1)}, {scale.text()}",
            f"{args.mine} own clients {small.text('ms', 1000, 1)}",
            ok_ratio,
        )
        _timing.verdict(
            f"{name}: the same query count for both",
            f"{facts['large']['queries']} queries",
            f"{facts['small']['queries']} queries",
            ok_queries,
        )
        _timing.write_result(
            args.write,
            {
                "conditions": _timing.conditions(),
                "engine": engine,
                "clients": args.clients,
                "facts": facts,
                "small": timings.compare("small", "floor").as_dict(),
                "large": timings.compare("large", "floor").as_dict(),
                "large_over_small": timings.compare("large", "small").as_dict(),
                "cpu_ms": {
                    side: timings.summary(side, cpu=True).as_dict() for side in timings.wall
                },
            },
        )
        if args.profile:
            profile(args.profile)
        return 0 if ok_small and ok_ratio and ok_queries else 1
    finally:
        connection.close()


if __name__ == "__main__":
    raise SystemExit(main())
