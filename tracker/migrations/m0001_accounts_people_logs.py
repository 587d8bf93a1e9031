"""Accounts, people and the action log."""

from __future__ import annotations

import uuid

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    Database,
    DateField,
    DateTimeField,
    ForeignKeyField,
    Model,
    SmallIntegerField,
    TextField,
    UUIDField,
)


def up(db: Database) -> None:
    """Create users, people and logs with their indexes."""

    class Base(Model):
        class Meta:
            database = db

    class User(Base):
        id = AutoField()
        email = CharField(max_length=254, unique=True)
        password_hash = CharField(max_length=255)
        timezone = CharField(max_length=64, default="UTC")
        weekly_target = SmallIntegerField(default=4)
        session_key = CharField(max_length=64, unique=True)
        created_at = DateTimeField()

        class Meta:
            table_name = "users"

    class Person(Base):
        id = AutoField()
        user = ForeignKeyField(User, on_delete="CASCADE")
        nickname = CharField(max_length=40)
        role = CharField(max_length=16)
        archived = BooleanField(default=False)
        created_at = DateTimeField()

        class Meta:
            table_name = "people"

    class Log(Base):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        user = ForeignKeyField(User, on_delete="CASCADE", index=False)
        kind = CharField(max_length=24)
        step = SmallIntegerField(null=True)
        person = ForeignKeyField(Person, null=True, on_delete="SET NULL")
        at = DateTimeField()
        local_date = DateField()
        before = SmallIntegerField(null=True)
        after = SmallIntegerField(null=True)
        response = CharField(max_length=16, null=True)
        note = TextField(null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            table_name = "logs"
            indexes = (
                (("user", "local_date"), False),
                (("user", "at"), False),
            )

    db.create_tables([User, Person, Log])
    # A nickname is unique per user whatever its case ("Sam" and "sam" are one person).
    db.execute_sql("CREATE UNIQUE INDEX people_user_nickname ON people (user_id, LOWER(nickname))")
