"""Fresh starts (issue 16, item 3): after a quiet week, one gentle email on the next Monday or 1st.

- `users.fresh_start`: the opt-in, true by default and for every existing account. It only ever reaches
  people who set a reminder and confirmed their address, so "on" adds at most one email per lapse to
  what they already asked for; Settings turns it off.
- `users.fresh_greeted`: the landmark day (the user's local date) the last fresh-start email went out,
  NULL until one has. A lapse is already greeted when this is after the last log's date, so the next
  Monday of the same lapse sends nothing.

Plain ADD COLUMNs on both engines (one statement each, no table rebuild: on SQLite a rebuild of `users`
would cascade); touches nothing else, so it applies whatever step 19 (another branch) does or doesn't do.
"""

from __future__ import annotations

from peewee import Database


def up(db: Database) -> None:
    """Add the two columns; a constant default fills existing rows without rewriting a PostgreSQL table."""
    db.execute_sql("ALTER TABLE users ADD COLUMN fresh_start BOOLEAN NOT NULL DEFAULT TRUE")
    db.execute_sql("ALTER TABLE users ADD COLUMN fresh_greeted DATE")
