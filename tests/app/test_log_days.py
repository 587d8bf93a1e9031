"""`log_days` (m0021) stays equal to the logs' dates and counts after every kind of write, on both engines:
a log added, its date moved, moved to another user, deleted, many added at once, the account deleted."""

from __future__ import annotations

from datetime import date, datetime

from tests.conftest import make_log, make_user
from tracker.models import Log, LogDay, User, database


def _from_logs() -> dict[tuple[int, date], int]:
    """Each (user, date) with logs and how many, counted from the logs themselves."""
    rows = Log.select(Log.user, Log.local_date, Log.id).tuples()
    counted: dict[tuple[int, date], int] = {}
    for user_id, day, _ in rows:
        counted[user_id, day] = counted.get((user_id, day), 0) + 1
    return counted


def _kept() -> dict[tuple[int, date], int]:
    """What log_days holds."""
    return {(row.user_id, row.local_date): row.logs for row in LogDay.select()}


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

        User.get_by_id(bo.id).delete_instance()  # the account: its logs and days go with it
        assert _kept() == _from_logs() == {(ana.id, date(2026, 5, 2)): 1}
