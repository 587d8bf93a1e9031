"""The monthly review (DOMAIN.md): counts, feelings, responses by person, suggestions, API shape."""

from datetime import date, timedelta

import pytest

from tests.conftest import SUMMARY_KEYS
from tracker.insights import (
    Comeback,
    Feelings,
    LogFact,
    PersonResponses,
    Profile,
    build_history,
    counts_by_group,
    counts_by_kind,
    counts_by_person,
    feelings,
    month_summary,
    responses_by_person,
    suggest,
    year_summary,
)
from tracker.kinds import KINDS

MARCH = [date(2025, 3, d) for d in range(1, 32)]


def test_counts_by_kind_list_every_kind_then_unknown_keys():
    logs = [LogFact(MARCH[0], "space"), LogFact(MARCH[1], "space"), LogFact(MARCH[2], "old_kind")]
    counts = counts_by_kind(logs)
    assert list(counts) == [kind.key for kind in KINDS] + ["old_kind"]
    assert counts["space"] == 2 and counts["closeness"] == 0 and counts["old_kind"] == 1


def test_counts_by_group_and_person():
    logs = [
        LogFact(MARCH[0], "closeness", person="Sam"),
        LogFact(MARCH[0], "space", person="Alex"),
        LogFact(MARCH[1], "support", person="Sam"),
        LogFact(MARCH[2], "recall"),
        LogFact(MARCH[2], "old_kind", person="Alex"),
    ]
    assert counts_by_group(logs) == {"reach": 2, "room": 1, "neutral": 2}
    assert counts_by_person(logs) == {"Alex": 2, "Sam": 2}
    assert counts_by_person([]) == {}


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([], Feelings(None, None, 0)),
        ([(3, 7), (5, 5)], Feelings(4.0, 6.0, 2)),
        ([(3, None), (None, 9), (2, 8)], Feelings(2.0, 8.0, 1)),  # only logs with both are compared
        ([(0, 10)], Feelings(0.0, 10.0, 1)),
    ],
)
def test_feelings_compare_what_i_feared_with_what_happened(pairs, expected):
    logs = [LogFact(MARCH[0], "confide", before=b, after=a) for b, a in pairs]
    assert feelings(logs) == expected


def test_responses_by_person_count_responses_and_give_s_per_person():
    logs = [
        LogFact(MARCH[0], "closeness", person="Sam", response="welcomed", after=8),
        LogFact(MARCH[1], "closeness", person="Sam", response="neutral"),
        LogFact(MARCH[2], "closeness", person="Sam"),
        LogFact(MARCH[3], "support", person="Jo", response="dismissed"),
        LogFact(MARCH[4], "recall", response="welcomed"),  # solo: no person
    ]
    assert responses_by_person(logs) == (
        PersonResponses("Sam", 3, 1, 1, 0, pytest.approx((0.9 + 0.5) / 2)),
        PersonResponses("Jo", 1, 0, 0, 1, 0.0),
    )


def history_for_march(logs, target=4, today=date(2025, 3, 31), start=date(2025, 3, 3)):
    """A history whose account opened on Monday 3 March 2025."""
    return build_history(logs, Profile(start, weekly_target=target), today)


def test_month_summary_of_a_full_month():
    logs = [
        LogFact(MARCH[n], "closeness", person="Sam", response="welcomed", before=3, after=7)
        for n in range(2, 31)
    ]
    logs += [LogFact(MARCH[n], "space", person="Alex", step=2) for n in range(2, 31, 3)]
    summary = month_summary(history_for_march(logs, target=7), 2025, 3)
    assert (summary.active_days, summary.rest_days, summary.missed_days) == (29, 0, 0)
    assert summary.days[MARCH[0]].status == "none" and summary.days[MARCH[2]].logs == 2
    assert (summary.current_streak, summary.longest_streak) == (29, 29)
    assert summary.latest.day == MARCH[30]
    assert summary.latest.balance == pytest.approx(4 * 9 / 37)  # the 28 days Mar 4 .. 31
    assert summary.latest.safety == pytest.approx(0.85)
    assert [point.day for point in summary.series] == MARCH[2:]
    assert summary.by_group == {"reach": 29, "room": 10, "neutral": 0}
    assert summary.by_person == {"Sam": 29, "Alex": 10}
    assert summary.feelings == Feelings(3.0, 7.0, 29)
    assert [p.person for p in summary.people] == ["Sam", "Alex"]
    assert summary.comeback is None


def test_month_summary_while_the_month_is_running():
    logs = [LogFact(MARCH[n], "recall") for n in (2, 3, 4)]
    summary = month_summary(history_for_march(logs, target=7, today=MARCH[5]), 2025, 3)
    statuses = [cell.status for cell in summary.days.values()]
    assert statuses[:7] == ["none", "none", "active", "active", "active", "pending", "future"]
    assert statuses.count("future") == 25
    assert summary.current_streak == 3  # today is pending: the streak ends yesterday
    assert summary.latest.day == MARCH[5]


