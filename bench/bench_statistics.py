"""Benchmark: the full regional indicator set for one year (issue 7, acceptance 3).

Loads `generate_synthetic --clients N` (default 100,000 clients, about 1.25 million related
rows over 2023–2025) and times, for the year 2025:

- kotopolku: `statistics.selectors.indicator_tables` — all 13 indicator tables, each broken
  down by municipality with its total (what the dashboard and the regional overview use);
- floor: the same figures by hand-written SQL, one query per indicator (by municipality and the
  total in one statement), checked to give the same numbers;
- the ratio kotopolku / floor (target ≤ 1.5) and, on PostgreSQL, kotopolku ≤ 2 s;
- dashboard: the server time of GET /statistics/?period=2025 as a viewer (suppression, charts,
  template), through Django's test client;
- the number of queries of kotopolku (constant: the tests check it does not grow with data).

    DEBUG=true .venv/bin/python bench/bench_statistics.py [--clients N] [--runs 5] [--keep]
    DEBUG=true .venv/bin/python bench/bench_statistics.py --postgres \\
        postgres://postgres@127.0.0.1:5432/postgres   # creates and drops kotopolku_bench_stats

Prints one JSON object and writes it to bench/results/statistics-<backend>-<N>.json. Exits 1
when a target is missed. Not part of `make test`.
"""

# The floor's SQL is assembled from constants of this file and rule values, never from input.
# ruff: noqa: S608

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "kotopolku_bench_stats"
RESULTS = ROOT / "bench" / "results"
YEAR_START, YEAR_END = date(2025, 1, 1), date(2025, 12, 31)
RATIO_TARGET = 1.5
POSTGRES_TARGET_S = 2.0


def _postgres(url: str, *, keep: bool) -> tuple[str, bool]:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        reuse = bool(exists) and keep
        if not reuse:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
            conn.execute(f"CREATE DATABASE {BENCH_DB}")
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}")), reuse


def _drop_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")


# ---------------------------------------------------------------- the floor


