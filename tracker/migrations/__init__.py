"""Ordered schema migrations and the `schema_version` table that records which ran.

Each step is a module `mNNNN_name.py` with `up(db)`. Steps freeze the schema they create (they never
import `tracker.models`), so a later model change cannot rewrite history. `migrate` applies the
missing steps in order, each in its own transaction, and is safe to run on every start-up, from several
processes at once.

Numbers are handed out to branches that land in any order, so a step is missing when its own version
has no row in `schema_version`, not when it is below the highest applied: a step 11 that lands after
a database already ran step 12 still runs. Numbers may have a gap while a branch is unmerged.

A step that rebuilds tables on SQLite sets `FOREIGN_KEYS_OFF = True` in its module: SQLite's
documented way to change a table (https://www.sqlite.org/lang_altertable.html#otheralter) copies it
into a new one and drops the old, and with foreign keys on, dropping `users` would cascade and delete
every log. The pragma can't change inside a transaction, so `migrate` turns it off before the step's
transaction, runs `PRAGMA foreign_key_check` before committing (a step that broke a reference fails and
is rolled back whole) and turns it on again afterwards.

Integer ids are never handed out twice (issue 12): a table created on SQLite takes `NeverReusedId` as
its primary key (AUTOINCREMENT), since a plain INTEGER PRIMARY KEY gives a deleted max id to the next
row; PostgreSQL's sequences never go back. tests/app/test_migrations.py checks every table.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

from peewee import (
    SQL,
    AutoField,
    Database,
    DateTimeField,
    IntegerField,
    Model,
    NodeList,
    PostgresqlDatabase,
    SqliteDatabase,
)

from tracker.clock import stored_now

MIGRATION_LOCK = 0x5EC0_BA5E  # the PostgreSQL advisory lock key that serialises migrations


class MigrationError(RuntimeError):
    """A step that can't run safely, or that left the database inconsistent (it is rolled back)."""


class NeverReusedId(AutoField):
    """An integer primary key whose deleted values are never handed out again.

    AUTOINCREMENT on SQLite (without it, the next row gets a deleted max id, and anything that named the
    old row, like an email link, would name the new one); a plain sequence on PostgreSQL, which never
    goes back.
    """

    def ddl(self, ctx):
        nodes = super().ddl(ctx)
        if isinstance(self.model._meta.database, SqliteDatabase):
            return NodeList((nodes, SQL("AUTOINCREMENT")))
        return nodes


@dataclass(frozen=True)
class Step:
    version: int
    name: str
    up: Callable[[Database], None]
    foreign_keys_off: bool = False  # on SQLite, run with foreign keys off (a step that rebuilds tables)


def discover() -> list[Step]:
    """The steps in this package, ordered by their number."""
    steps = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("m") and info.name[1:5].isdigit():
            module = importlib.import_module(f"{__name__}.{info.name}")
            off = getattr(module, "FOREIGN_KEYS_OFF", False)
            steps.append(Step(int(info.name[1:5]), info.name[6:], module.up, off))
    return sorted(steps, key=lambda step: step.version)


def _version_model(db: Database) -> type[Model]:
    class SchemaVersion(Model):
        version = IntegerField(primary_key=True)
        applied_at = DateTimeField(default=stored_now)

        class Meta:
            database = db
            table_name = "schema_version"

    return SchemaVersion


def current_version(db: Database) -> int:
    """The highest applied step, 0 for an empty database."""
    return max(applied_versions(db), default=0)


def applied_versions(db: Database) -> set[int]:
    """Every applied step's version (empty for an empty database)."""
    if not db.table_exists("schema_version"):
        return set()
    model = _version_model(db)
    return {row.version for row in model.select(model.version)}


@contextmanager
def _exclusive(db: Database) -> Iterator[None]:
    """A transaction holding the migration lock: processes that start together take turns.

    Several gunicorn workers run `migrate` at start-up. Without the lock two of them could both see a
    step as missing and both apply it; the loser fails on "already exists" and its worker never boots.
    """
    if isinstance(db, SqliteDatabase):
        with db.atomic(lock_type="IMMEDIATE"):  # the write lock up front; others wait (busy_timeout)
            yield
        return
    with db.atomic():
        if isinstance(db, PostgresqlDatabase):
            db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        yield


def migrate(db: Database, steps: list[Step] | None = None, target: int | None = None) -> list[int]:
    """Apply the missing steps (up to `target`) and return the versions applied."""
    steps = discover() if steps is None else steps
    model = _version_model(db)
    with _exclusive(db):
        db.create_tables([model], safe=True)
    applied = []
    for step in steps:
        if target is not None and step.version > target:
            break
        rebuilding = step.foreign_keys_off and isinstance(db, SqliteDatabase)
        with _foreign_keys_off(db) if rebuilding else nullcontext(), _exclusive(db):
            # Read the version under the lock: another process may have applied the step meanwhile.
            if step.version in applied_versions(db):
                continue
            step.up(db)
            if rebuilding:
                _check_foreign_keys(db, step)
            model.create(version=step.version)
        applied.append(step.version)
    return applied


@contextmanager
def _foreign_keys_off(db: SqliteDatabase) -> Iterator[None]:
    """SQLite's foreign keys off for this connection around a step's transaction, then as they were."""
    was = db.execute_sql("PRAGMA foreign_keys").fetchone()[0]
    db.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        # A no-op inside a transaction: then the step would cascade, so it must not run at all.
        if db.execute_sql("PRAGMA foreign_keys").fetchone()[0]:
            raise MigrationError("foreign keys can't be turned off inside a transaction")
        yield
    finally:
        db.execute_sql(f"PRAGMA foreign_keys = {'ON' if was else 'OFF'}")


def _check_foreign_keys(db: SqliteDatabase, step: Step) -> None:
    """Fail (and so roll back) a step that left a row pointing at nothing."""
    broken = db.execute_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise MigrationError(f"step {step.version} broke {len(broken)} foreign key(s), e.g. {broken[0]}")
