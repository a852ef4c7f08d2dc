#!/usr/bin/env python3
"""The statistics dashboard under concurrent users, against a real server.

Loads `generate_synthetic --clients N` (and the demo region and users) into a database of its
own, stores the standard views as the scheduled refresh does (`refresh_summaries(full=True)`),
starts gunicorn as `make run` does (Procfile: `--workers 2`, sync workers) with production
settings (DEBUG off, manifest static files; the requests carry the TLS proxy's
`X-Forwarded-Proto`), logs `--users` sessions in, and then runs closed-loop users (each sends
its next GET as soon as the last one is answered, no pause) against each page in turn:

- `healthz`: `/healthz`, the floor: the server, the sockets and the load generator alone;
- `dashboard`: `/statistics/?period=2025` (the synthetic data is of 2023–2025);
- `overview`: `/statistics/overview/?period=2025`;
- `worklist`: `/casework/` as Järvenpää's case worker (not in the default `--pages`; its target
  is a share of `/healthz`'s requests per second, `WORKLIST_SHARE`).

The pages take turns (round 1 healthz, dashboard, overview; round 2 the other way round; …),
each for `--seconds` after a warm-up of `--warmup` seconds that is not counted, so that a busy
spell of the shared machine falls on each of them alike. The users are spread over `--procs`
load-generator processes (threads in each), so the generator's own GIL is not one queue.
Prints per page the requests, errors, requests/s, p50/p95/p99 (nearest rank), the server's CPU
per request (gunicorn's processes, from /proc) and the load average, and one PASS/FAIL line for
the target (bench/README.md, "Statistics"): the dashboard's p95 ≤ 300 ms under 20 users.

    bench/load_statistics.py [--clients 10000] [--sqlite-file PATH | --postgres SERVER_URL
        | --database DATABASE_URL]
        [--users 20] [--seconds 30] [--rounds 2] [--workers 2] [--write RESULT.json]

With `--before DIR` (e.g. `git archive OLD | tar -x -C DIR`, with the untracked vendor files
and compiled catalogues copied in) a second server runs that checkout on the same database, and
every page takes turns on both ("dashboard@before").

A PostgreSQL database (`--postgres postgres://postgres@127.0.0.1:5432/postgres`) is the run's
own and always dropped; `--database URL` names one of your own, loaded when it has no clients
and never dropped; `--sqlite-file PATH` is kept and reused when it exists. Only
127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from multiprocessing import get_context
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _timing  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PASSWORD = "kotopolku-demo"  # noqa: S105 - the documented demo password
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
P95_TARGET_MS = 300.0
PAGES = {  # name: (path, a text the answer must hold, the user who asks: None for --user)
    "healthz": ("/healthz", "", None),
    "dashboard": ("/statistics/?period=2025", 'class="stat-table"', None),
    "overview": ("/statistics/overview/?period=2025", 'class="stat-table"', None),
    # The case worker's worklist (every row of the page audited), read by Järvenpää's case
    # worker: the target is a share of the /healthz floor's throughput (WORKLIST_SHARE).
    "worklist": ("/casework/", "data-table worklist", "caseworker-jarvenpaa"),
}
WORKLIST_SHARE = 0.15
PREPARE = """
from kotopolku.demo.seed import seed_demo
seed_demo(with_users=True, clients=0)
"""
REFRESH = """
from kotopolku.statistics import summaries
print("   refresh:", summaries.refresh_summaries(full=True).text())
"""


def pct(values: list[float], p: float) -> float:
    """Nearest rank."""
    if not values:
        return float("nan")
    values = sorted(values)
    return values[max(0, math.ceil(p / 100 * len(values)) - 1)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(database_url: str) -> dict[str, str]:
    """The settings ops/_pgapp.sh gives its production-like server."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECRET_KEY="bench-only-secret-key-0123456789abcdef-bench-only",  # noqa: S106
        FIELD_ENCRYPTION_KEY=os.environ.get(
            "FIELD_ENCRYPTION_KEY", "S9_c_hhcjNAcAJ1ERimLVZ8mjQjW7z6QDvTDCxo0mbk="
        ),
        HETU_HASH_KEY=os.environ.get("HETU_HASH_KEY", "bench-only-hetu-hash-key"),
        LOG_LEVEL="ERROR",
        DJANGO_SETTINGS_MODULE="kotopolku.config.settings",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def prepare(database_url: str, clients: int) -> None:
    env = production_env(database_url)
    env["DEBUG"] = "true"  # the seed and the synthetic data refuse production settings
    started = time.perf_counter()
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "shell", "-v", "0", "-c", PREPARE)
    manage(env, "generate_synthetic", "--clients", str(clients))
    print(f"   loaded in {time.perf_counter() - started:.0f} s", flush=True)


