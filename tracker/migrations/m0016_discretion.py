"""Discretion on a shared phone (issue 17): the idle lock and the discreet mode.

- `users.idle_lock`: minutes of quiet after which the app asks for the password again; NULL for the
  default (off, or `discretion.DEFAULT_LOCK_MINUTES` while anyone is marked not safe), 0 for never.
- `users.discreet`: the installed app's neutral name and icon, and emails without action labels or
  numbers; false for every existing account.
- `user_sessions.last_seen_at`: the session's last request that counted as use (written at most once a
  minute); NULL for sessions from before this step, which count as seen at their next request.
- `user_sessions.held`: a form sent just after the lock came on, kept (as JSON) until the person
  unlocks and saves or drops it, so nothing typed is lost to the lock.

Plain ADD COLUMNs on both engines (no table rebuild); touches nothing else, so it applies whatever a
step numbered before it did or didn't do.
"""

from __future__ import annotations

from peewee import Database


def up(db: Database) -> None:
    """Add the four columns; constant defaults fill existing rows without rewriting a PostgreSQL table."""
    db.execute_sql("ALTER TABLE users ADD COLUMN idle_lock SMALLINT")
    db.execute_sql("ALTER TABLE users ADD COLUMN discreet BOOLEAN NOT NULL DEFAULT FALSE")
    db.execute_sql("ALTER TABLE user_sessions ADD COLUMN last_seen_at TIMESTAMP")
    db.execute_sql("ALTER TABLE user_sessions ADD COLUMN held TEXT")
