"""A page's history from each day's totals summed up in SQL (`Log.day_totals`) and the logs per day is
exactly the history built from every log, on both engines: statuses, streaks, scores and the month's
review alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.conftest import make_log, make_person, make_user
from tracker import insights
from tracker.models import Log, dated_rows, prepared
from tracker.queries import load_history

TODAY = date(2026, 5, 13)


def _every_log(user) -> list[insights.LogFact]:
    return [insights.LogFact._make(row) for row in dated_rows(Log.facts(user, date(2000, 1, 1), TODAY))]


def _seed(user) -> None:
    """Logs of every group and with every kind of safety, some days with several, over four months."""
    sam = make_person(user, "Sam")
    shapes = [
        {"kind": "confide", "person": sam, "response": "welcomed", "after": 7},
        {"kind": "repair", "person": sam, "response": "dismissed"},
        {"kind": "support", "person": sam, "response": "hurtful", "after": 2},
        {"kind": "space", "response": "neutral", "before": 3, "after": 4},
        {"kind": "trust_space", "after": 9},
        {"kind": "recall"},
        {"kind": "no_such_kind", "response": ""},
    ]
    day = TODAY - timedelta(days=120)
    n = 0
    while day <= TODAY:
        if day.toordinal() % 3:  # some days without a log
            for _ in range(1 + n % 3):
                at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
                make_log(user, at=at, local_date=day, **shapes[n % len(shapes)])
                n += 1
        day += timedelta(days=1)


def test_the_totals_of_each_day_are_those_of_its_logs(user):
    _seed(user)
    from_sql = [
        insights.DayTotals._make(row) for row in dated_rows(Log.day_totals(user, date(2000, 1, 1), TODAY))
    ]
    assert from_sql == insights.day_totals(_every_log(user))
    assert len(from_sql) > 60 and any(row.rated < row.logs for row in from_sql)
    first = TODAY - timedelta(days=10)
    rows = dated_rows(Log.day_totals(user, first, TODAY))
    assert [row.day for row in map(insights.DayTotals._make, rows)] == [
        row.day for row in from_sql if row.day >= first
    ]


def test_a_page_from_day_totals_is_the_history_from_every_log(user):
    _seed(user)
    profile = insights.Profile(insights.local_date_of(user.created_at, user.timezone), user.weekly_target)
    whole = insights.build_history(_every_log(user), profile, TODAY)
    for year, month in [(2026, 5), (2026, 3), (2026, 1)]:
        days = insights.month_days(year, month)
        page = load_history(user, TODAY, (days[0], days[-1]), listed=True)
        for name in ("first_day", "statuses", "streaks", "longest", "active_dates"):
            assert getattr(page, name) == getattr(whole, name), name
        since = days[0] - timedelta(days=27)
        assert page.log_counts == {d: n for d, n in whole.log_counts.items() if since <= d <= days[-1]}
        assert page.scores == {day: s for day, s in whole.scores.items() if days[0] <= day <= days[-1]}
        assert insights.month_summary(page, year, month).__dict__ == (
            insights.month_summary(whole, year, month).__dict__
        )
    year = load_history(user, TODAY, (date(2026, 1, 1), date(2026, 12, 31)))
    assert year.logs == ()  # the year page lists no log: its scores come from the totals alone
    assert year.scores == {day: s for day, s in whole.scores.items() if day.year == 2026}
    assert insights.year_summary(year, 2026).__dict__ == insights.year_summary(whole, 2026).__dict__


def test_a_prepared_query_reads_what_the_query_itself_reads(user):
    """`prepared` generates a history query's SQL once per engine and binds each call's own user and
    dates: the same rows as peewee's query, for every user and range, however often it is asked."""
    _seed(user)
    other_user = make_user("bo@example.com")
    make_log(other_user, "space", at=datetime(2026, 5, 13, 9, tzinfo=UTC))
    for who in (user, other_user, user):
        for first, last in [(date(2000, 1, 1), TODAY), (TODAY - timedelta(days=40), TODAY), (TODAY, TODAY)]:
            for build in (Log.day_totals, Log.facts):
                assert dated_rows(prepared(build, who, first, last)) == dated_rows(build(who, first, last))
        assert dated_rows(prepared(Log.logged_dates, who, TODAY)) == dated_rows(Log.logged_dates(who, TODAY))


def test_a_query_binding_an_argument_twice_is_refused(app):
    def twice(first: date, last: date):
        return Log.select(Log.id).where((Log.local_date == first) | (Log.local_date == first))

    with pytest.raises(ValueError, match="bound 2 times"):
        prepared(twice, TODAY, TODAY)
