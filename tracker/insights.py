"""Insights: a user's days, streaks, Secure Pattern score and monthly review, from plain values.

PURE: no Flask, no Peewee, no clock; the caller passes `today` (the user's local date). Rules are those
of DOMAIN.md ("Days, rest and streaks", "The Secure Pattern score", "The monthly review"). Build a
`History` once per request with `build_history`, then slice it with `month_summary` or `year_summary`.
A page passes the number of logs per day over the whole history (statuses and streaks need no more),
each day's totals (`DayTotals`: reach and room logs, safety points; the scores need no more) over the
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
- Balance and Safety on a day use the 28 days ending on that day. The score rounds half up.
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

import calendar
import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from .kinds import GROUPS, KINDS, NEUTRAL, REACH, ROOM, Kind, get_kind

ACTIVE, REST, MISSED, PENDING = "active", "rest", "missed", "pending"
NONE, FUTURE = "none", "future"
HALF_LIFE_DAYS = 13
M = 0.5 ** (1 / HALF_LIFE_DAYS)
WINDOW_DAYS = 28
COMEBACK_GAP_DAYS = 7
# A log's safety in twentieths of a point: exact in floating point, so a sliding sum never drifts.
RESPONSE_POINTS = {"welcomed": 20, "neutral": 10, "dismissed": 0}
POINTS_PER_UNIT = 20
GROUP_OF = {kind.key: kind.group for kind in KINDS}


class LogFact(NamedTuple):
    """One log, reduced to what insights need; local_date is the user's date stored when it was logged.

    A named tuple: a page builds hundreds of them, and a tuple is made several times faster than a
    frozen dataclass."""

    local_date: date
    kind: str
    person: str | None = None
    before: int | None = None
    after: int | None = None
    response: str | None = None
    step: int | None = None

    @property
    def group(self) -> str:
        """The kind's group (reach, room, neutral); an unknown kind counts as neutral."""
        return GROUP_OF.get(self.kind, NEUTRAL)

    @property
    def safety_points(self) -> float | None:
        """Twentieths of 0.5·r + 0.5·after/10, or of whichever of the two is known; None with neither."""
        return safety_points(self.after, self.response)


def safety_points(after: int | None, response: str | None) -> float | None:
    """A log's safety in twentieths (see LogFact.safety_points), from its after value and response."""
    answer = RESPONSE_POINTS.get(response) if response else None
    if after is None:
        return None if answer is None else answer / 1
    return 2 * after / 1 if answer is None else (2 * after + answer) / 2


@dataclass(frozen=True)
class Pause:
    """A date range the user paused (illness, travel, grief), both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a pause ends on or after its start")


@dataclass(frozen=True)
class Profile:
    """What insights need to know about the account: its start date and weekly target T."""

    start: date
    weekly_target: int = 4

    def __post_init__(self) -> None:
        if not 1 <= self.weekly_target <= 7:
            raise ValueError("the weekly target is 1 to 7 days")

    @property
    def free_days(self) -> int:
        """How many unlogged days of each week are rest: 7 − T."""
        return 7 - self.weekly_target


class DayTotals(NamedTuple):
    """One date's logs summed up: what statuses, streaks and scores need of them, so a history can be
    read as one row per day (a database sums them up) instead of one object per log."""

    day: date
    logs: int
    reach: int = 0
    room: int = 0
    points: float = 0  # safety points (twentieths; see LogFact.safety_points) of the rated logs
    rated: int = 0  # logs with safety points


def day_totals(logs: Iterable[LogFact]) -> list[DayTotals]:
    """The DayTotals of each date with logs, in date order (what `Log.day_totals` reads from SQL)."""
    return [DayTotals(day, *totals) for day, totals in sorted(_daily_totals(logs).items())]


class DayScore(NamedTuple):
    """Consistency, Balance, Safety (None when unknown) and the Score on one day (a year page makes
    hundreds: a named tuple is the cheapest to build)."""

    day: date
    consistency: float
    balance: float | None
    safety: float | None
    score: int


@dataclass(frozen=True)
class Feelings:
    """What I feared vs what happened: mean settledness before and after, over logs with both."""

    mean_before: float | None
    mean_after: float | None
    paired: int


@dataclass(frozen=True)
class PersonResponses:
    """How one person responded, and their S, framed as "where safety lives", never as a grade."""

    person: str
    logs: int
    welcomed: int
    neutral: int
    dismissed: int
    safety: float | None

    @property
    def responded(self) -> int:
        """How many of the logs recorded a response."""
        return self.welcomed + self.neutral + self.dismissed


@dataclass(frozen=True)
class Comeback:
    """The user came back on `day` after `days_away` days without an active day."""

    day: date
    days_away: int


@dataclass(frozen=True)
class DayCell:
    """One day of a month grid: its status and how many logs it has."""

    status: str
    logs: int


@dataclass(frozen=True, eq=False)
class History:
    """Everything derived from one user's logs as of today, computed once and sliced by month and year."""

    profile: Profile
    today: date
    first_day: date
    logs: tuple[LogFact, ...]
    statuses: dict[date, str]
    log_counts: Counter[date]
    streaks: dict[date, int]
    longest: dict[date, int]
    scores: dict[date, DayScore]
    active_dates: tuple[date, ...]


