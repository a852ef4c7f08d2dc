"""Hand-written SVG charts, the same in pages and in PDF. No inline style (the CSP forbids it):
presentation attributes only. Every chart is shown together with its data table."""

import hashlib
from decimal import Decimal
from html import escape

BAR = "#0b3d6e"
TARGET = "#b01e0f"
GRID = "#cfd6dd"
TEXT = "#1a1a1a"


def _fmt(value: Decimal | float) -> str:
    text = f"{Decimal(str(value)).normalize():f}"
    return text


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
    scale = plot_h / (highest * 1.1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-t" class="chart">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="{GRID}" stroke-width="1"/>',
    ]
    for step in range(5):
        tick = highest * 1.1 * step / 4
        y = top + plot_h - tick * scale
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}" '
            f'stroke-width="0.5"/><text x="{left - 6}" y="{y + 4:.1f}" font-size="11" '
            f'text-anchor="end" fill="{TEXT}">{escape(_fmt(round(tick, 1)))}</text>'
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
