"""The demo history: valid data, deterministic, local-day bounds in any zone, and a believable year."""

from __future__ import annotations

import ast
import inspect
import random
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from statistics import mean
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import demo
from tracker.demo import DemoHistory, generate_history
from tracker.kinds import KINDS, RESPONSES, ROLES, get_kind

TODAY = date(2025, 6, 15)
ZONES = ("Europe/Berlin", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/New_York")
SEEDS = (7, 1, 42)


def local_dates(history: DemoHistory, tz: str) -> list[date]:
    """The user's calendar date of each log."""
    zone = ZoneInfo(tz)
    return [log.at.astimezone(zone).date() for log in history.logs]


def assert_within_days(history: DemoHistory, today: date, tz: str) -> None:
    """Every log is aware, in UTC, and on a local day from the first day to today, never after today."""
    end_of_today = datetime.combine(today + timedelta(days=1), time(), ZoneInfo(tz))
    for log in history.logs:
        assert log.at.tzinfo is not None and log.at.utcoffset() == timedelta(0)
        assert log.at < end_of_today
    assert all(history.start <= d <= today for d in local_dates(history, tz))


def assert_valid(history: DemoHistory) -> None:
    """Kinds, steps, people, responses, feelings and notes are all values a real log could hold."""
    names = {p.nickname for p in history.people}
    for log in history.logs:
        assert get_kind(log.kind) is not None
        assert log.step in (1, 2, 3)
        assert log.person is None or log.person in names
        assert log.response is None or log.response in RESPONSES
        assert (log.before is None) == (log.after is None)
        assert log.before is None or 0 <= log.before <= 10
        assert log.after is None or 0 <= log.after <= 10
        assert log.note is None or 0 < len(log.note) <= 2000
        if log.kind == "recall" or log.person is None:
            assert log.response is None


def test_same_seed_same_history_and_other_seed_differs():
    assert generate_history(TODAY, "Europe/Berlin") == generate_history(TODAY, "Europe/Berlin")
    assert generate_history(TODAY, "Europe/Berlin", seed=8) != generate_history(TODAY, "Europe/Berlin")


def test_does_not_touch_the_global_random():
    random.seed(123)
    expected = random.random()
    random.seed(123)
    generate_history(TODAY, "UTC")
    assert random.random() == expected


def test_module_is_pure():
    imported = set()
    for node in ast.walk(ast.parse(inspect.getsource(demo))):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported <= {"__future__", "random", "dataclasses", "datetime", "zoneinfo", "tracker"}


@pytest.mark.parametrize("seed", SEEDS)
def test_every_value_is_valid_and_every_kind_appears(seed):
    history = generate_history(TODAY, "Europe/Berlin", seed=seed)
    assert_valid(history)
    assert {log.kind for log in history.logs} == {kind.key for kind in KINDS}


def test_people_have_unique_nicknames_and_valid_roles():
    people = generate_history(TODAY, "Europe/Berlin").people
    assert 5 <= len(people) <= 7
    assert len({p.nickname for p in people}) == len(people)
    assert all(p.role in ROLES for p in people)
    assert all(p.nickname.strip() and "@" not in p.nickname for p in people)


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize(
    ("today", "days"),
    [
        (TODAY, 365),
        (date(2025, 3, 10), 365),  # the day after New York springs forward
        (date(2024, 11, 4), 365),  # the day after New York falls back
        (date(2025, 3, 12), 10),  # a short history that straddles the March change
        (date(2024, 11, 6), 10),  # and one that straddles the November change
        (TODAY, 1),
    ],
)
def test_logs_stay_within_local_days(tz, today, days):
    history = generate_history(today, tz, days=days)
    assert history.start == today - timedelta(days=days - 1)
    assert_within_days(history, today, tz)
    assert [log.at for log in history.logs] == sorted(log.at for log in history.logs)


@pytest.mark.parametrize("tz", ZONES)
def test_local_times_of_day_are_waking_hours(tz):
    hours = {log.at.astimezone(ZoneInfo(tz)).hour for log in generate_history(TODAY, tz).logs}
    assert hours <= set(range(7, 23))


@pytest.mark.parametrize("seed", SEEDS)
def test_has_a_gap_of_a_week_and_a_believable_rhythm(seed):
    history = generate_history(TODAY, "America/New_York", seed=seed)
    active = sorted(set(local_dates(history, "America/New_York")))
    empty_runs = [(later - earlier).days - 1 for earlier, later in pairwise(active)]
    assert max(empty_runs) >= 7
    assert 3 <= len(active) / (365 / 7) <= 6
    per_day = [local_dates(history, "America/New_York").count(d) for d in active]
    assert min(per_day) >= 1 and max(per_day) <= 3


def test_the_year_improves_gently():
    logs = generate_history(TODAY, "Europe/Berlin").logs
    quarter = len(logs) // 4
    first, last = logs[:quarter], logs[-quarter:]

    def room_share(part):
        return mean(get_kind(log.kind).group == "room" for log in part)

    assert mean(log.step for log in last) > mean(log.step for log in first)
    assert mean(log.after for log in last if log.after is not None) > mean(
        log.after for log in first if log.after is not None
    )
    assert room_share(last) > room_share(first)
    assert sum(log.kind == "confide" for log in last) > sum(log.kind == "confide" for log in first)
    felt = [log for log in logs if log.before is not None]
    assert mean(log.after >= log.before for log in felt) > 0.8


def test_responses_mostly_welcomed_with_one_person_more_dismissive():
    logs = [log for log in generate_history(TODAY, "Europe/Berlin").logs if log.response]
    assert mean(log.response == "welcomed" for log in logs) > 0.6
    assert any(log.response == "neutral" for log in logs)
    shares = {}
    for person in {log.person for log in logs}:
        theirs = [log for log in logs if log.person == person]
        shares[person] = mean(log.response == "dismissed" for log in theirs)
    worst = max(shares, key=shares.get)
    assert shares[worst] >= 0.2
    assert all(share < shares[worst] / 2 for person, share in shares.items() if person != worst)


def test_about_three_in_ten_logs_have_a_note():
    logs = generate_history(TODAY, "Europe/Berlin").logs
    assert 0.2 <= mean(log.note is not None for log in logs) <= 0.4


def test_days_must_be_positive():
    with pytest.raises(ValueError):
        generate_history(TODAY, "UTC", days=0)


@settings(max_examples=30, deadline=None, database=None)
@given(
    seed=st.integers(0, 10_000),
    today=st.dates(date(2000, 1, 1), date(2100, 12, 31)),
    tz=st.sampled_from(ZONES),
    days=st.integers(1, 400),
)
def test_any_seed_zone_and_length_gives_valid_bounded_history(seed, today, tz, days):
    history = generate_history(today, tz, days=days, seed=seed)
    assert_valid(history)
    assert_within_days(history, today, tz)
    assert all(log.at.tzinfo is UTC for log in history.logs)


def test_demo_checkins_cover_each_month_and_lean_with_the_practice():
    """Issue 16: the demo's year page shows the outcome loop, so it has a check-in each month."""
    from tracker.demo import generate_checkins
    from tracker.practice import shown_means

    history = generate_history(TODAY, "Europe/Berlin")
    checkins = generate_checkins(history, TODAY, "Europe/Berlin")
    assert checkins == generate_checkins(history, TODAY, "Europe/Berlin")  # deterministic
    months = [c.month for c in checkins]
    assert months[0] == f"{history.start:%Y-%m}" and months[-1] == f"{TODAY:%Y-%m}"
    assert len(months) == len(set(months)) == 13
    assert all(1 <= answer <= 5 for c in checkins for answer in c.answers.values())
    closeness = [shown_means(c.answers)["closeness"] for c in checkins]
    assert mean(closeness[-4:]) > mean(closeness[:4])  # more secure as the year goes on