@dataclass(frozen=True, eq=False)
class MonthSummary:
    """Everything the month page needs; `latest` holds C, B, S and the score on its last counted day."""

    year: int
    month: int
    days: dict[date, DayCell]
    active_days: int
    rest_days: int
    missed_days: int
    current_streak: int
    longest_streak: int
    latest: DayScore | None
    series: tuple[DayScore, ...]
    by_kind: dict[str, int]
    by_group: dict[str, int]
    by_person: dict[str, int]
    feelings: Feelings
    people: tuple[PersonResponses, ...]
    comeback: Comeback | None
    suggestion: str

    def as_api_dict(self) -> dict:
        """The summary in the API contract's shape (fractions rounded to 3 places, unknown as None)."""
        latest = self.latest
        return {
            "month": f"{self.year:04d}-{self.month:02d}",
            "active_days": self.active_days,
            "rest_days": self.rest_days,
            "missed_days": self.missed_days,
            "current_streak": self.current_streak,
            "longest_streak": self.longest_streak,
            "score": latest.score if latest else None,
            "consistency": _rounded(latest.consistency if latest else None),
            "balance": _rounded(latest.balance if latest else None),
            "safety": _rounded(latest.safety if latest else None),
            "by_kind": dict(self.by_kind),
            "days": {day.isoformat(): {"status": c.status, "logs": c.logs} for day, c in self.days.items()},
        }


@dataclass(frozen=True, eq=False)
class YearSummary:
    """The year page: each month's day statuses, how many days had each status, and the score at each
    month's last counted day."""

    year: int
    months: dict[int, dict[date, str]]
    month_end_scores: dict[int, int | None]
    tallies: dict[int, Counter[str]]


def local_date_of(instant_utc: datetime, tz: str) -> date:
    """The calendar date the user lived an instant on, so a log is filed under the user's own day."""
    if instant_utc.tzinfo is None:
        instant_utc = instant_utc.replace(tzinfo=UTC)
    return instant_utc.astimezone(ZoneInfo(tz)).date()


def days_between(first: date, last: date) -> Iterator[date]:
    """Every date from first to last, both included (nothing when last is before first)."""
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


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


def balance_of(reach: int, room: int) -> float | None:
    """B = min(1, 4·min(a, b)/(a + b)): full once the smaller side is a quarter; None with neither."""
    if reach + room == 0:
        return None
    return min(1.0, 4 * min(reach, room) / (reach + room))


def _in_window(logs: Iterable[LogFact], as_of: date) -> list[LogFact]:
    """The logs of the 28 days ending on as_of."""
    since = as_of - timedelta(days=WINDOW_DAYS - 1)
    return [log for log in logs if since <= log.local_date <= as_of]


def balance(logs: Iterable[LogFact], as_of: date) -> float | None:
    """B over the 28 days ending on as_of."""
    groups = Counter(log.group for log in _in_window(logs, as_of))
    return balance_of(groups[REACH], groups[ROOM])


def mean_safety(logs: Iterable[LogFact]) -> float | None:
    """The mean safety of the logs that have a response or an after value; None when none has."""
    points = [p for p in (log.safety_points for log in logs) if p is not None]
    return sum(points) / (POINTS_PER_UNIT * len(points)) if points else None


def safety(logs: Iterable[LogFact], as_of: date) -> float | None:
    """S over the 28 days ending on as_of."""
    return mean_safety(_in_window(logs, as_of))


