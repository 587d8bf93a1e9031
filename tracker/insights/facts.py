"""The plain values insights read (a log, a pause, the profile), the user's local dates, and simple
monthly tallies: counts by kind, group and person, and how the logs felt before and after."""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from tracker.kinds import GROUPS, KINDS, NEUTRAL

# A log's safety in twentieths of a point: exact in floating point, so a sliding sum never drifts.
# A hurtful or frightening response counts like dismissed (DOMAIN.md, "Care").
RESPONSE_POINTS = {"welcomed": 20, "neutral": 10, "dismissed": 0, "hurtful": 0}

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
    bid: str | None = None  # how a respond log met the other's bid (insights.bids); None for other kinds

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


@dataclass(frozen=True)
class Feelings:
    """What I feared vs what happened: mean settledness before and after, over logs with both."""

    mean_before: float | None
    mean_after: float | None
    paired: int


def local_date_of(instant_utc: datetime, tz: str) -> date:
    """The calendar date the user lived an instant on, so a log is filed under the user's own day."""
    if instant_utc.tzinfo is None:
        instant_utc = instant_utc.replace(tzinfo=UTC)
    return instant_utc.astimezone(ZoneInfo(tz)).date()


def days_between(first: date, last: date) -> Iterator[date]:
    """Every date from first to last, both included (nothing when last is before first)."""
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


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


def month_days(year: int, month: int) -> list[date]:
    """Every date of a month."""
    return [date(year, month, n) for n in range(1, calendar.monthrange(year, month)[1] + 1)]
