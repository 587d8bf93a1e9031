"""Scale on PostgreSQL (issue 7): 100,000 users with a year of history each (about 15 million logs).

The generator fills a database of its own (`secure_base_scale`, schema from the app's migrations)
with server-side `INSERT … SELECT` over `generate_series` (a COPY fed by a Python generator took four
times as long here, most of it Python building rows), a day at a time on two connections, so the logs
lie in the heap in the order they were written: a user's year is spread over the table, as in
production, not packed into a few pages. The big tables' indexes are dropped for the load and built
from their own definitions afterwards; triggers don't fire during the load (see `_connect`); VACUUM
ANALYZE then sets the statistics and the visibility map, as autovacuum does on a live table.

Then, for 200 random users: the month page's two queries (through `load_history`, as the app runs
them) and `GET /api/v1/summary` end to end with an API token; and one dispatch pass with 10,000 rules
due among 100,000, into a file outbox (rendering and bookkeeping, no network). Each figure sits beside
the same measurement on a 1,000-user database built by the same generator in the same run, and the
EXPLAIN (ANALYZE, BUFFERS) of every query those sent must show no sequential scan of a big table.

Needs TEST_DATABASE_URL as a superuser (it skips otherwise). SCALE_USERS changes the size; SCALE_KEEP=1
keeps the database after the run and reuses it next time (rules and nudges put back, the run's tokens
deleted), for poking at it with psql; drop it with `DROP DATABASE secure_base_scale`.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import random
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg2
import pytest
from flask import Flask
from peewee import Database

from tests.benchmarks import report
from tracker import create_app, queries
from tracker.insights import month_days
from tracker.kinds import KINDS, RESPONSES, ROLES
from tracker.migrations import m0021_log_days
from tracker.models import ApiToken, ReminderRule, User, database
from tracker.nudges import Tally
from tracker.scheduler import run_once
from tracker.security import new_api_token

USERS = int(os.environ.get("SCALE_USERS", "100000"))
REFERENCE_USERS = 1_000
KEEP = os.environ.get("SCALE_KEEP") == "1"
LOGS_PER_YEAR = 150
SAMPLE = 200
DUE_EVERY = 10  # one user in ten has a rule due at DUE: 10,000 among 100,000
NUDGE_DAYS = 7
NOW = datetime(2026, 5, 13, 10, 30, tzinfo=UTC)
DUE = datetime(2026, 5, 13, 16, 0, tzinfo=UTC)
SINCE = NOW - timedelta(days=365)
ZONES = ("Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Kolkata", "Asia/Tokyo", "UTC")
NICKNAMES = ("Sam", "Alex", "Mum", "Jo", "Robin", "Kim", "Ana", "Lee")
NOTES = (
    "Felt nervous, did it anyway; it went better than I feared.",
    "Short and kind.",
    "They asked how I was, and I told them.",
)
WORKERS = 2
# This benchmark may take about 8 of `make bench`'s 20 minutes: 6 to load, 2 to measure.
LOAD_BUDGET_SECONDS = 360
DISPATCH_BUDGET_SECONDS = 60  # a pass must end before the scheduler's next minute
SCALE_RATIO_BUDGET = 3.0  # a user's reads on 100,000 users at most 3x the same on 1,000
DEFERRED_TABLES = ("people", "nudges", "logs")  # the big ones: their indexes are built after the load
WATCHED_TABLES = {"logs", "users", "reminder_rules", "nudges"}  # never read whole, whatever the size

# --- The generator: plain SQL, parameters by name -------------------------------------------------

USERS_SQL = """
INSERT INTO users (id, email, password_hash, timezone, weekly_target, session_key, created_at,
                   email_verified_at, reminders_paused, digest_opt_in)
SELECT n, 'scale' || n || '@example.com', '-', (%(zones)s::text[])[1 + n %% cardinality(%(zones)s::text[])],
       3 + n %% 3, md5('session-' || n), %(since)s,
       CASE WHEN n %% 20 <> 7 THEN %(since)s END,  -- one in twenty never confirmed the address
       n %% 50 = 9, false
FROM generate_series(1, %(users)s) AS n
"""

PEOPLE_SQL = """
INSERT INTO people (user_id, nickname, role, archived, created_at, not_safe)
SELECT n, (%(names)s::text[])[k], (%(roles)s::text[])[1 + (n + k) %% cardinality(%(roles)s::text[])],
       k = 8, %(since)s, false
