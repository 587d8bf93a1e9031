"""Days and streaks: each day's status (active, rest, missed, pending), the streaks, and consistency C,
in one walk over the days (DOMAIN.md, "Days, rest and streaks")."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.insights.facts import LogFact, Pause, Profile, days_between

ACTIVE, REST, MISSED, PENDING = "active", "rest", "missed", "pending"

NONE, FUTURE = "none", "future"

HALF_LIFE_DAYS = 13

M = 0.5 ** (1 / HALF_LIFE_DAYS)


def first_day(profile: Profile, logs: Iterable[LogFact]) -> date:
    """The user's first counted day: the earlier of the account start and the first log."""
    return min([profile.start, *(log.local_date for log in logs)])


def day_statuses(
    logs: Iterable[LogFact], profile: Profile, today: date, pauses: Iterable[Pause] = ()
) -> dict[date, str]:
    """Each day from the first day to today, in order: active, rest, missed or pending (see Choices)."""
    logged = {log.local_date for log in logs if log.local_date <= today}
    return _walk(logged, profile, today, pauses).statuses


@dataclass(frozen=True)
class _Days:
    """Per day from the first day to today: status, streak, longest streak so far and C."""

    statuses: dict[date, str]
    streaks: dict[date, int]
    longest: dict[date, int]
    consistency: dict[date, float]


def _walk(logged: Collection[date], profile: Profile, today: date, pauses: Iterable[Pause]) -> _Days:
    """Statuses from the set of logged dates (none after today), and with them in the same pass what
    `streak_lengths` and `consistency_series` compute from statuses: a page walks three years of days."""
    start = min(profile.start, min(logged, default=profile.start))
    paused = _paused_dates(pauses, start, today)
    days = _Days({}, {}, {}, {})
    statuses, streaks, longests, consistency = days.statuses, days.streaks, days.longest, days.consistency
    free_days = profile.free_days
    free_left, weekday, day, one = free_days, start.weekday(), start, timedelta(days=1)
    in_run, run, streak, longest, c = False, 0, 0, 0, 0.0
    while day <= today:
        if weekday == 0:
            free_left = free_days
        if day in logged:
            status, in_run, c = ACTIVE, True, M * c + (1 - M)
        elif day == today:
            status = PENDING
        elif day in paused:
            status = REST
        elif free_left > 0:
            status, free_left = REST, free_left - 1
        else:
            status, in_run, run, c = MISSED, False, 0, M * c
        if status != PENDING:
            run = run + 1 if in_run else 0
            streak = run
        if streak > longest:
            longest = streak
        statuses[day], streaks[day], longests[day], consistency[day] = status, streak, longest, c
        day, weekday = day + one, (weekday + 1) % 7
    return days


def _paused_dates(pauses: Iterable[Pause], first: date, last: date) -> set[date]:
    """The paused dates within first..last (a pause reaching far beyond costs nothing)."""
    return {day for pause in pauses for day in days_between(max(pause.start, first), min(pause.end, last))}


def streak_lengths(statuses: Mapping[date, str]) -> dict[date, int]:
    """The current streak as of each day, in one pass; a pending day carries the day before's streak."""
    lengths: dict[date, int] = {}
    run_start: date | None = None
    previous = 0
    for day, status in sorted(statuses.items()):
        if status == ACTIVE and run_start is None:
            run_start = day
        elif status == MISSED:
            run_start = None
        if status != PENDING:
            previous = (day - run_start).days + 1 if run_start else 0
        lengths[day] = previous
    return lengths


def current_streak(statuses: Mapping[date, str], as_of: date) -> int:
    """The streak running on as_of (ending the day before while that day is pending)."""
    if not statuses:
        return 0
    return streak_lengths(statuses).get(min(as_of, max(statuses)), 0)


def longest_streak(statuses: Mapping[date, str], as_of: date | None = None) -> int:
    """The longest streak ever, or up to as_of."""
    lengths = streak_lengths(statuses)
    return max((n for day, n in lengths.items() if as_of is None or day <= as_of), default=0)


def consistency_series(statuses: Mapping[date, str]) -> dict[date, float]:
    """C on each day: active pulls it toward 1, missed decays it, rest and pending leave it be."""
    value, series = 0.0, {}
    for day, status in sorted(statuses.items()):
        if status == ACTIVE:
            value = M * value + (1 - M)
        elif status == MISSED:
            value = M * value
        series[day] = value
    return series
