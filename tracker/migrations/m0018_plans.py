"""If-then plans (issue 16): `plans`, a user's "When ___, I will ___" per kind. At most one active plan
per user and kind, held by a partial unique index (both engines have them), so two requests at once
can't leave two; earlier plans stay, inactive, for the export."""

from __future__ import annotations

from peewee import BooleanField, CharField, Database, DateTimeField, ForeignKeyField, Model

from tracker.migrations import NeverReusedId


def up(db: Database) -> None:
    """Create plans and its one-active-plan-per-kind index."""

    class Base(Model):
        class Meta:
            database = db

    class User(Base):
        class Meta:
            table_name = "users"

    class ReminderRule(Base):
        class Meta:
            table_name = "reminder_rules"

    class Plan(Base):
        id = NeverReusedId()
        user = ForeignKeyField(User, on_delete="CASCADE")
        kind = CharField(max_length=24)
        cue = CharField(max_length=200)
        action = CharField(max_length=200)
        # A cue that is a time: the reminder it was set with (the reminder may be deleted; the plan stays).
        rule = ForeignKeyField(ReminderRule, null=True, on_delete="SET NULL")
        active = BooleanField(default=True)
        created_at = DateTimeField()

        class Meta:
            table_name = "plans"

    db.create_tables([Plan])
    db.execute_sql("CREATE UNIQUE INDEX plans_one_active ON plans (user_id, kind) WHERE active")
