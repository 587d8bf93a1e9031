"""When a reminder rule is next due, in the user's own zone and correct across DST changes.

PURE: no Flask, no Peewee, no clock; callers pass the instant to look after and the IANA zone. A rule
fires at most once per local calendar day, at its wall time on the chosen weekdays:
- spring forward: a wall time inside the gap (02:30 in New York on the change day) fires once, at the
  first valid instant after the gap begins (03:00 EDT);
- fall back: a wall time that happens twice (01:30) fires once, at the first of the two;
- a local date that does not exist at all (Kiritimati skipped 31 Dec 1994) has no firing.
Instants in and out are aware datetimes; results are in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EVERY_DAY = 0b1111111
_LOOKAHEAD_DAYS = 16  # a week, plus a skipped date, plus slack for far-east/far-west offsets
_LOOKAHEAD_MONTHS = 14


def days_mask(names: list[str] | tuple[str, ...]) -> int:
    """A weekday bitmask (Monday is bit 0) from names like ["mon", "fri"]; ValueError for others."""
    mask = 0
    for name in names:
        mask |= 1 << DAY_NAMES.index(name)
    return mask


def day_names(mask: int) -> list[str]:
    """The weekday names of a bitmask, Monday first."""
    return [name for i, name in enumerate(DAY_NAMES) if mask >> i & 1]


def aware(at: datetime) -> datetime:
    """A stored naive-UTC instant as an aware one."""
    return at.replace(tzinfo=UTC)


def local_day(at: datetime, zone: str) -> date:
    """The user's calendar date of an instant."""
    return at.astimezone(ZoneInfo(zone)).date()


def local_wall(instant: datetime, zone: ZoneInfo) -> datetime:
    """The naive wall-clock time of an instant in a zone."""
    return instant.astimezone(zone).replace(tzinfo=None)


def _end_of_gap(wall: datetime, zone: ZoneInfo) -> datetime:
    """The first instant whose wall time is at or after `wall`, for a wall time inside a gap."""
    # In a gap, fold=1 reads the wall time with the later offset and fold=0 with the earlier, so the
    # transition lies between the two readings; wall time only rises there, so bisect on seconds.
    low = int(wall.replace(tzinfo=zone, fold=1).timestamp())
    high = int(wall.replace(tzinfo=zone, fold=0).timestamp())
    low, high = min(low, high), max(low, high)
    while low < high:
        middle = (low + high) // 2
        if local_wall(datetime.fromtimestamp(middle, UTC), zone) >= wall:
            high = middle
        else:
            low = middle + 1
    return datetime.fromtimestamp(low, UTC)


def firing_instant(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """When a rule set for `at` fires on local `day` (UTC), or None when that date never happens."""
    wall = datetime.combine(day, at.replace(tzinfo=None))
    instant = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if local_wall(instant, zone) != wall:  # the wall time falls in a gap
        instant = _end_of_gap(wall, zone)
    return instant if instant.astimezone(zone).date() == day else None


def next_due(days: int, at: time, zone: str, after: datetime) -> datetime | None:
    """The first firing strictly after `after` on one of the weekdays in `days`; None without days."""
    if not days & EVERY_DAY:
        return None
    tz = ZoneInfo(zone)
    start = after.astimezone(tz).date() - timedelta(days=1)
    for offset in range(_LOOKAHEAD_DAYS):
        day = start + timedelta(days=offset)
        if days >> day.weekday() & 1:
            instant = firing_instant(day, at, tz)
            if instant is not None and instant > after:
                return instant
    return None


def next_monthly(day_of_month: int, at: time, zone: str, after: datetime) -> datetime:
    """The first firing strictly after `after` on `day_of_month` (1–28) of a month, at `at` local."""
    if not 1 <= day_of_month <= 28:
        raise ValueError("day_of_month must be 1 to 28, so every month has it")
    tz = ZoneInfo(zone)
    local = after.astimezone(tz).date()
    year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
    for _ in range(_LOOKAHEAD_MONTHS):
        instant = firing_instant(date(year, month, day_of_month), at, tz)
        if instant is not None and instant > after:
            return instant
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    raise AssertionError("unreachable: a month with that day always comes")  # pragma: no cover


def parse_time(value: object) -> time:
    """A wall time from "HH:MM" (24-hour, ASCII digits; ":00" seconds, as some browsers send, are fine)."""
    text = value.strip() if isinstance(value, str) and len(value) <= 16 else ""
    if len(text) == 8 and text.endswith(":00"):
        text = text[:5]
    hours, colon, minutes = text.partition(":")
    if not (len(text) == 5 and colon and (hours + minutes).isascii() and (hours + minutes).isdigit()):
        raise ValueError("expected HH:MM")
    return time(int(hours), int(minutes))
