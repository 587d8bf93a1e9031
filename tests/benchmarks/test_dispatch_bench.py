"""Dispatch at scale: 10,000 users with a reminder due in the same minute, sent to a local SMTP server
(aiosmtpd in a process of its own, as a local mail relay would be) within one minute; the same 10,000 as
Web Push notifications to a push service on loopback (a process of its own that decrypts every message)
within one minute, its rate reported beside the email's; and a pass with nothing due is a single query
however many rules there are. `make bench` runs this on SQLite, the
embedded default; the PostgreSQL dispatch pass runs among 100,000 users in test_scale_pg.py."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from tests.app.test_mail import free_port
from tests.app.test_nudges_smtp import DUE, seed
from tests.benchmarks import report
from tests.push_receiver import Browser
from tracker import create_app
from tracker.mail import backend_for
from tracker.models import Nudge, PushSubscription, ReminderRule, User, database, naive_utc
from tracker.nudges import Tally, dispatch
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
# A push service: decrypts each message with the one browser key every subscription shares, and writes its
# path and whether it held a nudge (a JSON object with "I did it").
PUSH_SERVER = """
import json, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import http_ece
from cryptography.hazmat.primitives import serialization

key = serialization.load_pem_private_key(open(sys.argv[3], "rb").read(), None)
secret = bytes.fromhex(sys.argv[4])
out = open(sys.argv[2], "a", buffering=1)
lock = threading.Lock()

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        message = json.loads(http_ece.decrypt(body, private_key=key, auth_secret=secret, version="aes128gcm"))
        signed = self.headers["Authorization"].startswith("vapid ")
        good = signed and message["actions"][0]["title"] == "I did it"
        with lock:
            out.write(f"{self.path} {'ok' if good else 'bad'}\\n")
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
server.daemon_threads = True
threading.Thread(target=server.serve_forever, daemon=True).start()
print("ready", flush=True)
sys.stdin.read()
server.shutdown()
"""
RATES: dict[str, float] = {}  # nudges a second by channel in this run, for the push table's comparison


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


def timed_pass(benchmark, app) -> tuple[Tally, float, float]:
    """One scheduler pass just after DUE, run once under pytest-benchmark: its tally, its seconds and the
    nudges a second (USERS of them), also kept in the benchmark's extra info."""
    started = time.perf_counter()
    tally = benchmark.pedantic(run_once, args=(app, DUE + timedelta(seconds=1)), rounds=1, iterations=1)
    elapsed = time.perf_counter() - started
    rate = USERS / elapsed
    benchmark.extra_info.update(users=USERS, seconds=round(elapsed, 1), per_second=round(rate))
    return tally, elapsed, rate


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
    tally, elapsed, rate = timed_pass(benchmark, bench_app)
    table = report.Table(
        "Reminder dispatch on SQLite",
        f"{USERS:,} reminders due in the same minute, sent by one dispatch pass to a local SMTP server "
        "(aiosmtpd in its own process). Budget: all of them within the minute.",
        ["due", "sent", "seconds", "nudges/s", "share of the minute used"],
    )
    table.add(f"{tally.due:,}", f"{tally.sent:,}", f"{elapsed:.1f}", f"{rate:.0f}", f"{elapsed / 60:.0%}")
    table.verdict = f"Budget {'met' if elapsed < 60 else 'NOT met'}: {elapsed:.1f} s of 60 s."
    report.record(table)
    RATES["email"] = rate
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


@pytest.fixture
def push_process(tmp_path):
    """The loopback push service in its own process, and the browser whose key every subscription has."""
    port, received, browser = free_port(), tmp_path / "pushed.txt", Browser()
    key = tmp_path / "browser.pem"
    key.write_bytes(
        browser.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    script = tmp_path / "push_server.py"
    script.write_text(PUSH_SERVER)
    server = subprocess.Popen(
        [sys.executable, str(script), str(port), str(received), str(key), browser.secret.hex()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout.readline().strip() == "ready"
    yield f"http://127.0.0.1:{port}", received, browser
    server.stdin.close()
    server.wait(timeout=30)
    server.stdout.close()


@pytest.fixture
def push_app(tmp_path, push_process):
    """USERS users, each with a notification-only rule due at DUE and one device at the push service."""
    origin, _, browser = push_process
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'push-bench.db'}",
            "SECRET_KEY": "bench",
            "PUSH_ALLOWED_HOSTS": "127.0.0.1",
            "VAPID_SUBJECT": "mailto:care@example.org",
        }
    )
    with app.app_context():
        seed(USERS)
        subscription = browser.subscription(origin)
        with database.atomic():
            ReminderRule.update(channels="push").execute()
            users = [user_id for (user_id,) in User.select(User.id).tuples()]
            for start in range(0, len(users), 500):
                PushSubscription.insert_many(
                    {
                        "user": user_id,
                        "endpoint": f"{origin}/push/{user_id}",
                        "p256dh": subscription["keys"]["p256dh"],
                        "auth": subscription["keys"]["auth"],
                        "label": "Chrome on Android",
                        "created_at": naive_utc(DUE),
                    }
                    for user_id in users[start : start + 500]
                ).execute()
    database.close()
    yield app
    database.close()


def test_ten_thousand_pushes_in_one_pass_are_sent_within_the_minute(push_app, push_process, benchmark):
    _, received, _ = push_process
    tally, elapsed, rate = timed_pass(benchmark, push_app)
    table = report.Table(
        "Reminder dispatch by Web Push on SQLite, beside email",
        f"{USERS:,} notification-only reminders due in the same minute, each user with one device: one "
        "dispatch pass encrypts each message (aes128gcm), signs for the push service (VAPID) and POSTs it "
        "to a push service on loopback (its own process, which decrypts every message). The email row is "
        "the SMTP pass above, from the same run. Budget: all of them within the minute.",
        ["channel", "due", "sent", "seconds", "nudges/s", "share of the minute used"],
    )
    table.add(
        "push", f"{tally.due:,}", f"{tally.sent:,}", f"{elapsed:.1f}", f"{rate:.0f}", f"{elapsed / 60:.0%}"
    )
    email = RATES.get("email")
    if email:
        table.add("email", f"{USERS:,}", f"{USERS:,}", f"{USERS / email:.1f}", f"{email:.0f}", "")
        comparison = f" Push ran at {rate / email:.2f}× the email rate."
    else:
        comparison = " (The email pass did not run in this session: run the whole file to compare.)"
    table.verdict = f"Budget {'met' if elapsed < 60 else 'NOT met'}: {elapsed:.1f} s of 60 s." + comparison
    report.record(table)
    assert (tally.due, tally.sent) == (USERS, USERS)
    assert elapsed < 60
    lines = Path(received).read_text().splitlines()
    assert len(lines) == len(set(lines)) == USERS and all(line.endswith(" ok") for line in lines)
    with push_app.app_context():
        assert Nudge.select().where(Nudge.status == "sent").count() == USERS
