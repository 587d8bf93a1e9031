"""The practice (issue 8): each user's ladder step per kind, the monthly check-in, the onboarding and
focus kinds, and a private "I don't feel safe with this person" flag on people."""

from __future__ import annotations

from peewee import (
    SQL,
    AutoField,
    BooleanField,
    CharField,
    Database,
    DateField,
    DateTimeField,
    ForeignKeyField,
    Model,
    SmallIntegerField,
)
from playhouse.migrate import SchemaMigrator, migrate

ITEM_KEYS = ("c1", "c2", "c3", "d1", "d2", "d3", "a1", "a2", "a3")


def up(db: Database) -> None:
    """Create ladder_steps, checkins and practice_profiles; add people.not_safe."""

    class Base(Model):
        class Meta:
            database = db

    class User(Base):
        class Meta:
            table_name = "users"

    class LadderStep(Base):
        id = AutoField()
        user = ForeignKeyField(User, on_delete="CASCADE")
        kind = CharField(max_length=24)
        step = SmallIntegerField(default=1)
        snoozed_until = DateField(null=True)
        updated_at = DateTimeField()

        class Meta:
            table_name = "ladder_steps"
            indexes = ((("user", "kind"), True),)

    class CheckIn(Base):
        id = AutoField()
        user = ForeignKeyField(User, on_delete="CASCADE")
        month = CharField(max_length=7)
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            table_name = "checkins"
            indexes = ((("user", "month"), True),)

    for key in ITEM_KEYS:
        CheckIn._meta.add_field(key, SmallIntegerField(null=True))

    class PracticeProfile(Base):
        id = AutoField()
        user = ForeignKeyField(User, on_delete="CASCADE", unique=True)
        focus_kinds = CharField(max_length=100, default="")
        onboarding_step = SmallIntegerField(default=0)
        onboarding_done_at = DateTimeField(null=True)
        created_at = DateTimeField()

        class Meta:
            table_name = "practice_profiles"

    db.create_tables([LadderStep, CheckIn, PracticeProfile])
    # NOT NULL with a SQL default in one ADD COLUMN, so SQLite doesn't rebuild `people` (see m0004).
    migrator = SchemaMigrator.from_database(db)
    migrate(
        migrator.add_column(
            "people",
            "not_safe",
            BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")]),
            allow_not_null=True,
        )
    )
