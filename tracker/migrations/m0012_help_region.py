"""The help lines' region, chosen in Settings (issue 13): `users.help_region`, NULL for "from my time
zone" (every existing account, and the default). Touches nothing but that one column, so it applies
whatever a step numbered before it did or didn't do.
"""

from __future__ import annotations

from peewee import CharField, Database
from playhouse.migrate import SchemaMigrator, migrate


def up(db: Database) -> None:
    """Add users.help_region (nullable: a plain ADD COLUMN on both engines, no table rebuild)."""
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("users", "help_region", CharField(max_length=16, null=True)))
