"""Bids met both ways (issue 16, item 2): `logs.bid`, how the user met someone else's bid for connection
on a `respond` log: turned "toward", "away" or "against" (Gottman). Every existing respond log was a bid
turned toward (the kind's label says so: "Turn toward a bid"), so it is backfilled "toward"; other kinds
stay NULL, as they answer no bid. Adds one nullable column with a plain ADD COLUMN and updates only
respond rows, so it applies whatever a step numbered before it did or didn't do.
"""

from __future__ import annotations

from peewee import CharField, Database
from playhouse.migrate import SchemaMigrator, migrate


def up(db: Database) -> None:
    """Add logs.bid (nullable, no table rebuild on SQLite) and mark the respond logs there were "toward"."""
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("logs", "bid", CharField(max_length=8, null=True)))
    db.execute_sql("UPDATE logs SET bid = 'toward' WHERE kind = 'respond'")
