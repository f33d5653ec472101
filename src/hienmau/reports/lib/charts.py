"""Server-drawn charts: plain geometry for SVG templates (no script, no library, readable at any width)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

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


TILE_W, TILE_H, TILE_GAP = 96, 52, 6


@dataclass(frozen=True)
class TileInput:
    key: int  # the unit's id
    code: str
    name: str
    percent: Decimal | None


@dataclass(frozen=True)
class Tile:
    key: int
    name: str
    short: str
    x: int
    y: int
    level: str
    text: str


@dataclass(frozen=True)
class TileMap:
    tiles: list[Tile]
    width: int
    height: int
    geographic: bool  # laid out as the map of the provinces; else a grid in the order given
    tile_w: int = TILE_W
    tile_h: int = TILE_H


def _short(name: str, limit: int = 13) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def tile_map(items: list[TileInput], layout: dict[str, tuple[int, int]] | None = None) -> TileMap:
    """One tile per unit coloured by its achievement (the bars' levels). When every unit has a place in
    `layout` (code → row, column: the provinces), the tiles form the country's shape; otherwise they are
    a grid in the order given (a province's communes), about half as many columns as rows."""
    geographic = bool(items) and layout is not None and all(item.code in layout for item in items)
    if geographic and layout is not None:
        places = [layout[item.code] for item in items]
    else:
        columns = max(1, min(8, round((len(items) / 2) ** 0.5 * 1.4) or 1))
        places = [(index // columns, index % columns) for index in range(len(items))]
    tiles = [
        Tile(
            item.key,
            item.name,
            _short(item.name),
            col * (TILE_W + TILE_GAP),
            row * (TILE_H + TILE_GAP),
            _level(item.percent),
            "—" if item.percent is None else f"{item.percent:.1f}%".replace(".", ","),
        )
        for item, (row, col) in zip(items, places)
    ]
    rows = max((row for row, _ in places), default=-1) + 1
    cols = max((col for _, col in places), default=-1) + 1
    return TileMap(
        tiles, max(cols * (TILE_W + TILE_GAP) - TILE_GAP, 1), max(rows * (TILE_H + TILE_GAP) - TILE_GAP, 1), geographic
    )


@functools.cache
def province_tiles() -> dict[str, tuple[int, int]]:
    """The provinces' tile positions (reports/data/province_tiles.json, which states how they were drawn)."""
    data = json.loads((Path(__file__).resolve().parent.parent / "data" / "province_tiles.json").read_text("utf-8"))
    return {code: (place[0], place[1]) for code, place in data["tiles"].items()}


@dataclass(frozen=True)
class OutlookColumn:
    x: float  # centre
    label: str
    flag: bool
    planned_y: float  # top of the planned bar
    band_x: float  # left edge of the column's shaded area
    band_width: float
    bar_x: float = 0
    planned_height: float = 0


@dataclass(frozen=True)
class OutlookChart:
    """Months ahead: the expected range as a band, expected and demand as lines, planned as bars; flagged
    months shaded."""

    columns: list[OutlookColumn]
    band_points: str  # polygon: high left to right, then low right to left
    expected_points: str
    demand_points: str
    top_label: str
    bar_width: float
    width: int = 700
    height: int = 240
    left: int = 50
    top: int = 20
    bottom: int = 210

    @property
    def plot_height(self) -> int:
        return self.bottom - self.top


def outlook_chart(
    labels: list[str],
    expected: list[int],
    low: list[int],
    high: list[int],
    demand: list[int],
    planned: list[int],
    flags: list[bool],
    *,
    width: int = 700,
) -> OutlookChart:
    count = len(labels)
    top = max([*high, *demand, *planned, *expected, 1])
    left, top_y, bottom = 50, 20, 210
    step = (width - left - 20) / max(count, 1)

    def x(index: int) -> float:
        return left + step * (index + 0.5)

    def y(value: int) -> float:
        return bottom - (bottom - top_y) * value / top

    def points(values: list[int]) -> str:
        return " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))

    band = [f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(high)]
    band += [f"{x(i):.1f},{y(v):.1f}" for i, v in reversed(list(enumerate(low)))]
    bar = step * 0.35
    columns = [
        OutlookColumn(
            round(x(i), 1),
            labels[i],
            flags[i],
            round(y(planned[i]), 1),
            round(left + step * i, 1),
            round(step, 1),
            round(x(i) - bar / 2, 1),
            round(bottom - y(planned[i]), 1),
        )
        for i in range(count)
    ]
    return OutlookChart(
        columns,
        " ".join(band),
        points(expected),
        points(demand) if any(demand) else "",
        f"{top:,}".replace(",", "."),
        round(bar, 1),
        width=width,
    )
