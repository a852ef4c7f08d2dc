#!/usr/bin/env python3
"""Load and fault tests against a running Kotopolku (started by ops/load or ops/fault).

Virtual case workers log in (a step's new users spread over `--ramp` seconds; the users of
one step stay on into the next), then loop over the worklist, a client page and a client search
until their step ends, pausing a random think time between requests (`--think`, mean seconds;
0 hammers the server with no pause). Every loop is bounded by time and by a request cap, and
only 127.0.0.1 is contacted.

With `--behind-proxy` the requests look as they do behind the TLS-terminating reverse proxy of
a production deployment (DEBUG off): `X-Forwarded-Proto: https`, an https Referer, and the
Secure cookies sent back over the plain loopback connection.

    loadtest.py load  --base http://127.0.0.1:8766 --steps 10,20,30,40,50 --seconds 60
    loadtest.py fault --base ... --seconds 60 --users 10 --restart-after 20 --restart-cmd "..."
"""

import argparse
import json
import random
import re
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from urllib.parse import urlparse

import requests

PASSWORD = "kotopolku-demo"  # noqa: S105 - the documented demo password
MAX_REQUESTS_PER_USER = 20000
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEARCHES = ["a", "e", "ma", "an", "ka", "li", "ne", "si"]


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rows: list[tuple[float, str, int, float, bool]] = []  # t, op, status, ms, ok

    def add(self, op: str, status: int, ms: float, ok: bool) -> None:
        with self.lock:
            self.rows.append((time.monotonic(), op, status, ms, ok))


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * len(values) + 0.5) - 1))
    return values[k]


