"""Sessions kept on the server: one row per sign-in, so signing out ends it for every copy of its cookies.

Before this step a session cookie named the account's `session_key`, which only a new password changed:
a cookie copied before "Log out" kept working. Sessions signed in before the upgrade end with it (their
cookies name no row), which is the safe side of the change: everyone signs in once more.
"""

from __future__ import annotations

from peewee import BooleanField, CharField, Database, DateTimeField, ForeignKeyField, Model


def up(db: Database) -> None:
    """Create user_sessions, referring to users (deleting an account deletes its sessions)."""

    class Base(Model):
        class Meta:
            database = db

    class User(Base):
        class Meta:
            table_name = "users"

    class UserSession(Base):
        key = CharField(max_length=64, primary_key=True)
        user = ForeignKeyField(User, on_delete="CASCADE")  # indexed: sign-outs of an account by user
        created_at = DateTimeField()
        remember = BooleanField()

        class Meta:
            table_name = "user_sessions"

    db.create_tables([UserSession])
