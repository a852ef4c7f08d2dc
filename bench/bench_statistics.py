"""Benchmark: the full regional indicator set for one year.

Loads `generate_synthetic --clients N` (default 100,000 clients, about 1.25 million related
rows over 2023–2025) and times, for the year 2025:

- kotopolku: `statistics.selectors.indicator_tables` — all 13 indicator tables, each broken
  down by municipality with its total (what the dashboard and the regional overview use);
- floor: the same figures by hand-written SQL, one query per indicator (by municipality and the
  total in one statement);
- both by turns (kotopolku, floor; floor, kotopolku; …) after one warm-up run each, and reports
  each side's median and min–max, the ratio of the medians (target ≤ 1.5) and the spread of the
  per-round ratios; on PostgreSQL also kotopolku's median ≤ 2 s;
- every figure of every row (each municipality and the total) of every table against the
  floor's: any difference fails the run and the first ones are named;
- dashboard: the server time of GET /statistics/?period=2025 as a viewer (suppression, charts,
  template), through Django's test client, by turns: computed live (the stored tables of the
  filter set deleted first, so the request computes and stores them) and read from the summary
  table (`statistics.summaries`; target: the summary page's p95 ≤ 300 ms);
- the recompute that the scheduled refresh does (`summaries._compute` of the dashboard's
  tables: the same figures, recorded and stored), by turns with kotopolku and the floor;
- the number of queries of kotopolku (constant: the tests check it does not grow with data).

    DEBUG=true .venv/bin/python bench/bench_statistics.py [--clients N] [--runs 7] \\
        [--sqlite-file PATH] [--write RESULT.json]
    DEBUG=true .venv/bin/python bench/bench_statistics.py --postgres \\
        postgres://postgres@127.0.0.1:5432/postgres   # a database of its own, always dropped

The data goes into a temporary SQLite file (or PATH, kept and reused), or into a PostgreSQL
database named for this run alone (`kp_bench_stats_<pid>_<random>`), so that two runs never
collide. Prints the figures with the load average; writes JSON only with `--write`. Exits 1
when a target is missed or a figure differs. Not part of `make test`.
"""

# The floor's SQL is assembled from constants of this file and rule values, never from input.
# ruff: noqa: S608

import argparse
import math
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import _timing  # noqa: E402 - bench/ is this script's own folder

YEAR_START, YEAR_END = date(2025, 1, 1), date(2025, 12, 31)
RATIO_TARGET = 1.5
POSTGRES_TARGET_S = 2.0
SUMMARY_PAGE_P95_S = 0.3


# ---------------------------------------------------------------- the floor


def floor_queries(vendor: str, rules: dict) -> dict[str, str]:
    """One hand-written statement per indicator: (whole, group, figures…) per municipality, then
    the total (whole = 1)."""
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
            grouped = (
                f"SELECT 0 AS whole, {group} AS g, {select} FROM {source} {where_lives(cid, day)}"
            )
        else:
            grouped = f"SELECT 0 AS whole, {group} AS g, {select} FROM {source}"
        # The source may end in WHERE…; the join must come before it, so sources are written
        # as "(subquery) x". The total is marked by `whole` = 1: its group is NULL, like the
        # group of the people with no home municipality in the region.
        return f"{grouped} GROUP BY g UNION ALL SELECT 1, NULL, {select} FROM {source}"

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


# Where each figure of kotopolku's tables is in the floor's rows: (whole, group, figures…).
# RATE columns are left out: they are computed from two counts that are compared. A tuple of
# positions is a sum of the floor's figures.
FLOOR_VALUES: dict[str, dict[str, int | tuple[int, ...]]] = {
    "new_clients": {"clients": 0},
    # kotopolku's "persons" are the known clients plus the anonymous contacts' persons.
    "guidance_contacts": {"contacts": 0, "persons": (1, 2), "anonymous": 2},
    "assessment_timeliness": {"assessments": 0, "within": 1, "median_days": 2},
    "assessment_to_plan": {"plans": 0, "median_days": 1},
    "active_plans": {"plans": 0},
    "plan_extensions": {
        "plans": 0,
        "extended": 1,
        "extensions": 2,
        "reason_literacy": 3,
        "reason_illness": 4,
        "reason_family_leave": 5,
        "reason_other_special_need": 6,
    },
    "referral_due_met": {"plans": 0, "met": 1},
    "overdue_reviews": {"plans": 0, "overdue": 1},
    "orientation": {"participants": 0, "completed": 2, "median_hours": 3},
    "training_completion": {"ended": 0, "completed": 1},
    "language_target": {
        "tested": 0,
        "all": 1,
        **{
            f"{skill}_{what}": 2 + 2 * i + j
            for i, skill in enumerate(("listening", "reading", "speaking", "writing"))
            for j, what in enumerate(("tested", "meets"))
        },
    },
    "referrals": {"sent": 0, "answered": 2, "accepted": 3, "median_days": 4},
    "plan_closures": {
        "closed": 0,
        **{
            f"reason_{r}": 1 + i
            for i, r in enumerate(("employed", "studies", "moved", "time_limit", "other"))
        },
    },
}
# The cells whose person count (the suppression's denominator) the floor counts as well.
FLOOR_PERSONS: dict[str, dict[str, int]] = {
    "active_plans": {"plans": 1},
    "orientation": {"participants": 1},
    "referrals": {"sent": 1},
}