def score(consistency: float, balance: float | None, safety: float | None) -> int:
    """100 × (0.5·C + 0.25·B + 0.25·S), unknown parts' weights shared out over the known ones."""
    # Written out rather than as sums over the known parts: a year page scores hundreds of days.
    value, weight = 0.5 * consistency, 0.5
    if balance is not None:
        value, weight = value + 0.25 * balance, weight + 0.25
    if safety is not None:
        value, weight = value + 0.25 * safety, weight + 0.25
    return min(100, max(0, math.floor(100 * value / weight + 0.5)))


def score_series(
    logs: Iterable[LogFact], statuses: Mapping[date, str], days: tuple[date, date] | None = None
) -> dict[date, DayScore]:
    """C, B, S and the score on every day of statuses (only those from days[0] to days[1] when given),
    in one pass with a sliding 28-day window; the logs must cover those days and the 27 before."""
    return _scores(_daily_totals(logs), consistency_series(statuses), days)


def _scores(
    daily: Mapping[date, Sequence], consistency: Mapping[date, float], days: tuple[date, date] | None
) -> dict[date, DayScore]:
    """score_series from each date's totals (logs, reach, room, points, rated) and C on each day."""
    if not consistency:
        return {}
    first, last = min(consistency), max(consistency)
    if days is not None:
        first, last = max(first, days[0]), min(last, days[1])
    reach, room, points, rated = 0, 0, 0.0, 0  # over the 28 days ending on `day`
    series: dict[date, DayScore] = {}
    day, one, window = first - timedelta(days=WINDOW_DAYS - 1), timedelta(days=1), timedelta(days=WINDOW_DAYS)
    while day <= last:
        if added := daily.get(day):
            reach, room, points, rated = (
                reach + added[1],
                room + added[2],
                points + added[3],
                rated + added[4],
            )
        if day > first and (dropped := daily.get(day - window)):  # a day the window took in
            reach, room = reach - dropped[1], room - dropped[2]
            points, rated = points - dropped[3], rated - dropped[4]
        if day >= first:
            c = consistency[day]
            b = balance_of(reach, room)
            s = points / (POINTS_PER_UNIT * rated) if rated else None
            series[day] = DayScore(day, c, b, s, score(c, b, s))
        day += one
    return series


def _daily_totals(logs: Iterable[LogFact]) -> dict[date, list]:
    """Per date: logs, reach logs, room logs, safety points and logs with safety."""
    daily: dict[date, list] = {}
    for log in logs:
        totals = daily.get(log.local_date)
        if totals is None:
            totals = daily[log.local_date] = [0, 0, 0, 0.0, 0]
        totals[0] += 1
        group = GROUP_OF.get(log.kind)
        if group == REACH:
            totals[1] += 1
        elif group == ROOM:
            totals[2] += 1
        if (points := safety_points(log.after, log.response)) is not None:
            totals[3] += points
            totals[4] += 1
    return daily


def counts_by_kind(logs: Iterable[LogFact]) -> dict[str, int]:
    """Logs per kind key, every known kind in taxonomy order (zeros included), unknown keys after."""
    counts = Counter(log.kind for log in logs)
    known = {kind.key: counts.pop(kind.key, 0) for kind in KINDS}
    return known | dict(sorted(counts.items()))


def counts_by_group(logs: Iterable[LogFact]) -> dict[str, int]:
    """Logs per group: reach, room, neutral."""
    counts = Counter(log.group for log in logs)
    return {group: counts[group] for group in GROUPS}


def counts_by_person(logs: Iterable[LogFact]) -> dict[str, int]:
    """Logs per person, most first (solo logs left out)."""
    counts = Counter(log.person for log in logs if log.person)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def feelings(logs: Iterable[LogFact]) -> Feelings:
    """How settled the user felt before vs after, over the logs that record both."""
    pairs = [(log.before, log.after) for log in logs if log.before is not None and log.after is not None]
    if not pairs:
        return Feelings(None, None, 0)
    return Feelings(sum(b for b, _ in pairs) / len(pairs), sum(a for _, a in pairs) / len(pairs), len(pairs))


def responses_by_person(logs: Iterable[LogFact]) -> tuple[PersonResponses, ...]:
    """Each person's responses and S, the person with the most logs first."""
    by_person: dict[str, list[LogFact]] = {}
    for log in logs:
        if log.person:
            by_person.setdefault(log.person, []).append(log)
    ordered = sorted(by_person.items(), key=lambda item: (-len(item[1]), item[0]))
    return tuple(_person_responses(person, person_logs) for person, person_logs in ordered)


