"""Migration 0004 upgrades a database that already has rows, on SQLite and PostgreSQL, losing nothing."""

from __future__ import annotations

import psycopg2
import pytest
from peewee import IntegrityError
from playhouse.db_url import connect

from tracker.migrations import current_version, migrate
from tracker.models import SQLITE_PRAGMAS

SCHEMA = "m0004_upgrade"


@pytest.fixture
def old_db(app, database_url, tmp_path):
    """An empty database of the engine under test, of its own (a schema of its own on PostgreSQL).

    `app` is only asked for so the session-wide connection exists, as the other tests expect.
    """
    if database_url.startswith("sqlite"):
        db = connect(f"sqlite:///{tmp_path / 'old.db'}", pragmas=SQLITE_PRAGMAS)
        yield db
        db.close()
        return
    admin = psycopg2.connect(database_url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}")
    db = connect(database_url, options=f"-c search_path={SCHEMA}")
    yield db
    db.close()
    with admin.cursor() as cur:
        cur.execute(f"DROP SCHEMA {SCHEMA} CASCADE")
    admin.close()


def test_0004_upgrades_a_database_with_rows(old_db):
    db = old_db
    migrate(db, target=3)
    assert current_version(db) == 3
    for statement in (
        "INSERT INTO users (email, password_hash, timezone, weekly_target, session_key, created_at) VALUES "
        "('ana@example.com', 'h', 'Europe/Berlin', 4, 'k1', '2026-01-01 00:00:00'), "
        "('ben@example.com', 'h', 'UTC', 5, 'k2', '2026-01-02 00:00:00')",
        "INSERT INTO people (user_id, nickname, role, archived, created_at) "
        "VALUES (1, 'Sam', 'friend', false, '2026-01-01')",
        "INSERT INTO logs (id, user_id, kind, person_id, at, local_date, note, created_at, updated_at) "
        "VALUES ('6f1c2d3e-0000-4000-8000-000000000001', 1, 'closeness', 1, '2026-01-03 10:00:00', "
        "'2026-01-03', 'kept', '2026-01-03 10:00:00', '2026-01-03 10:00:00')",
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (2, 't', 'x', '2026-01-01')",
        "INSERT INTO pauses (user_id, start_date, end_date, created_at) "
        "VALUES (1, '2026-02-01', '2026-02-03', '2026-01-01')",
    ):
        db.execute_sql(statement)

    assert 4 in migrate(db)

    columns = "email, weekly_target, email_verified_at, reminders_paused, digest_opt_in"
    users = db.execute_sql(f"SELECT {columns} FROM users ORDER BY id").fetchall()  # noqa: S608 (constant)
    assert [(u[0], u[1], u[2], bool(u[3]), bool(u[4])) for u in users] == [
        ("ana@example.com", 4, None, False, False),
        ("ben@example.com", 5, None, False, False),
    ]
    # Rebuilding `users` on SQLite would have cascade-deleted these: they are all still here.
    for table in ("people", "logs", "api_tokens", "pauses"):
        assert db.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 1, table  # noqa: S608
    assert db.execute_sql("SELECT note FROM logs").fetchone()[0] == "kept"
    # New rows get the defaults from the database itself, whoever inserts them.
    db.execute_sql(
        "INSERT INTO users (email, password_hash, timezone, weekly_target, session_key, created_at) "
        "VALUES ('cy@example.com', 'h', 'UTC', 4, 'k3', '2026-01-04')"
    )
    assert db.execute_sql("SELECT reminders_paused FROM users WHERE email = 'cy@example.com'").fetchone()[
        0
    ] in (0, False)
    # One nudge per (rule, due instant), enforced by the database.
    db.execute_sql(
        "INSERT INTO reminder_rules (user_id, purpose, days, local_time, enabled, next_due_at, created_at) "
        "VALUES (1, 'nudge', 127, '18:00:00', true, '2026-05-13 16:00:00', '2026-05-01')"
    )
    insert = (
        "INSERT INTO nudges (rule_id, due_at, status, attempts, created_at) "
        "VALUES (1, '2026-05-13 16:00:00', 'sending', 1, '2026-05-13')"
    )
    db.execute_sql(insert)
    with pytest.raises(IntegrityError), db.atomic():
        db.execute_sql(insert)
    indexes = {index.name for index in db.get_indexes("reminder_rules")} | {
        i.name for i in db.get_indexes("nudges")
    }
    assert {"reminderrule_next_due_at", "nudge_rule_id_due_at", "nudge_next_attempt_at"} <= indexes
    assert migrate(db) == []  # running it again changes nothing
