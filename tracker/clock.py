"""The one clock: `utc_now()` reads the wall clock, `now()` the app's CLOCK setting (tests fix it)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, has_app_context


def utc_now() -> datetime:
    """The wall clock (aware, UTC); the default CLOCK setting."""
    return datetime.now(UTC)


def now() -> datetime:
    """The current instant (aware, UTC): the app's CLOCK inside an app context, else the wall clock."""
    if has_app_context():
        return current_app.config["CLOCK"]()
    return utc_now()


def stored_now() -> datetime:
    """`now()` as the database stores instants (naive UTC): the models' defaults."""
    return now().astimezone(UTC).replace(tzinfo=None)
