"""The practice rhythm and its parts over a sliding 28-day window: balance B of reaching out and making
room, and beside it (never inside it) S, how connections felt, per day and per person, from per-day
totals. The rhythm measures the user's own practice only: how other people responded never moves it."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from tracker.insights.days import consistency_series
from tracker.insights.facts import GROUP_OF, POINTS_PER_UNIT, LogFact, safety_points
from tracker.kinds import REACH, ROOM

WINDOW_DAYS = 28


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
    """Consistency, Balance, Safety (None when unknown) and the practice rhythm on one day, as `score`
    (the summary API's name for it); a year page makes hundreds: a named tuple is the cheapest to build."""

    day: date
    consistency: float
    balance: float | None
    safety: float | None
    score: int


@dataclass(frozen=True)
class PersonResponses:
    """How one person responded, and their S, framed as "where safety lives", never as a grade."""

    person: str
    logs: int
    welcomed: int
    neutral: int
    dismissed: int
    safety: float | None
    hurtful: int = 0  # responses that hurt or frightened: shown with care, never as a grade

    @property
    def responded(self) -> int:
        """How many of the logs recorded a response."""
        return self.welcomed + self.neutral + self.dismissed + self.hurtful


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


def rhythm(consistency: float, balance: float | None) -> int:
    """The practice rhythm, 100 × (2/3·C + 1/3·B), or 100 × C while B is unknown, rounded half up.
    S is no part of it: a dismissive partner never marks the user down (DOMAIN.md, "The practice rhythm")."""
    # Written out rather than as sums over the known parts: a year page computes hundreds of days.
    value = consistency if balance is None else (2 * consistency + balance) / 3
    return min(100, max(0, math.floor(100 * value + 0.5)))


def score_series(
    logs: Iterable[LogFact], statuses: Mapping[date, str], days: tuple[date, date] | None = None
) -> dict[date, DayScore]:
    """C, B, S and the rhythm on every day of statuses (only those from days[0] to days[1] when given),
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
            series[day] = DayScore(day, c, b, s, rhythm(c, b))
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
        person,
        len(logs),
        counts["welcomed"],
        counts["neutral"],
        counts["dismissed"],
        mean_safety(logs),
        counts["hurtful"],
    )
