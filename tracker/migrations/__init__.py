"""Ordered schema migrations and the `schema_version` table that records which ran.

Each step is a module `mNNNN_name.py` with `up(db)`. Steps freeze the schema they create (they never
import `tracker.models`), so a later model change cannot rewrite history. `migrate` applies the
missing steps in order, each in its own transaction, and is safe to run on every start-up, from several
processes at once.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from peewee import Database, DateTimeField, IntegerField, Model, PostgresqlDatabase, SqliteDatabase

from tracker.models import utcnow

MIGRATION_LOCK = 0x5EC0_BA5E  # the PostgreSQL advisory lock key that serialises migrations


@dataclass(frozen=True)
class Step:
    version: int
    name: str
    up: Callable[[Database], None]


def discover() -> list[Step]:
    """The steps in this package, ordered by their number."""
    steps = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("m") and info.name[1:5].isdigit():
            module = importlib.import_module(f"{__name__}.{info.name}")
            steps.append(Step(int(info.name[1:5]), info.name[6:], module.up))
    return sorted(steps, key=lambda step: step.version)


def _version_model(db: Database) -> type[Model]:
    class SchemaVersion(Model):
        version = IntegerField(primary_key=True)
        applied_at = DateTimeField(default=utcnow)

        class Meta:
            database = db
            table_name = "schema_version"

    return SchemaVersion


def current_version(db: Database) -> int:
    """The highest applied step, 0 for an empty database."""
    if not db.table_exists("schema_version"):
        return 0
    model = _version_model(db)
    return max((row.version for row in model.select()), default=0)


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
        with _exclusive(db):
            # Read the version under the lock: another process may have applied the step meanwhile.
            if step.version <= current_version(db):
                continue
            step.up(db)
            model.create(version=step.version)
        applied.append(step.version)
    return applied
