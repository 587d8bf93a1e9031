"""scheduler.py: when the in-process scheduler starts, and the shape of its one job."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time

import pytest
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from tracker import scheduler
from tracker.mail import MemoryBackend
from tracker.models import ReminderRule, User


def fake_app(**config) -> Flask:
    app = Flask("fake")
    app.config.update(config)
    return app


@pytest.mark.parametrize(
    ("config", "reloader_child", "expected"),
    [
        ({"SCHEDULER": "1"}, None, True),
        ({"SCHEDULER": "0"}, None, False),
        ({}, None, False),
        ({"SCHEDULER": "1", "TESTING": True}, None, False),
        ({"SCHEDULER": "1", "DEBUG": True}, None, False),  # the reloader's watcher process
        ({"SCHEDULER": "1", "DEBUG": True}, "true", True),  # the child that serves
    ],
    ids=["on", "off", "unset", "testing", "reloader-watcher", "reloader-child"],
)
def test_should_start(monkeypatch, config, reloader_child, expected):
    if reloader_child:
        monkeypatch.setenv("WERKZEUG_RUN_MAIN", reloader_child)
    else:
        monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    assert scheduler.should_start(fake_app(**config)) is expected


def test_one_job_every_minute_coalesced_and_never_overlapping():
    built = scheduler.build(fake_app())
    (job,) = built.get_jobs()
    assert job.id == "dispatch" and job.coalesce is True and job.max_instances == 1
    assert isinstance(job.trigger, CronTrigger)
    fire = job.trigger.get_next_fire_time(None, datetime(2026, 5, 13, 10, 30, 12, tzinfo=UTC))
    assert fire == datetime(2026, 5, 13, 10, 31, tzinfo=UTC)


def test_init_app_starts_one_scheduler_per_process(monkeypatch):
    started = []

    class Fake:
        def start(self):
            started.append(self)

        def shutdown(self, wait=True):
            pass

    monkeypatch.setattr(scheduler, "build", lambda app: Fake())
    monkeypatch.setattr(scheduler, "_running", {})
    monkeypatch.setattr(scheduler.atexit, "register", lambda f: None)
    app = fake_app(SCHEDULER="1")
    scheduler.init_app(app)
    scheduler.init_app(app)
    assert len(started) == 1
    scheduler.init_app(fake_app(SCHEDULER="1", TESTING=True))
    assert len(started) == 1


def test_the_test_app_never_starts_one(app):
    assert "background" not in scheduler._running


def test_the_job_dispatches_in_an_app_context_from_another_thread(app, clock):
    app.extensions["mail"] = backend = MemoryBackend()
    with app.app_context():
        user = User.create(
            email="a@example.com", password_hash="-", timezone="UTC", email_verified_at=datetime(2026, 1, 1)
        )
        ReminderRule.create(user=user, local_time=time(10, 30), next_due_at=datetime(2026, 5, 13, 10, 30))
    worker = threading.Thread(target=scheduler._job, args=(app,))
    worker.start()
    worker.join()
    assert len(backend.outbox) == 1


def test_a_failing_pass_is_logged_not_raised(app, monkeypatch, caplog):
    monkeypatch.setattr(scheduler, "dispatch", lambda now: 1 / 0)
    scheduler._job(app)
    assert "Reminder dispatch failed" in caplog.text
