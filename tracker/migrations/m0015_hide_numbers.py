"""Hide every number (issue 17): `users.hide_numbers`, false for every existing account and by default.
When on, pages show the practice in words (a trend, "a week or more") instead of figures, and emails
carry no figures. Touches nothing but that one column, so it applies whatever a step numbered before it
did or didn't do.
"""

from __future__ import annotations

from peewee import SQL, BooleanField, Database
from playhouse.migrate import SchemaMigrator, migrate


def up(db: Database) -> None:
    """Add users.hide_numbers, NOT NULL DEFAULT FALSE, in one ADD COLUMN: playhouse's usual
    add-then-set-NOT-NULL would rebuild `users` on SQLite, and dropping the old table would cascade."""
    migrator = SchemaMigrator.from_database(db)
    flag = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])
    migrate(migrator.add_column("users", "hide_numbers", flag, allow_not_null=True))
