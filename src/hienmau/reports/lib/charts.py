"""Server-drawn charts: plain geometry for SVG templates (no script, no library, readable at any width)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

BAR_HEIGHT = 18
BAR_GAP = 8
LABEL_WIDTH = 260
PLOT_WIDTH = 440
CAP = 150  # percent: bars longer than this are drawn at the cap and say so


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None  # percent
    y: int
    width: float
    level: str  # "none", "low", "mid", "done"
    text: str


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int
    width: int = LABEL_WIDTH + PLOT_WIDTH + 60
    label_width: int = LABEL_WIDTH
    plot_width: int = PLOT_WIDTH

    @property
    def hundred_x(self) -> float:
        return self.label_width + self.plot_width * 100 / CAP


def _level(value: Decimal | None) -> str:
    if value is None or value == 0:
        return "none"
    if value < 50:
        return "low"
    if value < 100:
        return "mid"
    return "done"


def percent_bars(items: list[tuple[str, Decimal | None]]) -> BarChart:
    """One horizontal bar per (label, percent), in the order given; a line marks 100 %."""
    bars = []
    for index, (label, value) in enumerate(items):
        shown = min(float(value or 0), CAP)
        text = "—" if value is None else f"{value:.1f}%".replace(".", ",")
        bars.append(
            Bar(
                label if len(label) <= 38 else label[:37] + "…",
                value,
                index * (BAR_HEIGHT + BAR_GAP) + 20,
                round(PLOT_WIDTH * shown / CAP, 1),
                _level(value),
                text,
            )
        )
    return BarChart(bars, len(items) * (BAR_HEIGHT + BAR_GAP) + 30)


@dataclass(frozen=True)
class LineChart:
    """Month by month, cumulative: the plan's schedule and the result, on one scale."""

    result_points: str
    target_points: str
    labels: list[tuple[float, str]]
    top_label: str
    width: int = 700
    height: int = 240
    left: int = 50
    bottom: int = 210


def cumulative_lines(targets: list[int | None], results: list[int], *, width: int = 700) -> LineChart:
    months = len(results)
    cumulative_target, cumulative_result, t, r = [], [], 0, 0
    for index in range(months):
        t += targets[index] or 0
        r += results[index]
        cumulative_target.append(t)
        cumulative_result.append(r)
    top = max([*cumulative_target, *cumulative_result, 1])
    left, bottom, plot_w, plot_h = 50, 210, width - 70, 190

    def point(index: int, value: int) -> str:
        x = left + plot_w * index / max(months - 1, 1)
        y = bottom - plot_h * value / top
        return f"{x:.1f},{y:.1f}"

    labels = [(left + plot_w * i / max(months - 1, 1), str(i + 1)) for i in range(months)]
    return LineChart(
        " ".join(point(i, v) for i, v in enumerate(cumulative_result)),
        " ".join(point(i, v) for i, v in enumerate(cumulative_target)) if any(targets) else "",
        labels,
        f"{top:,}".replace(",", "."),
        width=width,
    )
