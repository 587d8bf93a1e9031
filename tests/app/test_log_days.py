"""`log_days` (m0021) stays equal to the logs' dates and totals after every kind of write, on both engines:
a log added, its date, kind, feeling or response changed, moved to another user, deleted, many added at
once, the account deleted; and the step's frozen groups and points are still the app's."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from tests.conftest import make_log, make_user
from tracker import insights
from tracker.kinds import KINDS, REACH, ROOM
from tracker.migrations import m0021_log_days
from tracker.models import Log, LogDay, User, database, dated_rows


def _from_logs() -> dict[tuple[int, date], int]:
    """Each (user, date) with logs and how many, counted from the logs themselves."""
    return dict(Counter(Log.select(Log.user, Log.local_date).tuples()))


def _kept() -> dict[tuple[int, date], int]:
    """What log_days holds."""
    return {(row.user_id, row.local_date): row.logs for row in LogDay.select()}


def _totals_hold(*users: User) -> None:
    """Each user's log_days rows are the DayTotals insights computes from their logs."""
    for user in users:
        facts = [
            insights.LogFact._make(row) for row in dated_rows(Log.facts(user, date(2000, 1, 1), date.max))
        ]
        kept = [
            insights.DayTotals._make(row)
            for row in dated_rows(Log.day_totals(user, date(2000, 1, 1), date.max))
        ]
        assert kept == insights.day_totals(facts)


def test_the_steps_groups_and_points_are_the_apps():
    """m0021 froze them into its triggers: a change here needs a step that rebuilds them and recounts."""
    assert set(m0021_log_days.REACH_KINDS) == {kind.key for kind in KINDS if kind.group == REACH}
    assert set(m0021_log_days.ROOM_KINDS) == {kind.key for kind in KINDS if kind.group == ROOM}
    assert m0021_log_days.RESPONSE_POINTS == insights.RESPONSE_POINTS


def test_a_days_totals_follow_changes_to_its_logs(app):
    with app.app_context():
        ana = make_user("ana@example.com")
        at = datetime(2026, 5, 1, 9)
        log = make_log(ana, kind="confide", at=at, after=7, response="welcomed")
        make_log(ana, kind="space", at=at, response="neutral")
        _totals_hold(ana)
        for change in ({"kind": "trust_space"}, {"after": None}, {"response": "hurtful"}, {"response": None}):
            Log.update(**change).where(Log.id == log.id).execute()
            _totals_hold(ana)
        Log.update(after=3, kind="recall", response="dismissed").where(Log.id == log.id).execute()
        _totals_hold(ana)
        assert LogDay.get().rated == 2 and LogDay.get().reach == 0 and LogDay.get().room == 1


def test_log_days_follow_every_write_to_the_logs(app):
    with app.app_context():
        ana, bo = make_user("ana@example.com"), make_user("bo@example.com")
        first = make_log(ana, at=datetime(2026, 5, 1, 9))
        second = make_log(ana, at=datetime(2026, 5, 1, 18))
        third = make_log(ana, at=datetime(2026, 5, 2, 9))
        assert _kept() == _from_logs() == {(ana.id, date(2026, 5, 1)): 2, (ana.id, date(2026, 5, 2)): 1}

        Log.update(local_date=date(2026, 5, 2)).where(Log.id == second.id).execute()  # a date moved
        assert _kept() == _from_logs() == {(ana.id, date(2026, 5, 1)): 1, (ana.id, date(2026, 5, 2)): 2}
        Log.update(note="only a note").where(Log.id == third.id).execute()  # other columns: no change
        assert _kept() == _from_logs()

        Log.update(user=bo.id).where(Log.id == third.id).execute()  # moved to another user
        assert (
            _kept()
            == _from_logs()
            == {
                (ana.id, date(2026, 5, 1)): 1,
                (ana.id, date(2026, 5, 2)): 1,
                (bo.id, date(2026, 5, 2)): 1,
            }
        )

        first.delete_instance()  # a day's last log: the day goes
        assert (ana.id, date(2026, 5, 1)) not in _kept()
        assert _kept() == _from_logs()

        days = [date(2026, 6, d) for d in (1, 1, 2, 3, 3, 3)]
        rows = [
            {"user": bo.id, "kind": "repair", "at": datetime(2026, 6, 1, 8), "local_date": d} for d in days
        ]
        with database.atomic():
            Log.insert_many(rows).execute()  # as the import and the demo write
        assert _kept() == _from_logs()
        assert _kept()[bo.id, date(2026, 6, 3)] == 3

        Log.delete().where(Log.user == bo.id, Log.local_date == date(2026, 6, 3)).execute()  # several at once
        assert _kept() == _from_logs()

        _totals_hold(ana, bo)
        User.get_by_id(bo.id).delete_instance()  # the account: its logs and days go with it
        assert _kept() == _from_logs() == {(ana.id, date(2026, 5, 2)): 1}