def _same(ours, theirs) -> bool:
    """Counts exactly; medians (rounded to 0.1 by kotopolku) to within the rounding."""
    if ours is None or theirs is None:
        return (ours in (None, 0)) and (theirs in (None, 0))
    return abs(float(ours) - float(theirs)) <= 0.05 + 1e-9


def _pick(values: tuple | None, index: int | tuple[int, ...]):
    if values is None:
        return None
    if isinstance(index, tuple):
        return sum(values[i] or 0 for i in index)
    return values[index]


def floor_rows(rows: list) -> dict[str, tuple]:
    """The floor's rows by kotopolku's row key: "total", or the group's id as text."""
    return {("total" if whole else str(group)): tuple(values) for whole, group, *values in rows}


def check_same(tables, floor: dict[str, list]) -> tuple[int, list[str]]:
    """Compare every figure of every row (each municipality and the total) of every indicator.

    Returns the number of figures compared and the mismatches. A floor row that kotopolku does
    not show, with any figure other than zero, is a mismatch too.
    """
    compared, problems = 0, []
    for table in tables:
        if table.key not in FLOOR_VALUES:
            problems.append(f"{table.key}: no floor for this table")
            continue
        theirs_by_key = floor_rows(floor[table.key])
        shown = set()
        for row in table.all_rows():
            shown.add(row.key)
            theirs = theirs_by_key.get(row.key)
            for column, index in FLOOR_VALUES[table.key].items():
                ours = row.cells[column].value
                value = _pick(theirs, index)
                compared += 1
                if not _same(ours, value):
                    problems.append(
                        f"{table.key}[{row.key}].{column}: kotopolku {ours}, floor {value}"
                    )
            for column, index in FLOOR_PERSONS.get(table.key, {}).items():
                ours = row.cells[column].persons
                value = _pick(theirs, index)
                compared += 1
                if not _same(ours, value):
                    problems.append(
                        f"{table.key}[{row.key}].{column} persons: kotopolku {ours}, floor {value}"
                    )
        for key, values in theirs_by_key.items():
            if key not in shown and any(v for v in values):
                problems.append(f"{table.key}[{key}]: floor row {values} not in kotopolku's table")
    return compared, problems


# ---------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7, help="rounds of kotopolku and the floor")
    parser.add_argument(
        "--postgres",
        metavar="SERVER_URL",
        default="",
        help="load into a database of this run's own on that server (always dropped)",
    )
    parser.add_argument(
        "--sqlite-file",
        metavar="PATH",
        default="",
        help="load into PATH and keep it; reused as it is when it exists (default: a temporary file)",
    )
    _timing.add_write_argument(parser)
    args = parser.parse_args()

    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotopolku.config.settings")
    with ExitStack() as stack:
        if args.postgres:
            url = stack.enter_context(_timing.postgres_database(args.postgres, "kp_bench_stats"))
            reuse, backend = False, "postgresql"
        else:
            if args.sqlite_file:
                path = Path(args.sqlite_file).resolve()
            else:
                tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="kp_bench_stats_"))
                path = Path(tmp) / "bench.sqlite3"
            reuse, backend = path.exists(), "sqlite"
            url = f"sqlite:///{path}"
        os.environ["DATABASE_URL"] = url
        result = run(args, backend=backend, reuse=reuse)
        from django.db import connections

        connections.close_all()

    _timing.write_result(args.write, result)
    return 0 if result["pass"] else 1


