"""`log_days`: each of a user's dates with logs, summed up as insights' DayTotals reads them (issue 14):
how many logs, how many reach in and make room, the safety points and how many logs have them. Every
page needs every date with a log since the first (statuses, streaks and the rhythm's showing up reach
back to it), and reading them as DISTINCT over three years of logs was a page's largest query: 0.8 ms on
SQLite, 2 ms on PostgreSQL, whose planner scans the whole table when one user owns much of it. The year's
scores summed a year of logs up per day (1 and 2 ms); now both read one row per day.

Kept by triggers, not by application code, so no write path (the API, the import, the demo, a cascade)
can forget it; the counts are exact, in the same transaction as the log, so it is no cache that goes
stale. A step that rebuilds `logs` on SQLite (copy, drop, rename) drops these triggers with the old
table and must create them again: tests/app/test_log_days.py compares the rows with the logs after every
kind of write.
"""

from __future__ import annotations

from peewee import Database, PostgresqlDatabase

# As they are when this step runs (tests/app/test_log_days.py holds them equal to tracker.kinds and
# tracker.insights): a change to a kind's group or a response's points needs a step that rebuilds the
# triggers and recounts the days.
REACH_KINDS = ("closeness", "receive", "support", "confide")
ROOM_KINDS = ("space", "trust_space")
RESPONSE_POINTS = {"welcomed": 20, "neutral": 10, "dismissed": 0, "hurtful": 0}
COLUMNS = ("logs", "reach", "room", "points", "rated")


def _quoted(values) -> str:
    return ", ".join(f"'{value}'" for value in values)  # constants above, never input


def _parts(row: str) -> tuple[str, ...]:
    """What one log (`row`: NEW or OLD) adds to each column: 1, 1 if it reaches in, 1 if it makes room,
    its safety points (the mean of 2 × after and the response's points, else whichever is known; every
    response's points are even, so the division is exact) and 1 if it has points."""
    cases = " ".join(f"WHEN '{response}' THEN {points}" for response, points in RESPONSE_POINTS.items())
    answer = f"(CASE {row}.response {cases} END)"
    return (
        "1",
        f"(CASE WHEN {row}.kind IN ({_quoted(REACH_KINDS)}) THEN 1 ELSE 0 END)",
        f"(CASE WHEN {row}.kind IN ({_quoted(ROOM_KINDS)}) THEN 1 ELSE 0 END)",
        f"COALESCE((2 * {row}.after + {answer}) / 2, 2 * {row}.after, {answer}, 0)",
        f"(CASE WHEN COALESCE({row}.after, {answer}) IS NULL THEN 0 ELSE 1 END)",
    )


def _change(row: str, sign: str) -> str:
    """UPDATE log_days by one log's parts, added (+) or taken away (-)."""
    sets = ", ".join(
        f"{column} = {column} {sign} {part}" for column, part in zip(COLUMNS, _parts(row), strict=True)
    )
    where = f"user_id = {row}.user_id AND local_date = {row}.local_date"
    return f"UPDATE log_days SET {sets} WHERE {where};"  # noqa: S608  # nosec B608 (constants)


_GONE = "DELETE FROM log_days WHERE user_id = OLD.user_id AND local_date = OLD.local_date AND logs <= 0;"
_NEW_DAY = (
    "INSERT INTO log_days (user_id, local_date, logs, reach, room, points, rated) "
    "VALUES (NEW.user_id, NEW.local_date, 0, 0, 0, 0, 0)"
)
# What a log's row holds that log_days sums up: an UPDATE of anything else changes nothing here.
WATCHED = "user_id, local_date, kind, after, response"
CHANGED = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in WATCHED.split(", "))

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION count_log_days() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        {_change("OLD", "-")}
        {_GONE}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_NEW_DAY} ON CONFLICT (user_id, local_date) DO NOTHING;
        {_change("NEW", "+")}
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
COUNT = "FOR EACH ROW EXECUTE FUNCTION count_log_days()"
POSTGRES_TRIGGERS = (
    f"CREATE TRIGGER logs_count_days_insert AFTER INSERT ON logs {COUNT}",
    f"CREATE TRIGGER logs_count_days_delete AFTER DELETE ON logs {COUNT}",
    f"CREATE TRIGGER logs_count_days_change AFTER UPDATE OF {WATCHED} ON logs FOR EACH ROW WHEN ({CHANGED}) "
    "EXECUTE FUNCTION count_log_days()",
)

# SQLite: INSERT OR IGNORE then UPDATE, plain statements that every SQLite takes inside a trigger.
_ADD = f"{_NEW_DAY.replace('INSERT', 'INSERT OR IGNORE', 1)}; {_change('NEW', '+')}"
_REMOVE = f"{_change('OLD', '-')} {_GONE}"
SQLITE_CHANGED = CHANGED.replace("IS DISTINCT FROM", "IS NOT")
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER logs_count_days_insert AFTER INSERT ON logs BEGIN {_ADD} END",
    f"CREATE TRIGGER logs_count_days_delete AFTER DELETE ON logs BEGIN {_REMOVE} END",
    f"CREATE TRIGGER logs_count_days_change AFTER UPDATE OF {WATCHED} ON logs WHEN {SQLITE_CHANGED} "
    f"BEGIN {_REMOVE} {_ADD} END",
)


_SUMS = ", ".join(f"SUM({part})" for part in _parts("logs"))  # each log's parts, its columns named by table
# Every user's days from the logs there are, in one statement: this step's backfill, and what a bulk
# load that runs without triggers (tests/benchmarks/test_scale_pg.py) runs after it.
FILL = (
    f"INSERT INTO log_days (user_id, local_date, {', '.join(COLUMNS)}) "  # noqa: S608  # nosec B608 (constants)
    f"SELECT user_id, local_date, {_SUMS} FROM logs GROUP BY user_id, local_date"
)


def up(db: Database) -> None:
    """Create log_days, fill it from the logs there are, and the triggers that keep it."""
    postgres = isinstance(db, PostgresqlDatabase)
    db.execute_sql(
        "CREATE TABLE log_days ("
        "user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE, "
        "local_date DATE NOT NULL, "
        + "".join(f"{column} INTEGER NOT NULL, " for column in COLUMNS)
        + "PRIMARY KEY (user_id, local_date))"
    )
    db.execute_sql(FILL)
    if postgres:
        db.execute_sql(POSTGRES_FUNCTION)
    for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        db.execute_sql(statement)
