"""Reminders: rules with their next due instant, one nudge row per firing, spent email tokens, and the
user's verified address, pause switch and digest opt-in."""

from __future__ import annotations

from peewee import (
    SQL,
    AutoField,
    BooleanField,
    CharField,
    Database,
    DateTimeField,
    ForeignKeyField,
    Model,
    SmallIntegerField,
    TimeField,
)
from playhouse.migrate import SchemaMigrator, migrate


def up(db: Database) -> None:
    """Create reminder_rules, nudges and used_tokens; add three columns to users."""

    class Base(Model):
        class Meta:
            database = db

    class User(Base):
        class Meta:
            table_name = "users"

    class ReminderRule(Base):
        id = AutoField()
        user = ForeignKeyField(User, on_delete="CASCADE")
        purpose = CharField(max_length=8, default="nudge")
        days = SmallIntegerField(default=127)
        local_time = TimeField()
        kind = CharField(max_length=24, null=True)
        enabled = BooleanField(default=True)
        next_due_at = DateTimeField(null=True, index=True)
        created_at = DateTimeField()

        class Meta:
            table_name = "reminder_rules"

    class Nudge(Base):
        id = AutoField()
        rule = ForeignKeyField(ReminderRule, on_delete="CASCADE", index=False)
        due_at = DateTimeField()
        status = CharField(max_length=8)
        attempts = SmallIntegerField(default=0)
        next_attempt_at = DateTimeField(null=True, index=True)
        sent_at = DateTimeField(null=True)
        error = CharField(max_length=200, null=True)
        response = CharField(max_length=12, null=True)
        created_at = DateTimeField()

        class Meta:
            table_name = "nudges"
            indexes = ((("rule", "due_at"), True),)

    class UsedToken(Base):
        jti = CharField(max_length=32, primary_key=True)
        user = ForeignKeyField(User, on_delete="CASCADE")
        purpose = CharField(max_length=12)
        used_at = DateTimeField()

        class Meta:
            table_name = "used_tokens"

    db.create_tables([ReminderRule, Nudge, UsedToken])
    # NOT NULL with a SQL default in one ADD COLUMN: playhouse's usual add-then-set-NOT-NULL would
    # rebuild `users` on SQLite, and dropping the old table would cascade-delete every log.
    migrator = SchemaMigrator.from_database(db)
    migrate(
        migrator.add_column("users", "email_verified_at", DateTimeField(null=True)),
        migrator.add_column("users", "reminders_paused", _flag(), allow_not_null=True),
        migrator.add_column("users", "digest_opt_in", _flag(), allow_not_null=True),
    )


def _flag() -> BooleanField:
    """A boolean column that existing rows read as false."""
    return BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])