FROM generate_series(1, %(users)s) AS n, generate_series(1, 3 + (n * 7) %% 6) AS k
"""

# What each day's insert picks from: a user's zone and people (an unlogged table, dropped after).
GENERATOR_SQL = """
CREATE UNLOGGED TABLE scale_generator AS
SELECT u.id, u.timezone, array_agg(p.id ORDER BY p.id) AS people
FROM users u JOIN people p ON p.user_id = u.id
GROUP BY u.id
"""

# One day of logs: each user logs that day with probability 150/365; ids are random UUIDs, as the
# app's own (uuid4), so the primary key is as scattered as in production.
DAY_OF_LOGS_SQL = """
INSERT INTO logs (id, user_id, kind, step, person_id, at, local_date, before, after, response, note,
                  created_at, updated_at)
SELECT gen_random_uuid(), id, kind, step, person, at,
       (at AT TIME ZONE 'UTC' AT TIME ZONE timezone)::date, before, after, response, note, at, at
FROM (
    SELECT g.id, g.timezone,
           (%(kinds)s::text[])[1 + floor(random() * cardinality(%(kinds)s::text[]))::int] AS kind,
           CASE WHEN random() < 0.6 THEN 1 + floor(random() * 3)::int END AS step,
           CASE WHEN random() < 0.7 THEN g.people[1 + floor(random() * cardinality(g.people))::int] END
               AS person,
           %(since)s::timestamp + (%(day)s + random()) * interval '1 day' AS at,
           CASE WHEN random() < 0.7 THEN floor(random() * 11)::int END AS before,
           CASE WHEN random() < 0.7 THEN floor(random() * 11)::int END AS after,
           CASE WHEN random() < 0.6
                THEN (%(responses)s::text[])[1 + floor(random() * cardinality(%(responses)s::text[]))::int]
           END AS response,
           CASE WHEN random() < 0.25
                THEN (%(notes)s::text[])[1 + floor(random() * cardinality(%(notes)s::text[]))::int]
           END AS note
    FROM scale_generator g
    WHERE random() < %(share)s
) AS day
"""

# One user in five has an API token for their scripts: the lookup by hash runs among them.
API_TOKENS_SQL = """
INSERT INTO api_tokens (user_id, name, token_hash, created_at)
SELECT n, 'script', encode(sha256(convert_to(gen_random_uuid()::text, 'UTF8')), 'hex'), %(since)s
FROM generate_series(1, %(users)s) AS n
WHERE n %% 5 = 1
"""

PAUSES_SQL = """
INSERT INTO pauses (user_id, start_date, end_date, reason, created_at)
SELECT n, %(today)s::date - n %% 300, %(today)s::date - n %% 300 + n %% 9, 'travel', %(since)s
FROM generate_series(1, %(users)s) AS n
WHERE n %% 10 = 3
"""

# Each user's rule is due at DUE (one in ten) or in one of the following 1,439 minutes; its local
# time is that instant in the user's zone, so the dispatcher moves it on to the same time tomorrow.
RULES_SQL = """
INSERT INTO reminder_rules (user_id, purpose, days, local_time, kind, enabled, next_due_at, created_at)
SELECT id, 'nudge', 127, (due AT TIME ZONE 'UTC' AT TIME ZONE timezone)::time,
       CASE WHEN id %% 3 <> 0 THEN (%(kinds)s::text[])[1 + id %% cardinality(%(kinds)s::text[])] END,
       true, due, %(since)s
FROM (
    SELECT id, timezone,
           %(due)s::timestamp
           + CASE WHEN id %% %(due_every)s = 0 THEN 0 ELSE 1 + (id * 7919) %% 1439 END * interval '1 minute'
           AS due
    FROM users
) AS u
"""

# A week of past firings per rule, settled: the nudges table a live dispatcher works against.
NUDGES_SQL = """
INSERT INTO nudges (rule_id, due_at, status, attempts, next_attempt_at, sent_at, error, created_at)
SELECT r.id, r.next_due_at - d * interval '1 day', CASE WHEN d %% 3 = 0 THEN 'skipped' ELSE 'sent' END,
       1, NULL, CASE WHEN d %% 3 <> 0 THEN r.next_due_at - d * interval '1 day' END,
       CASE WHEN d %% 3 = 0 THEN 'done' END, r.next_due_at - d * interval '1 day'
