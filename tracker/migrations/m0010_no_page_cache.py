"""The page cache is gone (issue 14): pages are computed afresh in about 10 ms, so nothing reads
`users.revision` any more. Drop the triggers m0006 added to bump it, their PostgreSQL function, and the
column, so no write pays for an UPDATE of `users` that nobody reads.

SQLite drops the column in place (ALTER TABLE … DROP COLUMN, SQLite 3.35 and later); written out rather
than through peewee's migrator, whose fallback for an older SQLite copies `users` and would cascade.
"""

from __future__ import annotations

from peewee import Database, PostgresqlDatabase

# The tables m0006 watched, as they were then.
WATCHED = ("logs", "people", "pauses", "checkins", "ladder_steps", "practice_profiles")


def up(db: Database) -> None:
    """Drop the revision triggers, function and column."""
    postgres = isinstance(db, PostgresqlDatabase)
    events = ("insert", "update", "delete") if postgres else ("insert", "update", "delete", "move")
    # Names come from the constants above, never from input.
    for table in WATCHED:
        for event in events:
            name = f"{table}_bump_user_revision_{event}"
            db.execute_sql(
                f"DROP TRIGGER IF EXISTS {name} ON {table}" if postgres else f"DROP TRIGGER IF EXISTS {name}"
            )
    if postgres:
        db.execute_sql("DROP FUNCTION IF EXISTS bump_user_revision()")
    db.execute_sql("ALTER TABLE users DROP COLUMN revision")