def run(args, *, backend: str, reuse: bool) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext

    from kotopolku.demo.seed import seed_demo
    from kotopolku.statistics import selectors, summaries
    from kotopolku.statistics.filters import Filters, Period
    from kotopolku.statistics.models import IndicatorSummary
    from kotopolku.statistics.synthetic import generate

    load_seconds = related = None
    if not reuse:
        call_command("migrate", verbosity=0)
        seed_demo(with_users=True, clients=0)
        started = time.perf_counter()
        related = generate(clients=args.clients)["related_rows"]
        load_seconds = round(time.perf_counter() - started, 1)
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

    reset_queries()  # the load filled the query log; the count must start from zero
    with CaptureQueriesContext(connection) as captured:
        tables = ours()
        query_count = len(captured)
    compared, mismatches = check_same(tables, run_floor(queries))

    # Both sides by turns (warm-up runs not counted): a busy spell falls on both alike.
    wanted = summaries.dashboard_wanted("municipality")
    timings = _timing.interleave(
        {
            "kotopolku": ours,
            "floor": lambda: run_floor(queries),
            "recompute": lambda: summaries._compute(filters, wanted),
        },
        runs=args.runs,
        warmup=1,
    )
    comparison = timings.compare("kotopolku", "floor")
    recompute = timings.compare("recompute", "floor")

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    http = HttpClient()
    http.force_login(get_user_model().objects.get(username="viewer"))
    key = summaries.filter_key(filters)

    def get_page():
        response = http.get("/statistics/?period=2025")
        if response.status_code != 200:
            raise RuntimeError(f"dashboard: HTTP {response.status_code}")

    def page_live():
        IndicatorSummary.objects.filter(filter_key=key).delete()
        get_page()

    def page_summary():
        get_page()

    page_runs = max(3, args.runs // 2)
    pages = _timing.interleave(
        {"live": page_live, "summary": page_summary}, runs=page_runs, warmup=1
    )
    page = pages.summary("live")
    # The summary page alone, more often, for its 95th percentile.
    summary_page = _timing.interleave(
        {"summary": page_summary}, runs=max(20, 4 * page_runs), warmup=1
    ).summary("summary")
    # Nearest rank.
    summary_p95 = sorted(summary_page.times)[math.ceil(0.95 * len(summary_page.times)) - 1]
    with CaptureQueriesContext(connection) as captured_page:
        page_summary()
    summary_page_queries = len(captured_page)
    # The summary side was served from the table (every dashboard table stored and current).
    _tables, state = summaries.tables(filters, summaries.dashboard_wanted("municipality"))
    served_from_summary = state.from_summary == len(selectors.TABLES) and state.current

    ratio_ok = comparison.ratio <= RATIO_TARGET
    absolute_ok = backend != "postgresql" or comparison.target.median <= POSTGRES_TARGET_S
    same_ok = not mismatches
    summary_ok = summary_p95 <= SUMMARY_PAGE_P95_S and served_from_summary
    result = {
        "benchmark": "statistics",
        "conditions": _timing.conditions(),
        "backend": backend,
        "clients": args.clients,
        "related_rows": related,
        "load_seconds": load_seconds,
        "rounds": args.runs,
        "timing": comparison.as_dict(),
        "kotopolku_queries": query_count,
        "floor_queries": len(queries),
        "dashboard_page": page.as_dict(),
        "dashboard_page_by_turns": pages.compare("summary", "live").as_dict(),
        "dashboard_page_summary": summary_page.as_dict(),
        "dashboard_page_summary_p95": round(summary_p95, 4),
        "dashboard_page_summary_queries": summary_page_queries,
        "served_from_summary": served_from_summary,
        "recompute": recompute.as_dict(),
        "figures_compared": compared,
        "mismatches": mismatches,
        "pass": ratio_ok and absolute_ok and same_ok and summary_ok,
    }

    print(f"statistics 2025, {backend}, {args.clients} clients; {_timing.conditions_text()}")
    print(f"  kotopolku  {comparison.target.text()}  ({query_count} queries)")
    print(f"  floor      {comparison.floor.text()}  ({len(queries)} queries)")
    print(f"  recompute  {recompute.target.text()}  (recorded and stored; {recompute.text()})")
    print(f"  {comparison.text()}")
    print(f"  dashboard page, computed live: {page.text()}")
    print(
        f"  dashboard page, from the summary: {pages.summary('summary').text()} by turns "
        f"({pages.compare('summary', 'live').text()}); alone {summary_page.text()}, "
        f"p95 {summary_p95 * 1000:.0f} ms, {summary_page_queries} queries"
    )
    print(f"  {compared} figures compared (every row and column of the 13 tables)")
    for problem in mismatches[:10]:
        print(f"    MISMATCH {problem}")
    if len(mismatches) > 10:
        print(f"    … and {len(mismatches) - 10} more")
    _timing.verdict(
        f"statistics ({backend}, {args.clients} clients): kotopolku ≤ {RATIO_TARGET} × floor",
        f"{comparison.target.median:.3f} s, {comparison.text()}",
        comparison.floor.text(),
        ratio_ok,
    )
    if backend == "postgresql":
        _timing.verdict(
            f"statistics (postgresql, {args.clients} clients): kotopolku ≤ {POSTGRES_TARGET_S} s",
            comparison.target.text(),
            comparison.floor.text(),
            absolute_ok,
        )
    _timing.verdict(
        f"statistics: dashboard page from the summary, p95 ≤ {SUMMARY_PAGE_P95_S * 1000:.0f} ms",
        f"{summary_p95 * 1000:.0f} ms",
        f"live {page.median * 1000:.0f} ms",
        summary_ok,
    )
    _timing.verdict(
        "statistics: the same figures as the floor",
        f"{compared - len(mismatches)} of {compared} equal",
        "hand-written SQL",
        same_ok,
    )
    return result


if __name__ == "__main__":
    sys.exit(main())
