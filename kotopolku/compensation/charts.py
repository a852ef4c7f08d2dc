"""Small server-side SVG bar charts of euros per month: the forecast (stacked) and the what-if
preview (current vs draft side by side), with presentation attributes only (the content security
policy forbids inline style). The page shows the data table next to each."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from kotopolku.documents.charts import nice_ticks

COLOURS = ("#0b3d6e", "#e8a317")  # dark blue and amber: distinguishable without colour vision
GRID = "#cfd6dd"
TEXT = "#1a1a1a"


def _euros(value: Decimal) -> str:
    return f"{value:,.0f}".replace(",", "\u202f")


def stacked_bar_chart(**kwargs) -> str:
    """Vertical bars, one per label, each stacked from the series in order; with a legend."""
    return _bar_chart(stacked=True, **kwargs)


def grouped_bar_chart(**kwargs) -> str:
    """One bar per series side by side for each label (e.g. current vs draft); with a legend."""
    return _bar_chart(stacked=False, **kwargs)


def _bar_chart(
    *,
    stacked: bool,
    chart_id: str,
    title: str,
    description: str,
    labels: list[str],
    series: list[tuple[str, list[Decimal]]],
    width: int = 720,
    height: int = 260,
) -> str:
    left, right, top, bottom = 64, 16, 28, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    if stacked:
        heights = [sum((s[1][i] for s in series), Decimal(0)) for i in range(len(labels))]
    else:
        heights = [v for _name, values in series for v in values]
    highest = float(max(heights + [Decimal(0)])) or 1.0
    ticks = nice_ticks(highest, whole=True)
    scale = plot_h / ticks[-1]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-t {chart_id}-d" class="chart">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
    ]
    for tick in ticks:
        y = top + plot_h - tick * scale
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}" '
            f'stroke-width="0.5"/><text x="{left - 6}" y="{y + 4:.1f}" font-size="11" '
            f'text-anchor="end" fill="{TEXT}">{escape(_euros(Decimal(tick)))}</text>'
        )
    slot = plot_w / max(len(labels), 1)
    bar_w = min(slot * 0.6, 48) if stacked else min(slot * 0.7 / max(len(series), 1), 24)
    bars = 1 if stacked else len(series)
    for index, label in enumerate(labels):
        x = left + slot * index + (slot - bar_w * bars) / 2
        base: float = top + plot_h
        for offset, ((_name, values), colour) in enumerate(zip(series, COLOURS, strict=False)):
            h = float(values[index]) * scale
            bar_x = x if stacked else x + offset * bar_w
            base = base - h if stacked else top + plot_h - h
            parts.append(
                f'<rect x="{bar_x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{colour}"/>'
            )
        parts.append(
            f'<text x="{left + slot * index + slot / 2:.1f}" y="{top + plot_h + 16}" '
            f'font-size="11" text-anchor="middle" fill="{TEXT}">{escape(label)}</text>'
        )
    legend_x = left
    for (name, _values), colour in zip(series, COLOURS, strict=False):
        parts.append(
            f'<rect x="{legend_x}" y="6" width="12" height="12" fill="{colour}"/>'
            f'<text x="{legend_x + 16}" y="16" font-size="12" fill="{TEXT}">{escape(name)}</text>'
        )
        legend_x += 20 + 8 * len(name) + 24
    parts.append("</svg>")
    return "".join(parts)