def _has_clients(database_url: str) -> bool:
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as conn:
        found = conn.execute("SELECT to_regclass('clients_client') IS NOT NULL").fetchone()
        if not found or not found[0]:
            return False
        row = conn.execute("SELECT EXISTS (SELECT 1 FROM clients_client)").fetchone()
        return bool(row and row[0])


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU of the processes (clock ticks from /proc/PID/stat)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def server_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    try:
        return [master, *(int(p) for p in children.read_text().split())]
    except OSError:
        return [master]


class Server:
    def __init__(
        self, database_url: str, workers: int, worker_class: str, code: Path, threads: int = 1
    ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = production_env(database_url)
        subprocess.run(  # noqa: S603
            [PY, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=code,
            env=env,
            check=True,
        )
        self.process = subprocess.Popen(  # noqa: S603
            [
                GUNICORN,
                "kotopolku.config.wsgi",
                # The venv's editable install points at the main checkout: serve this one.
                "--pythonpath",
                str(code),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                worker_class,
                "--threads",
                str(threads),
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            cwd=code,
            env=env,
        )
        for _ in range(120):
            try:
                if requests.get(self.base + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        else:
            self.stop()
            raise SystemExit("gunicorn did not answer /healthz")

    def cpu(self) -> float:
        return cpu_seconds(server_pids(self.process.pid))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def login(base: str, username: str) -> dict[str, str]:
    """A logged-in session's cookies (as behind the TLS proxy: the Secure cookies are sent
    back over the plain loopback connection)."""
    session = requests.Session()
    session.headers["X-Forwarded-Proto"] = "https"
    page = session.get(base + "/login/", timeout=30)
    for cookie in session.cookies:
        cookie.secure = False
    token = CSRF.search(page.text)
    response = session.post(
        base + "/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        },
        headers={"Referer": base.replace("http://", "https://", 1) + "/login/"},
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302:
        raise SystemExit(f"login as {username}: HTTP {response.status_code}")
    return {c.name: c.value for c in session.cookies}


def _user_loop(
    base: str, path: str, marker: str, cookies: dict, start: float, until: float, out: list
) -> None:
    session = requests.Session()
    session.headers["X-Forwarded-Proto"] = "https"
    for name, value in cookies.items():
        session.cookies.set(name, value)
    while True:
        sent = time.monotonic()
        if sent >= until:
            return
        try:
            response = session.get(base + path, timeout=30, allow_redirects=False)
            ok = response.status_code == 200 and (not marker or marker in response.text)
            status = response.status_code
        except requests.RequestException:
            ok, status = False, 0
        if sent >= start:
            out.append((sent, status, (time.monotonic() - sent) * 1000, ok))


def _generator(base: str, path: str, marker: str, sessions: list, start: float, until: float):
    """One load-generator process: a thread per user; the answers (sent, status, ms, ok)."""
    out: list = []
    threads = [
        threading.Thread(target=_user_loop, args=(base, path, marker, c, start, until, out))
        for c in sessions
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return out, os.times()


def run_phase(args, server: Server, page: str, sessions: list[dict]) -> dict:
    path, marker, _user = PAGES[page]
    now = time.monotonic()
    start = now + 1.0 + args.warmup  # the processes start within the first second
    until = start + args.seconds
    groups = [sessions[i :: args.procs] for i in range(args.procs)]
    with ProcessPoolExecutor(args.procs, mp_context=get_context("fork")) as pool:
        futures = [
            pool.submit(_generator, server.base, path, marker, g, start, until) for g in groups if g
        ]
        time.sleep(max(0.0, start - time.monotonic()))
        cpu_before = server.cpu()
        time.sleep(max(0.0, until - time.monotonic()))
        cpu_after = server.cpu()
        load = os.getloadavg()
        results = [f.result() for f in futures]
    rows = [row for out, _times in results for row in out]
    times = [ms for _t, _s, ms, ok in rows if ok]
    errors = sum(1 for row in rows if not row[3])
    generator_cpu = sum(t.user + t.system for _out, t in results)
    return {
        "page": page,
        "path": path,
        "requests": len(rows),
        "errors": errors,
        "statuses": sorted({row[1] for row in rows}),
        "per_second": round(len(rows) / args.seconds, 1),
        "p50_ms": round(pct(times, 50), 1),
        "p95_ms": round(pct(times, 95), 1),
        "p99_ms": round(pct(times, 99), 1),
        "max_ms": round(max(times), 1) if times else None,
        "server_cpu_ms_per_request": round((cpu_after - cpu_before) * 1000 / max(1, len(rows)), 1),
        "generator_cpu_s": round(generator_cpu, 1),
        "load_average": [round(x, 2) for x in load],
        "times": times,
    }


def merged(phases: list[dict], page: str, seconds: int) -> dict:
    mine = [p for p in phases if p["page"] == page]
    times = [t for p in mine for t in p["times"]]
    requests_ = sum(p["requests"] for p in mine)
    return {
        "requests": requests_,
        "errors": sum(p["errors"] for p in mine),
        "per_second": round(requests_ / (seconds * len(mine)), 1),
        "p50_ms": round(pct(times, 50), 1),
        "p95_ms": round(pct(times, 95), 1),
        "p99_ms": round(pct(times, 99), 1),
        "p95_per_round": [p["p95_ms"] for p in mine],
        "server_cpu_ms_per_request": [p["server_cpu_ms_per_request"] for p in mine],
        "load_average": [p["load_average"] for p in mine],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--postgres", metavar="SERVER_URL", default="")
    parser.add_argument("--sqlite-file", metavar="PATH", default="")
    parser.add_argument(
        "--database",
        metavar="DATABASE_URL",
        default="",
        help="an existing PostgreSQL database of your own: loaded when it has no clients, "
        "reused after, never dropped (to compare worker counts on the same data)",
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--user", default="viewer", help="the demo user every session logs in as")
    parser.add_argument("--seconds", type=int, default=30, help="counted seconds per turn")
    parser.add_argument("--warmup", type=float, default=3.0, help="uncounted seconds per turn")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pages", default="healthz,dashboard,overview")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (Procfile: 2)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (Procfile)")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (gthread; Procfile: 1)"
    )
    parser.add_argument("--procs", type=int, default=2, help="load-generator processes")
    parser.add_argument(
        "--before",
        default="",
        help="a second checkout (e.g. `git archive` of an older commit) served beside this one "
        "on the same database; the two take turns on every page",
    )
    parser.add_argument(
        "--code",
        default=str(ROOT),
        help="the checkout the server runs (e.g. an exported older commit, for a before/after)",
    )
    _timing.add_write_argument(parser)
    args = parser.parse_args()
    pages = [p for p in args.pages.split(",") if p]
    if any(p not in PAGES for p in pages):
        raise SystemExit(f"--pages: choose from {', '.join(PAGES)}")

    with ExitStack() as stack:
        if args.database:
            url, backend = args.database, "postgresql"
            fresh = not _has_clients(url)
        elif args.postgres:
            url = stack.enter_context(_timing.postgres_database(args.postgres, "kp_load_stats"))
            backend, fresh = "postgresql", True
        else:
            if args.sqlite_file:
                path = Path(args.sqlite_file).resolve()
            else:
                tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="kp_load_stats_"))
                path = Path(tmp) / "load.sqlite3"
            backend, fresh = "sqlite", not path.exists()
            url = f"sqlite:///{path}"
        print(f"== statistics under load: {backend}, {args.clients} clients", flush=True)
        if fresh:
            prepare(url, args.clients)
        env = production_env(url)
        env["DEBUG"] = "true"
        manage(env, "shell", "-v", "0", "-c", REFRESH)  # as the scheduled refresh leaves them
        server = Server(
            url, args.workers, args.worker_class, Path(args.code).resolve(), args.threads
        )
        stack.callback(server.stop)
        servers = {"": server}
        if args.before:
            # The same database and secret key: the sessions are valid on both servers.
            before = Server(
                url, args.workers, args.worker_class, Path(args.before).resolve(), args.threads
            )
            stack.callback(before.stop)
            servers["@before"] = before
        users = {PAGES[page][2] or args.user for page in pages}
        sessions = {u: [login(server.base, u) for _ in range(args.users)] for u in sorted(users)}
        print(
            f"   gunicorn {args.workers} {args.worker_class} workers × {args.threads} threads on {server.base}"
            f"{f' and, running {args.before}, on {before.base}' if args.before else ''}; "
            f"{args.users} users as {', '.join(sorted(users))}; {args.procs} generator processes",
            flush=True,
        )
        phases = []
        turns = [(page, side) for page in pages for side in servers]
        for round_ in range(args.rounds):
            order = turns if round_ % 2 == 0 else turns[::-1]
            for page, side in order:
                phase = run_phase(args, servers[side], page, sessions[PAGES[page][2] or args.user])
                phase["page"] = label = page + side
                phases.append(phase)
                print(
                    f"   round {round_ + 1} {label:17} {phase['requests']:6d} requests "
                    f"{phase['per_second']:6.1f}/s  errors {phase['errors']}  "
                    f"p50 {phase['p50_ms']:.0f} ms  p95 {phase['p95_ms']:.0f} ms  "
                    f"p99 {phase['p99_ms']:.0f} ms  server CPU "
                    f"{phase['server_cpu_ms_per_request']:.1f} ms/request  "
                    f"load {' '.join(f'{x:.2f}' for x in phase['load_average'])}",
                    flush=True,
                )

    labels = list(dict.fromkeys(p["page"] for p in phases))
    summary = {label: merged(phases, label, args.seconds) for label in labels}
    print(
        f"\nstatistics under {args.users} closed-loop users, {backend}, {args.clients} clients, "
        f"gunicorn {args.workers} {args.worker_class} workers × {args.threads} threads; {_timing.conditions_text()}"
    )
    for page, s in summary.items():
        print(
            f"  {page:17} {s['requests']:6d} requests {s['per_second']:6.1f}/s errors "
            f"{s['errors']}  p50 {s['p50_ms']:.0f} ms  p95 {s['p95_ms']:.0f} ms (per round "
            f"{', '.join(f'{x:.0f}' for x in s['p95_per_round'])})  p99 {s['p99_ms']:.0f} ms  "
            f"server CPU ms/request {s['server_cpu_ms_per_request']}"
        )
    ok = True
    for page in ("dashboard", "overview"):
        if page not in summary:
            continue
        s = summary[page]
        floor = summary.get("healthz")
        page_ok = s["p95_ms"] <= P95_TARGET_MS and s["errors"] == 0
        ok = ok and page_ok
        _timing.verdict(
            f"statistics {page} under {args.users} users ({backend}, {args.clients} clients): "
            f"p95 ≤ {P95_TARGET_MS:.0f} ms",
            f"p95 {s['p95_ms']:.0f} ms, p50 {s['p50_ms']:.0f} ms, {s['per_second']}/s, "
            f"{s['errors']} errors, server CPU "
            f"{statistics.median(s['server_cpu_ms_per_request']):.1f} ms/request",
            (
                f"/healthz p95 {floor['p95_ms']:.0f} ms, {floor['per_second']}/s, server CPU "
                f"{statistics.median(floor['server_cpu_ms_per_request']):.1f} ms/request"
            )
            if floor
            else "–",
            page_ok,
        )
    if "worklist" in summary:
        s, floor = summary["worklist"], summary.get("healthz")
        share = s["per_second"] / floor["per_second"] if floor and floor["per_second"] else 0.0
        page_ok = bool(floor) and share >= WORKLIST_SHARE and s["errors"] == 0
        ok = ok and page_ok
        _timing.verdict(
            f"worklist under {args.users} users ({backend}, {args.clients} clients): "
            f"≥ {WORKLIST_SHARE} of the /healthz floor's requests per second",
            f"{s['per_second']}/s, {share:.2f} of the floor, p50 {s['p50_ms']:.0f} ms, p95 "
            f"{s['p95_ms']:.0f} ms, {s['errors']} errors, server CPU "
            f"{statistics.median(s['server_cpu_ms_per_request']):.1f} ms/request",
            f"/healthz {floor['per_second']}/s" if floor else "– (add healthz to --pages)",
            page_ok,
        )
    for phase in phases:
        phase.pop("times")
    _timing.write_result(
        args.write,
        {
            "benchmark": "statistics_load",
            "conditions": _timing.conditions(),
            "backend": backend,
            "clients": args.clients,
            "users": args.users,
            "workers": args.workers,
            "threads": args.threads,
            "worker_class": args.worker_class,
            "seconds": args.seconds,
            "phases": phases,
            "summary": summary,
            "pass": ok,
        },
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
