"""bench/_timing.py: interleaving, median, spread and ratios (the benchmarks' own arithmetic)."""

import importlib.util
import os
import re
import sys
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parents[3] / "bench" / "_timing.py"
spec = importlib.util.spec_from_file_location("bench_timing", PATH)
timing = importlib.util.module_from_spec(spec)
sys.modules.setdefault("bench_timing", timing)  # dataclasses look their module up
spec.loader.exec_module(timing)


class FakeClock:
    """Each side's run advances the clock by that side's next duration."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_sides_take_turns_and_warm_up_is_not_counted():
    clock = FakeClock()
    calls = []
    durations = {"a": iter([9.0, 1.0, 2.0, 3.0]), "b": iter([9.0, 10.0, 20.0, 30.0])}

    def side(name):
        def run():
            calls.append(name)
            clock.now += next(durations[name])

        return run

    t = timing.interleave(
        {"a": side("a"), "b": side("b")}, runs=3, warmup=1, clock=clock, cpu_clock=clock
    )
    assert calls == ["a", "b", "a", "b", "b", "a", "a", "b"]  # warm-up, then A B, B A, A B
    assert t.order == ["a", "b", "b", "a", "a", "b"]
    assert t.wall == {"a": [1.0, 2.0, 3.0], "b": [10.0, 20.0, 30.0]}
    c = t.compare("b", "a")
    assert c.ratio == 10.0
    assert c.pair_ratios == (10.0, 10.0, 10.0)


def test_three_sides_rotate():
    calls = []
    timing.interleave({k: (lambda k=k: calls.append(k)) for k in "xyz"}, runs=3, warmup=0)
    assert "".join(calls) == "xyzyzxzxy"


def test_median_spread_and_pair_ratios():
    s = timing.Summary((0.5, 0.1, 0.3, 0.2, 0.4))
    assert s.median == 0.3
    assert (s.low, s.high) == (0.1, 0.5)
    assert s.iqr == pytest.approx((0.2, 0.4))
    assert s.text() == "0.300 s (0.100–0.500, n=5)"
    c = timing.Comparison(timing.Summary((2.0, 4.0, 9.0)), timing.Summary((1.0, 4.0, 3.0)))
    assert c.ratio == 4.0 / 3.0  # medians 4 and 3
    assert c.pair_ratios == (2.0, 1.0, 3.0)
    assert c.pair_spread == (1.0, 2.0, 3.0)
    assert c.as_dict()["pair_ratio"] == {"min": 1.0, "median": 2.0, "max": 3.0}
    assert timing.Summary((0.7,)).iqr == (0.7, 0.7)


def test_runs_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        timing.interleave({"a": lambda: None}, runs=0)


def test_database_names_are_unique_and_plain():
    a, b = timing.unique_name("kp_bench_stats"), timing.unique_name("kp_bench_stats")
    assert a != b
    assert re.fullmatch(rf"kp_bench_stats_{os.getpid()}_[0-9a-f]{{8}}", a)
    with pytest.raises(ValueError, match="not a plain"):
        timing.unique_name("x; DROP")


def test_nothing_is_written_unless_asked(tmp_path, capsys):
    timing.write_result("", {"a": 1})
    assert list(tmp_path.iterdir()) == []
    target = tmp_path / "out.json"
    timing.write_result(str(target), {"a": 1})
    assert target.read_text() == '{\n  "a": 1\n}\n'


def test_verdict_line(capsys):
    timing.verdict("x", "1 s", "2 s", False)
    assert capsys.readouterr().out == "FAIL  x: 1 s  |  floor: 2 s\n"
