"""Hand-written SVG charts, the same in pages and in PDF. No inline style (the CSP forbids it):
presentation attributes only. Every chart is shown together with its data table."""

import hashlib
import math
from decimal import Decimal
from html import escape

from django.utils import formats

BAR = "#0b3d6e"
TARGET = "#b01e0f"
GRID = "#cfd6dd"
TEXT = "#1a1a1a"


MAX_TICKS = 6
NICE_STEPS = (1, 2, 2.5, 5, 10)


def nice_ticks(highest: float, *, whole: bool = False) -> list[float]:
    """Round gridline values from 0 up to at least `highest`: steps of 1, 2, 2.5 or 5 times a
    power of ten, at most MAX_TICKS of them (0, 5, 10, … 25 for a highest bar of 23, not
    0, 6.3, 12.7 …). `whole`: counts of people, so never a step below 1."""
    highest = max(float(highest), 0.0) or 1.0
    magnitude = 10 ** math.floor(math.log10(highest / (MAX_TICKS - 1)))
    step = magnitude
    for multiple in NICE_STEPS:
        step = multiple * magnitude
        if math.ceil(highest / step) <= MAX_TICKS - 1:
            break
    if whole and step < 1:
        step = 1.0
    count = math.ceil(highest / step - 1e-9)
    return [round(step * i, 10) for i in range(count + 1)]


def _fmt(value: Decimal | float) -> str:
    """A figure in the active language's number format (fi and sv: 12,5; en: 12.5)."""
    number = Decimal(str(value)).normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return formats.number_format(number, use_l10n=True, force_grouping=True)


def bar_chart(
    *,
    title: str,
    labels: list[str],
    values: list[Decimal | float],
    unit: str = "",
    target: Decimal | float | None = None,
    target_label: str = "",
    width: int = 520,
    height: int = 220,
) -> str:
    """A vertical bar chart with an optional horizontal target line, as an SVG string."""
    # Deterministic id: the same chart renders to the same bytes (approved documents compare).
    seed = repr((title, labels, [str(v) for v in values], str(target))).encode()
    chart_id = "chart-" + hashlib.sha1(seed, usedforsecurity=False).hexdigest()[:10]
    left, right, top, bottom = 48, 16, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max([float(v) for v in values] + [float(target or 0), 0.0]) or 1.0
    whole = all(float(v) == int(float(v)) for v in values)
    ticks = nice_ticks(highest, whole=whole)
    scale = plot_h / ticks[-1]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-t" class="chart">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="{GRID}" stroke-width="1"/>',
    ]
    for tick in ticks:
        y = top + plot_h - tick * scale
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}" '
            f'stroke-width="0.5"/><text x="{left - 6}" y="{y + 4:.1f}" font-size="11" '
            f'text-anchor="end" fill="{TEXT}">{escape(_fmt(tick))}</text>'
        )
    n = max(len(values), 1)
    slot = plot_w / n
    bar_w = min(slot * 0.6, 60)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + slot * index + (slot - bar_w) / 2
        h = float(value) * scale
        y = top + plot_h - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{BAR}"/>'
            f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" font-size="11" text-anchor="middle" '
            f'fill="{TEXT}">{escape(_fmt(value))}{escape(unit and " " + unit)}</text>'
            f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 16}" font-size="11" '
            f'text-anchor="middle" fill="{TEXT}">{escape(label)}</text>'
        )
    if target is not None:
        y = top + plot_h - float(target) * scale
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{TARGET}" '
            f'stroke-width="2" stroke-dasharray="6 4"/><text x="{left + plot_w}" y="{y - 4:.1f}" '
            f'font-size="11" text-anchor="end" fill="{TARGET}">{escape(target_label)} '
            f"{escape(_fmt(target))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