class VirtualUser(threading.Thread):
    def __init__(
        self, base, username, clients, until, rec, *, think=0.0, behind_proxy=False, writes=False
    ):
        super().__init__(daemon=True)
        self.base, self.username, self.clients = base, username, clients
        self.until, self.rec, self.think = until, rec, think
        self.behind_proxy = behind_proxy
        self.writes = writes
        self.written: list[str] = []  # notes of the contacts whose saving answered 302
        self.origin = base.replace("http://", "https://", 1) if behind_proxy else base
        self.session = requests.Session()
        if behind_proxy:
            self.session.headers["X-Forwarded-Proto"] = "https"

    def pause(self) -> None:
        if self.think:
            time.sleep(self.think * random.uniform(0.5, 1.5))  # noqa: S311

    def _unsecure_cookies(self) -> None:
        # The proxy would carry Secure cookies over TLS; here the loopback hop is plain HTTP.
        if self.behind_proxy:
            for cookie in self.session.cookies:
                cookie.secure = False

    def call(
        self, op: str, method: str, path: str, ok_status=(200,), **kwargs
    ) -> requests.Response | None:
        started = time.monotonic()
        try:
            response = self.session.request(
                method, self.base + path, timeout=30, allow_redirects=False, **kwargs
            )
        except requests.RequestException:
            self.rec.add(op, 0, (time.monotonic() - started) * 1000, False)
            time.sleep(0.2)
            return None
        ms = (time.monotonic() - started) * 1000
        self._unsecure_cookies()
        self.rec.add(op, response.status_code, ms, response.status_code in ok_status)
        if response.status_code == 503:
            time.sleep(0.5)
        return response

    def csrf(self, path: str) -> str:
        page = self.session.get(self.base + path, timeout=30)
        self._unsecure_cookies()
        found = CSRF.search(page.text)
        return found.group(1) if found else ""

    def login(self) -> bool:
        try:
            token = self.csrf("/login/")
        except requests.RequestException:
            return False
        response = self.call(
            "login",
            "POST",
            "/login/",
            ok_status=(302,),
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.origin + "/login/"},
        )
        return response is not None and response.status_code == 302

    start_delay = 0.0

    def run(self) -> None:
        done = 0
        time.sleep(self.start_delay)
        while time.monotonic() < self.until and not self.login():
            time.sleep(0.5)
        while time.monotonic() < self.until and done < MAX_REQUESTS_PER_USER:
            self.pause()
            worklist = self.call("worklist", "GET", "/casework/")
            if worklist is not None and worklist.status_code == 302:
                self.login()  # the session was lost (database restart): log in again
                continue
            if self.clients:
                self.pause()
                client_id = random.choice(self.clients)  # noqa: S311
                self.call("client", "GET", f"/clients/{client_id}/")
            self.pause()
            token = self.session.cookies.get("csrftoken", "")
            self.call(
                "search",
                "POST",
                "/clients/",
                data={"q": random.choice(SEARCHES), "csrfmiddlewaretoken": token},  # noqa: S311
                headers={"Referer": self.origin + "/clients/"},
            )
            done += 3
            if self.writes:
                self.pause()
                self.write_contact()
                done += 1

    def write_contact(self) -> None:
        """Record an anonymous guidance contact: the contact and its audit row in one
        transaction. Its note is unique, so the rows can be counted against the 302 answers."""
        note = f"fault-test {uuid.uuid4()}"
        token = self.session.cookies.get("csrftoken", "")
        response = self.call(
            "contact",
            "POST",
            "/casework/contacts/add/",
            ok_status=(302,),
            data={
                "day": time.strftime("%Y-%m-%d"),
                "persons": "2",
                "language": "ar",
                "topics": ["housing", "work"],
                "channel": "phone",
                "outcome": "information",
                "note": note,
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": self.origin + "/casework/contacts/add/"},
        )
        if response is not None and response.status_code == 302:
            self.written.append(note)


def summarise(rec: Recorder, since: float, until: float) -> dict:
    by_op: dict[str, list] = defaultdict(list)
    for t, op, status, ms, ok in rec.rows:
        if since <= t <= until:
            by_op[op].append((status, ms, ok))
    out = {}
    for op, rows in sorted(by_op.items()):
        times = [ms for status, ms, ok in rows if ok]
        statuses: dict[str, int] = defaultdict(int)
        for status, _ms, _ok in rows:
            statuses[str(status)] += 1
        out[op] = {
            "requests": len(rows),
            "errors": sum(1 for _s, _m, ok in rows if not ok),
            "p50": round(pct(times, 50), 1),
            "p95": round(pct(times, 95), 1),
            "p99": round(pct(times, 99), 1),
            "statuses": dict(statuses),
        }
    return out


def print_table(title: str, summary: dict) -> None:
    print(f"\n{title}")
    print(
        f"  {'operation':10} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses"
    )
    for op, s in summary.items():
        print(
            f"  {op:10} {s['requests']:8d} {s['errors']:6d} {s['p50']:8.1f} {s['p95']:8.1f} "
            f"{s['p99']:8.1f}  {s['statuses']}"
        )


def virtual_user(args, i: int, until: float, rec: Recorder, *, writes=False) -> VirtualUser:
    """Virtual user number i: the i-th of the `--user` names (cycling), with the run's options."""
    return VirtualUser(
        args.base,
        args.users_list[i % len(args.users_list)],
        args.clients,
        until,
        rec,
        think=args.think,
        behind_proxy=args.behind_proxy,
        writes=writes,
    )


def load(args) -> int:
    """Step the number of users up: the users of a step stay on into the next one, and each
    step's new users log in spread over its first `--ramp` seconds, as people arrive."""
    rec = Recorder()
    results = []
    steps = [int(n) for n in args.steps.split(",")]
    until = time.monotonic() + args.seconds * len(steps) + 1
    threads: list[VirtualUser] = []
    for users in steps:
        start = time.monotonic()
        new = [virtual_user(args, i, until, rec) for i in range(len(threads), users)]
        for n, thread in enumerate(new):
            thread.start_delay = args.ramp * n / max(1, len(new))
            thread.start()
        threads += new
        time.sleep(max(0.0, start + args.seconds - time.monotonic()))
        summary = summarise(rec, start, time.monotonic())
        results.append({"users": users, "seconds": args.seconds, "operations": summary})
        rate = sum(op["requests"] for op in summary.values()) / args.seconds
        print_table(
            f"{users} concurrent users, {args.seconds} s, think {args.think} s, "
            f"{rate:.1f} requests/s",
            summary,
        )
    for thread in threads:
        thread.join(60)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2)
    errors = sum(s["errors"] for r in results for s in r["operations"].values())
    last = results[-1]["operations"]
    reads_p95 = max(last[op]["p95"] for op in ("worklist", "client", "search") if op in last)
    print(
        f"\nerrors in all steps: {errors}; p95 of reads at {results[-1]['users']} users: {reads_p95:.0f} ms "
        f"(target 300 ms)"
    )
    return 0 if errors == 0 else 1


