"""The practice in words, for a user who hides every number: levels, streaks, shares and the week, each
a description and never a number spelled out."""

import re

import pytest

from tracker.insights.words import (
    balance_words,
    share_words,
    showing_up_words,
    streak_words,
    trend_words,
    week_words,
)


@pytest.mark.parametrize(
    ("direction", "expected"),
    [("up", "Building"), ("down", "Quieter lately"), ("steady", "Steady"), (None, None)],
)
def test_trend_words(direction, expected):
    assert trend_words(direction) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.0, "strong"),
        (0.75, "strong"),
        (0.74, "well under way"),
        (0.5, "well under way"),
        (0.3, "taking shape"),
        (0.1, "quiet for now"),
        (0.0, "quiet for now"),
        (None, None),
    ],
)
def test_showing_up_words(value, expected):
    assert showing_up_words(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.0, "in balance"),
        (0.6, "fairly balanced"),
        (0.25, "leaning one way"),
        (0.0, "mostly one way"),
        (None, None),
    ],
)
def test_balance_words(value, expected):
    assert balance_words(value) == expected


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (0, "none running; any log starts one"),
        (1, "under a week"),
        (6, "under a week"),
        (7, "a week or more"),
        (29, "a week or more"),
        (30, "a month or more"),
        (364, "a month or more"),
        (365, "a year or more"),
    ],
)
def test_streak_words(days, expected):
    assert streak_words(days) == expected


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (0, 10, "none yet"),
        (3, 0, "none yet"),
        (1, 10, "a few days"),
        (3, 10, "some days"),
        (5, 10, "more than half the days"),
        (8, 10, "most days"),
        (10, 10, "most days"),
    ],
)
def test_share_words(part, whole, expected):
    assert share_words(part, whole) == expected


@pytest.mark.parametrize(
    ("active", "target", "expected"),
    [(0, 4, "still open"), (2, 4, "under way"), (4, 4, "your target is met"), (6, 4, "your target is met")],
)
def test_week_words(active, target, expected):
    assert week_words(active, target) == expected


def test_no_words_hold_a_digit_or_a_grade():
    said = (
        [showing_up_words(v / 100) for v in range(101)]
        + [balance_words(v / 100) for v in range(101)]
        + [streak_words(d) for d in range(800)]
        + [share_words(p, 31) for p in range(32)]
        + [week_words(a, 4) for a in range(8)]
    )
    for words in said:
        assert not re.search(r"\d|of 100|score|grade|fail", words), words
