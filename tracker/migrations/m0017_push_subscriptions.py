"""Web Push (issue 15): `push_subscriptions`, one row per browser that turned notifications on, each
rule's `channels` ("email" for every existing rule, so nothing changes for anyone), and `nudges.delivered`,
what a partly failed attempt already delivered. Creates one table and adds two columns with plain
ADD COLUMNs, so it applies whatever a step numbered before it did or didn't do.
"""

from __future__ import annotations

from peewee import SQL, CharField, Database, DateTimeField, ForeignKeyField, Model
from playhouse.migrate import SchemaMigrator, migrate

from tracker.migrations import NeverReusedId


def up(db: Database) -> None:
    """Create push_subscriptions (deleting an account deletes its devices); add the two columns."""

    class Base(Model):
        class Meta:
            database = db

    class User(Base):
        class Meta:
            table_name = "users"

    class PushSubscription(Base):
        id = NeverReusedId()
        user = ForeignKeyField(User, on_delete="CASCADE")  # indexed: a user's devices, every dispatch batch
        endpoint = CharField(max_length=2000, unique=True)
        p256dh = CharField(max_length=100)
        auth = CharField(max_length=40)
        label = CharField(max_length=60)
        expires_at = DateTimeField(null=True)
        created_at = DateTimeField()

        class Meta:
            table_name = "push_subscriptions"

    db.create_tables([PushSubscription])
    # NOT NULL with a SQL default in one ADD COLUMN (no table rebuild on SQLite, whose drop of the old
    # table would cascade), and PostgreSQL fills a constant default without rewriting the table.
    channels = CharField(max_length=16, default="email", constraints=[SQL("DEFAULT 'email'")])
    migrator = SchemaMigrator.from_database(db)
    migrate(
        migrator.add_column("reminder_rules", "channels", channels, allow_not_null=True),
        migrator.add_column("nudges", "delivered", CharField(max_length=200, null=True)),
    )
