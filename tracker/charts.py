"""Small server-rendered charts: series of numbers to SVG coordinates and path data.

PURE: no Flask, no Peewee. Templates draw the SVG from these values, so charts need no library and no
script, and every number a chart shows is also in its caption or table. `None` in a series is a gap
(a day not counted yet, or a part of the score still unknown): the line breaks there rather than
inventing a value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

WIDTH, HEIGHT, PAD = 300, 80, 6


class Point(NamedTuple):
    """One value placed in the chart's coordinate system (y grows downward, as in SVG); a named tuple,
    as the year's chart places 365 of them."""

    x: float
    y: float
    value: float


@dataclass(frozen=True)
class LineChart:
    """A line over evenly spaced slots, ready for an SVG `viewBox="0 0 width height"`."""

    width: int
    height: int
    low: float
    high: float
    points: tuple[Point | None, ...]
    path: str

    @cached_property
    def known(self) -> list[Point]:
        """The points with a value, in order (found once: a template asks for the last, lowest and
        highest several times, and a year has 365 points)."""
        return [point for point in self.points if point is not None]

    @property
    def last(self) -> Point | None:
        """The latest known point (marked with a dot)."""
        known = self.known
        return known[-1] if known else None

    @property
    def lowest(self) -> float | None:
        """The smallest value shown, for the caption."""
        return min((p.value for p in self.known), default=None)

    @property
    def highest(self) -> float | None:
        """The largest value shown, for the caption."""
        return max((p.value for p in self.known), default=None)

    def y_of(self, value: float) -> float:
        """Where a value sits vertically (for guide lines)."""
        return _y(value, self.low, self.high, self.height)


def _y(value: float, low: float, high: float, height: int) -> float:
    """A value's y, clamped to the range so an outlier never draws outside the box."""
    share = (min(max(value, low), high) - low) / (high - low)
    return round(PAD + (1 - share) * (height - 2 * PAD), 1)


def slot_x(index: int, slots: int, width: int = WIDTH) -> float:
    """The x of slot `index` of `slots`, spread edge to edge inside the padding (one slot: centred)."""
    if slots <= 1:
        return width / 2
    return round(PAD + index * (width - 2 * PAD) / (slots - 1), 1)


def line_chart(
    values: Sequence[float | None],
    *,
    low: float = 0.0,
    high: float = 1.0,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> LineChart:
    """Place each value in its slot between low (bottom) and high (top); None leaves a gap."""
    if high <= low:
        raise ValueError("high must be above low")
    slots = len(values)
    points = tuple(
        None if value is None else Point(slot_x(i, slots, width), _y(value, low, high, height), value)
        for i, value in enumerate(values)
    )
    return LineChart(width, height, low, high, points, path_data(points))


def path_data(points: Iterable[Point | None]) -> str:
    """SVG path data joining consecutive points; a gap starts a new segment, a lone point is a dot."""
    segments: list[list[Point]] = [[]]
    for point in points:
        if point is None:
            if segments[-1]:
                segments.append([])
        else:
            segments[-1].append(point)
    parts = []
    for segment in filter(None, segments):
        head, *rest = segment
        line = "".join(f"L{p.x:g} {p.y:g}" for p in rest) if rest else "h0"
        parts.append(f"M{head.x:g} {head.y:g}{line}")
    return "".join(parts)


def bar_lengths(counts: Sequence[int], width: float, total: int | None = None) -> list[float]:
    """Each count's length on a bar of `width` for `total` (default: their sum); all 0 when empty."""
    total = sum(counts) if total is None else total
    if total <= 0:
        return [0.0] * len(counts)
    return [round(width * count / total, 1) for count in counts]


def stacked(counts: Sequence[int], width: float) -> list[tuple[float, float]]:
    """(x, length) of each part of one bar split by counts, left to right."""
    lengths = bar_lengths(counts, width)
    starts = [round(sum(lengths[:i]), 1) for i in range(len(lengths))]
    return list(zip(starts, lengths, strict=True))
