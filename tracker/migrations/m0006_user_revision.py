"""A revision counter per user, bumped by the database whenever anything a page shows changes.

The page cache (`tracker/page_cache.py`) keys a user's rendered pages on it. Triggers rather than
application code, so no write path (the API, the import, an email link, a cascade) can forget to bump it.
"""

from __future__ import annotations

from peewee import SQL, BigIntegerField, Database, PostgresqlDatabase
from playhouse.migrate import SchemaMigrator, migrate

# Tables whose rows the cached pages (Today, History, Month, Day, Year, the summary API) read.
WATCHED = ("logs", "people", "pauses", "checkins", "ladder_steps", "practice_profiles")

# Statement-level with transition tables: a bulk insert or import bumps each user once, not per row.
POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION bump_user_revision() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE users SET revision = revision + 1 WHERE id IN (SELECT user_id FROM new_rows);
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE users SET revision = revision + 1
        WHERE id IN (SELECT user_id FROM old_rows UNION SELECT user_id FROM new_rows);
    ELSE
        UPDATE users SET revision = revision + 1 WHERE id IN (SELECT user_id FROM old_rows);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
POSTGRES_TRIGGERS = {
    "insert": "AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows",
    "update": "AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows",
}


def up(db: Database) -> None:
    """Add users.revision and the triggers that bump it."""
    migrator = SchemaMigrator.from_database(db)
    # NOT NULL with a SQL default in one ADD COLUMN, so SQLite doesn't rebuild `users` (see m0004).
    migrate(
        migrator.add_column(
            "users",
            "revision",
            BigIntegerField(default=0, constraints=[SQL("DEFAULT 0")]),
            allow_not_null=True,
        )
    )
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(POSTGRES_FUNCTION)
        for table in WATCHED:
            for event, when in POSTGRES_TRIGGERS.items():
                db.execute_sql(
                    f"CREATE TRIGGER {table}_bump_user_revision_{event} {when.format(table=table)} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION bump_user_revision()"
                )
        return
    # Table names come from WATCHED above, never from input.
    bump = "UPDATE users SET revision = revision + 1 WHERE id = {}.user_id"
    for table in WATCHED:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            name = f"{table}_bump_user_revision_{event.lower()}"
            db.execute_sql(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {bump.format(row)}; END")
        # A row moved to another user (never done today) changes the old owner's pages too.
        db.execute_sql(
            f"CREATE TRIGGER {table}_bump_user_revision_move AFTER UPDATE OF user_id ON {table} "
            f"WHEN OLD.user_id IS NOT NEW.user_id BEGIN {bump.format('OLD')}; END"
        )
