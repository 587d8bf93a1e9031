"""Migrations on SQLite and PostgreSQL: an empty database, a second run, and an upgrade that keeps rows."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from peewee import IntegrityError, OperationalError, PostgresqlDatabase, Table

from tracker.migrations import Step, current_version, discover, migrate
from tracker.models import MODELS, ApiToken, Log, Person, User, database, init_database, open_database

LATEST = discover()[-1].version


def drop_all_tables(db) -> None:
    """Leave the database as a fresh install finds it (the PostgreSQL one is shared within a worker)."""
    cascade = " CASCADE" if isinstance(db, PostgresqlDatabase) else ""
    for table in db.get_tables():
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"{cascade}')


@pytest.fixture
def empty_db(database_url):
    """A database with no tables at all; fully migrated again afterwards, so later tests find a schema."""
    db = init_database(database_url)
    drop_all_tables(db)
    assert db.get_tables() == []
    yield db
    database.close()
    db = init_database(database_url)
    db.execute_sql("DROP TABLE IF EXISTS extra_step_table")
    if db.table_exists("schema_version"):
        versions = Table("schema_version", ("version",)).bind(db)
        versions.delete().where(versions.version > LATEST).execute()
    migrate(db)
    db.close()


def _columns(db, table: str) -> set[str]:
    return {column.name for column in db.get_columns(table)}


def test_steps_are_numbered_without_gaps():
    versions = [step.version for step in discover()]
    assert versions == list(range(1, len(versions) + 1))
    assert LATEST >= 2


def test_migrate_an_empty_database(empty_db):
    assert current_version(empty_db) == 0
    assert migrate(empty_db) == list(range(1, LATEST + 1))
    assert current_version(empty_db) == LATEST
    for table in ("users", "people", "logs", "api_tokens"):
        assert empty_db.table_exists(table)


def test_migrating_again_applies_nothing(empty_db):
    migrate(empty_db)
    assert migrate(empty_db) == []
    assert current_version(empty_db) == LATEST


def test_the_migrated_schema_has_every_column_the_models_use(empty_db):
    migrate(empty_db)
    for model in MODELS:
        expected = {field.column_name for field in model._meta.sorted_fields}
        assert expected <= _columns(empty_db, model._meta.table_name), model.__name__


def test_the_migrated_schema_enforces_unique_nicknames_per_user_in_any_case(empty_db):
    migrate(empty_db)
    ana = User.create(email="ana@example.com", password_hash="x", session_key="k1")
    bo = User.create(email="bo@example.com", password_hash="x", session_key="k2")
    Person.create(user=ana, nickname="Sam", role="partner")
    Person.create(user=bo, nickname="sam", role="friend")  # another user may use it
    with pytest.raises(IntegrityError), empty_db.atomic():
        Person.create(user=ana, nickname="SAM", role="friend")
    assert Person.select().count() == 2


def _v1_tables(db) -> tuple[Table, Table, Table]:
    """The tables as step 1 created them: rows are written in that schema, not today's models."""
    users = Table(
        "users", ("id", "email", "password_hash", "timezone", "weekly_target", "session_key", "created_at")
    )
    people = Table("people", ("id", "user_id", "nickname", "role", "archived", "created_at"))
    log_columns = ("id", "user_id", "kind", "step", "person_id", "at", "local_date", "before", "after")
    logs = Table("logs", (*log_columns, "response", "note", "created_at", "updated_at"))
    return users.bind(db), people.bind(db), logs.bind(db)


def test_upgrade_from_version_1_keeps_every_row(empty_db):
    assert migrate(empty_db, target=1) == [1]
    assert current_version(empty_db) == 1
    assert not empty_db.table_exists("api_tokens")

    at = datetime(2026, 5, 1, 16, 30)
    users, people, logs = _v1_tables(empty_db)
    users.insert(
        email="ana@example.com",
        password_hash="hash",
        timezone="Asia/Tokyo",
        weekly_target=5,
        session_key="s1",
        created_at=at,
    ).execute()
    ana = users.select(users.id).scalar()
    people.insert(user_id=ana, nickname="Sam", role="partner", archived=True, created_at=at).execute()
    sam = people.select(people.id).scalar()
    log_ids = [uuid.uuid4() for _ in range(3)]
    logs.insert(
        [
            {
                "id": log_id.hex,
                "user_id": ana,
                "kind": "repair",
                "step": i + 1,
                "person_id": sam if i else None,
                "at": at,
                "local_date": date(2026, 5, 2),
                "before": 3,
                "after": 7,
                "response": "welcomed",
                "note": f"note {i}",
                "created_at": at,
                "updated_at": at,
            }
            for i, log_id in enumerate(log_ids)
        ]
    ).execute()

    assert migrate(empty_db) == list(range(2, LATEST + 1))
    assert current_version(empty_db) == LATEST

    # Read back through today's models: every row and value survived.
    user = User.get()
    assert (user.id, user.email, user.timezone, user.weekly_target, user.session_key, user.created_at) == (
        ana,
        "ana@example.com",
        "Asia/Tokyo",
        5,
        "s1",
        at,
    )
    assert [(p.id, p.nickname, p.role, p.archived) for p in Person.select()] == [
        (sam, "Sam", "partner", True)
    ]
    stored = {log.id: log for log in Log.select()}
    assert set(stored) == set(log_ids)
    first = stored[log_ids[0]]
    assert (first.user_id, first.step, first.person_id, first.note) == (ana, 1, None, "note 0")
    assert (first.at, first.local_date, first.before, first.after) == (at, date(2026, 5, 2), 3, 7)
    assert stored[log_ids[2]].person_id == sam
    # New rows work alongside the kept ones, and ids carry on after them.
    ApiToken.create(user=user, name="script", token_hash="0" * 64, created_at=at)
    assert ApiToken.get().user_id == ana
    assert User.create(email="bo@example.com", password_hash="x").id > ana


def test_a_failing_step_leaves_no_trace(empty_db):
    def broken(db):
        db.execute_sql("CREATE TABLE extra_step_table (id INTEGER PRIMARY KEY)")
        raise RuntimeError("step failed halfway")

    steps = [*discover(), Step(LATEST + 1, "broken", broken)]
    with pytest.raises(RuntimeError, match="halfway"):
        migrate(empty_db, steps=steps)
    assert current_version(empty_db) == LATEST  # the good steps stay applied
    assert not empty_db.table_exists("extra_step_table")  # the bad one is rolled back whole


def test_start_up_migrates_a_fresh_database(empty_db, database_url, tmp_path):
    from tracker import create_app

    create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x"})
    db = init_database(database_url)
    assert current_version(db) == LATEST
    assert db.table_exists("api_tokens")


def test_a_second_process_waits_while_a_step_runs(empty_db, database_url):
    """Workers starting together: the second one must not start a step the first is applying."""
    migrate(empty_db)
    ran = []

    def step(db):
        ran.append(db)
        if len(ran) == 1:  # the first process, mid-step: a second one starts up now
            other = open_database(database_url)
            other.execute_sql(
                "SET lock_timeout = '200ms'"
                if isinstance(other, PostgresqlDatabase)
                else "PRAGMA busy_timeout = 0"
            )
            with pytest.raises(OperationalError):  # it waited its turn (and gave up: we hold the lock)
                migrate(other, steps=steps)
            other.close()
        db.execute_sql("CREATE TABLE extra_step_table (id INTEGER PRIMARY KEY)")

    steps = [Step(LATEST + 1, "slow", step)]
    assert migrate(empty_db, steps=steps) == [LATEST + 1]
    assert len(ran) == 1
    assert current_version(empty_db) == LATEST + 1
