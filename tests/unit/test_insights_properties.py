"""Invariants of insights that hold for any history (hypothesis)."""

from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.insights import (
    LogFact,
    Pause,
    Profile,
    balance,
    build_history,
    day_statuses,
    day_totals,
    days_between,
    longest_streak,
    month_days,
    month_summary,
    safety,
    score_series,
    streak_lengths,
)
from tracker.kinds import KINDS, RESPONSES

COUNTED = {"active", "rest", "missed", "pending"}


@st.composite
def log_facts(draw, first: date, last: date) -> LogFact:
    """Any log dated first..last."""
    return LogFact(
        local_date=draw(st.dates(first, last)),
        kind=draw(st.sampled_from([kind.key for kind in KINDS] + ["retired_kind"])),
        person=draw(st.sampled_from([None, "Sam", "Alex", "Mum"])),
        before=draw(st.none() | st.integers(0, 10)),
        after=draw(st.none() | st.integers(0, 10)),
        response=draw(st.sampled_from([None, *RESPONSES])),
        step=draw(st.none() | st.integers(1, 3)),
    )


@st.composite
def scenarios(draw):
    """An account, its logs (some backdated, some after today), pauses and today."""
    start = draw(st.dates(date(2024, 1, 1), date(2028, 12, 31)))
    today = start + timedelta(days=draw(st.integers(0, 150)))
    logs = draw(st.lists(log_facts(start - timedelta(days=10), today + timedelta(days=3)), max_size=60))
    pauses = []
    for offset, length in draw(st.lists(st.tuples(st.integers(-20, 160), st.integers(0, 20)), max_size=3)):
        pauses.append(Pause(start + timedelta(days=offset), start + timedelta(days=offset + length)))
    profile = Profile(start, weekly_target=draw(st.integers(1, 7)))
    return logs, profile, today, pauses


@given(scenarios())
def test_statuses_partition_the_days_from_the_first_day_to_today(scenario):
    logs, profile, today, pauses = scenario
    history = build_history(logs, profile, today, pauses)
    assert list(history.statuses) == list(days_between(history.first_day, today))
    assert set(history.statuses.values()) <= COUNTED
    logged = {log.local_date for log in logs if log.local_date <= today}
    for day, status in history.statuses.items():
        assert (status == "active") == (day in logged)
        assert (status == "pending") == (day == today and day not in logged)


@given(scenarios())
def test_free_rest_days_never_exceed_seven_minus_t_a_week(scenario):
    logs, profile, today, pauses = scenario
    history = build_history(logs, profile, today, pauses)
    paused = {day for pause in pauses for day in days_between(pause.start, pause.end)}
    free = Counter(
        day.isocalendar()[:2]
        for day, status in history.statuses.items()
        if status == "rest" and day not in paused
    )
    assert all(count <= profile.free_days for count in free.values())


@given(scenarios())
def test_month_grids_partition_every_day_of_the_month(scenario):
    logs, profile, today, pauses = scenario
    history = build_history(logs, profile, today, pauses)
    summary = month_summary(history, today.year, today.month)
    statuses = Counter(cell.status for cell in summary.days.values())
    assert sum(statuses.values()) == len(summary.days)
    assert set(statuses) <= COUNTED | {"none", "future"}
    assert (summary.active_days, summary.rest_days, summary.missed_days) == (
        statuses["active"],
        statuses["rest"],
        statuses["missed"],
    )


@given(scenarios())
def test_scores_stay_in_range_and_streaks_are_consistent(scenario):
    logs, profile, today, pauses = scenario
    history = build_history(logs, profile, today, pauses)
    for day, point in history.scores.items():
        assert 0 <= point.score <= 100
        assert 0.0 <= point.consistency < 1.0
        assert point.balance is None or 0.0 <= point.balance <= 1.0
        assert point.safety is None or 0.0 <= point.safety <= 1.0
        assert 0 <= history.streaks[day] <= history.longest[day] <= (day - history.first_day).days + 1
    # build_history walks the days once; the separate functions say the same from the statuses.
    assert history.statuses == day_statuses(logs, profile, today, pauses)
    assert history.streaks == streak_lengths(history.statuses)
    assert history.scores == score_series(history.logs, history.statuses)
    assert all(history.longest[day] == longest_streak(history.statuses, day) for day in history.statuses)


@settings(max_examples=50)
@given(scenarios())
def test_the_sliding_window_agrees_with_the_direct_formulas(scenario):
    logs, profile, today, pauses = scenario
    history = build_history(logs, profile, today, pauses)
    for day, point in history.scores.items():
        assert point.balance == balance(history.logs, day)
        assert point.safety == safety(history.logs, day)


@given(scenarios(), st.data())
def test_adding_a_log_never_lowers_the_longest_streak_nor_c(scenario, data):
    logs, profile, today, pauses = scenario
    before = build_history(logs, profile, today, pauses)
    added = data.draw(log_facts(before.first_day, today))
    after = build_history([*logs, added], profile, today, pauses)
    assert after.longest[today] >= before.longest[today]
    for day, point in before.scores.items():
        assert after.scores[day].consistency >= point.consistency
        assert after.longest[day] >= before.longest[day]


@given(scenarios(), st.data())
def test_a_page_of_day_totals_agrees_with_the_whole_history(scenario, data):
    """What a page builds (logs per day, the totals of the days its scores read, and only the logs it
    lists) is the whole history's."""
    logs, profile, today, pauses = scenario
    whole = build_history(logs, profile, today, pauses)
    first = data.draw(st.dates(whole.first_day, today))
    last = data.draw(st.dates(first, today + timedelta(days=40)))
    active = {log.local_date for log in logs}

    def totals(first: date, last: date) -> list:
        return day_totals(log for log in logs if first - timedelta(days=27) <= log.local_date <= last)

    scored = totals(first, last)
    page = build_history([], profile, today, pauses, active=active, totals=scored, scored=(first, last))
    for name in ("first_day", "statuses", "streaks", "longest", "active_dates"):
        assert getattr(page, name) == getattr(whole, name), name
    # Logs per day: those of the days the scores read, which hold every day a month's calendar shows.
    since = first - timedelta(days=27)
    assert page.log_counts == {day: n for day, n in whole.log_counts.items() if since <= day <= last}
    assert page.scores == {day: point for day, point in whole.scores.items() if first <= day <= last}
    # The logs of the scored days alone serve as well as their totals.
    window = [log for log in logs if first - timedelta(days=27) <= log.local_date <= last]
    assert build_history(window, profile, today, pauses, active=active, scored=(first, last)).scores == (
        page.scores
    )
    days = month_days(first.year, first.month)
    shown = [log for log in logs if days[0] <= log.local_date <= days[-1]]
    scored = totals(days[0], days[-1])
    page = build_history(
        shown, profile, today, pauses, active=active, totals=scored, scored=(days[0], days[-1])
    )
    assert month_summary(page, first.year, first.month).__dict__ == (
        month_summary(whole, first.year, first.month).__dict__
    )
