"""`flask --app wsgi tracker ...`: init-db, token, demo, export, backup, dispatch, scheduler."""

from __future__ import annotations

from uuid import uuid4

import click
from flask import Flask
from flask.cli import AppGroup
from peewee import IntegrityError

from tracker import clock
from tracker.demo import generate_checkins, generate_history
from tracker.forms import InvalidInput, parse_email, parse_password, valid_timezone
from tracker.insights import local_date_of
from tracker.insights.bids import BID_KIND
from tracker.models import ApiToken, CheckIn, Log, Person, User, database, naive_utc
from tracker.security import hash_password, new_api_token

tracker_cli = AppGroup("tracker", help="Secure Base maintenance commands.")


@tracker_cli.command("init-db")
def init_db() -> None:
    """Create or migrate the schema (safe to run again)."""
    from tracker.migrations import current_version, migrate

    db = database.obj  # the engine itself: steps and the migration lock differ per engine
    applied = migrate(db)
    click.echo(f"Database at schema version {current_version(db)}; applied {applied or 'nothing new'}.")


@tracker_cli.command("token")
@click.option("--email", required=True, help="The account the token acts for.")
@click.option("--name", default="command line", show_default=True, help="A name to recognise it by.")
def token(email: str, name: str) -> None:
    """Print a new personal access token for the API (shown once; only its hash is kept)."""
    user = _account(email)
    secret, digest = new_api_token()
    ApiToken.create(user=user, name=name[:60], token_hash=digest, created_at=naive_utc(clock.now()))
    click.echo(secret)


def _account(email: str) -> User:
    """The account with this email, or a message that there is none."""
    try:
        user = User.by_email(parse_email(email))
    except InvalidInput:
        user = None
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    return user


@tracker_cli.command("demo")
@click.option("--email", default="demo@example.com", show_default=True)
@click.option("--password", default="demo-password", show_default=True)
@click.option("--timezone", default="Europe/Berlin", show_default=True)
def demo(email: str, password: str, timezone: str) -> None:
    """Create an account with about a year of realistic history to explore."""
    try:
        email, password = parse_email(email), parse_password(password)
    except InvalidInput as exc:
        raise click.ClickException(str(exc)) from exc
    if not valid_timezone(timezone):
        raise click.ClickException(f"Unknown time zone {timezone}.")
    now = clock.now()
    history = generate_history(local_date_of(now, timezone), timezone)
    # The story runs to the end of today, local time: the rest of today hasn't happened yet.
    logs = [log for log in history.logs if log.at <= now]
    try:
        with database.atomic():
            user = User.create(
                email=email,
                password_hash=hash_password(password),
                timezone=timezone,
                created_at=naive_utc(min(log.at for log in logs)),
            )
            people = {
                p.nickname: Person.create(
                    user=user, nickname=p.nickname, role=p.role, created_at=user.created_at
                )
                for p in history.people
            }
            rows = [_log_row(user, people, log, timezone) for log in logs]
            for start in range(0, len(rows), 500):
                Log.insert_many(rows[start : start + 500]).execute()
            # A check-in each month, so the year page shows the outcome loop (issue 16).
            stamp = naive_utc(now)
            checkins = generate_checkins(history, local_date_of(now, timezone), timezone)
            CheckIn.insert_many(
                [
                    {"user": user.id, "month": c.month, "created_at": stamp, "updated_at": stamp, **c.answers}
                    for c in checkins
                ]
            ).execute()
    except IntegrityError as exc:
        raise click.ClickException(f"{email} already has an account.") from exc
    click.echo(
        f"Demo account {email} with {len(rows)} logs and {len(people)} people. Log in with {password!r}."
    )


def _log_row(user: User, people: dict, log, timezone: str) -> dict:
    """One generated log as a row to insert."""
    at = naive_utc(log.at)
    return {
        "id": uuid4(),
        "user": user.id,
        "kind": log.kind,
        "step": log.step,
        "person": people[log.person].id if log.person else None,
        "at": at,
        "local_date": local_date_of(log.at, timezone),
        "before": log.before,
        "after": log.after,
        "response": log.response,
        "note": log.note,
        # Most bids met toward, one in seven missed (by its minute, so the demo's logs stay as they were).
        "bid": ("away" if at.minute % 7 == 0 else "toward") if log.kind == BID_KIND else None,
        "created_at": at,
        "updated_at": at,
    }


@tracker_cli.command("export")
@click.option("--email", required=True, help="The account to export.")
def export(email: str) -> None:
    """Print the account's data as JSON (the same schema as the download)."""
    import json

    from tracker.portability import export_data

    user = _account(email)
    click.echo(json.dumps(export_data(user, clock.now()), ensure_ascii=False, indent=2))


@tracker_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup(path: str) -> None:
    """Copy a SQLite database to PATH while the app runs (PostgreSQL: use pg_dump)."""
    from tracker.backup import BackupUnsupported, backup_sqlite

    try:
        size = backup_sqlite(database.obj, path)
    except BackupUnsupported as exc:
        raise click.ClickException(str(exc)) from exc
    except (ValueError, OSError) as exc:
        raise click.ClickException(f"Backup failed: {exc}") from exc
    click.echo(f"Backed up the database to {path} ({size:,} bytes).")


def init_app(app: Flask) -> None:
    """Attach the command group."""
    from tracker.scheduler import dispatch_command, scheduler_command

    tracker_cli.add_command(dispatch_command)
    tracker_cli.add_command(scheduler_command)
    app.cli.add_command(tracker_cli)