def _person_responses(person: str, logs: list[LogFact]) -> PersonResponses:
    """One person's response counts and S."""
    counts = Counter(log.response for log in logs)
    return PersonResponses(
        person, len(logs), counts["welcomed"], counts["neutral"], counts["dismissed"], mean_safety(logs)
    )


def build_history(
    logs: Iterable[LogFact],
    profile: Profile,
    today: date,
    pauses: Iterable[Pause] = (),
    *,
    counts: Mapping[date, int] | None = None,
    totals: Iterable[DayTotals] | None = None,
    scored: tuple[date, date] | None = None,
) -> History:
    """Statuses, streaks and scores from the first day to today, computed once for all summaries.

    A page needn't pass every log: with `counts` (how many logs each date has, over the whole history)
    statuses and streaks come from the counts, and scores are computed for the `scored` days (first,
    last) alone (none when first is after last), from `totals` (each date's DayTotals, as
    `Log.day_totals` sums them up in SQL) or else from the logs, covering those days and the 27 before
    them. The logs may then be just those the page lists, or none.
    """
    kept = tuple(sorted((log for log in logs if log.local_date <= today), key=lambda log: log.local_date))
    if totals is None:
        daily = _daily_totals(kept)
    else:
        daily = {row[0]: row[1:] for row in totals if row[0] <= today and row[1]}
    if counts is None:
        log_counts = Counter({day: row[0] for day, row in daily.items()})
    else:
        log_counts = Counter({day: n for day, n in counts.items() if day <= today and n})
    days = _walk(log_counts.keys(), profile, today, pauses)
    return History(
        profile=profile,
        today=today,
        first_day=min(profile.start, min(log_counts, default=profile.start)),
        logs=kept,
        statuses=days.statuses,
        log_counts=log_counts,
        streaks=days.streaks,
        longest=days.longest,
        scores=_scores(daily, days.consistency, scored),
        active_dates=tuple(sorted(log_counts)),
    )


def grid_status(history: History, day: date) -> str:
    """A day's status on a calendar: its status, "none" before the first day, "future" after today."""
    return FUTURE if day > history.today else history.statuses.get(day, NONE)


def month_days(year: int, month: int) -> list[date]:
    """Every date of a month."""
    return [date(year, month, n) for n in range(1, calendar.monthrange(year, month)[1] + 1)]


def month_summary(
    history: History, year: int, month: int, not_safe: Collection[str] = frozenset()
) -> MonthSummary:
    """The monthly review of DOMAIN.md for (year, month), as of the history's today; the suggestion never
    names or steers toward the people in `not_safe`."""
    days = month_days(year, month)
    as_of = min(history.today, days[-1])
    logs = _logs_between(history, days[0], as_of)
    statuses = Counter(grid_status(history, day) for day in days)
    people = responses_by_person(logs)
    comeback = find_comeback(history, days[0], as_of)
    return MonthSummary(
        year=year,
        month=month,
        days={day: DayCell(grid_status(history, day), history.log_counts[day]) for day in days},
        active_days=statuses[ACTIVE],
        rest_days=statuses[REST],
        missed_days=statuses[MISSED],
        current_streak=history.streaks.get(as_of, 0),
        longest_streak=history.longest.get(as_of, 0),
        latest=_latest_score(history, days),
        series=tuple(history.scores[day] for day in days if day in history.scores),
        by_kind=counts_by_kind(logs),
        by_group=counts_by_group(logs),
        by_person=counts_by_person(logs),
        feelings=feelings(logs),
        people=people,
        comeback=comeback,
        suggestion=suggest(logs, people, comeback, not_safe),
    )


def _latest_score(history: History, days: Sequence[date]) -> DayScore | None:
    """C, B, S and the score on the last counted day of these days (None when none is counted)."""
    last = min(history.today, days[-1])
    return history.scores.get(last) if last >= days[0] else None


def _logs_between(history: History, first: date, last: date) -> Sequence[LogFact]:
    """The history's logs dated first..last (they are sorted by date)."""
    dates = [log.local_date for log in history.logs]
    return history.logs[bisect_left(dates, first) : bisect_right(dates, last)]


def find_comeback(history: History, first: date, last: date) -> Comeback | None:
    """The latest return within first..last after 7 or more days without an active day, if any."""
    active = history.active_dates
    comeback = None
    for i in range(max(1, bisect_left(active, first)), bisect_right(active, last)):
        days_away = (active[i] - active[i - 1]).days - 1
        if days_away >= COMEBACK_GAP_DAYS:
            comeback = Comeback(active[i], days_away)
    return comeback