def floor_queries(vendor: str, rules: dict) -> dict[str, str]:
    """One hand-written statement per indicator: rows per municipality, then the total (NULL)."""
    pg = vendor == "postgresql"
    s, e = f"'{YEAR_START}'", f"'{YEAR_END}'"
    d = e  # the stock figures are read on the year's last day (a past year)

    def days(later, earlier):
        if pg:
            return f"({later} - {earlier})"
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"

    def addm(day, months):
        if pg:
            return f"({day} + make_interval(months => {months}))::date"
        return (
            f"MIN(date({day}, 'start of month', '+{months} months', "
            f"printf('+%d days', CAST(strftime('%d', {day}) AS INTEGER) - 1)), "
            f"date({day}, 'start of month', '+{months + 1} months', '-1 day'))"
        )

    def median(expr):
        return (
            f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {expr})" if pg else f"kp_median({expr})"
        )

    def where_lives(cid, day):
        return (
            f"LEFT JOIN clients_homemunicipalityperiod h ON h.client_id = {cid} "
            f'AND h.start <= {day} AND (h."end" IS NULL OR h."end" >= {day})'
        )

    def both(select, source, cid, day, group="h.municipality_id"):
        if group == "h.municipality_id":
            grouped = f"SELECT {group} AS g, {select} FROM {source} {where_lives(cid, day)}"
        else:
            grouped = f"SELECT {group} AS g, {select} FROM {source}"
        # The source may end in WHERE…; the join must come before it, so sources are written
        # as "(subquery) x".
        return f"{grouped} GROUP BY g UNION ALL SELECT NULL, {select} FROM {source}"

    first_assessment = (
        "NOT EXISTS (SELECT 1 FROM casework_assessment a2 WHERE a2.client_id = a.client_id AND "
        "(a2.started < a.started OR (a2.started = a.started AND a2.id < a.id)))"
    )
    first_plan = (
        "NOT EXISTS (SELECT 1 FROM casework_integrationplan p2 WHERE p2.client_id = p.client_id "
        "AND (p2.start < p.start OR (p2.start = p.start AND p2.id < p.id)))"
    )
    in_force = f'p.start <= {d} AND p."end" >= {d} AND (p.closed_on IS NULL OR p.closed_on > {d})'
    target = rules["target_days"]
    levels = ", ".join(f"'{lv}'" for lv in rules["levels"])
    skills = ("listening", "reading", "speaking", "writing")
    all_meet = " AND ".join(f"(r.{k} = '' OR r.{k} IN ({levels}))" for k in skills)
    per_skill = ", ".join(
        f"COUNT(DISTINCT CASE WHEN r.{k} <> '' THEN r.client_id END), "
        f"COUNT(DISTINCT CASE WHEN r.{k} IN ({levels}) THEN r.client_id END)"
        for k in skills
    )
    reasons = ("literacy", "illness", "family_leave", "other_special_need")
    closures = ("employed", "studies", "moved", "time_limit", "other")
    return {
        "new_clients": both(
            "COUNT(*)",
            f"(SELECT id, client_since FROM clients_client WHERE client_since BETWEEN {s} AND {e}) x",
            "x.id",
            "x.client_since",
        ),
        "guidance_contacts": both(
            "COUNT(*), COUNT(DISTINCT x.client_id), "
            "COALESCE(SUM(CASE WHEN x.client_id IS NULL THEN x.persons END), 0)",
            f"(SELECT * FROM casework_guidancecontact WHERE day BETWEEN {s} AND {e}) x",
            "x.client_id",
            "x.day",
            group="x.organisation_id",
        ),
        "assessment_timeliness": both(
            f"COUNT(*), SUM(CASE WHEN x.days <= {target} THEN 1 ELSE 0 END), {median('x.days')}",
            f"(SELECT a.client_id, a.started, {days('a.started', 'c.client_since')} AS days "
            f"FROM casework_assessment a JOIN clients_client c ON c.id = a.client_id "
            f"WHERE a.started BETWEEN {s} AND {e} AND {first_assessment}) x",
            "x.client_id",
            "x.started",
        ),
        "assessment_to_plan": both(
            f"COUNT(*), {median(days('x.start', 'x.assessed'))}",
            "(SELECT * FROM (SELECT p.client_id, p.start, (SELECT COALESCE(a.completed, "
            "a.started) FROM casework_assessment a WHERE a.client_id = p.client_id ORDER BY "
            f"a.started, a.id LIMIT 1) AS assessed FROM casework_integrationplan p WHERE p.start "
            f"BETWEEN {s} AND {e} AND {first_plan}) y WHERE y.assessed <= y.start) x",
            "x.client_id",
            "x.start",
        ),
        "active_plans": both(
            "COUNT(*), COUNT(DISTINCT x.client_id)",
            f"(SELECT p.client_id FROM casework_integrationplan p WHERE {in_force}) x",
            "x.client_id",
            d,
        ),
        "plan_extensions": both(
            "COUNT(*), SUM(CASE WHEN x.n > 0 THEN 1 ELSE 0 END), COALESCE(SUM(x.n), 0), "
            + ", ".join(f"SUM(x.{r})" for r in reasons),
            "(SELECT p.client_id, COALESCE(e.n, 0) AS n, "
            + ", ".join(f"COALESCE(e.{r}, 0) AS {r}" for r in reasons)
            + " FROM casework_integrationplan p LEFT JOIN (SELECT plan_id, COUNT(*) AS n, "
            + ", ".join(f"MAX(CASE WHEN reason = '{r}' THEN 1 ELSE 0 END) AS {r}" for r in reasons)
            + " FROM casework_planextension GROUP BY plan_id) e ON e.plan_id = p.id "
            f'WHERE p.start <= {e} AND p."end" >= {s} '
            f"AND (p.closed_on IS NULL OR p.closed_on >= {s})) x",
            "x.client_id",
            d,
        ),
        "referral_due_met": both(
            "COUNT(*), SUM(x.met)",
            "(SELECT y.client_id, y.start, CASE WHEN EXISTS (SELECT 1 FROM casework_planservice "
            "ps WHERE ps.plan_id = y.id AND (ps.referred <= y.due OR ps.started <= y.due)) THEN 1 "
            "ELSE 0 END AS met FROM (SELECT p.id, p.client_id, p.start, "
            f"{addm('p.start', rules['referral_months'])} AS due FROM casework_integrationplan p) y "
            f"WHERE y.due BETWEEN {s} AND {e}) x",
            "x.client_id",
            "x.start",
        ),
        "overdue_reviews": both(
            f"COUNT(*), SUM(CASE WHEN {addm('x.counted_from', rules['review_months'])} < {d} "
            "THEN 1 ELSE 0 END)",
            "(SELECT p.client_id, COALESCE((SELECT MAX(r.day) FROM casework_planreview r WHERE "
            f"r.plan_id = p.id AND r.day >= p.start), p.start) AS counted_from "
            f"FROM casework_integrationplan p WHERE {in_force}) x",
            "x.client_id",
            d,
        ),
        "orientation": both(
            f"COUNT(*), COUNT(DISTINCT x.client_id), SUM(CASE WHEN x.h >= {rules['hours']} THEN 1 "
            f"ELSE 0 END), {median('x.h')}",
            '(SELECT en.client_id, c."end" AS day, COALESCE(att.h, 0) AS h FROM courses_enrolment '
            "en JOIN courses_course c ON c.id = en.course_id LEFT JOIN (SELECT enrolment_id, "
            "SUM(hours) AS h FROM courses_attendance GROUP BY enrolment_id) att ON "
            "att.enrolment_id = en.id WHERE c.kind = 'social_orientation' AND "
            f"c.\"end\" BETWEEN {s} AND {e} AND en.status IN ('enrolled', 'completed', "
            "'interrupted')) x",
            "x.client_id",
            "x.day",
        ),
        "training_completion": both(
            "COUNT(*), SUM(CASE WHEN x.status = 'completed' THEN 1 ELSE 0 END)",
            "(SELECT en.client_id, en.ended_on, en.status FROM courses_enrolment en JOIN "
            "courses_course c ON c.id = en.course_id WHERE c.kind = 'integration_training' AND "
            f"en.ended_on BETWEEN {s} AND {e} AND en.status IN ('completed', 'interrupted')) x",
            "x.client_id",
            "x.ended_on",
        ),
        "language_target": both(
            "COUNT(DISTINCT r.client_id), "
            f"COUNT(DISTINCT CASE WHEN {all_meet} THEN r.client_id END), {per_skill}",
            "(SELECT t.*, en.client_id FROM courses_languagetestresult t JOIN courses_enrolment en "
            "ON en.id = t.enrolment_id JOIN courses_course c ON c.id = en.course_id WHERE "
            f"c.kind = 'integration_training' AND t.day BETWEEN {s} AND {e}) r",
            "r.client_id",
            "r.day",
        ),
        "referrals": both(
            "COUNT(*), COUNT(DISTINCT x.client_id), SUM(CASE WHEN x.responded_on IS NOT NULL "
            "THEN 1 ELSE 0 END), SUM(CASE WHEN x.status IN ('accepted', 'completed') THEN 1 ELSE "
            f"0 END), {median(days('x.responded_on', 'x.sent_on'))}",
            f"(SELECT * FROM casework_referral WHERE sent_on BETWEEN {s} AND {e}) x",
            "x.client_id",
            "x.sent_on",
        ),
        "plan_closures": both(
            "COUNT(*), "
            + ", ".join(
                f"SUM(CASE WHEN x.closure_reason = '{r}' THEN 1 ELSE 0 END)" for r in closures
            ),
            "(SELECT client_id, closed_on, closure_reason FROM casework_integrationplan WHERE "
            f"closed_on BETWEEN {s} AND {e}) x",
            "x.client_id",
            "x.closed_on",
        ),
    }


