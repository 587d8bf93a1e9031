"""Discretion on a shared phone (DOMAIN.md, "Care"): the idle lock's rules and the discreet mode's
neutral name. Pure: no Flask, no database, no clock (the caller passes `now`).

The idle lock counts quiet time on the server: a session's `last_seen_at` is the last request that was
use of the app, written at most once every `SEEN_EVERY` (so a busy session costs one small write a
minute, not one per request). Once more than the chosen minutes have passed since then, every request
of that session asks for the password again, until it is given.
"""

from __future__ import annotations

from datetime import datetime, timedelta

# The choices Settings offers, in minutes; 0 is "never".
LOCK_CHOICES = (0, 5, 15, 60)
# The lock when the person chose nothing: on, and short, while anyone is marked not safe; else off.
DEFAULT_LOCK_MINUTES = 5
SEEN_EVERY = timedelta(minutes=1)

# The discreet mode's name on the home screen, in the tab and in emails, and its plain icon's files.
NEUTRAL_NAME = "Notes"
APP_NAME = "Secure Base"


def lock_minutes(chosen: int | None, anyone_not_safe: bool) -> int:
    """The idle lock in force, in minutes (0: none): the person's choice, else the default, which is on
    while anyone is marked not safe."""
    if chosen is not None:
        return chosen
    return DEFAULT_LOCK_MINUTES if anyone_not_safe else 0


def is_locked(last_seen: datetime | None, now: datetime, minutes: int) -> bool:
    """Whether a session last used at `last_seen` asks for the password again at `now`.

    A session never seen (signed in before the lock existed) is not locked: its request counts as use.
    """
    if not minutes or last_seen is None:
        return False
    return now - last_seen > timedelta(minutes=minutes)


def seen_again(last_seen: datetime | None, now: datetime) -> bool:
    """Whether this request's use must be written down (at most once every SEEN_EVERY).

    Writing less often can only make the lock come a little early (by under a minute), never late.
    """
    return last_seen is None or now - last_seen >= SEEN_EVERY or now < last_seen


def app_name(discreet: bool) -> str:
    """The app's name where a home screen, a tab or an inbox shows it."""
    return NEUTRAL_NAME if discreet else APP_NAME
