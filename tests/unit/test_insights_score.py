"""The practice rhythm (DOMAIN.md): Consistency and Balance and how they combine, and Safety (how
connections felt), which is reported beside the rhythm and never moves it."""

from datetime import date, timedelta

import pytest

from tracker.insights import (
    LogFact,
    M,
    Profile,
    balance,
    balance_of,
    build_history,
    consistency_series,
    day_statuses,
    mean_safety,
    rhythm,
    safety,
    score_series,
)

MON = date(2025, 3, 3)


def day(offset: int) -> date:
    """The date `offset` days after MON."""
    return MON + timedelta(days=offset)


def test_m_is_a_13_day_half_life():
    c_after_13_missed_days = M**13
    assert c_after_13_missed_days == pytest.approx(0.5)


def test_about_30_active_days_in_a_row_bring_c_to_0_8():
    logs = [LogFact(day(n), "recall") for n in range(30)]
    series = consistency_series(day_statuses(logs, Profile(MON), today=day(29)))
    assert series[day(29)] == pytest.approx(0.8, abs=0.01)
    assert series[day(0)] == pytest.approx(1 - M)


def test_13_missed_days_halve_c_and_rest_leaves_it_be():
    statuses = {day(0): "active"} | {day(n): "missed" for n in range(1, 14)} | {day(14): "rest"}
    series = consistency_series(statuses | {day(15): "pending"})
    assert series[day(13)] == pytest.approx(series[day(0)] / 2)
    assert series[day(15)] == series[day(14)] == series[day(13)]


def test_c_starts_at_zero_on_the_first_day():
    assert consistency_series({day(0): "rest", day(1): "pending"}) == {day(0): 0.0, day(1): 0.0}


@pytest.mark.parametrize(
    ("reach", "room", "expected"),
    [
        (0, 0, None),  # no grouped logs: unknown
        (5, 0, 0.0),
        (0, 5, 0.0),
        (1, 1, 1.0),
        (1, 3, 1.0),  # the smaller side is a quarter: full marks
        (3, 1, 1.0),
        (1, 4, 0.8),
        (1, 9, 0.4),
        (2, 8, 0.8),
    ],
)
def test_balance_formula(reach, room, expected):
    assert balance_of(reach, room) == (None if expected is None else pytest.approx(expected))


def test_balance_counts_reach_and_room_logs_of_the_last_28_days_only():
    logs = [
        LogFact(day(0), "space"),  # room, 28 days before day(28): outside the window
        LogFact(day(1), "trust_space"),  # room, inside
        LogFact(day(10), "closeness"),
        LogFact(day(11), "support"),
        LogFact(day(12), "confide"),
        LogFact(day(13), "receive"),  # 4 reach
        LogFact(day(14), "respond"),  # neutral kinds do not count
        LogFact(day(15), "no_longer_a_kind"),
    ]
    assert balance(logs, day(28)) == pytest.approx(4 * 1 / 5)
    assert balance(logs, day(27)) == 1.0  # 2 room of 6: capped at 1
    assert balance(logs[6:], day(28)) is None


@pytest.mark.parametrize(
    ("response", "after", "expected"),
    [
        ("welcomed", 6, 0.8),  # 0.5·1 + 0.5·0.6
        ("neutral", 10, 0.75),
        ("dismissed", 0, 0.0),
        ("dismissed", 8, 0.4),
        ("welcomed", None, 1.0),  # only the response
        ("neutral", None, 0.5),
        ("dismissed", None, 0.0),
        ("hurtful", 0, 0.0),  # a hurtful or frightening response counts like dismissed
        ("hurtful", 8, 0.4),
        ("hurtful", None, 0.0),
        (None, 7, 0.7),  # only the after value
        (None, 0, 0.0),
        (None, None, None),  # neither: skipped, so S is unknown
    ],
)
def test_safety_formula_for_one_log(response, after, expected):
    logs = [LogFact(day(0), "support", response=response, after=after)]
    assert safety(logs, day(0)) == (None if expected is None else pytest.approx(expected))


