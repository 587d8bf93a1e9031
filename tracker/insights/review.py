"""The history built once per request, and the month and year reviews sliced from it."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from tracker.insights.bids import BidCounts, count_bids
from tracker.insights.days import (
    ACTIVE,
    FUTURE,
    MISSED,
    NONE,
    REST,
    _walk,
)
from tracker.insights.facts import (
    Feelings,
    LogFact,
    Pause,
    Profile,
    counts_by_group,
    counts_by_kind,
    counts_by_person,
    feelings,
    month_days,
)
from tracker.insights.score import (
    DayScore,
    DayTotals,
    PersonResponses,
    _daily_totals,
    _scores,
    responses_by_person,
)
from tracker.insights.suggestion import suggest

COMEBACK_GAP_DAYS = 7


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
    log_counts: Counter[date]  # logs per day: every day, or a page's scored days and the 27 before
    streaks: dict[date, int]
    longest: dict[date, int]
    scores: dict[date, DayScore]
    active_dates: tuple[date, ...]


@dataclass(frozen=True, eq=False)
class MonthSummary:
    """Everything the month page needs; `latest` holds C, B, S and the rhythm (`score`) on its last
    counted day."""

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
    bids: BidCounts  # how the month's bids were met (insights.bids), every person's

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
            "bids": self.bids.as_api_dict(),
        }


@dataclass(frozen=True, eq=False)
class YearSummary:
    """The year page: each month's day statuses, how many days had each status, and the rhythm at each
    month's last counted day."""

    year: int
    months: dict[int, dict[date, str]]
    month_end_scores: dict[int, int | None]
    tallies: dict[int, Counter[str]]


def build_history(
    logs: Iterable[LogFact],
    profile: Profile,
    today: date,
    pauses: Iterable[Pause] = (),
    *,
    active: Iterable[date] | None = None,
    totals: Iterable[DayTotals] | None = None,
    scored: tuple[date, date] | None = None,
) -> History:
    """Statuses, streaks and scores from the first day to today, computed once for all summaries.

    A page needn't pass every log: scores are computed for the `scored` days (first, last) alone (none
    when first is after last), from `totals` (each date's DayTotals, as `Log.day_totals` sums them up in
    SQL) or else from the logs, covering those days and the 27 before them; statuses and streaks come
    from those days and `active`, the other dates with a log (a day's status needs no more). The logs
    may then be just those the page lists, or none. `log_counts` then covers the scored days and the 27
    before them: a month's calendar, the only reader of counts, shows no other day.
    """
    kept = tuple(sorted((log for log in logs if log.local_date <= today), key=lambda log: log.local_date))
    if totals is None:
        daily = _daily_totals(kept)
    else:
        daily = {row[0]: row[1:] for row in totals if row[0] <= today and row[1]}
    log_counts = Counter({day: row[0] for day, row in daily.items()})
    logged = log_counts.keys()
    if active is not None:
        logged = {day for day in active if day <= today} | logged
    days = _walk(logged, profile, today, pauses)
    return History(
        profile=profile,
        today=today,
        first_day=min(profile.start, min(logged, default=profile.start)),
        logs=kept,
        statuses=days.statuses,
        log_counts=log_counts,
        streaks=days.streaks,
        longest=days.longest,
        scores=_scores(daily, days.consistency, scored),
        active_dates=tuple(sorted(logged)),
    )


def grid_status(history: History, day: date) -> str:
    """A day's status on a calendar: its status, "none" before the first day, "future" after today."""
    return FUTURE if day > history.today else history.statuses.get(day, NONE)


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
        bids=count_bids(logs, days[0], as_of),
    )


def _latest_score(history: History, days: Sequence[date]) -> DayScore | None:
    """C, B, S and the rhythm on the last counted day of these days (None when none is counted)."""
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
    """Each month's day statuses, their tally, and the rhythm at each month's last counted day."""
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


def _rounded(value: float | None) -> float | None:
    """A fraction rounded to 3 places for the API, None staying None."""
    return None if value is None else round(value, 3)
