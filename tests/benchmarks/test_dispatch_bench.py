"""Dispatch at scale: 10,000 users with a reminder due in the same minute, sent to a local SMTP server
(aiosmtpd in a process of its own, as a local mail relay would be) within one minute; and a pass with
nothing due is a single query however many rules there are. `make bench` runs this on SQLite, the
embedded default; the PostgreSQL dispatch pass runs among 100,000 users in test_scale_pg.py."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from tests.app.test_mail import free_port
from tests.app.test_nudges_smtp import DUE, seed
from tests.benchmarks import report
from tracker import create_app
from tracker.mail import backend_for
from tracker.models import Nudge, database
from tracker.nudges import dispatch
from tracker.scheduler import run_once

USERS = 10_000
SERVER = """
import sys
from aiosmtpd.controller import Controller

class Count:
    def __init__(self, path):
        self.out = open(path, "a", buffering=1)

    async def handle_DATA(self, server, session, envelope):
        self.out.write(" ".join(envelope.rcpt_tos) + "\\n")
        return "250 OK"

controller = Controller(Count(sys.argv[2]), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
"""


@pytest.fixture
def bench_app(tmp_path):
    """An app on a SQLite database of its own, seeded with USERS users and a rule each, all due at DUE."""
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.db'}", "SECRET_KEY": "bench"}
    )
    with app.app_context():
        seed(USERS)
    database.close()
    yield app
    database.close()


@pytest.fixture
def smtp_process(tmp_path):
    """aiosmtpd in its own process, writing one line per message it accepts."""
    port, received = free_port(), tmp_path / "received.txt"
    script = tmp_path / "server.py"
    script.write_text(SERVER)
    server = subprocess.Popen(
        [sys.executable, str(script), str(port), str(received)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout.readline().strip() == "ready"
    yield f"smtp://127.0.0.1:{port}", received
    server.stdin.close()
    server.wait(timeout=30)
    server.stdout.close()


def test_ten_thousand_due_in_one_minute_are_sent_within_the_minute(bench_app, smtp_process, benchmark):
    url, received = smtp_process
    bench_app.extensions["mail"] = backend_for(url)
    started = time.perf_counter()
    tally = benchmark.pedantic(run_once, args=(bench_app, DUE + timedelta(seconds=1)), rounds=1, iterations=1)
    elapsed = time.perf_counter() - started
    rate = USERS / elapsed
    benchmark.extra_info.update(users=USERS, seconds=round(elapsed, 1), per_second=round(rate))
    table = report.Table(
        "Reminder dispatch on SQLite",
        f"{USERS:,} reminders due in the same minute, sent by one dispatch pass to a local SMTP server "
        "(aiosmtpd in its own process). Budget: all of them within the minute.",
        ["due", "sent", "seconds", "nudges/s", "share of the minute used"],
    )
    table.add(f"{tally.due:,}", f"{tally.sent:,}", f"{elapsed:.1f}", f"{rate:.0f}", f"{elapsed / 60:.0%}")
    table.verdict = f"Budget {'met' if elapsed < 60 else 'NOT met'}: {elapsed:.1f} s of 60 s."
    report.record(table)
    assert (tally.due, tally.sent) == (USERS, USERS)
    assert elapsed < 60
    lines = Path(received).read_text().splitlines()
    assert len(lines) == len(set(lines)) == USERS
    with bench_app.app_context():
        assert Nudge.select().where(Nudge.status == "sent").count() == USERS


def test_a_pass_with_nothing_due_is_one_query_among_ten_thousand_rules(bench_app, caplog):
    with bench_app.app_context(), caplog.at_level(logging.DEBUG, logger="peewee"):
        database.close()
        caplog.clear()
        started = time.perf_counter()
        assert dispatch(DUE - timedelta(minutes=1)).due == 0
        elapsed = time.perf_counter() - started
    assert len([r for r in caplog.records if r.name == "peewee"]) == 1
    assert elapsed < 0.05, f"an idle pass took {elapsed * 1000:.1f} ms"
