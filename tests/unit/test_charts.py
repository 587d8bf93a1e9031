"""Charts: values to SVG coordinates, gaps for unknown values, bars that add up."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.charts import (
    HEIGHT,
    PAD,
    WIDTH,
    Change,
    Point,
    axis_chart,
    bar_lengths,
    change,
    line_chart,
    nice_range,
    path_data,
    scale_ticks,
    slot_x,
    stacked,
)


def test_values_span_the_box_inside_the_padding():
    chart = line_chart([0.0, 0.5, 1.0])
    assert [(p.x, p.y) for p in chart.points] == [
        (PAD, HEIGHT - PAD),
        (WIDTH / 2, HEIGHT / 2),
        (WIDTH - PAD, PAD),
    ]
    assert chart.path == f"M{PAD} {HEIGHT - PAD}L150 40L{WIDTH - PAD} {PAD}"
    assert (chart.lowest, chart.highest, chart.last.value) == (0.0, 1.0, 1.0)


def test_a_score_scale_from_0_to_100():
    chart = line_chart([50, 100], high=100)
    assert chart.points[0].y == HEIGHT / 2 and chart.points[1].y == PAD
    assert chart.y_of(0) == HEIGHT - PAD


def test_none_breaks_the_line_and_lone_points_are_dots():
    chart = line_chart([0.0, 0.0, None, 1.0, None, None, 0.5])
    assert chart.path.count("M") == 3
    first, second, third = chart.path.split("M")[1:]
    assert "L" in first
    assert second.endswith("h0") and third.endswith("h0")
    assert chart.last.value == 0.5
    assert len(chart.known) == 4


def test_leading_gaps_keep_each_value_in_its_days_slot():
    chart = line_chart([None, None, 1.0, 1.0], width=36)
    assert chart.points[:2] == (None, None)
    assert chart.points[2].x == slot_x(2, 4, 36) == 22  # 6 + 2 × (36 − 12) / 3


def test_nothing_known_draws_nothing():
    chart = line_chart([None, None])
    assert chart.path == "" and chart.last is None and chart.lowest is None
    assert line_chart([]).path == ""


def test_a_single_value_is_centred():
    chart = line_chart([0.25])
    assert chart.points[0].x == WIDTH / 2
    assert chart.path.endswith("h0")


def test_out_of_range_values_are_clamped_to_the_box():
    chart = line_chart([-1.0, 2.0])
    assert chart.points[0].y == HEIGHT - PAD and chart.points[1].y == PAD
    assert chart.points[1].value == 2.0  # the caption still tells the true value


def test_an_empty_range_is_refused():
    with pytest.raises(ValueError):
        line_chart([1.0], low=1.0, high=1.0)


def test_path_data_formats_compactly():
    assert path_data([Point(1.0, 2.5, 0), Point(3, 4, 0)]) == "M1 2.5L3 4"
    assert path_data([None]) == ""


def test_bars():
    assert bar_lengths([1, 3], 100) == [25.0, 75.0]
    assert bar_lengths([2], 100, total=8) == [25.0]
    assert bar_lengths([0, 0], 100) == [0.0, 0.0]
    assert stacked([1, 1, 2], 100) == [(0, 25.0), (25.0, 25.0), (50.0, 50.0)]


@given(st.lists(st.one_of(st.none(), st.floats(min_value=-5, max_value=5)), max_size=40))
def test_every_point_stays_inside_the_box(values):
    chart = line_chart(values, low=-1, high=1)
    for point in chart.known:
        assert PAD <= point.x <= WIDTH - PAD or len(values) == 1
        assert PAD <= point.y <= HEIGHT - PAD
    assert chart.path.count("M") <= len(chart.known)
    xs = [p.x for p in chart.known]
    assert xs == sorted(xs)


@given(st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=6))
def test_stacked_parts_fill_the_bar(counts):
    parts = stacked(counts, 120)
    if sum(counts):
        assert sum(length for _, length in parts) == pytest.approx(120, abs=0.5)
    for (x, length), (next_x, _) in itertools.pairwise(parts):
        assert next_x == pytest.approx(x + length, abs=0.2)


def test_a_range_with_room_around_the_values():
    assert nice_range([91, 95]) == (60, 100)  # near the top: not on the edge, and not a wobble blown up
    assert nice_range([52, 61]) == (40, 80)
    assert nice_range([0, 100]) == (0, 100)
    assert nice_range([None, None]) == (0, 100)
    low, high = nice_range([3.0])
    assert low == 0 and high - low >= 40


def test_an_axis_chart_places_its_labels():
    chart = axis_chart([10, None, 90], ["1 May", None, "3"], low=0, high=100, y_labels=scale_ticks(0, 100))
    assert [t.text for t in chart.y_ticks] == ["0", "50", "100"]
    assert chart.y_ticks[0].at == chart.bottom - PAD and chart.y_ticks[2].at == chart.top + PAD
    assert [(t.text, t.at) for t in chart.x_ticks] == [("1 May", chart.left + PAD), ("3", chart.right - PAD)]
    assert chart.last.value == 90 and chart.plot.path.count("M") == 2
    with pytest.raises(ValueError):
        axis_chart([1, 2], ["a"], low=0, high=1, y_labels=[])


def test_an_axis_chart_draws_its_svg_with_edge_labels_anchored_inwards():
    chart = axis_chart([10, None, 90], ["1 May", None, "<3>"], low=0, high=100, y_labels=[(50, "a & b")])
    svg = str(chart.svg('x"y'))
    assert svg.startswith('<svg class="chart-svg" viewBox="0 0 280 140"')
    assert 'aria-labelledby="x&#34;y-caption"' in svg
    assert svg.endswith("</svg>") and svg.count("<text") == 3
    assert ">a &amp; b</text>" in svg and ">&lt;3&gt;</text>" in svg  # every label escaped
    assert 'text-anchor="start">1 May<' in svg and 'text-anchor="end">&lt;3&gt;<' in svg
    assert f'd="{chart.plot.path}"' in svg and f'cx="{chart.last.x}" cy="{chart.last.y}"' in svg
    assert "chart-line" not in str(axis_chart([None], ["1"], low=0, high=1, y_labels=[]).svg("e"))


def test_a_change_in_words():
    assert change([None, 52, 58, 61]) == Change("up", 52, 61, 1)
    assert change([None, 52, 58, 61]).words == "up from 52 to 61"
    assert change([74, 61]).words == "down from 74 to 61"
    assert change([60, 61]).words == "around 61"
    assert change([None, 5]) is None and change([]) is None


def test_scatter_places_dots_in_their_ranges_and_escapes_labels():
    from tracker.charts import scatter_chart

    chart = scatter_chart(
        [(0, 1, "Jan"), (31, 5, "<Feb>"), (40, 0, "Mar")],
        x_range=(0, 31),
        y_range=(1, 5),
        x_labels=[(0, "0"), (31, "31 days")],
        y_labels=[(1, "not at all"), (5, "very")],
        marker=15,
    )
    first, second, third = chart.dots
    assert first.x < chart.marker < second.x
    assert first.y > second.y  # higher values sit higher up
    assert (third.x, third.y) == (second.x, first.y)  # clamped to the edges
    svg = chart.svg("chart-x")
    assert "&lt;Feb&gt;" in svg and "<Feb>" not in svg
    assert 'aria-labelledby="chart-x-caption"' in svg
    unlabelled = scatter_chart(
        [(3, 0, "")], x_range=(1, 5), y_range=(-0.5, 0.5), x_labels=(), y_labels=(), means=[(3, 0)]
    )
    assert "chart-dot-label" not in unlabelled.svg("c") and 'class="chart-mean"' in unlabelled.svg("c")
    assert unlabelled.means[0].x == unlabelled.dots[0].x
