"""Personal access tokens for the JSON API (only a hash of each token is stored)."""

from __future__ import annotations

from peewee import AutoField, CharField, Database, DateTimeField, ForeignKeyField, Model


def up(db: Database) -> None:
    """Create api_tokens, referring to users."""

    class Base(Model):
        class Meta:
            database = db

    class User(Base):
        class Meta:
            table_name = "users"

    class ApiToken(Base):
        id = AutoField()
        user = ForeignKeyField(User, on_delete="CASCADE")
        name = CharField(max_length=60)
        token_hash = CharField(max_length=64, unique=True)
        created_at = DateTimeField()
        last_used_at = DateTimeField(null=True)

        class Meta:
            table_name = "api_tokens"

    db.create_tables([ApiToken])