FROM reminder_rules AS r, generate_series(1, %(nudge_days)s) AS d
"""

# A dispatch pass moves rules on; each run puts them back where the load left them.
FIRST_DUE_SQL = "CREATE TABLE scale_first_due AS SELECT id, next_due_at FROM reminder_rules"
RESET_RULES_SQL = """
UPDATE reminder_rules AS r SET next_due_at = f.next_due_at
FROM scale_first_due AS f
WHERE f.id = r.id AND r.next_due_at IS DISTINCT FROM f.next_due_at
"""


@dataclass
class Step:
    """One part of the load: what, how many rows, how long."""

    what: str
    rows: int | None  # None for a step that writes no rows (an index build)
    seconds: float


def _connect(url: str, loading: bool = False):
    """A connection for bulk work: autocommit, no waiting for the WAL flush, room to sort.

    `loading`: no triggers fire, neither foreign-key checks nor the app's own (m0021 sums each log up
    into log_days), as in pg_restore --disable-triggers. The generated rows satisfy the keys by
    construction (user ids come from users, a log's person from that user's people), and `load` fills
    log_days after the logs in one statement.
    """
    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '1GB'")
        if loading:
            cur.execute("SET session_replication_role = replica")
    return connection


def _params(users: int) -> dict:
    return {
        "users": users,
        "zones": list(ZONES),
        "names": list(NICKNAMES),
        "roles": list(ROLES),
        "kinds": [kind.key for kind in KINDS],
        "responses": list(RESPONSES),
        "notes": list(NOTES),
        "since": SINCE.replace(tzinfo=None),
        "today": NOW.date(),
        "due": DUE.replace(tzinfo=None),
        "share": LOGS_PER_YEAR / 365,
        "due_every": DUE_EVERY,
        "nudge_days": NUDGE_DAYS,
    }


def _in_parallel(url: str, statements: list[tuple[str, dict | None]]) -> int:
    """Run the statements on WORKERS loading connections, in order of the list; the rows they touched."""
    work: queue.Queue = queue.Queue()
    for statement in statements:
        work.put(statement)
    counts, errors = [], []

    def worker() -> None:
        connection = _connect(url, loading=True)
        try:
            with connection.cursor() as cur:
                while True:
                    try:
                        sql, params = work.get_nowait()
                    except queue.Empty:
                        return
                    cur.execute(sql, params)
                    counts.append(max(cur.rowcount, 0))
        except Exception as exc:  # re-raised below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return sum(counts)


@dataclass
class Deferred:
    """The indexes of the bulk-loaded tables: dropped before the load, rebuilt from their definitions."""

    drops: list[str] = field(default_factory=list)
    builds: list[str] = field(default_factory=list)
    attach: list[str] = field(default_factory=list)


def _deferred(cur) -> Deferred:
    """Every index of DEFERRED_TABLES that no foreign key relies on, as statements that rebuild it.

    Building an index once over sorted rows is far cheaper than 15 million inserts into it (the
    logs' primary key takes random UUIDs). A primary key is rebuilt as a unique index, so it builds
    alongside the others, then attached as the constraint, which is instant.
    """
    deferred = Deferred()
    cur.execute(
        "SELECT i.indrelid::regclass::text, c.relname, pg_get_indexdef(i.indexrelid), i.indisprimary "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = i.indexrelid)",
        (list(DEFERRED_TABLES),),
    )
    for table, name, definition, primary in cur.fetchall():
        deferred.builds.append(definition)  # CREATE [UNIQUE] INDEX name ON table ...
        if primary:
            deferred.drops.append(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            deferred.attach.append(f'ALTER TABLE {table} ADD PRIMARY KEY USING INDEX "{name}"')
        else:
            deferred.drops.append(f'DROP INDEX "{name}"')
    # The logs' (the biggest) first, so the connections finish about together.
    deferred.builds.sort(key=lambda statement: "logs" not in statement)
    return deferred


def load(url: str, users: int) -> list[Step]:
    """Fill an empty, migrated database with `users` users and a year of their history."""
    params = _params(users)
    steps: list[Step] = []
    connection = _connect(url, loading=True)
    cur = connection.cursor()

    def timed(what: str, statements: list, counted: bool = True, parallel: bool = False) -> None:
        """Run (sql, params) statements as one step, on WORKERS connections at once if `parallel`."""
        started = time.perf_counter()
        if parallel:
            touched = _in_parallel(url, statements)
        else:
            touched = 0
            for statement in statements:
                cur.execute(*statement)
                touched += max(cur.rowcount, 0)
        steps.append(Step(what, touched if counted else None, _since(started)))

    try:
        deferred = _deferred(cur)
        for statement in deferred.drops:
            cur.execute(statement)
        timed("users", [(USERS_SQL, params)])
        cur.execute("SELECT setval('users_id_seq', %(users)s)", params)
        timed("people", [(PEOPLE_SQL, params)])
        timed("pauses", [(PAUSES_SQL, params)])
        timed("API tokens", [(API_TOKENS_SQL, params)])
        timed("reminder rules", [(RULES_SQL, params)])
        cur.execute(FIRST_DUE_SQL)
        timed(f"nudges (the last {NUDGE_DAYS} days' firings)", [(NUDGES_SQL, params)])
        cur.execute(GENERATOR_SQL)
        days = [(DAY_OF_LOGS_SQL, {**params, "day": day}) for day in range(365)]
        timed(f"logs (a day a statement, {WORKERS} connections)", days, parallel=True)
        cur.execute("DROP TABLE scale_generator")
        # Triggers don't fire during the load: each user's days are summed up once, as m0021 fills them.
        timed("log_days (each user's days summed up from the logs)", [(m0021_log_days.FILL, None)])
        builds = [(statement, None) for statement in deferred.builds]
        what = f"{len(builds)} indexes of people, nudges and logs built ({WORKERS} connections)"
        timed(what, builds, counted=False, parallel=True)
        for statement in deferred.attach:
            cur.execute(statement)
        timed("VACUUM ANALYZE", [("VACUUM ANALYZE", None)], counted=False)
    finally:
        connection.close()
    return steps


def _since(started: float) -> float:
    return time.perf_counter() - started


# --- Databases of the run's own ----------------------------------------------------------------


def _url(base: str, name: str) -> str:
    return base.rsplit("/", 1)[0] + f"/{name}"


def _loaded_note(users: int) -> str:
    return f"secure base scale benchmark: {users} users loaded"


@contextmanager
def _database(base: str, name: str, users: int, keep: bool) -> Iterator[tuple[str, list[Step]]]:
    """A migrated database filled by `load` (or, with `keep`, the one a kept run left); dropped after."""
    admin = psycopg2.connect(base)
    admin.autocommit = True
    url = _url(base, name)
    with admin.cursor() as cur:
        cur.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", (name,)
        )
        found = cur.fetchone()
        reuse = keep and found is not None and found[0] == _loaded_note(users)
        if not reuse:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{name}"')
    try:
        _bind(url)  # applies the app's migrations
        database.close()
        steps = [] if reuse else load(url, users)
        with admin.cursor() as cur:
            cur.execute(f"COMMENT ON DATABASE \"{name}\" IS '{_loaded_note(users)}'")
        _reset(url)
        _run(url, ("DELETE FROM api_tokens WHERE name = 'scale'", None))  # a kept run's
        yield url, steps
    finally:
        database.close()
        if not keep:
            with admin.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _reset(url: str) -> None:
    """Every rule back to its first due instant and only the loaded nudges: a pass starts here."""
    _run(
        url,
        ("DELETE FROM nudges WHERE created_at >= %s", (DUE.replace(tzinfo=None),)),
        (RESET_RULES_SQL, None),
    )


def _run(url: str, *statements: tuple[str, tuple | None]) -> None:
    """Run statements on a connection of their own."""
    connection = _connect(url)
    try:
        with connection.cursor() as cur:
            for sql, params in statements:
                cur.execute(sql, params)
    finally:
        connection.close()


def _bind(url: str, outbox: Path | None = None) -> Flask:
    """An app on that database (the models' proxy now points there), its clock stopped at NOW."""
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "scale",
            "MAIL_URL": f"file://{outbox}" if outbox else "memory://",
            "CLOCK": lambda: NOW,
            "RATELIMIT_ENABLED": False,
        }
    )


