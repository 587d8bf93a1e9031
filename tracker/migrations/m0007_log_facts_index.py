"""A covering index for the queries that read many logs at once.

A user's history (month, year and day pages, the summary API, the digest) and the dispatcher's
"already logged that day?" and ladder-step checks select a few columns of every log of some users.
Logs are written day by day across all users, so one user's year lies on about 150 heap pages spread
over the whole table, and the index on (user, local date) alone made each of those queries visit every
one of them. This index has the same keys and carries the columns those queries read, so PostgreSQL
answers them from the index alone (an index-only scan). It replaces the old index: every query that
used that one can use this one.

Among 100,000 users with a year of logs each (tests/benchmarks/test_scale_pg.py), the ladder-step
query for a dispatch batch of 250 users reads about 3,000 pages instead of 35,000 (0.1-0.3 s instead
of 2-3.5 s from a cold cache), and one user's history query takes under 1 ms instead of 11-13 ms.

On a large existing table, build it first without blocking writes, under the same name (this step
then only drops the old index):
    CREATE INDEX CONCURRENTLY log_user_id_local_date_facts ON logs (user_id, local_date)
        INCLUDE (kind, step, person_id, "before", "after", response);
"""

from __future__ import annotations

from peewee import Database, PostgresqlDatabase

NAME = "log_user_id_local_date_facts"
KEYS = ("user_id", "local_date")
CARRIED = ("kind", "step", "person_id", "before", "after", "response")


def up(db: Database) -> None:
    """Create the covering index, then drop the (user, local date) index it replaces."""
    keys = ", ".join(f'"{column}"' for column in KEYS)
    carried = ", ".join(f'"{column}"' for column in CARRIED)
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(f"CREATE INDEX IF NOT EXISTS {NAME} ON logs ({keys}) INCLUDE ({carried})")
    else:
        # SQLite has no INCLUDE; trailing key columns make an index covering all the same.
        db.execute_sql(f"CREATE INDEX IF NOT EXISTS {NAME} ON logs ({keys}, {carried})")
    db.execute_sql("DROP INDEX IF EXISTS log_user_id_local_date")