def fault(args) -> int:
    rec = Recorder()
    start = time.monotonic()
    until = start + args.seconds
    threads = [virtual_user(args, i, until, rec, writes=True) for i in range(args.users)]
    for thread in threads:
        thread.start()
    time.sleep(args.restart_after)
    restart_at = time.monotonic()
    print(f"restarting PostgreSQL at t={restart_at - start:.1f} s: {args.restart_cmd}")
    restart = subprocess.run(args.restart_cmd, shell=True, check=False)  # noqa: S602 - operator's own command
    restarted = time.monotonic()
    if restart.returncode != 0:
        print(f"the restart command failed with status {restart.returncode}")
    for thread in threads:
        thread.join(args.seconds + 60)
    end = time.monotonic()
    summary = summarise(rec, start, end)
    print_table(
        f"fault test: {args.users} users, {args.seconds} s, restart at {restart_at - start:.1f} s",
        summary,
    )
    unclean = [r for r in rec.rows if r[2] not in (200, 302, 503)]
    outage = [r for r in rec.rows if r[2] == 503]
    first_ok_after = next(
        (t for t, op, status, ms, ok in sorted(rec.rows) if t > restarted and ok), None
    )
    tail = [r for r in rec.rows if r[0] > end - min(10, args.seconds / 4)]
    tail_ok = sum(1 for r in tail if r[4])
    print(
        f"\n503 answers during the outage: {len(outage)}; other failures (500, resets): {len(unclean)}"
    )
    if unclean:
        print("  e.g.", sorted({(op, status) for _t, op, status, _ms, _ok in unclean}))
    recovery = f"{first_ok_after - restarted:.1f} s" if first_ok_after else "never"
    print(f"first success after the restart command returned: {recovery}")
    print(f"last seconds: {tail_ok}/{len(tail)} requests succeeded")
    counts = {
        op: sum(1 for _t, o, _s, _m, ok in rec.rows if o == op and ok) for op in ("login", "client")
    }
    report = {
        "written_contacts": [note for thread in threads for note in thread.written],
        "summary": summary,
        "clean_503": len(outage),
        "unclean": len(unclean),
        "recovery_seconds": None if not first_ok_after else round(first_ok_after - restarted, 1),
        "successful": counts,
    }
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(report, fh, indent=2)
    recovered = first_ok_after is not None and tail and tail_ok == len(tail)
    # A run that saw no outage proves nothing about recovery: the database must have been
    # down (the restart command stops it for a while) and the application must have said so.
    observed = len(outage) > 0
    if not observed:
        print("no outage was observed: no request was answered 503 while the database was down")
    report["restart_status"] = restart.returncode
    report["outage_observed"] = observed
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(report, fh, indent=2)
    return 0 if recovered and observed and restart.returncode == 0 and not unclean else 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["load", "fault"])
    parser.add_argument("--base", required=True)
    parser.add_argument(
        "--user",
        default="caseworker-jarvenpaa",
        help="user name, or a comma-separated list: virtual user i logs in as name i (cycling)",
    )
    parser.add_argument("--clients", default="", help="comma-separated client ids to open")
    parser.add_argument("--steps", default="10,20,30,40,50")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--restart-after", type=float, default=20)
    parser.add_argument("--restart-cmd", default="")
    parser.add_argument("--json", default="")
    parser.add_argument(
        "--ramp", type=float, default=10, help="seconds over which a step's new users log in"
    )
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean pause between a user's requests, s"
    )
    parser.add_argument(
        "--behind-proxy",
        action="store_true",
        help="send the headers a TLS-terminating reverse proxy adds (server runs with DEBUG off)",
    )
    args = parser.parse_args()
    host = urlparse(args.base).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("load and fault tests only talk to this machine (127.0.0.1)")
    args.clients = [int(c) for c in args.clients.split(",") if c]
    args.users_list = [u for u in args.user.split(",") if u]
    return load(args) if args.mode == "load" else fault(args)


if __name__ == "__main__":
    sys.exit(main())