@pytest.fixture(scope="module")
def server() -> str:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("The PostgreSQL scale benchmark needs TEST_DATABASE_URL (it loads 15 million logs)")
    connection = psycopg2.connect(base)
    with connection.cursor() as cur:
        cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cur.fetchone()[0]
    connection.close()
    if not superuser:
        pytest.skip("The PostgreSQL scale benchmark loads with triggers off, which takes a superuser")
    return base


@pytest.fixture(scope="module")
def scale(server) -> Iterator[tuple[str, list[Step]]]:
    """USERS users with a year of history each."""
    name = "secure_base_scale" if USERS == 100_000 else f"secure_base_scale_{USERS}"
    with _database(server, name, USERS, KEEP) as loaded:
        yield loaded


@pytest.fixture(scope="module")
def reference(server) -> Iterator[str]:
    """The same generator at REFERENCE_USERS users: what each figure is compared with."""
    with _database(server, "secure_base_scale_reference", REFERENCE_USERS, keep=False) as (url, _):
        yield url


# --- Measuring -----------------------------------------------------------------------------------


class _Statements(logging.Handler):
    """Peewee's DEBUG log of each statement it sends: (sql, params)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.sent: list[tuple[str, tuple]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "peewee" and isinstance(record.msg, tuple):  # not peewee.pool's news
            sql, params = record.msg
            self.sent.append((sql, tuple(params or ())))


@contextmanager
def _capture() -> Iterator[list[tuple[str, tuple]]]:
    """The statements sent inside the block (kept from pytest's log capture, which would format each)."""
    logger, handler = logging.getLogger("peewee"), _Statements()
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.addHandler(handler)
    try:
        yield handler.sent
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def _sample(users: int) -> tuple[list[int], list[int]]:
    """SAMPLE random users to measure, and ten others to warm up with."""
    picked = random.Random(7).sample(range(1, users + 1), SAMPLE + 10)
    return picked[10:], picked[:10]


@dataclass
class Reads:
    """Per-user timings (seconds) on one database, and the statements of one summary request."""

    round_trip: list[float] = field(default_factory=list)
    month_queries: list[float] = field(default_factory=list)
    summary: list[float] = field(default_factory=list)
    statements: list[tuple[str, tuple]] = field(default_factory=list)


@dataclass
class Side:
    """One database of the comparison: its app, its users and their API tokens."""

    app: Flask
    db: Database
    measured: list[User]
    warm_up: list[User]
    tokens: dict[int, str]
    reads: Reads

    def use(self) -> None:
        """Point the models at this side's database."""
        database.initialize(self.db)


def _side(url: str, population: int) -> Side:
    """An app on the database, its sampled users and a fresh API token for each."""
    app = _bind(url)
    side = Side(app, database.obj, [], [], {}, Reads())  # the database create_app opened
    measured, warm_up = _sample(population)
    with side.db.connection_context():
        found = {user.id: user for user in User.select().where(User.id.in_(measured + warm_up))}
        side.measured, side.warm_up = [found[n] for n in measured], [found[n] for n in warm_up]
        for user in side.measured + side.warm_up:
            side.tokens[user.id], digest = new_api_token()
            ApiToken.create(user=user, name="scale", token_hash=digest)
    return side


def _reads(url: str, reference_url: str) -> tuple[Reads, Reads]:
    """SELECT 1, the month page's two queries and GET /api/v1/summary for SAMPLE random users of each
    database, alternating between them, so both see the same moments of a busy machine."""
    sides = (_side(url, USERS), _side(reference_url, REFERENCE_USERS))
    with pytest.MonkeyPatch.context() as patch:
        # load_history as the month page runs it, minus the pure insights: just its queries (the logs
        # the page lists, every date with a log, the pauses), answering what they read.
        patch.setattr(
            queries, "build_history", lambda logs, profile, today, pauses, active, **_: (logs, active)
        )
        for side in sides:
            side.use()
            with side.app.app_context(), side.db.connection_context():
                for user in side.warm_up:  # the connection's catalog caches
                    _month_history(user)
        for index in range(SAMPLE):
            for side in sides:
                side.use()
                with side.app.app_context(), side.db.connection_context():
                    _time_month_queries(side, side.measured[index])
    for side in sides:
        side.use()
        with _capture() as statements:
            _summary(side, side.warm_up[0])
        side.reads.statements = list(statements)
        for user in side.warm_up[1:]:
            _summary(side, user)
    for index in range(SAMPLE):
        for side in sides:
            side.use()
            started = time.perf_counter()
            response = _summary(side, side.measured[index])
            side.reads.summary.append(_since(started))
            assert response.status_code == 200 and response.json["month"] == "2026-05"
    for side in sides:
        getattr(side.db, "close_all", side.db.close)()  # a pool's connections too
    return sides[0].reads, sides[1].reads


def _time_month_queries(side: Side, user: User) -> None:
    """A SELECT 1 round trip, then the month page's load_history queries, on the side's open connection."""
    started = time.perf_counter()
    database.execute_sql("SELECT 1").fetchone()
    side.reads.round_trip.append(_since(started))
    started = time.perf_counter()
    logs, active = _month_history(user)
    side.reads.month_queries.append(_since(started))
    assert logs and len(active) > LOGS_PER_YEAR // 3  # the month's logs, the year's days with logs


def _month_history(user: User):
    """load_history as the month page calls it (with build_history patched to answer what it read)."""
    today = queries.user_today(user)
    days = month_days(today.year, today.month)
    return queries.load_history(user, today, (days[0], days[-1]), listed=True)


def _summary(side: Side, user: User):
    """GET /api/v1/summary as the user's script would (the first time: not in the page cache)."""
    headers = {"Authorization": f"Bearer {side.tokens[user.id]}"}
    return side.app.test_client().get("/api/v1/summary", headers=headers)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


@dataclass
class Dispatched:
    """One dispatch pass: what it did, how long it took, and the statements it sent."""

    rules: int
    tally: Tally
    seconds: float
    statements: list[tuple[str, tuple]]


def _dispatch(url: str, outbox: Path) -> Dispatched:
    """One timed pass at DUE (a tenth of the rules due) into a file outbox, then the rules put back."""
    _reset(url)
    app = _bind(url, outbox)
    with app.app_context(), database.connection_context():
        rules = ReminderRule.select().count()
    database.close()
    with _capture() as statements:
        started = time.perf_counter()
        tally = run_once(app, DUE + timedelta(seconds=1))
        seconds = _since(started)
    assert len(list(outbox.glob("*.eml"))) == tally.sent
    _reset(url)
    return Dispatched(rules, tally, seconds, statements)


# --- Query plans ----------------------------------------------------------------------------------

# The statements whose plans matter, told apart by their text: (label, pattern of the SQL).
PLANNED = (
    ("month page: logs with their person", r'^SELECT "t1"\."local_date".* FROM "logs" .*JOIN "people"'),
    ("month page: pauses", r'^SELECT "t1"\."start_date", "t1"\."end_date" FROM "pauses" .*= %s'),
    ("summary: every date with a log (log_days)", r'^SELECT "t1"\."local_date".* FROM "log_days"'),
    ("API: token lookup", r"^SELECT .* FROM \"?api_tokens\"? .*token_hash\"? = %s"),
    ("dispatch: due rules and retries", r"^\(SELECT 'r', .*UNION ALL"),
    ("dispatch: claim the due rules (with users)", r'^SELECT .* FROM "reminder_rules" .*JOIN "users"'),
    ("dispatch: already logged that day?", r'^SELECT "t1"\."user_id", "t1"\."local_date", "t1"\."kind"'),
    ("dispatch: paused that day?", r'^SELECT "t1"\."user_id", "t1"\."start_date"'),
    ("dispatch: ladder steps", r'^SELECT "t1"\."user_id", "t1"\."kind", "t1"\."step" FROM "ladder_steps"'),
    ("dispatch: nudge claim (insert, unique row)", r'^INSERT INTO "nudges"'),
    ("dispatch: move the rules on", r'^UPDATE "reminder_rules" SET "next_due_at"'),
    ("dispatch: mark sent", r'^UPDATE "nudges" SET "status"'),
)


@dataclass
class Plan:
    label: str
    top: str
    scans: list[str]
    rows: int
    milliseconds: float
    buffers: str

    @property
    def seq_scans(self) -> list[str]:
        """Sequential scans of the tables that grow with the users."""
        return [scan for scan in self.scans if scan.removeprefix("Seq Scan on ") in WATCHED_TABLES]


def _nodes(node: dict) -> Iterator[dict]:
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)


