"""Dispatch to a real SMTP server on loopback (aiosmtpd), on both databases: two dispatchers at once
send every nudge exactly once, and a server that is down and then up still gets each nudge once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, time, timedelta

from tests.app.test_mail import SmtpSink, smtp_sink  # noqa: F401 (the fixture)
from tracker.mail import backend_for
from tracker.models import Nudge, ReminderRule, User, database, naive_utc
from tracker.scheduler import run_once

DUE = datetime(2026, 5, 13, 16, 0, tzinfo=UTC)  # 18:00 in Berlin


def seed(count: int, due: datetime = DUE) -> None:
    """`count` verified users, each with a rule due at `due` (bulk inserts: no password hashing)."""
    with database.atomic():
        for start in range(0, count, 500):
            User.insert_many(
                {
                    "email": f"user{n}@example.com",
                    "password_hash": "-",
                    "timezone": "Europe/Berlin",
                    "weekly_target": 4,
                    "session_key": f"key-{n}",
                    "created_at": datetime(2026, 5, 1),
                    "email_verified_at": datetime(2026, 5, 1),
                }
                for n in range(start, min(start + 500, count))
            ).execute()
        user_ids = [row.id for row in User.select(User.id).where(User.email.startswith("user"))]
        ReminderRule.insert_many(
            {
                "user": uid,
                "local_time": time(18, 0),
                "next_due_at": naive_utc(due),
                "created_at": datetime(2026, 5, 1),
            }
            for uid in user_ids
        ).execute()


def recipients(sink: SmtpSink) -> Counter:
    return Counter(to for _, tos in sink.envelopes for to in tos)


def test_two_dispatchers_at_once_send_500_nudges_exactly_once(app, smtp_sink):  # noqa: F811
    app.extensions["mail"] = backend_for(smtp_sink.url)
    with app.app_context():
        seed(500)
    database.close()
    tallies, barrier = [], threading.Barrier(2)

    def dispatcher():
        barrier.wait()
        tallies.append(run_once(app, DUE + timedelta(seconds=2)))  # its own connection, closed after

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(smtp_sink.received) == 500
    assert set(recipients(smtp_sink).values()) == {1} and len(recipients(smtp_sink)) == 500
    assert sum(t.due for t in tallies) == sum(t.sent for t in tallies) == 500
    with app.app_context():
        assert Nudge.select().where(Nudge.status == "sent").count() == 500
        assert (
            ReminderRule.select()
            .where(ReminderRule.next_due_at == naive_utc(DUE + timedelta(days=1)))
            .count()
            == 500
        )
    subjects = {message["Subject"] for message in smtp_sink.messages()}
    assert subjects == {"Your Secure Base check-in"}


def test_smtp_down_then_up_every_nudge_is_sent_once(app):
    sink = SmtpSink()  # not started yet: the server is down
    app.extensions["mail"] = backend_for(sink.url)
    with app.app_context():
        seed(40)
    first = run_once(app, DUE)
    assert (first.due, first.sent, first.retrying) == (40, 0, 40)
    second = run_once(app, DUE + timedelta(minutes=1))
    assert (second.due, second.retrying) == (40, 40)
    sink.start()
    try:
        assert run_once(app, DUE + timedelta(minutes=3)).due == 0  # waiting out the 5-minute backoff
        third = run_once(app, DUE + timedelta(minutes=6))
        assert (third.due, third.sent) == (40, 40)
        for minute in range(7, 60, 7):
            assert run_once(app, DUE + timedelta(minutes=minute)).due == 0
    finally:
        sink.stop()
    assert len(sink.received) == 40 and set(recipients(sink).values()) == {1}
    with app.app_context():
        assert Counter(n.attempts for n in Nudge.select()) == {3: 40}