def run_floor(queries: dict[str, str]) -> dict[str, list]:
    from django.db import connection

    out = {}
    with connection.cursor() as cursor:
        for key, sql in queries.items():
            cursor.execute(sql)
            out[key] = cursor.fetchall()
    return out


def floor_rules() -> dict:
    from kotopolku.casework.models import CefrLevel
    from kotopolku.rules.selectors import rule_value

    order = tuple(CefrLevel.values)  # the floor is hand-written: its own copy of the order

    target = rule_value("language_target_level", on=YEAR_END)
    return {
        "target_days": rule_value("assessment_start_target_days", on=YEAR_END),
        "referral_months": rule_value("referral_due_months", on=YEAR_END),
        "review_months": rule_value("review_interval_months", on=YEAR_END),
        "hours": rule_value("orientation_completion_hours", on=YEAR_END),
        "levels": order[order.index(target) :],
    }


def check_same(tables, floor: dict[str, list]) -> list[str]:
    """Compare the totals' first figures of each indicator (counts and the first median)."""
    problems = []
    first_column = {
        "new_clients": ("clients", 1),
        "guidance_contacts": ("contacts", 1),
        "assessment_timeliness": ("within", 2),
        "assessment_to_plan": ("plans", 1),
        "active_plans": ("plans", 1),
        "plan_extensions": ("extended", 2),
        "referral_due_met": ("met", 2),
        "overdue_reviews": ("overdue", 2),
        "orientation": ("completed", 3),
        "training_completion": ("completed", 2),
        "language_target": ("all", 2),
        "referrals": ("accepted", 4),
        "plan_closures": ("closed", 1),
    }
    for table in tables:
        column, index = first_column[table.key]
        total_row = next(r for r in floor[table.key] if r[0] is None)
        ours = table.total.cells[column].value
        if int(ours or 0) != int(total_row[index] or 0):
            problems.append(f"{table.key}.{column}: kotopolku {ours}, floor {total_row[index]}")
    return problems


