"""Ids never handed out twice, and the random values email links are bound to (issue 12).

On SQLite an INTEGER PRIMARY KEY without AUTOINCREMENT gives the next row the largest id in use plus
one, so deleting the newest account gave its id to the next one, and a link of the deleted account
(which named the user, the nudge or the rule by id) acted in the new one. SQLite can't add
AUTOINCREMENT to a table, so this step rebuilds each table with an integer id following SQLite's
12-step procedure (https://www.sqlite.org/lang_altertable.html#otheralter): foreign keys off (see
`FOREIGN_KEYS_OFF`, or dropping `users` would cascade and delete every log), a new table from the
old one's own CREATE statement plus AUTOINCREMENT, every row copied with its id, the old table dropped,
the new one renamed, and every index and trigger created again from its stored SQL. The triggers of
m0006 live on other tables too and name `users` in their bodies, so all triggers are set aside first and
restored last. PostgreSQL's sequences never go back; there this step only adds the two columns.

The columns: `users.token_key`, random per account, which every email link carries a piece of and is
checked against when the link is opened, so a link dies with its account; and `nudges.marker`, random
per nudge, which names the one-time actions of a nudge's email ("done:<marker>"), so a new nudge's links
are never "already used". Existing rows get random values from the database's own default.
"""

from __future__ import annotations

from peewee import Column, Database, PostgresqlDatabase, Table

FOREIGN_KEYS_OFF = True  # tracker/migrations/__init__.py: SQLite's foreign keys off during this step

# Every table with an integer id (logs use UUIDs; used_tokens and schema_version have given keys).
TABLES = (
    "users",
    "people",
    "api_tokens",
    "pauses",
    "reminder_rules",
    "nudges",
    "ladder_steps",
    "checkins",
    "practice_profiles",
)
SQLITE_COLUMNS = {
    "users": '"token_key" VARCHAR(32) NOT NULL DEFAULT (lower(hex(randomblob(16))))',
    "nudges": '"marker" VARCHAR(20) NOT NULL DEFAULT (lower(hex(randomblob(10))))',
}
# gen_random_uuid() (PostgreSQL 13+) draws from a strong random source; md5 only shapes it into hex.
POSTGRES_COLUMNS = {
    "users": "token_key VARCHAR(32) NOT NULL DEFAULT md5(gen_random_uuid()::text)",
    "nudges": "marker VARCHAR(20) NOT NULL DEFAULT left(md5(gen_random_uuid()::text), 20)",
}
ID_COLUMN = '"id" INTEGER NOT NULL PRIMARY KEY'


def up(db: Database) -> None:
    """Rebuild the tables with AUTOINCREMENT on SQLite; add the random columns on both engines."""
    if isinstance(db, PostgresqlDatabase):
        for table, column in POSTGRES_COLUMNS.items():
            db.execute_sql(f"ALTER TABLE {table} ADD COLUMN {column}")
        return
    if db.execute_sql("SELECT count(*) FROM sqlite_master WHERE type = 'view'").fetchone()[0]:
        raise RuntimeError("m0008 doesn't rebuild views; there were none when it was written")
    triggers = _schema(db, "trigger")
    for name, _ in triggers:
        db.execute_sql(f'DROP TRIGGER "{name}"')
    for table in TABLES:
        _rebuild(db, table, SQLITE_COLUMNS.get(table))
    for _, sql in triggers:
        db.execute_sql(sql)


def _schema(db: Database, kind: str, table: str | None = None) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the triggers or indexes (of one table), except SQLite's own."""
    query = "SELECT name, sql FROM sqlite_master WHERE type = ? AND sql IS NOT NULL"
    params: tuple = (kind,)
    if table is not None:
        query += " AND tbl_name = ?"
        params += (table,)
    return [tuple(row) for row in db.execute_sql(query + " ORDER BY name", params).fetchall()]


def _rebuild(db: Database, table: str, new_column: str | None) -> None:
    """Steps 4-8 of SQLite's procedure for one table: create, copy, drop, rename, index again."""
    (create,) = db.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    indexes = _schema(db, "index", table)
    columns = [row[1] for row in db.execute_sql(f'PRAGMA table_info("{table}")')]
    sql = _replace_once(create, f'CREATE TABLE "{table}" (', f'CREATE TABLE "new_{table}" (')
    sql = _replace_once(sql, ID_COLUMN, f"{ID_COLUMN} AUTOINCREMENT")
    if new_column:
        sql = _add_column(sql, new_column)
    db.execute_sql(sql)
    old, new = Table(table).bind(db), Table(f"new_{table}").bind(db)
    new.insert(
        old.select(*(Column(old, name) for name in columns)), columns=[Column(new, name) for name in columns]
    ).execute()
    db.execute_sql(f'DROP TABLE "{table}"')
    db.execute_sql(f'ALTER TABLE "new_{table}" RENAME TO "{table}"')
    for _, index in indexes:
        db.execute_sql(index)


def _replace_once(sql: str, old: str, new: str) -> str:
    """The statement with one exact change, refusing a schema that isn't the one m0001-m0007 made."""
    if sql.count(old) != 1:
        raise RuntimeError(f"unexpected schema, {old!r} not found once in {sql!r}")
    return sql.replace(old, new)


def _add_column(sql: str, column: str) -> str:
    """Add a column after the last column, before the table constraints (FOREIGN KEY …)."""
    constraints = sql.find(", FOREIGN KEY ")
    at = constraints if constraints >= 0 else sql.rstrip().rindex(")")
    return f"{sql[:at]}, {column}{sql[at:]}"
