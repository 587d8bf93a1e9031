"""Pauses: date ranges a user set aside (illness, travel, grief), counted as rest days."""

from __future__ import annotations

from peewee import AutoField, CharField, Database, DateField, DateTimeField, ForeignKeyField, Model


def up(db: Database) -> None:
    """Create pauses, referring to users, indexed by user."""

    class Base(Model):
        class Meta:
            database = db

    class User(Base):
        class Meta:
            table_name = "users"

    class Pause(Base):
        id = AutoField()
        user = ForeignKeyField(User, on_delete="CASCADE")
        start_date = DateField()
        end_date = DateField()
        reason = CharField(max_length=200, null=True)
        created_at = DateTimeField()

        class Meta:
            table_name = "pauses"

    db.create_tables([Pause])
