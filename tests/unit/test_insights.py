"""Days, rest and streaks (DOMAIN.md), including time zones, DST and the calendar's odd corners."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tracker.insights import (
    LogFact,
    Pause,
    Profile,
    build_history,
    current_streak,
    day_statuses,
    first_day,
    local_date_of,
    longest_streak,
    month_summary,
)

MON = date(2025, 3, 3)  # a Monday; the weeks below are counted from it


def day(offset: int) -> date:
    """The date `offset` days after MON."""
    return MON + timedelta(days=offset)


def logs_on(*offsets: int) -> list[LogFact]:
    """One log on each of these days after MON."""
    return [LogFact(day(n), "closeness") for n in offsets]


def statuses_string(statuses: dict[date, str]) -> str:
    """Statuses as letters, one a day: A active, R rest, M missed, P pending."""
    return "".join(status[0].upper() for status in statuses.values())


def test_domain_example_following_monday_logged_gives_streak_8():
    logs = logs_on(0, 1, 3, 4, 7)  # Mon, Tue, Thu, Fri, then the following Monday
    statuses = day_statuses(logs, Profile(MON, weekly_target=4), today=day(7))
    assert statuses_string(statuses) == "AARAARRA"
    assert current_streak(statuses, day(7)) == 8
    assert longest_streak(statuses) == 8


@pytest.mark.parametrize(
    ("target", "expected", "streak_on_monday"),
    [
        (1, "AARAARRP", 7),  # 6 free days, 3 of them used
        (4, "AARAARRP", 7),  # Wed, Sat, Sun free: the streak runs Mon..Sun
        (5, "AARAARMP", 0),  # 2 free days: Sunday is missed, so no streak runs into Monday
        (7, "AAMAAMMP", 0),
    ],
)
def test_weekly_target_sets_the_free_days(target, expected, streak_on_monday):
    statuses = day_statuses(logs_on(0, 1, 3, 4), Profile(MON, weekly_target=target), today=day(7))
    assert statuses_string(statuses) == expected
    assert current_streak(statuses, day(7)) == streak_on_monday


@pytest.mark.parametrize(
    ("logged_today", "expected_status", "expected_streak"),
    [(False, "pending", 2), (True, "active", 3)],
)
def test_today_is_pending_until_it_has_a_log(logged_today, expected_status, expected_streak):
    offsets = (0, 1, 2) if logged_today else (0, 1)
    statuses = day_statuses(logs_on(*offsets), Profile(MON, weekly_target=7), today=day(2))
    assert statuses[day(2)] == expected_status
    assert current_streak(statuses, day(2)) == expected_streak


def test_pending_today_takes_no_free_day():
    statuses = day_statuses([], Profile(MON, weekly_target=6), today=day(0))
    assert statuses == {day(0): "pending"}
    assert current_streak(statuses, day(0)) == 0


def test_a_streak_begins_on_an_active_day_not_on_rest():
    statuses = day_statuses(logs_on(2), Profile(MON, weekly_target=4), today=day(3))
    assert statuses_string(statuses) == "RRAP"
    assert current_streak(statuses, day(3)) == 1


def test_a_missed_day_ends_a_streak_and_longest_remembers_it():
    statuses = day_statuses(logs_on(0, 1, 2, 3, 5), Profile(MON, weekly_target=7), today=day(5))
    assert statuses_string(statuses) == "AAAAMA"
    assert current_streak(statuses, day(5)) == 1
    assert longest_streak(statuses) == 4
    assert longest_streak(statuses, as_of=day(2)) == 3


def test_account_created_mid_week_keeps_its_free_days():
    thursday = day(3)
    statuses = day_statuses([], Profile(thursday, weekly_target=4), today=day(7))
    assert list(statuses) == [day(n) for n in range(3, 8)]
    assert statuses_string(statuses) == "RRRMP"  # days before the account take no free day


def test_first_day_is_the_earlier_of_account_start_and_first_log():
    profile = Profile(day(10))
    assert first_day(profile, logs_on(12)) == day(10)
    assert first_day(profile, logs_on(12, 4)) == day(4)
    statuses = day_statuses(logs_on(4), profile, today=day(10))
    assert min(statuses) == day(4)


def test_a_backdated_log_recounts_that_weeks_free_days_from_the_new_first_day():
    profile = Profile(day(3), weekly_target=4)  # account opened on Thursday
    assert statuses_string(day_statuses([], profile, today=day(6))) == "RRRP"
    statuses = day_statuses(logs_on(0), profile, today=day(6))  # a log backdated to Monday
    assert statuses_string(statuses) == "ARRRMMP"


def test_logs_after_today_are_ignored():
    statuses = day_statuses(logs_on(0, 5), Profile(MON, weekly_target=7), today=day(2))
    assert statuses_string(statuses) == "AMP"


def test_paused_days_are_rest_and_take_no_free_day():
    pause = Pause(day(0), day(1))
    statuses = day_statuses([], Profile(MON, weekly_target=4), today=day(7), pauses=[pause])
    assert statuses_string(statuses) == "RRRRRMMP"  # Mon, Tue paused; Wed, Thu, Fri free


def test_a_paused_day_with_a_log_is_active():
    pause = Pause(day(0), day(2))
    statuses = day_statuses(logs_on(1), Profile(MON, weekly_target=7), today=day(3), pauses=[pause])
    assert statuses_string(statuses) == "RARP"
    assert current_streak(statuses, day(3)) == 2


def test_a_pause_reaching_before_the_account_and_past_today_costs_nothing():
    pause = Pause(date(2000, 1, 1), date(2100, 1, 1))
    statuses = day_statuses([], Profile(MON, weekly_target=7), today=day(2), pauses=[pause])
    assert statuses_string(statuses) == "RRP"


def test_pause_across_a_month_boundary():
    start = date(2025, 1, 20)  # a Monday; logs every day to Sat 21 Feb except the pause Jan 29 .. Feb 3
    pause = Pause(date(2025, 1, 29), date(2025, 2, 3))
    logs = [LogFact(start + timedelta(days=n), "respond") for n in range(33) if n not in range(9, 15)]
    history = build_history(logs, Profile(start, weekly_target=7), date(2025, 2, 28), [pause])
    january, february = month_summary(history, 2025, 1), month_summary(history, 2025, 2)
    assert (january.active_days, january.rest_days, january.missed_days) == (9, 3, 0)
    assert (february.active_days, february.rest_days, february.missed_days) == (18, 3, 6)
    assert february.days[date(2025, 2, 28)].status == "pending"
    assert january.current_streak == 12  # Jan 20..31, the pause keeps it going
    assert february.longest_streak == 33  # Jan 20 .. Feb 21, straight through the pause
    assert february.current_streak == 0  # Feb 22..27 missed
    c_before_pause = history.scores[date(2025, 1, 28)].consistency
    assert history.scores[date(2025, 2, 3)].consistency == c_before_pause


def test_leap_day_2028():
    logs = [LogFact(date(2028, 2, d), "confide") for d in (27, 28, 29)] + [
        LogFact(date(2028, 3, 1), "confide")
    ]
    history = build_history(logs, Profile(date(2028, 2, 27), weekly_target=7), date(2028, 3, 1))
    february = month_summary(history, 2028, 2)
    assert len(february.days) == 29
    assert february.days[date(2028, 2, 29)].status == "active"
    assert date(2028, 2, 29).weekday() == 1  # a Tuesday in the ISO week Mon 28 Feb .. Sun 5 Mar
    assert history.streaks[date(2028, 3, 1)] == 4
    assert february.current_streak == 3


@pytest.mark.parametrize(
    ("instant_utc", "tz", "expected"),
    [
        (datetime(2025, 3, 2, 10, 30, tzinfo=UTC), "Pacific/Kiritimati", date(2025, 3, 3)),  # UTC+14
        (datetime(2025, 3, 2, 10, 30, tzinfo=UTC), "Pacific/Pago_Pago", date(2025, 3, 1)),  # UTC−11
        (datetime(2025, 3, 2, 9, 59, tzinfo=UTC), "Pacific/Kiritimati", date(2025, 3, 2)),
        (datetime(2025, 3, 2, 11, 0, tzinfo=UTC), "Pacific/Pago_Pago", date(2025, 3, 2)),
        (datetime(2025, 3, 2, 10, 30), "Pacific/Kiritimati", date(2025, 3, 3)),  # naive means UTC
        (datetime(2025, 3, 30, 21, 59, tzinfo=UTC), "Europe/Berlin", date(2025, 3, 30)),  # 23:59 CEST
        (datetime(2025, 3, 30, 22, 0, tzinfo=UTC), "Europe/Berlin", date(2025, 3, 31)),
        (datetime(2025, 11, 2, 5, 30, tzinfo=UTC), "America/New_York", date(2025, 11, 2)),  # 01:30 EDT
        (datetime(2025, 11, 2, 6, 30, tzinfo=UTC), "America/New_York", date(2025, 11, 2)),  # 01:30 EST
    ],
)
def test_local_date_of(instant_utc, tz, expected):
    assert local_date_of(instant_utc, tz) == expected


def daily_logs_at(local_time: tuple[int, int], tz: str, first: date, days: int) -> list[LogFact]:
    """A log every day at this local wall time, its local_date found the way the app stores it."""
    zone = ZoneInfo(tz)
    logs = []
    for n in range(days):
        local = datetime.combine(first + timedelta(days=n), datetime.min.time()).replace(
            hour=local_time[0], minute=local_time[1], tzinfo=zone
        )
        logs.append(LogFact(local_date_of(local.astimezone(UTC), tz), "recall"))
    return logs


@pytest.mark.parametrize("tz", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Berlin", "UTC"])
@pytest.mark.parametrize("local_time", [(0, 5), (12, 0), (23, 55)])
def test_far_east_and_far_west_users_get_one_day_per_local_date(tz, local_time):
    logs = daily_logs_at(local_time, tz, MON, 14)
    assert [log.local_date for log in logs] == [day(n) for n in range(14)]
    statuses = day_statuses(logs, Profile(MON, weekly_target=7), today=day(13))
    assert set(statuses.values()) == {"active"}
    assert current_streak(statuses, day(13)) == 14


@pytest.mark.parametrize(
    ("tz", "dst_week_monday"),
    [("Europe/Berlin", date(2025, 3, 24)), ("America/New_York", date(2025, 10, 27))],
)
def test_a_dst_week_has_seven_days_whatever_its_hours(tz, dst_week_monday):
    logs = daily_logs_at((23, 30), tz, dst_week_monday, 7) + daily_logs_at((0, 30), tz, dst_week_monday, 7)
    history = build_history(logs, Profile(dst_week_monday, weekly_target=7), dst_week_monday + timedelta(6))
    assert list(history.log_counts.values()) == [2] * 7
    assert history.streaks[dst_week_monday + timedelta(6)] == 7


def test_a_time_zone_change_keeps_each_logs_stored_date():
    # Logged in Tokyo on the morning of Tue 4 March, then in Los Angeles after the flight: the stored
    # dates are what the user lived, even though "today's zone" would put the Tokyo log on Monday.
    tokyo_morning = datetime(2025, 3, 3, 23, 0, tzinfo=UTC)  # Tue 08:00 in Tokyo, Mon 15:00 in LA
    la_evening = datetime(2025, 3, 5, 2, 0, tzinfo=UTC)  # Tue 18:00 in Los Angeles
    logs = [
        LogFact(local_date_of(datetime(2025, 3, 2, 23, 0, tzinfo=UTC), "Asia/Tokyo"), "recall"),
        LogFact(local_date_of(tokyo_morning, "Asia/Tokyo"), "recall"),
        LogFact(local_date_of(la_evening, "America/Los_Angeles"), "confide"),
    ]
    assert local_date_of(tokyo_morning, "America/Los_Angeles") == day(0)  # what re-deriving would do
    history = build_history(logs, Profile(MON, weekly_target=7), today=day(2))
    assert dict(history.log_counts) == {day(0): 1, day(1): 2}
    assert statuses_string(history.statuses) == "AAP"


def test_flying_east_over_a_skipped_date_uses_a_free_day():
    # Logged Monday evening in Los Angeles, landed in Tokyo on Wednesday morning: Tuesday was never lived
    # with a log, so it is a free day (T = 4) and the streak goes on.
    logs = [
        LogFact(local_date_of(datetime(2025, 3, 4, 3, 0, tzinfo=UTC), "America/Los_Angeles"), "recall"),
        LogFact(local_date_of(datetime(2025, 3, 5, 0, 0, tzinfo=UTC), "Asia/Tokyo"), "recall"),
    ]
    statuses = day_statuses(logs, Profile(MON, weekly_target=4), today=day(2))
    assert statuses_string(statuses) == "ARA"
    assert current_streak(statuses, day(2)) == 3


def test_today_before_the_account_start_has_no_days():
    statuses = day_statuses([], Profile(day(5)), today=day(2))
    assert statuses == {}
    assert current_streak(statuses, day(2)) == 0
    assert longest_streak(statuses) == 0


@pytest.mark.parametrize("target", [0, 8])
def test_weekly_target_is_one_to_seven(target):
    with pytest.raises(ValueError):
        Profile(MON, weekly_target=target)


def test_a_pause_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Pause(day(3), day(2))
