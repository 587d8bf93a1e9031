"""The check-in's wording version (issue 17): `checkins.wording`, 1 for every month answered before
(the items as first worded), and the app saves 2 from now on. A month is shown in the wording it was
answered with. Touches nothing but that one column, so it applies whatever a step numbered before it
did or didn't do.
"""

from __future__ import annotations

from peewee import Database


def up(db: Database) -> None:
    """Add checkins.wording, NOT NULL DEFAULT 1: the existing rows get 1 (a plain ADD COLUMN on both
    engines, no table rebuild, and PostgreSQL 11+ fills a constant default without rewriting the table)."""
    db.execute_sql("ALTER TABLE checkins ADD COLUMN wording SMALLINT NOT NULL DEFAULT 1")