# ---------------------------------------------------------------- main


def timed(fn, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", metavar="DATABASE_URL", default="")
    parser.add_argument("--keep", action="store_true", help="reuse (and keep) the loaded data")
    args = parser.parse_args()

    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotopolku.config.settings")
    reuse = False
    if args.postgres:
        os.environ["DATABASE_URL"], reuse = _postgres(args.postgres, keep=args.keep)
        backend = "postgresql"
    else:
        path = ROOT / "var" / f"bench_statistics_{args.clients}.sqlite3"
        reuse = path.exists() and args.keep
        if path.exists() and not reuse:
            path.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        backend = "sqlite"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext

    from kotopolku.demo.seed import seed_demo
    from kotopolku.statistics import selectors
    from kotopolku.statistics.filters import Filters, Period
    from kotopolku.statistics.synthetic import generate

    load_seconds = None
    related = None
    try:
        if not reuse:
            call_command("migrate", verbosity=0)
            seed_demo(with_users=True, clients=0)
            started = time.perf_counter()
            loaded = generate(clients=args.clients)
            load_seconds = round(time.perf_counter() - started, 1)
            related = loaded["related_rows"]
            if backend == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
        filters = Filters(Period.parse("2025"))

        def ours():
            return selectors.indicator_tables(filters, by="municipality")

        queries = floor_queries(connection.vendor, floor_rules())
        if backend == "postgresql":
            # Kotopolku turns JIT off for its statistics transaction (see selectors.shared_reads);
            # the floor gets the same, so that the comparison is of the queries alone.
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")
        ours()  # warm caches (both sides read the same pages)
        run_floor(queries)
        reset_queries()  # the load filled the query log; the count must start from zero
        with CaptureQueriesContext(connection) as captured:
            tables = ours()
            query_count = len(captured)
        ours_s, ours_all = timed(ours, args.runs)
        floor_s, floor_all = timed(lambda: run_floor(queries), args.runs)
        mismatches = check_same(tables, run_floor(queries))

        from django.conf import settings
        from django.contrib.auth import get_user_model

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        http = HttpClient()
        http.force_login(get_user_model().objects.get(username="viewer"))
        http.get("/statistics/?period=2025")
        page_s, _page_all = timed(
            lambda: http.get("/statistics/?period=2025"), max(3, args.runs // 2)
        )

        result = {
            "benchmark": "statistics",
            "date": time.strftime("%Y-%m-%d"),
            "backend": backend,
            "clients": args.clients,
            "related_rows": related,
            "load_seconds": load_seconds,
            "runs": args.runs,
            "kotopolku_seconds": round(ours_s, 3),
            "floor_seconds": round(floor_s, 3),
            "ratio": round(ours_s / floor_s, 2) if floor_s else None,
            "kotopolku_queries": query_count,
            "floor_queries": len(queries),
            "dashboard_page_seconds": round(page_s, 3),
            "kotopolku_all": [round(t, 3) for t in ours_all],
            "floor_all": [round(t, 3) for t in floor_all],
            "same_figures": not mismatches,
            "mismatches": mismatches,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        }
    finally:
        connection.close()
        if args.postgres and not args.keep:
            _drop_postgres(args.postgres)

    print(json.dumps(result, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"statistics-{backend}-{args.clients}.json").write_text(
        json.dumps(result, indent=2) + "\n"
    )
    ok = (
        result["ratio"] is not None
        and result["ratio"] <= RATIO_TARGET
        and result["same_figures"]
        and (backend != "postgresql" or result["kotopolku_seconds"] <= POSTGRES_TARGET_S)
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
