"""`tracker backup PATH`: a consistent copy of a SQLite database, made while the app keeps running.

SQLite's online backup API copies the pages under a read transaction, so writers in other processes
wait briefly at most (busy_timeout) and the copy is a snapshot of one moment, never a half-written
file. It is written beside the target and renamed into place, so PATH is complete or untouched.
PostgreSQL has its own tool for this, pg_dump (README.md, "Backups").
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from peewee import SqliteDatabase

PG_DUMP_HINT = (
    "This database is PostgreSQL: back it up with pg_dump, e.g. "
    '`pg_dump --format=custom --file=secure-base.dump "$DATABASE_URL"` '
    "(restore with pg_restore; see README.md, Backups)."
)


class BackupUnsupported(Exception):
    """The database is not SQLite; the message says what to use instead."""


def backup_sqlite(db, target: str | os.PathLike) -> int:
    """Copy the SQLite database `db` to `target` consistently; returns the size in bytes."""
    if not isinstance(db, SqliteDatabase):
        raise BackupUnsupported(PG_DUMP_HINT)
    target = Path(target)
    if target.resolve() == Path(db.database).resolve():
        raise ValueError("The backup must go to another file than the database itself.")
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(db.database, timeout=5)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy, pages=1024)  # in steps, so writers get turns while it runs
        finally:
            copy.close()
    finally:
        source.close()
    os.replace(partial, target)
    return target.stat().st_size
