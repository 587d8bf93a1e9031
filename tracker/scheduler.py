"""APScheduler wiring: one job, at the top of every minute, calling `nudges.dispatch(now)`; at the top of
every hour (minute 0) it also runs the fresh-start pass (`fresh_starts.dispatch_fresh`), which needs no
finer clock: it sends from 09:00 local on a landmark day.

It runs inside the web process when SCHEDULER=1 (`make run`), or as a process of its own with
`flask --app wsgi tracker scheduler`. Running it twice is harmless, since every nudge is claimed by a
unique row, but wasteful, so it never starts under TESTING, once per process at most, and not in the
watcher process of Flask's reloader (which imports the app too; only the child it spawns, marked
WERKZEUG_RUN_MAIN, serves requests). The job coalesces missed runs and never overlaps itself.
"""

from __future__ import annotations

import atexit
import os
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from tracker import clock
from tracker.fresh_starts import dispatch_fresh
from tracker.models import database
from tracker.nudges import Tally, dispatch

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

_lock = threading.Lock()
_running: dict[str, BaseScheduler] = {}


def run_once(app: Flask, now: datetime | None = None) -> Tally:
    """One dispatch pass (at minute 0 the fresh-start pass too) in an app context, on a connection of
    this thread's own (closed after)."""
    with app.app_context(), database.connection_context():
        now = now or clock.now()
        tally = dispatch(now)
        if now.minute == 0:  # the hourly fresh-start pass
            tally.fresh = dispatch_fresh(now).sent
    if tally.due or tally.fresh:
        app.logger.info("Reminders: %s", tally)
    return tally


def _job(app: Flask) -> None:
    """The scheduled job: a failed pass is logged and the next minute tries again."""
    try:
        run_once(app)
    except Exception:
        app.logger.exception("Reminder dispatch failed")


def build(app: Flask, kind: type[BaseScheduler] | None = None) -> BaseScheduler:
    """A scheduler with the one dispatch job (a background one unless `kind` says otherwise).

    APScheduler is imported here, by the processes that run a scheduler: web workers (SCHEDULER=0)
    never load it."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger

    scheduler = (kind or BackgroundScheduler)(timezone=UTC)
    scheduler.add_job(
        _job,
        CronTrigger(second=0, timezone=UTC),
        args=[app],
        id="dispatch",
        coalesce=True,  # after a stall, one catch-up run, not one per missed minute
        max_instances=1,  # a slow pass is never overlapped by the next
        misfire_grace_time=50,
    )
    return scheduler


def should_start(app: Flask) -> bool:
    """SCHEDULER=1, not testing, and not the reloader's watcher process."""
    if str(app.config.get("SCHEDULER", "0")).strip().lower() not in ("1", "true", "yes") or app.testing:
        return False
    return not app.debug or os.environ.get("WERKZEUG_RUN_MAIN") == "true"


def init_app(app: Flask) -> None:
    """Start the background scheduler when this process should run it (once per process)."""
    if not should_start(app):
        return
    with _lock:
        if "background" in _running:
            return
        scheduler = build(app)
        scheduler.start()
        _running["background"] = scheduler
    atexit.register(lambda: scheduler.shutdown(wait=False))
    app.logger.info("Reminder scheduler started in this process")


@click.command("dispatch")
@click.option("--now", "at", metavar="ISO-8601", help="Dispatch as of this instant (UTC if no offset).")
@with_appcontext
def dispatch_command(at: str | None) -> None:
    """Run one dispatch pass and print how many nudges were due, sent, skipped and failed."""
    app = current_app._get_current_object()
    when = None
    if at:
        try:
            when = datetime.fromisoformat(at.replace("Z", "+00:00"))
        except ValueError as exc:
            raise click.BadParameter(
                "use ISO-8601, like 2026-05-13T18:30:00+02:00", param_hint="--now"
            ) from exc
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
    click.echo(str(run_once(app, when)))


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the reminder scheduler in the foreground until stopped (Ctrl-C)."""
    app = current_app._get_current_object()
    click.echo("Reminder scheduler running: a dispatch pass at the top of every minute. Ctrl-C stops it.")
    if "background" in _running:  # SCHEDULER=1 already started one in this process: just keep it alive
        threading.Event().wait()
    from apscheduler.schedulers.blocking import BlockingScheduler  # see build

    try:
        build(app, BlockingScheduler).start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")
