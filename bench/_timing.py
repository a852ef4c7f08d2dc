"""Shared helpers for the benchmarks in bench/ (not part of the application).

- `interleave`: time two or more sides by turns (A B, B A, A B, …), after warm-up runs that are
  not counted, so that a busy spell of the shared machine falls on every side alike instead of
  on whichever side happened to run during it. The side that goes first changes every round.
- `Summary`: median and spread (min–max and the interquartile range) of one side's runs.
- `Comparison`: target against floor: the ratio of the medians and the spread of the per-round
  ratios (each round's target run over the same round's floor run).
- `unique_name` / `postgres_database`: a database name of its own per run (prefix, process id,
  random suffix), created next to a server URL and always dropped, so two runs never collide.
- `add_write_argument` / `write_result`: results are written only to a file named with
  `--write PATH`; nothing is written into the repository by default.
- `conditions`: the load average and the number of cores, printed with every figure.
- `verdict`: the one line per target that `make bench` shows: figure, floor, PASS or FAIL.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


@dataclass(frozen=True)
class Summary:
    """One side's run times (seconds)."""

    times: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def low(self) -> float:
        return min(self.times)

    @property
    def high(self) -> float:
        return max(self.times)

    @property
    def iqr(self) -> tuple[float, float]:
        """The first and third quartiles (the median's for one run)."""
        if len(self.times) < 2:
            return self.median, self.median
        q1, _q2, q3 = statistics.quantiles(self.times, n=4, method="inclusive")
        return q1, q3

    def text(self, unit: str = "s", scale: float = 1.0, digits: int = 3) -> str:
        """ "0.123 s (0.110–0.150, n=5)": the median and min–max."""
        f = f"{{:.{digits}f}}"
        return (
            f"{f.format(self.median * scale)} {unit} "
            f"({f.format(self.low * scale)}–{f.format(self.high * scale)}, n={len(self.times)})"
        )

    def as_dict(self, digits: int = 4) -> dict:
        q1, q3 = self.iqr
        return {
            "median": round(self.median, digits),
            "min": round(self.low, digits),
            "max": round(self.high, digits),
            "q1": round(q1, digits),
            "q3": round(q3, digits),
            "runs": [round(t, digits) for t in self.times],
        }


@dataclass(frozen=True)
class Comparison:
    """Target against floor, timed by turns; `target[i]` and `floor[i]` are one round."""

    target: Summary
    floor: Summary

    @property
    def ratio(self) -> float:
        """The median of the target over the median of the floor."""
        return self.target.median / self.floor.median if self.floor.median else float("inf")

    @property
    def pair_ratios(self) -> tuple[float, ...]:
        return tuple(
            t / f if f else float("inf")
            for t, f in zip(self.target.times, self.floor.times, strict=True)
        )

    @property
    def pair_spread(self) -> tuple[float, float, float]:
        """Min, median and max of the per-round ratios."""
        r = self.pair_ratios
        return min(r), statistics.median(r), max(r)

    def text(self) -> str:
        low, mid, high = self.pair_spread
        return f"ratio {self.ratio:.2f} (per round {low:.2f}–{high:.2f}, median {mid:.2f})"

    def as_dict(self) -> dict:
        low, mid, high = self.pair_spread
        return {
            "target": self.target.as_dict(),
            "floor": self.floor.as_dict(),
            "ratio_of_medians": round(self.ratio, 3),
            "pair_ratio": {"min": round(low, 3), "median": round(mid, 3), "max": round(high, 3)},
        }


@dataclass
class Timings:
    """Wall and CPU seconds per side, in the order the rounds ran."""

    wall: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    def record(self, side: str, wall: float, cpu: float) -> None:
        self.wall.setdefault(side, []).append(wall)
        self.cpu.setdefault(side, []).append(cpu)
        self.order.append(side)

    def summary(self, side: str, *, cpu: bool = False) -> Summary:
        return Summary(tuple((self.cpu if cpu else self.wall)[side]))

    def compare(self, target: str, floor: str, *, cpu: bool = False) -> Comparison:
        return Comparison(self.summary(target, cpu=cpu), self.summary(floor, cpu=cpu))


def time_once(
    fn: Callable[[], object],
    clock: Callable[[], float] = time.perf_counter,
    cpu_clock: Callable[[], float] = time.process_time,
) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    wall, cpu = clock(), cpu_clock()
    fn()
    return clock() - wall, cpu_clock() - cpu


def interleave(
    sides: dict[str, Callable[[], object]],
    *,
    runs: int,
    warmup: int = 1,
    clock: Callable[[], float] = time.perf_counter,
    cpu_clock: Callable[[], float] = time.process_time,
) -> Timings:
    """Run every side `warmup` times (not counted), then `runs` rounds of one run per side.

    Round i runs the sides in their given order rotated by i (A B, B A for two sides; A B C,
    B C A, C A B for three), so that no side always runs first, or always right after another.
    """
    if runs < 1:
        raise ValueError("runs must be at least 1")
    names = list(sides)
    for _ in range(warmup):
        for name in names:
            sides[name]()
    out = Timings({n: [] for n in names}, {n: [] for n in names})
    for i in range(runs):
        k = i % len(names)
        for name in names[k:] + names[:k]:
            out.record(name, *time_once(sides[name], clock, cpu_clock))
    return out


# ---------------------------------------------------------------- databases


def unique_name(prefix: str) -> str:
    """A PostgreSQL database name of this run alone: prefix, process id, random suffix."""
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}".lower()
    if not name.replace("_", "").isalnum() or len(name) > 63:
        raise ValueError(f"not a plain database name: {name!r}")
    return name


@contextmanager
def postgres_database(server_url: str, prefix: str) -> Iterator[str]:
    """Create a database named `unique_name(prefix)` next to `server_url`; yield its URL; drop
    it afterwards, whatever happened (connections to it are ended first)."""
    import psycopg

    name = unique_name(prefix)
    # The name is ours (checked by unique_name), never input: a plain identifier.
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - Django may not be set up; the drop still runs
            pass
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# ---------------------------------------------------------------- results and conditions


def add_write_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--write",
        metavar="PATH",
        default="",
        help="also write the results as JSON to PATH (nothing is written without it)",
    )


def write_result(path: str, result: dict) -> None:
    if path:
        Path(path).write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
        print(f"results written to {path}")


def conditions() -> dict:
    one, five, fifteen = os.getloadavg()
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cores": os.cpu_count(),
        "load_average": [round(one, 2), round(five, 2), round(fifteen, 2)],
        "python": platform.python_version(),
    }


def conditions_text() -> str:
    c = conditions()
    one, five, fifteen = c["load_average"]
    return (
        f"{c['date']}, {c['cores']} cores, load average {one:.2f} {five:.2f} {fifteen:.2f} "
        f"(1, 5, 15 min), Python {c['python']}"
    )


def verdict(name: str, figure: str, floor: str, ok: bool) -> str:
    """One line for `make bench`: PASS/FAIL, the target, its figure and its floor."""
    line = f"{'PASS' if ok else 'FAIL'}  {name}: {figure}  |  floor: {floor}"
    print(line, flush=True)
    return line
