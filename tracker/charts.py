"""Small server-rendered charts: series of numbers to SVG coordinates and path data.

PURE: no Flask, no Peewee. Templates draw the SVG from these values, so charts need no library and no
script, and every number a chart shows is also in its caption or table. `None` in a series is a gap
(a day not counted yet, or a part of the score still unknown): the line breaks there rather than
inventing a value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from markupsafe import Markup, escape

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
    if slots <= 1:
        points = tuple(None if v is None else Point(width / 2, _y(v, low, high, height), v) for v in values)
        return LineChart(width, height, low, high, points, path_data(points))
    # slot_x and _y inline, the same arithmetic in the same order: a year places some 330 points.
    across, gaps, span, inner = width - 2 * PAD, slots - 1, high - low, height - 2 * PAD
    points = tuple(
        None
        if value is None
        else Point(
            round(PAD + i * across / gaps, 1),
            round(PAD + (1 - (min(max(value, low), high) - low) / span) * inner, 1),
            value,
        )
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


def bar(count: float, total: float, width: int = 120) -> Markup:
    """A horizontal bar of `count` out of `total` (at least a dot's length when there is any), as an
    `<svg>`: built here rather than by a Jinja macro, as the month page draws a dozen."""
    fill = ""
    if count:
        length = max(bar_lengths([count], width, total)[0], 10)
        fill = f'<rect class="bar-fill" x="0" y="0" width="{length}" height="10" rx="5"/>'
    # Numbers only: nothing here needs escaping.
    return Markup(  # noqa: S704  # nosec B704 (numbers only)
        f'<svg class="bar" viewBox="0 0 {width} 10" width="{width}" height="10" preserveAspectRatio="none" '
        f'aria-hidden="true" focusable="false">\n  <rect class="bar-track" x="0" y="0" width="{width}" '
        f'height="10" rx="5"/>\n  {fill}\n</svg>'
    )


def stacked(counts: Sequence[int], width: float) -> list[tuple[float, float]]:
    """(x, length) of each part of one bar split by counts, left to right."""
    lengths = bar_lengths(counts, width)
    starts = [round(sum(lengths[:i]), 1) for i in range(len(lengths))]
    return list(zip(starts, lengths, strict=True))


# --- Charts with axes: a plot area inside margins for the scale (left) and the days or months (below) ---

AXIS_LEFT, AXIS_TOP, AXIS_BOTTOM = 34, 10, 24


@dataclass(frozen=True)
class Tick:
    """One label on an axis: where it sits (y for the scale, x for days or months) and its text."""

    at: float
    text: str


@dataclass(frozen=True)
class AxisChart:
    """A line drawn in a plot area at (left, top) of a `width` × `height` viewBox, with its scale on the
    left (`y_ticks`, with guide lines) and its days or months below (`x_ticks`, at `x_label_y`)."""

    width: int
    height: int
    left: int
    top: int
    plot: LineChart
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]

    @property
    def x_label_y(self) -> float:
        """The baseline of the labels under the plot."""
        return self.height - 6

    @property
    def right(self) -> int:
        """Where the plot area ends on the right."""
        return self.left + self.plot.width

    @property
    def bottom(self) -> int:
        """Where the plot area ends at the bottom."""
        return self.top + self.plot.height

    @property
    def last(self) -> Point | None:
        """The latest known point, in the plot's own coordinates."""
        return self.plot.last

    def svg(self, id: str) -> Markup:
        """The chart's `<svg>`, labelled by the caption `{id}-caption`: built here rather than by a Jinja
        loop over its ticks, which cost more than the rest of a chart's figure (Month draws seven).

        f-strings rather than Markup.format (whose Python formatter cost as much as the loop): the numbers
        are this chart's own, and every text put in is escaped."""
        left, right, bottom = self.left, self.right, self.bottom
        y_ticks = "".join(
            f'<line class="chart-guide" x1="{left}" x2="{right}" y1="{tick.at}" y2="{tick.at}"/>\n    '
            f'<text class="chart-tick" x="{left - 5}" y="{tick.at}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(tick.text)}</text>'
            for tick in self.y_ticks
        )
        x_ticks, last_index, label_y = [], len(self.x_ticks) - 1, self.x_label_y
        for index, tick in enumerate(self.x_ticks):
            if index == 0 and tick.at < left + 12:
                anchor = "start"
            elif index == last_index and tick.at > right - 12:
                anchor = "end"
            else:
                anchor = "middle"
            x_ticks.append(
                f'<line class="chart-axis" x1="{tick.at}" x2="{tick.at}" y1="{bottom}" y2="{bottom + 4}"/>'
                f'\n    <text class="chart-tick" x="{tick.at}" y="{label_y}" text-anchor="{anchor}">'
                f"{escape(tick.text)}</text>"
            )
        path = f'<path class="chart-line" d="{escape(self.plot.path)}"/>' if self.plot.path else ""
        dot = self.last
        circle = f'<circle class="chart-dot" cx="{dot.x}" cy="{dot.y}" r="4"/>' if dot else ""
        # The numbers are the chart's own; the texts, the path and the id are escaped above.
        return Markup(  # noqa: S704  # nosec B704 (escaped above)
            f'<svg class="chart-svg" viewBox="0 0 {self.width} {self.height}" role="img" '
            f'aria-labelledby="{escape(id)}-caption" focusable="false">\n    {y_ticks}\n'
            f'    <line class="chart-axis" x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}"/>\n'
            f"    {''.join(x_ticks)}\n"
            f'    <g transform="translate({left} {self.top})">\n      {path}\n      {circle}\n    </g>\n'
            "  </svg>"
        )


def nice_range(
    values: Iterable[float | None],
    *,
    floor: float = 0,
    ceiling: float = 100,
    span: float = 40,
    step: float = 10,
) -> tuple[float, float]:
    """A range that holds every value with room around it, on whole `step`s, at least `span` tall and
    within floor..ceiling: a line near the top no longer sits on the chart's edge, and a small wobble
    does not fill the whole height. No values: the whole floor..ceiling."""
    known = [value for value in values if value is not None]
    if not known:
        return floor, ceiling
    low = max(floor, step * math.floor((min(known) - step / 2) / step))
    high = min(ceiling, step * math.ceil((max(known) + step / 2) / step))
    while high - low < span and (low > floor or high < ceiling):
        if high < ceiling:
            high = min(ceiling, high + step)
        if high - low < span and low > floor:
            low = max(floor, low - step)
    return low, high


def axis_chart(
    values: Sequence[float | None],
    x_labels: Sequence[str | None],
    *,
    low: float,
    high: float,
    y_labels: Sequence[tuple[float, str]],
    width: int = 280,
    height: int = 140,
    left: int = AXIS_LEFT,
) -> AxisChart:
    """A line chart with axes: each value in its slot, `x_labels[i]` (None: no label) under slot i, and
    each (value, text) of `y_labels` on the scale at the left with a guide line across."""
    if len(x_labels) != len(values):
        raise ValueError("one x label (or None) per value")
    plot_width, plot_height = width - left - 8, height - AXIS_TOP - AXIS_BOTTOM
    plot = line_chart(values, low=low, high=high, width=plot_width, height=plot_height)
    y_ticks = tuple(
        Tick(round(AXIS_TOP + plot.y_of(value), 1), text) for value, text in y_labels if low <= value <= high
    )
    x_ticks = tuple(
        Tick(round(left + slot_x(i, len(values), plot_width), 1), text)
        for i, text in enumerate(x_labels)
        if text is not None
    )
    return AxisChart(width, height, left, AXIS_TOP, plot, y_ticks, x_ticks)


def scale_ticks(low: float, high: float, count: int = 3) -> list[tuple[float, str]]:
    """`count` evenly spaced labels from low to high, as whole numbers."""
    if count < 2:
        raise ValueError("at least two ticks")
    gap = (high - low) / (count - 1)
    return [(low + i * gap, f"{round(low + i * gap):d}") for i in range(count)]


@dataclass(frozen=True)
class Change:
    """How a series moved from its first known value to its last: 'up', 'down' or 'steady'."""

    direction: str
    first: float
    last: float
    since: int  # the index of the first known value

    @property
    def words(self) -> str:
        """'up from 61 to 74', 'down from 74 to 61' or 'around 74' (whole numbers)."""
        first, last = round(self.first), round(self.last)
        if self.direction == "steady":
            return f"around {last}"
        return f"{self.direction} from {first} to {last}"


def change(values: Sequence[float | None], *, threshold: float = 2) -> Change | None:
    """The move from the first to the last known value: up or down when it is at least `threshold`,
    else steady; None with fewer than two known values."""
    known = [(i, value) for i, value in enumerate(values) if value is not None]
    if len(known) < 2:
        return None
    (since, first), (_, last) = known[0], known[-1]
    delta = last - first
    direction = "steady" if abs(delta) < threshold else "up" if delta > 0 else "down"
    return Change(direction, first, last, since)


# --- A scatter of months: one dot per month, placed by two values (the outcome loop on the year page) ---


@dataclass(frozen=True)
class Dot:
    """One labelled dot, in the scatter's viewBox coordinates."""

    x: float
    y: float
    label: str


@dataclass(frozen=True)
class ScatterChart:
    """Labelled dots over a plot area with its scale at the left (`y_ticks`), its scale below
    (`x_ticks`) and an optional dashed marker line across x (`marker`, e.g. where months are split)."""

    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    dots: tuple[Dot, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    marker: float | None
    means: tuple[Dot, ...] = ()  # short upright bars, e.g. each row's average

    def svg(self, id: str) -> Markup:
        """The chart's `<svg>`, labelled by the caption `{id}-caption`; every text is escaped."""
        left, right, top, bottom = self.left, self.right, self.top, self.bottom
        parts = [
            f'<line class="chart-guide" x1="{left}" x2="{right}" y1="{t.at}" y2="{t.at}"/>'
            f'<text class="chart-tick" x="{left - 5}" y="{t.at}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(t.text)}</text>'
            for t in self.y_ticks
        ]
        parts.append(f'<line class="chart-axis" x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}"/>')
        for index, t in enumerate(self.x_ticks):
            anchor = "start" if index == 0 else "end" if index == len(self.x_ticks) - 1 else "middle"
            parts.append(
                f'<line class="chart-axis" x1="{t.at}" x2="{t.at}" y1="{bottom}" y2="{bottom + 4}"/>'
                f'<text class="chart-tick" x="{t.at}" y="{self.height - 6}" text-anchor="{anchor}">'
                f"{escape(t.text)}</text>"
            )
        if self.marker is not None:
            parts.append(
                f'<line class="chart-marker" x1="{self.marker}" x2="{self.marker}" y1="{top}" y2="{bottom}"/>'
            )
        for dot in self.dots:
            parts.append(f'<circle class="chart-dot chart-dot-soft" cx="{dot.x}" cy="{dot.y}" r="6"/>')
            if dot.label:
                anchor, dx = ("end", -9) if dot.x > right - 30 else ("start", 9)
                parts.append(
                    f'<text class="chart-tick chart-dot-label" x="{dot.x + dx}" y="{dot.y}" '
                    f'text-anchor="{anchor}" dominant-baseline="middle">{escape(dot.label)}</text>'
                )
        for mean in self.means:
            low, high = mean.y - 12, mean.y + 12
            parts.append(f'<line class="chart-mean" x1="{mean.x}" x2="{mean.x}" y1="{low}" y2="{high}"/>')
        body = "\n    ".join(parts)
        # The numbers are the chart's own; the texts and the id are escaped above.
        return Markup(  # noqa: S704  # nosec B704 (escaped above)
            f'<svg class="chart-svg" viewBox="0 0 {self.width} {self.height}" role="img" '
            f'aria-labelledby="{escape(id)}-caption" focusable="false">\n    {body}\n  </svg>'
        )


def scatter_chart(
    points: Sequence[tuple[float, float, str]],
    *,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    x_labels: Sequence[tuple[float, str]],
    y_labels: Sequence[tuple[float, str]],
    marker: float | None = None,
    means: Sequence[tuple[float, float]] = (),
    width: int = 280,
    height: int = 170,
    left: int = 80,
) -> ScatterChart:
    """Each (x, y, label) as a dot (an empty label: none) in a plot between `x_range` (left to right)
    and `y_range` (bottom to top), with scales from (value, text) pairs, and each (x, y) of `means` as a
    short upright bar; values outside a range sit on its edge."""
    (x_low, x_high), (y_low, y_high) = x_range, y_range
    if x_high <= x_low or y_high <= y_low:
        raise ValueError("each range's high must be above its low")
    top, right, bottom = AXIS_TOP, width - 12, height - AXIS_BOTTOM

    def x_of(value: float) -> float:
        share = (min(max(value, x_low), x_high) - x_low) / (x_high - x_low)
        return round(left + PAD + share * (right - left - 2 * PAD), 1)

    def y_of(value: float) -> float:
        share = (min(max(value, y_low), y_high) - y_low) / (y_high - y_low)
        return round(top + PAD + (1 - share) * (bottom - top - 2 * PAD), 1)

    return ScatterChart(
        width,
        height,
        left,
        top,
        right,
        bottom,
        tuple(Dot(x_of(x), y_of(y), label) for x, y, label in points),
        tuple(Tick(y_of(value), text) for value, text in y_labels),
        tuple(Tick(x_of(value), text) for value, text in x_labels),
        None if marker is None else x_of(marker),
        tuple(Dot(x_of(x), y_of(y), "") for x, y in means),
    )
