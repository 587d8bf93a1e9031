"""The outcome loop's rule (tracker.insights.outcome): pairing months, the threshold of 3 check-ins,
the split by active days, the 0.5 call-out and the sentence's numbers."""

from __future__ import annotations

import pytest

from tracker.insights.outcome import (
    CAVEAT,
    MIN_CHECKINS,
    MonthPractice,
    outcome_loop,
    pair_months,
    split_threshold,
)

LABELS = {"closeness": "Comfort with closeness", "depending": "Comfort depending on others"}
SUBSCALES = ("closeness", "depending")


def practice(*rows: tuple[str, int]) -> list[MonthPractice]:
    return [MonthPractice(month, active, 0.8) for month, active in rows]


def scores(closeness: float | None, depending: float | None = 3.0) -> dict[str, float | None]:
    return {"closeness": closeness, "depending": depending}


def test_two_checkins_make_no_loop_three_do():
    months = practice(("2026-01", 10), ("2026-02", 20), ("2026-03", 16), ("2026-04", 5))
    two = {"2026-01": scores(3.0), "2026-02": scores(3.6)}
    assert MIN_CHECKINS == 3
    assert outcome_loop(months, two, SUBSCALES) is None
    three = {**two, "2026-03": scores(3.6)}
    loop = outcome_loop(months, three, SUBSCALES)
    assert loop is not None
    assert [m.practice.month for m in loop.months] == ["2026-01", "2026-02", "2026-03"]


def test_a_checkin_without_practice_that_month_is_not_paired():
    months = practice(("2026-02", 20), ("2026-03", 16))
    checkins = {"2025-12": scores(3), "2026-01": scores(3), "2026-02": scores(4), "2026-03": scores(4)}
    assert [m.practice.month for m in pair_months(months, checkins)] == ["2026-02", "2026-03"]
    assert outcome_loop(months, checkins, SUBSCALES) is None


@pytest.mark.parametrize(
    ("active", "expected"),
    [
        ([10, 20, 16], 16),  # 16 and 20 against 10
        ([10, 20, 16, 5], 16),  # two against two
        ([15, 15, 15], None),  # all alike: nothing to split
        ([3, 3, 9], 9),
        ([], None),
    ],
)
def test_split_threshold_halves_the_months_most_evenly(active, expected):
    assert split_threshold(active) == expected


def test_the_sentence_names_the_threshold_and_the_difference():
    months = practice(("2026-01", 10), ("2026-02", 20), ("2026-03", 16), ("2026-04", 6))
    checkins = {
        "2026-01": scores(3.0, 3.0),
        "2026-02": scores(3.7, 3.2),
        "2026-03": scores(3.5, 3.0),
        "2026-04": scores(2.9, 3.1),
    }
    loop = outcome_loop(months, checkins, SUBSCALES)
    assert loop.threshold == 16
    assert loop.lead.subscale == "closeness"
    assert loop.lead.difference == pytest.approx(0.6)
    assert loop.sentence(LABELS) == (
        "In months with 16 or more active days, comfort with closeness was 0.6 higher than in the others."
    )
    assert loop.sentence(LABELS, numbers=False) == (
        "In months with more active days, comfort with closeness was higher than in the others."
    )
    assert "not a cause" in CAVEAT


def test_lower_in_busier_months_is_said_as_lower():
    months = practice(("2026-01", 25), ("2026-02", 24), ("2026-03", 4))
    checkins = {"2026-01": scores(2.0), "2026-02": scores(2.4), "2026-03": scores(3.5)}
    loop = outcome_loop(months, checkins, ["closeness"])
    assert loop.sentence(LABELS) == (
        "In months with 24 or more active days, comfort with closeness was 1.3 lower than in the others."
    )


def test_a_difference_under_half_a_step_is_not_called_out():
    months = practice(("2026-01", 10), ("2026-02", 20), ("2026-03", 16))
    checkins = {"2026-01": scores(3.0, 3.0), "2026-02": scores(3.4, 3.2), "2026-03": scores(3.4, 3.0)}
    loop = outcome_loop(months, checkins, SUBSCALES)
    assert loop.lead is None
    assert loop.sentence(LABELS) == (
        "In months with 16 or more active days, your check-ins were about the same as in the others."
    )


def test_months_alike_compare_nothing():
    months = practice(("2026-01", 12), ("2026-02", 12), ("2026-03", 12))
    checkins = {m.month: scores(3.0) for m in months}
    loop = outcome_loop(months, checkins, SUBSCALES)
    assert loop.threshold is None
    assert loop.comparisons == ()
    assert "nothing to compare" in loop.sentence(LABELS)


def test_unanswered_subscales_are_left_out_of_the_means():
    months = practice(("2026-01", 10), ("2026-02", 20), ("2026-03", 16))
    checkins = {"2026-01": scores(None), "2026-02": scores(4.0), "2026-03": scores(4.0)}
    loop = outcome_loop(months, checkins, SUBSCALES)
    assert [c.subscale for c in loop.comparisons] == ["depending"]  # no quieter month answered closeness


def test_the_month_still_under_way_is_left_out():
    months = [*practice(("2026-01", 10), ("2026-02", 20)), MonthPractice("2026-03", 2, None, complete=False)]
    checkins = {"2026-01": scores(3), "2026-02": scores(4), "2026-03": scores(4)}
    assert outcome_loop(months, checkins, SUBSCALES) is None
