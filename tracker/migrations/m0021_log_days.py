"""`log_days`: each of a user's dates with logs, and how many (issue 14). Every page needs every date
with a log since the first (statuses, streaks and the rhythm's showing up reach back to it), and reading
them as DISTINCT over three years of logs was the largest query of a page: 0.7 ms on SQLite, 2 ms on
PostgreSQL, whose planner scans the whole table when one user owns much of it. A day's row is one index entry.

Kept by triggers, not by application code, so no write path (the API, the import, the demo, a cascade)
can forget it; the counts are exact, in the same transaction as the log, so it is no cache that goes
stale. A step that rebuilds `logs` on SQLite (copy, drop, rename) drops these triggers with the old
table and must create them again: tests/app/test_log_days.py compares the rows with the logs after every
kind of write.
"""

from __future__ import annotations

from peewee import Database, PostgresqlDatabase

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION count_log_days() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE log_days SET logs = logs - 1 WHERE user_id = OLD.user_id AND local_date = OLD.local_date;
        DELETE FROM log_days WHERE user_id = OLD.user_id AND local_date = OLD.local_date AND logs <= 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO log_days (user_id, local_date, logs) VALUES (NEW.user_id, NEW.local_date, 1)
        ON CONFLICT (user_id, local_date) DO UPDATE SET logs = log_days.logs + 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
MOVED = "OLD.user_id IS DISTINCT FROM NEW.user_id OR OLD.local_date IS DISTINCT FROM NEW.local_date"
COUNT = "FOR EACH ROW EXECUTE FUNCTION count_log_days()"
POSTGRES_TRIGGERS = (
    f"CREATE TRIGGER logs_count_days_insert AFTER INSERT ON logs {COUNT}",
    f"CREATE TRIGGER logs_count_days_delete AFTER DELETE ON logs {COUNT}",
    "CREATE TRIGGER logs_count_days_move AFTER UPDATE OF user_id, local_date ON logs "
    f"FOR EACH ROW WHEN ({MOVED}) EXECUTE FUNCTION count_log_days()",
)

# SQLite: INSERT OR IGNORE then UPDATE, plain statements that every SQLite takes inside a trigger.
_ADD = (
    "INSERT OR IGNORE INTO log_days (user_id, local_date, logs) VALUES (NEW.user_id, NEW.local_date, 0); "
    "UPDATE log_days SET logs = logs + 1 WHERE user_id = NEW.user_id AND local_date = NEW.local_date;"
)
_REMOVE = (
    "UPDATE log_days SET logs = logs - 1 WHERE user_id = OLD.user_id AND local_date = OLD.local_date; "
    "DELETE FROM log_days WHERE user_id = OLD.user_id AND local_date = OLD.local_date AND logs <= 0;"
)
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER logs_count_days_insert AFTER INSERT ON logs BEGIN {_ADD} END",
    f"CREATE TRIGGER logs_count_days_delete AFTER DELETE ON logs BEGIN {_REMOVE} END",
    "CREATE TRIGGER logs_count_days_move AFTER UPDATE OF user_id, local_date ON logs "
    f"WHEN OLD.user_id IS NOT NEW.user_id OR OLD.local_date IS NOT NEW.local_date BEGIN {_REMOVE} {_ADD} END",
)


def up(db: Database) -> None:
    """Create log_days, fill it from the logs there are, and the triggers that keep it."""
    postgres = isinstance(db, PostgresqlDatabase)
    db.execute_sql(
        "CREATE TABLE log_days ("
        "user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE, "
        "local_date DATE NOT NULL, "
        "logs INTEGER NOT NULL, "
        "PRIMARY KEY (user_id, local_date))"
    )
    db.execute_sql(
        "INSERT INTO log_days (user_id, local_date, logs) "
        "SELECT user_id, local_date, COUNT(*) FROM logs GROUP BY user_id, local_date"
    )
    if postgres:
        db.execute_sql(POSTGRES_FUNCTION)
    for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        db.execute_sql(statement)
