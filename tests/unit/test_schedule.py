"""schedule.py: next due instants across DST changes, skipped dates and far-east/far-west zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.schedule import (
    EVERY_DAY,
    day_names,
    days_mask,
    firing_instant,
    next_due,
    next_monthly,
    parse_time,
)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def local(zone: str, *parts: int, fold: int = 0) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(zone), fold=fold)


MON, TUE, FRI = days_mask(["mon"]), days_mask(["tue"]), days_mask(["fri"])
NEW_YORK, BERLIN = "America/New_York", "Europe/Berlin"


@pytest.mark.parametrize(
    ("zone", "days", "at", "after", "expected"),
    [
        # Spring forward, New York 8 Mar 2026: 02:00 EST jumps to 03:00 EDT; 02:30 fires at 03:00 EDT.
        (NEW_YORK, EVERY_DAY, time(2, 30), local(NEW_YORK, 2026, 3, 8, 0, 0), utc(2026, 3, 8, 7, 0)),
        (NEW_YORK, EVERY_DAY, time(2, 30), utc(2026, 3, 8, 7, 0), utc(2026, 3, 9, 6, 30)),
        # Fall back, New York 1 Nov 2026: 01:30 happens twice; it fires at the first (EDT) only.
        (NEW_YORK, EVERY_DAY, time(1, 30), local(NEW_YORK, 2026, 11, 1, 0, 0), utc(2026, 11, 1, 5, 30)),
        (NEW_YORK, EVERY_DAY, time(1, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)),
        # Berlin, 29 Mar 2026: 02:00 CET jumps to 03:00 CEST.
        (BERLIN, EVERY_DAY, time(2, 30), local(BERLIN, 2026, 3, 29, 0, 0), utc(2026, 3, 29, 1, 0)),
        (BERLIN, EVERY_DAY, time(2, 30), utc(2026, 3, 29, 1, 0), utc(2026, 3, 30, 0, 30)),
        # Berlin, 25 Oct 2026: 03:00 CEST falls back to 02:00 CET; 02:30 fires once, in CEST.
        (BERLIN, EVERY_DAY, time(2, 30), local(BERLIN, 2026, 10, 25, 0, 0), utc(2026, 10, 25, 0, 30)),
        (BERLIN, EVERY_DAY, time(2, 30), utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)),
        # A rule outside the change keeps its wall time on both sides of it.
        (BERLIN, EVERY_DAY, time(9, 0), utc(2026, 3, 28, 9, 0), utc(2026, 3, 29, 7, 0)),
        # Kiritimati (UTC+14): Monday 09:00 there is Sunday 19:00 UTC.
        ("Pacific/Kiritimati", MON, time(9, 0), utc(2026, 5, 10, 0, 0), utc(2026, 5, 10, 19, 0)),
        # Pago Pago (UTC−11): Monday 22:00 there is Tuesday 09:00 UTC.
        ("Pacific/Pago_Pago", MON, time(22, 0), utc(2026, 5, 11, 0, 0), utc(2026, 5, 12, 9, 0)),
        (
            "Pacific/Pago_Pago",
            TUE,
            time(0, 30),
            utc(2026, 5, 12, 12, 0),
            utc(2026, 5, 12, 11, 30) + timedelta(days=7),
        ),
        # Kiritimati skipped 31 Dec 1994 entirely: a daily rule goes from the 30th to 1 Jan 1995.
        ("Pacific/Kiritimati", EVERY_DAY, time(9, 0), utc(1994, 12, 30, 19, 0), utc(1994, 12, 31, 19, 0)),
        # Samoa skipped Friday 30 Dec 2011: a Friday rule waits a week.
        ("Pacific/Apia", FRI, time(9, 0), utc(2011, 12, 28, 0, 0), utc(2012, 1, 5, 19, 0)),
    ],
    ids=[
        "ny-spring-gap",
        "ny-after-gap",
        "ny-fall-first",
        "ny-fall-once",
        "berlin-spring-gap",
        "berlin-after-gap",
        "berlin-fall-first",
        "berlin-fall-once",
        "berlin-wall-time-kept",
        "kiritimati-monday",
        "pago-pago-monday",
        "pago-pago-next-week",
        "kiritimati-skipped-day",
        "apia-skipped-friday",
    ],
)
def test_reminder_next_due(zone, days, at, after, expected):
    assert next_due(days, at, zone, after) == expected


def test_reminder_fires_once_each_local_day_through_a_year_of_dst_changes():
    for zone in ("America/New_York", "Europe/Berlin", "Australia/Lord_Howe"):
        tz = ZoneInfo(zone)
        for at in (time(1, 30), time(2, 0), time(2, 30), time(9, 15)):
            instant, seen = utc(2026, 1, 1), []
            for _ in range(366):
                instant = next_due(EVERY_DAY, at, zone, instant)
                seen.append(instant.astimezone(tz).date())
            assert len(set(seen)) == len(seen) == 366
            assert seen[1:] == [day + timedelta(days=1) for day in seen[:-1]]


def test_reminder_without_days_never_fires():
    assert next_due(0, time(9), "UTC", utc(2026, 1, 1)) is None


def test_reminder_on_a_date_that_never_happened_does_not_fire():
    assert firing_instant(date(1994, 12, 31), time(9), ZoneInfo("Pacific/Kiritimati")) is None


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (utc(2026, 5, 13, 10, 0), utc(2026, 6, 1, 7, 0)),  # Berlin summer: 09:00 CEST
        (utc(2026, 6, 1, 7, 0), utc(2026, 7, 1, 7, 0)),
        (utc(2026, 12, 15), utc(2027, 1, 1, 8, 0)),  # winter: 09:00 CET
        (utc(2026, 6, 1, 6, 59), utc(2026, 6, 1, 7, 0)),
    ],
)
def test_reminder_monthly_on_the_first_at_nine_local(after, expected):
    assert next_monthly(1, time(9), "Europe/Berlin", after) == expected


def test_reminder_monthly_in_far_east_and_far_west_zones():
    assert next_monthly(1, time(9), "Pacific/Kiritimati", utc(2026, 5, 20)) == utc(2026, 5, 31, 19, 0)
    assert next_monthly(1, time(9), "Pacific/Pago_Pago", utc(2026, 5, 20)) == utc(2026, 6, 1, 20, 0)
    with pytest.raises(ValueError):
        next_monthly(31, time(9), "UTC", utc(2026, 1, 1))


def test_reminder_days_and_times_parse():
    assert days_mask(["mon", "sun"]) == 0b1000001
    assert day_names(0b1000001) == ["mon", "sun"]
    assert parse_time("07:05") == time(7, 5)
    assert parse_time("07:05:00") == time(7, 5)
    for bad in ("7:05", "24:00", "07:60", "0705", "", None, 705, "07:05:30", "aa:bb"):
        with pytest.raises(ValueError):
            parse_time(bad)
    with pytest.raises(ValueError):
        days_mask(["monday"])


ZONES = (
    "America/New_York",
    "Europe/Berlin",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Pacific/Apia",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "America/St_Johns",
    "UTC",
)


@settings(max_examples=300, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    days=st.integers(1, EVERY_DAY),
    at=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    after=st.datetimes(datetime(1990, 1, 1), datetime(2035, 12, 31)).map(lambda d: d.replace(tzinfo=UTC)),
)
def test_reminder_next_due_is_the_first_firing_after(zone, days, at, after):
    tz = ZoneInfo(zone)
    due = next_due(days, at, zone, after)
    assert due is not None and due > after
    day = due.astimezone(tz).date()
    assert days >> day.weekday() & 1
    wall = due.astimezone(tz).replace(tzinfo=None)
    assert wall.time() >= at  # the wall time itself, or the first instant after a gap
    if wall.time() != at:  # only inside a gap: that wall time doesn't exist on that day
        aware_wall = datetime.combine(day, at, tzinfo=tz)
        assert aware_wall.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != datetime.combine(day, at)
    # Nothing fires in between.
    first = after.astimezone(tz).date() - timedelta(days=1)
    for offset in range((day - first).days):
        candidate = first + timedelta(days=offset)
        if days >> candidate.weekday() & 1:
            instant = firing_instant(candidate, at, tz)
            assert instant is None or instant <= after
    # And the next one is on a later local day.
    assert next_due(days, at, zone, due).astimezone(tz).date() > day