def test_months_outside_the_history_have_no_score():
    history = history_for_march([LogFact(MARCH[3], "recall")], today=MARCH[10])
    before, after = month_summary(history, 2025, 2), month_summary(history, 2025, 4)
    assert before.latest is None and after.latest is None
    assert set(cell.status for cell in before.days.values()) == {"none"}
    assert set(cell.status for cell in after.days.values()) == {"future"}
    assert before.current_streak == 0
    assert after.as_api_dict()["score"] is None


def test_past_month_streaks_are_as_of_its_last_day():
    logs = [LogFact(date(2025, 3, 31) - timedelta(days=n), "recall") for n in range(5)]
    history = history_for_march(logs, target=7, today=date(2025, 4, 20))
    march = month_summary(history, 2025, 3)
    assert (march.current_streak, march.longest_streak) == (5, 5)
    assert month_summary(history, 2025, 4).current_streak == 0


def test_as_api_dict_matches_the_contract():
    logs = [LogFact(MARCH[2], "closeness"), LogFact(MARCH[2], "space", response="welcomed")]
    api = month_summary(history_for_march(logs, today=MARCH[3]), 2025, 3).as_api_dict()
    assert list(api) == list(SUMMARY_KEYS)
    assert api["month"] == "2025-03"
    assert (api["active_days"], api["rest_days"], api["missed_days"]) == (1, 0, 0)
    assert (api["balance"], api["safety"]) == (1.0, 1.0)
    assert api["consistency"] == round(1 - 0.5 ** (1 / 13), 3)
    assert isinstance(api["score"], int)
    assert api["by_kind"]["closeness"] == 1
    assert api["days"]["2025-03-03"] == {"status": "active", "logs": 2}
    assert api["days"]["2025-03-04"] == {"status": "pending", "logs": 0}
    assert len(api["days"]) == 31


def test_unknown_parts_are_none_in_the_api():
    api = month_summary(
        history_for_march([LogFact(MARCH[2], "recall")], today=MARCH[3]), 2025, 3
    ).as_api_dict()
    assert (api["balance"], api["safety"]) == (None, None)


def test_year_summary_has_twelve_months_and_month_end_scores():
    logs = [LogFact(date(2025, 3, 3) + timedelta(days=n), "recall") for n in range(0, 120, 2)]
    history = history_for_march(logs, today=date(2025, 6, 15))
    year = year_summary(history, 2025)
    assert list(year.months) == list(range(1, 13))
    assert sum(len(grid) for grid in year.months.values()) == 365
    assert year.months[2][date(2025, 2, 28)] == "none" and year.months[7][date(2025, 7, 1)] == "future"
    assert year.month_end_scores[1] is None and year.month_end_scores[9] is None
    assert year.month_end_scores[3] == history.scores[date(2025, 3, 31)].score
    assert year.month_end_scores[6] == history.scores[date(2025, 6, 15)].score
    assert year.months[3] == {day: cell.status for day, cell in month_summary(history, 2025, 3).days.items()}


def test_coming_back_after_a_gap_is_celebrated():
    logs = [LogFact(MARCH[n], "recall") for n in (2, 3, 14, 15)]  # away 4 .. 13 March: 10 days
    summary = month_summary(history_for_march(logs), 2025, 3)
    assert summary.comeback == Comeback(MARCH[14], 10)
    assert summary.suggestion.startswith("Welcome back: you returned on 15 March after 10 days away.")


@pytest.mark.parametrize(("gap_days", "celebrated"), [(6, False), (7, True)])
def test_a_comeback_needs_seven_days_away(gap_days, celebrated):
    logs = [LogFact(MARCH[2], "recall"), LogFact(MARCH[3 + gap_days], "recall")]
    assert (month_summary(history_for_march(logs), 2025, 3).comeback is not None) is celebrated


def test_the_first_ever_log_is_not_a_comeback():
    summary = month_summary(history_for_march([LogFact(MARCH[20], "recall")]), 2025, 3)
    assert summary.comeback is None


def person(name, welcomed=0, neutral=0, dismissed=0, hurtful=0):
    """Response counts for one person (S does not matter to the suggestion)."""
    logs = welcomed + neutral + dismissed + hurtful
    return PersonResponses(name, logs, welcomed, neutral, dismissed, None, hurtful)


def test_mostly_dismissed_suggests_widening_the_circle_never_trying_harder():
    text = suggest([LogFact(MARCH[0], "closeness")] * 4, [person("Sam", welcomed=1, dismissed=3)], None)
    assert "Sam" in text and "Widen your circle" in text
    assert "harder" not in text.lower()


