"""Fresh starts (tracker/insights/fresh.py): which day brings the one restart, and which step it offers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tracker.insights import Pause
from tracker.insights.fresh import LAPSE_DAYS, fresh_start_due, fresh_step, is_landmark, lapse_days
from tracker.practice import COUPLES_KINDS

MONDAY = date(2026, 6, 8)  # a Monday that is not the 1st
START = date(2026, 1, 1)  # the account's first day, long before


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (MONDAY, True),
        (MONDAY + timedelta(days=1), False),  # a Tuesday
        (date(2026, 7, 1), True),  # a Wednesday that is the 1st
        (date(2026, 6, 1), True),  # a Monday that is also the 1st: one landmark
        (date(2026, 6, 7), False),  # a Sunday
    ],
)
def test_a_landmark_is_a_monday_or_the_first(day, expected):
    assert is_landmark(day) is expected


@pytest.mark.parametrize(("quiet", "expected"), [(6, False), (7, True), (30, True)])
def test_seven_days_since_the_last_log_make_a_lapse(quiet, expected):
    """A log on the Monday before and none since: the next Monday is day 7, like Today's welcome back."""
    assert fresh_start_due(MONDAY, MONDAY - timedelta(days=quiet), START) is expected


def test_only_on_a_landmark():
    last = MONDAY - timedelta(days=9)
    assert fresh_start_due(MONDAY, last, START)
    assert not fresh_start_due(MONDAY + timedelta(days=1), last, START)
    assert fresh_start_due(date(2026, 7, 1), date(2026, 6, 20), START)  # the 1st, a Wednesday


def test_a_log_today_ends_the_lapse():
    assert not fresh_start_due(MONDAY, MONDAY, START)


def test_paused_days_inside_the_lapse_do_not_count():
    last = MONDAY - timedelta(days=9)
    pause = Pause(last + timedelta(days=2), last + timedelta(days=4))  # three paused days: 6 counted
    assert lapse_days(MONDAY, last, [pause]) == 6
    assert not fresh_start_due(MONDAY, last, START, [pause])
    assert fresh_start_due(MONDAY + timedelta(days=7), last, START, [pause])  # the next Monday: 13


def test_overlapping_pauses_count_a_day_once_and_pauses_outside_not_at_all():
    last = MONDAY - timedelta(days=10)
    pauses = [
        Pause(last + timedelta(days=1), last + timedelta(days=3)),
        Pause(last + timedelta(days=2), last + timedelta(days=4)),  # overlaps the first: 4 days in all
        Pause(last - timedelta(days=30), last),  # before the lapse (its last day is the log's)
        Pause(MONDAY + timedelta(days=1), MONDAY + timedelta(days=5)),  # after today
    ]
    assert lapse_days(MONDAY, last, pauses) == 6


def test_never_on_a_paused_day():
    last = MONDAY - timedelta(days=20)
    assert not fresh_start_due(MONDAY, last, START, [Pause(MONDAY, MONDAY + timedelta(days=3))])
    assert not fresh_start_due(MONDAY, last, START, [Pause(MONDAY - timedelta(days=3), MONDAY)])


def test_one_per_lapse_and_again_after_a_new_log():
    last = MONDAY - timedelta(days=9)
    assert fresh_start_due(MONDAY, last, START, greeted=None)
    assert not fresh_start_due(MONDAY, last, START, greeted=MONDAY)  # a second pass the same day
    second = MONDAY + timedelta(days=7)
    assert not fresh_start_due(second, last, START, greeted=MONDAY)  # the next Monday of the same lapse
    assert not fresh_start_due(date(2026, 7, 1), last, START, greeted=MONDAY)  # nor the next 1st
    # A log after the greeting ends that lapse; a week and more later, a new one is greeted again.
    logged = MONDAY + timedelta(days=2)
    assert not fresh_start_due(second, logged, START, greeted=MONDAY)  # only 5 days
    assert fresh_start_due(second + timedelta(days=7), logged, START, greeted=MONDAY)


def test_a_greeting_before_the_last_log_belongs_to_an_earlier_lapse():
    assert fresh_start_due(MONDAY, MONDAY - timedelta(days=8), START, greeted=MONDAY - timedelta(days=56))


def test_a_user_who_never_logged_counts_from_the_first_day_and_is_greeted_once():
    started = MONDAY - timedelta(days=LAPSE_DAYS)
    assert fresh_start_due(MONDAY, None, started)
    assert not fresh_start_due(MONDAY, None, MONDAY - timedelta(days=6))  # a new account's first week
    assert not fresh_start_due(MONDAY + timedelta(days=7), None, started, greeted=MONDAY)


def test_the_step_is_the_plan_of_a_focus_kind_first():
    plans = {"widen": ("I feel alone", "text one friend"), "space": ("I need air", "say when I'm back")}
    step = fresh_step(plans, focus=["space"])
    assert step.kind.key == "space" and step.text == "When I need air, I will say when I'm back."
    assert fresh_step(plans).kind.key == "space"  # else the kinds' order: space comes before widen


def test_without_a_plan_the_first_step_of_a_focus_kind_else_confides():
    step = fresh_step({}, focus=["widen", "recall"])
    assert (step.kind.key, step.plan, step.text) == ("widen", None, "Answer a kind acquaintance warmly")
    assert fresh_step({}).text == "Name today's feeling"


def test_no_couples_prompt_while_anyone_is_not_safe_even_from_a_plan():
    plans = {"repair": ("we argue", "send a softening message")}
    step = fresh_step(plans, focus=["repair", "closeness"], avoid=COUPLES_KINDS)
    assert step.kind.key not in COUPLES_KINDS and step.plan is None
    assert fresh_step(plans, focus=["repair"]).kind.key == "repair"  # nobody marked: the plan stands


def test_a_plan_for_an_unknown_kind_is_passed_over():
    assert fresh_step({"gone": ("x", "y")}).kind.key == "confide"