def year_summary(history: History, year: int) -> YearSummary:
    """Each month's day statuses, their tally, and the score at each month's last counted day."""
    months = {
        month: {day: grid_status(history, day) for day in month_days(year, month)} for month in range(1, 13)
    }
    latest = {month: _latest_score(history, list(grid)) for month, grid in months.items()}
    return YearSummary(
        year,
        months,
        {month: day.score if day else None for month, day in latest.items()},
        {month: Counter(grid.values()) for month, grid in months.items()},
    )


def suggest(
    logs: Sequence[LogFact],
    people: Sequence[PersonResponses],
    comeback: Comeback | None,
    not_safe: Collection[str] = frozenset(),
) -> str:
    """One gentle suggestion for the month (order and thresholds under Choices), read without the logs
    with anyone in `not_safe`."""
    if not_safe:
        logs = [log for log in logs if log.person not in not_safe]
        people = [p for p in people if p.person not in not_safe]
    care = _widen_circle(people)
    if comeback:
        return " ".join(filter(None, [_welcome_back(comeback), care]))
    return care or _underused_group(logs) or _next_ladder_step(logs) or _gentle_default(logs)


def _welcome_back(comeback: Comeback) -> str:
    """A warm note for coming back after a gap."""
    return (
        f"Welcome back: you returned on {comeback.day.day} {comeback.day:%B} after "
        f"{comeback.days_away} days away. Coming back is the practice itself."
    )


def _widen_circle(people: Sequence[PersonResponses]) -> str | None:
    """For a person whose responses were mostly dismissed: widen the circle, never "try harder"."""
    dismissive = [p for p in people if p.responded >= 3 and p.dismissed * 2 > p.responded]
    if not dismissive:
        return None
    person = max(dismissive, key=lambda p: p.dismissed)
    return (
        f"{person.person} often couldn't meet you this month; that says more about their moment than "
        f"about you. Safety can live in more than one place: maybe {_first_step(get_kind('widen'))}."
    )


def _underused_group(logs: Sequence[LogFact]) -> str | None:
    """Point to reach or room when the month leaned heavily to the other side (least-used kind first)."""
    groups = counts_by_group(logs)
    reach, room = groups[REACH], groups[ROOM]
    if reach + room < 4 or balance_of(reach, room) == 1:
        return None
    counts = counts_by_kind(logs)
    group = REACH if reach < room else ROOM
    kind = min((kind for kind in KINDS if kind.group == group), key=lambda kind: counts[kind.key])
    if reach < room:
        return f"This month leaned toward making room. Letting people closer counts too: {_first_step(kind)}."
    return f"This month leaned toward reaching in. Making room counts too: {_first_step(kind)}."


def _first_step(kind: Kind) -> str:
    """A kind's smallest step, as a suggestion."""
    return f"try “{kind.label}”, starting small: {kind.ladder[0][0].lower()}{kind.ladder[0][1:]}"


def _next_ladder_step(logs: Sequence[LogFact]) -> str | None:
    """The next ladder step of a kind done often (most-done first) and mostly welcomed."""
    for key, count in sorted(counts_by_kind(logs).items(), key=lambda item: -item[1]):
        kind = get_kind(key)
        if count < 3:
            return None
        of_kind = [log for log in logs if log.kind == key]
        top_step = max(log.step or 1 for log in of_kind)
        if kind and top_step < 3 and _mostly_welcomed(of_kind):
            return (
                f"You practised “{kind.label}” {count} times this month and it was mostly welcomed. "
                f"When it feels right, a next step: {kind.ladder[top_step]}."
            )
    return None


def _mostly_welcomed(logs: Sequence[LogFact]) -> bool:
    """At least 2 responses, more than half of them welcomed."""
    responses = [log.response for log in logs if log.response]
    return len(responses) >= 2 and responses.count("welcomed") * 2 > len(responses)


def _gentle_default(logs: Sequence[LogFact]) -> str:
    """An encouragement that asks for nothing big."""
    if not logs:
        return f"One small step counts: {_first_step(get_kind('recall'))}."
    return "Keep going at your own pace; rest days are part of the practice."


def _rounded(value: float | None) -> float | None:
    """A fraction rounded to 3 places for the API, None staying None."""
    return None if value is None else round(value, 3)