def test_hurtful_responses_count_like_dismissed_for_widening_the_circle():
    logs = [LogFact(MARCH[0], "closeness")] * 4
    text = suggest(logs, [person("Sam", welcomed=2, dismissed=1, hurtful=2)], None)
    assert "Sam" in text and "Widen your circle" in text and "harder" not in text.lower()
    assert "Sam" not in suggest(logs, [person("Sam", welcomed=3, hurtful=2)], None)


def test_a_comeback_keeps_the_care_note_and_adds_no_homework():
    comeback = Comeback(MARCH[14], 9)
    logs = [LogFact(MARCH[14], "closeness")] * 6
    assert suggest(logs, [], comeback).startswith("Welcome back")
    assert "leaned" not in suggest(logs, [], comeback)
    with_care = suggest(logs, [person("Sam", dismissed=3)], comeback)
    assert with_care.startswith("Welcome back") and "Widen your circle" in with_care


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        (["closeness"] * 5, "leaned toward reaching in"),
        (["closeness"] * 4 + ["space"], "leaned toward reaching in"),  # B = 0.8
        (["space", "trust_space", "space", "space"], "leaned toward making room"),
        (["closeness", "closeness", "closeness", "space"], None),  # B = 1: balanced
        (["closeness"] * 3, None),  # fewer than 4 grouped logs: too few to judge
    ],
)
def test_the_under_used_group_is_suggested(kinds, expected):
    text = suggest([LogFact(MARCH[0], kind) for kind in kinds], [], None)
    assert (expected in text) if expected else ("leaned" not in text)


def test_the_under_used_group_points_to_its_least_used_kind():
    logs = [LogFact(MARCH[0], "closeness")] * 6 + [LogFact(MARCH[1], "space")]
    assert "Give space" in suggest(logs, [], None)


@pytest.mark.parametrize(
    ("steps", "responses", "expected"),
    [
        ([1, 1, 1], ["welcomed", "welcomed", "neutral"], "Ask someone to listen to a worry"),
        ([1, 2, None], ["welcomed", "welcomed", None], "Ask for comfort in a hard moment"),
        ([3, 3, 3], ["welcomed"] * 3, None),  # already at the top step
        ([1, 1, 1], ["welcomed", "dismissed", "dismissed"], None),  # not mostly welcomed
        ([1, 1, 1], ["welcomed", None, None], None),  # too few responses to tell
        ([1, 1], ["welcomed", "welcomed"], None),  # not done often enough
    ],
)
def test_the_next_ladder_step_of_a_kind_done_often_and_welcomed(steps, responses, expected):
    pairs = enumerate(zip(steps, responses, strict=True))
    logs = [LogFact(MARCH[n], "support", step=step, response=response) for n, (step, response) in pairs]
    text = suggest(logs, [], None)
    assert (expected in text) if expected else ("next step" not in text)


def test_an_empty_month_gets_a_small_first_step():
    assert "Recall a safe person" in suggest([], [], None)


def test_a_person_marked_not_safe_is_never_named_in_the_suggestion():
    """Issue 13, item 14: their dismissals pick no "widen" note naming them."""
    logs = [LogFact(MARCH[n], "closeness", person="Alex", response="dismissed") for n in range(4)]
    people = [person("Alex", dismissed=4)]
    assert "Alex" in suggest(logs, people, None)  # the rule itself names a safe person
    for comeback in (None, Comeback(MARCH[20], 9)):
        assert "Alex" not in suggest(logs, people, comeback, frozenset({"Alex"}))


def test_the_suggestion_never_steers_toward_a_kind_practised_with_a_person_marked_not_safe():
    logs = [LogFact(MARCH[n], "support", person="Alex", step=1, response="welcomed") for n in range(3)]
    assert "Ask someone to listen to a worry" in suggest(logs, [], None)
    text = suggest(logs, [], None, frozenset({"Alex"}))
    assert "next step" not in text and "Alex" not in text
    # …and their logs tip no balance either: the month is read as if they weren't there.
    assert "leaned" not in suggest([LogFact(MARCH[0], "closeness", person="Alex")] * 5, [], None, {"Alex"})


def test_the_month_summary_keeps_counting_a_person_marked_not_safe_but_never_suggests_them():
    logs = [LogFact(MARCH[n], "closeness", person="Alex", response="dismissed") for n in range(4)]
    history = build_history(logs, Profile(MARCH[0], 4), MARCH[-1])
    summary = month_summary(history, 2025, 3, frozenset({"Alex"}))
    assert summary.by_person["Alex"] == 4  # what happened is still the user's record
    assert "Alex" not in summary.suggestion