def test_safety_is_the_mean_over_rated_logs_of_the_last_28_days():
    logs = [
        LogFact(day(0), "support", response="dismissed"),  # outside the window of day(28)
        LogFact(day(1), "support", response="welcomed"),  # 1.0
        LogFact(day(2), "confide", after=4),  # 0.4
        LogFact(day(3), "recall"),  # neither: skipped
        LogFact(day(4), "closeness", response="neutral", after=9),  # 0.7
    ]
    assert safety(logs, day(28)) == pytest.approx((1.0 + 0.4 + 0.7) / 3)
    assert mean_safety(logs[3:4]) is None


@pytest.mark.parametrize(
    ("c", "b", "expected"),
    [
        (0.8, 0.4, 67),  # 100 × (2/3·0.8 + 1/3·0.4) = 66.67
        (0.8, None, 80),  # B unknown: C alone
        (0.8, 1.0, 87),  # 86.67
        (0.5, 0.5, 50),
        (0.25, 1.0, 50),  # balance is a third of it, at most
        (1.0, 0.0, 67),  # all-reach or all-room still keeps two thirds
        (0.0, None, 0),
        (0.0, 0.0, 0),
        (0.0, 1.0, 33),
        (1.0, 1.0, 100),
        (0.875, None, 88),  # 87.5 rounds half up
        (0.7, 0.55, 65),  # 65.0 exactly: no float drift down to 64
    ],
)
def test_rhythm_is_two_thirds_consistency_one_third_balance(c, b, expected):
    assert rhythm(c, b) == expected


def test_rhythm_is_the_users_own_practice_how_others_responded_never_moves_it():
    """The same practice with a welcoming and with a dismissive person: the same rhythm every day
    (an earlier score counted responses and marked a user down for a dismissive partner)."""
    statuses = {day(n): "active" for n in range(40)}
    kinds = ("closeness", "space", "support", "trust_space")

    def practice(response: str, after: int) -> list[LogFact]:
        return [LogFact(day(n), kinds[n % 4], response=response, after=after) for n in range(40)]

    welcomed = score_series(practice("welcomed", 9), statuses)
    dismissed = score_series(practice("dismissed", 1), statuses)
    hurtful = score_series(practice("hurtful", 0), statuses)
    assert [p.score for p in welcomed.values()] == [p.score for p in dismissed.values()]
    assert [p.score for p in hurtful.values()] == [p.score for p in dismissed.values()]
    assert welcomed[day(39)].safety > 0.9 and dismissed[day(39)].safety < 0.1  # S is beside it, not in it


def test_score_series_matches_the_direct_formulas_day_by_day():
    kinds = ["closeness", "space", "respond", "support", "trust_space", "confide"]
    responses = ["welcomed", "neutral", None, "dismissed"]
    logs = [
        LogFact(day(n), kinds[n % 6], response=responses[n % 4], after=(n * 3) % 11 if n % 5 else None)
        for n in range(0, 90, 2)
    ] + [LogFact(day(n), "space", response="welcomed") for n in range(40, 50)]
    statuses = day_statuses(logs, Profile(MON, weekly_target=5), today=day(100))
    series = score_series(logs, statuses)
    consistency = consistency_series(statuses)
    assert list(series) == list(statuses)
    for when, point in series.items():
        assert point.consistency == consistency[when]
        assert point.balance == balance(logs, when)
        assert point.safety == safety(logs, when)
        assert point.score == rhythm(point.consistency, point.balance)


def test_history_scores_start_on_the_first_day():
    history = build_history([LogFact(day(3), "space")], Profile(day(3)), today=day(5))
    assert list(history.scores) == [day(3), day(4), day(5)]
    first = history.scores[day(3)]
    assert (first.balance, first.safety) == (0.0, None)
    assert first.score == rhythm(1 - M, 0.0)


def test_a_hurtful_response_counts_like_dismissed_for_s_in_the_series_too():
    statuses = {day(n): "active" for n in range(3)}
    responses = ("welcomed", "dismissed")
    dismissed = [LogFact(day(n), "support", response=r, after=6) for n, r in enumerate(responses)]
    hurtful = [log._replace(response="hurtful") if log.response == "dismissed" else log for log in dismissed]
    assert score_series(hurtful, statuses) == score_series(dismissed, statuses)
    assert safety(hurtful, day(2)) == pytest.approx((0.8 + 0.3) / 2)
