"""Insights: a user's days, streaks, practice rhythm and monthly review, from plain values.

PURE: no Flask, no Peewee, no clock; the caller passes `today` (the user's local date). Rules are those
of DOMAIN.md ("Days, rest and streaks", "The practice rhythm", "The monthly review"). Build a
`History` once per request with `build_history`, then slice it with `month_summary` or `year_summary`.
A page passes the dates with a log over the whole history (statuses and streaks need no more),
each day's totals (`DayTotals`: reach and room logs, safety points; the rhythm and S need no more) over the
days it shows and the 27 before them, and the logs of just the days it lists: so three years of history
cost a thousand small tuples summed up by the database, not five thousand logs.

Choices (where DOMAIN.md leaves room; the README repeats them):
- Dates, not instants: each log carries the `local_date` stored when it was logged, in the zone the user
  had then, so a later time zone change, a flight or a DST switch never moves an old log to another
  day. `local_date_of` turns an instant into such a date. Logs dated after `today` are ignored.
- Free days are the first 7 − T unlogged days of each ISO week among the counted, unpaused days. Days
  before the first day count as nothing, so they take no free day (an account created on a Thursday
  with T = 4 still has three that week). A paused day is rest on its own account and leaves the free
  days to the other days of its week. Today, while pending, takes none. A paused day with a log is active.
- So adding a log only ever improves days (missed → rest → active) and never lowers a streak or C;
  the exception is a log backdated before the first day, which moves the first day earlier, and that
  week's free days are counted again from there.
- Balance and Safety on a day use the 28 days ending on that day. The rhythm rounds half up; it is
  C and B only, S is reported beside it.
- A month's counts, feelings and responses by person (with per-person S) cover its logs up to today.
  Feelings compare only logs with both a before and an after value, so both means describe the same
  moments. Month grids add "none" (before the first day) and "future" (after today).
- A kind key unknown to `tracker.kinds` still makes a day active and is counted by kind, as neutral.
- Returning: an active day after 7 or more days without one (paused days included), following an
  earlier active day. The suggestion then welcomes the user back and adds only the care note below.
- Suggestion, first that applies: a person whose responses were mostly dismissed (3 or more responses,
  over half dismissed) → widen the circle, never "try harder"; a month's reach/room balance below 1
  with 4 or more such logs → the under-used group; a kind done 3 or more times (most-done first) with
  over half of 2 or more responses welcomed and top step below 3 → its next step; else a gentle default.
- A person marked not safe is never named and never steered toward (DOMAIN.md, "Care"): the suggestion
  reads the month without their logs, so neither their dismissals nor a kind practised with them
  picks it.
"""

from __future__ import annotations

from tracker.insights.days import (
    ACTIVE,
    FUTURE,
    HALF_LIFE_DAYS,
    MISSED,
    NONE,
    PENDING,
    REST,
    M,
    consistency_series,
    current_streak,
    day_statuses,
    first_day,
    longest_streak,
    streak_lengths,
)
from tracker.insights.facts import (
    GROUP_OF,
    POINTS_PER_UNIT,
    RESPONSE_POINTS,
    Feelings,
    LogFact,
    Pause,
    Profile,
    counts_by_group,
    counts_by_kind,
    counts_by_person,
    days_between,
    feelings,
    local_date_of,
    month_days,
    safety_points,
)
from tracker.insights.review import (
    COMEBACK_GAP_DAYS,
    Comeback,
    DayCell,
    History,
    MonthSummary,
    YearSummary,
    build_history,
    find_comeback,
    grid_status,
    month_summary,
    year_summary,
)
from tracker.insights.score import (
    WINDOW_DAYS,
    DayScore,
    DayTotals,
    PersonResponses,
    balance,
    balance_of,
    day_totals,
    mean_safety,
    responses_by_person,
    rhythm,
    safety,
    score_series,
)
from tracker.insights.suggestion import (
    suggest,
)

__all__ = [
    "ACTIVE",
    "COMEBACK_GAP_DAYS",
    "FUTURE",
    "GROUP_OF",
    "HALF_LIFE_DAYS",
    "MISSED",
    "NONE",
    "PENDING",
    "POINTS_PER_UNIT",
    "RESPONSE_POINTS",
    "REST",
    "WINDOW_DAYS",
    "Comeback",
    "DayCell",
    "DayScore",
    "DayTotals",
    "Feelings",
    "History",
    "LogFact",
    "M",
    "MonthSummary",
    "Pause",
    "PersonResponses",
    "Profile",
    "YearSummary",
    "balance",
    "balance_of",
    "build_history",
    "consistency_series",
    "counts_by_group",
    "counts_by_kind",
    "counts_by_person",
    "current_streak",
    "day_statuses",
    "day_totals",
    "days_between",
    "feelings",
    "find_comeback",
    "first_day",
    "grid_status",
    "local_date_of",
    "longest_streak",
    "mean_safety",
    "month_days",
    "month_summary",
    "responses_by_person",
    "rhythm",
    "safety",
    "safety_points",
    "score_series",
    "streak_lengths",
    "suggest",
    "year_summary",
]
