"""The server-side bar chart: round gridlines and figures in the reader's number format."""

import re

import pytest
from django.utils import translation

from kotopolku.documents.charts import bar_chart, nice_ticks


@pytest.mark.parametrize(
    ("highest", "whole", "expected"),
    [
        (23, True, [0, 5, 10, 15, 20, 25]),
        (100, False, [0, 20, 40, 60, 80, 100]),
        (64.3, False, [0, 20, 40, 60, 80]),
        (0.47, False, [0, 0.1, 0.2, 0.3, 0.4, 0.5]),
        (3, True, [0, 1, 2, 3]),
        (0.4, True, [0, 1]),
        (0, True, [0, 1]),
        (1_234_567, False, [0, 250_000, 500_000, 750_000, 1_000_000, 1_250_000]),
    ],
)
def test_gridlines_are_round_numbers_that_cover_the_highest_bar(highest, whole, expected):
    assert nice_ticks(highest, whole=whole) == pytest.approx(expected)


def _axis_labels(svg: str) -> list[str]:
    return re.findall(r'text-anchor="end" fill="#1a1a1a">([^<]*)</text>', svg)


def test_chart_axis_and_bars_use_the_language_number_format():
    values = [11, 23, 9]
    with translation.override("fi"):
        svg = bar_chart(title="Uudet asiakkaat", labels=["A", "B", "C"], values=values)
        assert _axis_labels(svg) == ["0", "5", "10", "15", "20", "25"]
        share = bar_chart(title="Osuus", labels=["A"], values=[12.5])
        assert ">12,5</text>" in share
    with translation.override("en"):
        share = bar_chart(title="Share", labels=["A"], values=[12.5])
        assert ">12.5</text>" in share


def test_the_same_chart_renders_to_the_same_bytes():
    args = {"title": "T", "labels": ["a", "b"], "values": [1, 2]}
    assert bar_chart(**args) == bar_chart(**args)