def _node(node: dict) -> str:
    """A plan node as EXPLAIN's text form starts it, e.g. "Index Scan using x on logs"."""
    text = node["Operation"] if node["Node Type"] == "ModifyTable" else node["Node Type"]  # "Insert"
    if "Index Name" in node:
        text += f" using {node['Index Name']}"
    if "Relation Name" in node:
        text += f" on {node['Relation Name']}"
    if "Conflict Arbiter Indexes" in node:
        text += f" (on conflict: {', '.join(node['Conflict Arbiter Indexes'])})"
    return text


def _explain(label: str, sql: str, params: tuple) -> Plan:
    """EXPLAIN (ANALYZE, BUFFERS) of a statement, in a transaction rolled back (writes leave nothing)."""
    with database.atomic() as transaction:
        cursor = database.execute_sql(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
        found = cursor.fetchone()[0]
        transaction.rollback()
    explained = (json.loads(found) if isinstance(found, str) else found)[0]
    root = explained["Plan"]
    buffers = f"hit {root.get('Shared Hit Blocks', 0)}, read {root.get('Shared Read Blocks', 0)}"
    # A write without RETURNING passes no rows up: count those its scan found.
    counted = root["Plans"][0] if root["Node Type"] == "ModifyTable" else root
    return Plan(
        label,
        _node(root),
        [_node(node) for node in _nodes(root) if "Relation Name" in node or "Index Name" in node],
        counted.get("Actual Rows", 0),
        explained["Execution Time"],
        buffers,
    )


def _plans(statements: list[tuple[str, tuple]]) -> list[Plan]:
    """The plan of the first statement of each PLANNED kind among those sent (run again, rolled back)."""
    plans = []
    for label, pattern in PLANNED:
        for sql, params in statements:
            if re.search(pattern, sql, re.DOTALL):
                plans.append(_explain(label, sql, params))
                break
    return plans


# --- The benchmarks ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reads(scale, reference) -> tuple[Reads, Reads]:
    """The per-user reads on the big database and on the reference one."""
    return _reads(scale[0], reference)


@pytest.fixture(scope="module")
def dispatched(scale, reference, tmp_path_factory) -> tuple[Dispatched, Dispatched]:
    """One dispatch pass on each database."""
    big = _dispatch(scale[0], tmp_path_factory.mktemp("outbox"))
    small = _dispatch(reference, tmp_path_factory.mktemp("outbox-reference"))
    return big, small


def test_loading_a_hundred_thousand_users_takes_minutes(scale):
    _, steps = scale
    if not steps:
        pytest.skip("SCALE_KEEP=1 reused the database a kept run loaded: nothing was loaded this time")
    total = sum(step.seconds for step in steps)
    table = report.record(
        report.Table(
            f"Scale on PostgreSQL: loading {USERS:,} users",
            "Server-side INSERT … SELECT over generate_series into a fresh, migrated database, triggers "
            "off (rows valid by construction); the big tables' indexes built after the load; VACUUM "
            "ANALYZE at the end. The share is of the whole load's time.",
            ["step", "rows", "seconds", "rows a second", "share"],
        )
    )
    for step in steps:
        if step.rows is None:
            table.add(step.what, "-", f"{step.seconds:.1f}", "-", f"{step.seconds / total:.0%}")
        else:
            rate = f"{step.rows / step.seconds:,.0f}"
            table.add(step.what, f"{step.rows:,}", f"{step.seconds:.1f}", rate, f"{step.seconds / total:.0%}")
    rows = sum(step.rows or 0 for step in steps)
    table.add("**total**", f"{rows:,}", f"{total:.1f}", f"{rows / total:,.0f}", "100%")
    met = total < LOAD_BUDGET_SECONDS
    table.verdict = (
        f"Budget {'met' if met else 'NOT met'}: loaded in {total:.0f} s "
        f"(budget {LOAD_BUDGET_SECONDS} s, so this benchmark takes about 8 of `make bench`'s 20 minutes)."
    )
    assert met, table.verdict


def test_a_users_reads_cost_about_the_same_among_a_hundred_thousand(reads):
    big, small = reads
    table = report.record(
        report.Table(
            f"Scale on PostgreSQL: one user's reads among {USERS:,}",
            f"{SAMPLE} random users each (a year of about {LOGS_PER_YEAR} logs): the month page's two "
            "queries through load_history on one connection, and GET /api/v1/summary end to end "
            "through the Flask test client with an API token (the first, uncached request of each "
            f"user), alternating between the databases. The reference is the same on "
            f"{REFERENCE_USERS:,} users, built by the same generator in the same run.",
            [
                "measurement",
                f"median at {USERS:,}",
                f"p95 at {USERS:,}",
                f"median at {REFERENCE_USERS:,}",
                f"p95 at {REFERENCE_USERS:,}",
                "median ratio",
            ],
        )
    )
    ratios = {}
    for name, attribute in (
        ("SELECT 1 round trip", "round_trip"),
        ("month page queries (logs, dates, pauses)", "month_queries"),
        ("GET /api/v1/summary", "summary"),
    ):
        at_scale, at_reference = getattr(big, attribute), getattr(small, attribute)
        ratios[name] = report.median(at_scale) / report.median(at_reference)
        table.add(
            name,
            _ms(report.median(at_scale)),
            _ms(report.percentile(at_scale, 0.95)),
            _ms(report.median(at_reference)),
            _ms(report.percentile(at_reference, 0.95)),
            f"{ratios[name]:.2f}x",
        )
    worst = max(ratios["month page queries (logs, dates, pauses)"], ratios["GET /api/v1/summary"])
    met = worst <= SCALE_RATIO_BUDGET
    table.verdict = (
        f"Budget {'met' if met else 'NOT met'}: a user's reads among {USERS:,} users cost at most "
        f"{worst:.2f}x the same among {REFERENCE_USERS:,} (budget {SCALE_RATIO_BUDGET}x)."
    )
    assert met, table.verdict


def test_a_dispatch_pass_of_ten_thousand_due_among_a_hundred_thousand(dispatched):
    big, small = dispatched
    table = report.record(
        report.Table(
            "Scale on PostgreSQL: one reminder dispatch pass",
            f"tracker.scheduler.run_once at the minute one rule in {DUE_EVERY} is due, with a week of past "
            "nudges in the table; the file outbox backend (one .eml a message, on local disk), so this "
            "is the database work and rendering without a network. Reference: the same pass on "
            f"{REFERENCE_USERS:,} users.",
            ["database", "rules", "due", "sent", "skipped", "seconds", "nudges a second", "per nudge"],
        )
    )
    for name, run in ((f"{USERS:,} users", big), (f"{REFERENCE_USERS:,} users", small)):
        table.add(
            name,
            f"{run.rules:,}",
            f"{run.tally.due:,}",
            f"{run.tally.sent:,}",
            f"{run.tally.skipped:,}",
            f"{run.seconds:.1f}",
            f"{run.tally.due / run.seconds:,.0f}",
            _ms(run.seconds / run.tally.due),
        )
    ratio = (big.seconds / big.tally.due) / (small.seconds / small.tally.due)
    met = big.seconds < DISPATCH_BUDGET_SECONDS
    table.verdict = (
        f"Budget {'met' if met else 'NOT met'}: {big.tally.due:,} due nudges dispatched in "
        f"{big.seconds:.1f} s (budget {DISPATCH_BUDGET_SECONDS} s, before the next minute's pass); "
        f"a nudge costs {ratio:.2f}x what it costs among {REFERENCE_USERS:,} users."
    )
    assert big.tally.due == big.rules // DUE_EVERY
    assert big.tally.sent + big.tally.skipped == big.tally.due and big.tally.failed == 0
    assert met, table.verdict


def test_every_query_of_a_page_and_a_dispatch_runs_on_an_index(scale, reads, dispatched):
    _bind(scale[0])
    with database.connection_context():
        plans = _plans(reads[0].statements + dispatched[0].statements)
    table = report.record(
        report.Table(
            f"Scale on PostgreSQL: query plans among {USERS:,} users",
            "EXPLAIN (ANALYZE, BUFFERS) of the statements the summary request and the dispatch pass "
            "sent (the first of each kind, run again in a transaction that is rolled back, on the "
            "state before the pass). Buffers are 8 kB pages.",
            ["query", "plan's top line", "tables read", "rows", "ms", "buffers"],
        )
    )
    for plan in plans:
        scans = "; ".join(dict.fromkeys(plan.scans)) or "-"
        table.add(plan.label, plan.top, scans, plan.rows, f"{plan.milliseconds:.2f}", plan.buffers)
    seq_scans = {plan.label: plan.seq_scans for plan in plans if plan.seq_scans}
    table.verdict = (
        "Every query reads its tables through an index."
        if not seq_scans
        else f"Sequential scans of growing tables: {seq_scans}."
    )
    assert [plan.label for plan in plans] == [label for label, _ in PLANNED]
    if USERS < 100_000:  # SCALE_USERS made it small: reading a small table whole is then right
        return
    assert seq_scans == {}
