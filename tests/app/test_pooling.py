"""Pooled connections (Peewee's playhouse.pool): per process, at most 20, replaced after 5 minutes,
given back when a request ends, and a dropped PostgreSQL connection replaced rather than handed out."""

from __future__ import annotations

import threading

import psycopg2
import pytest
from playhouse import pool as peewee_pool
from playhouse.pool import MaxConnectionsExceeded

from tracker.models import database, open_database


class PoolClock:
    """Stands in for the `time` module inside playhouse.pool, so a test moves the pool's clock.

    Every look at the monotonic clock is 11 s later, so a caller waiting for a free connection finds
    its 10 s over at once instead of the test sleeping through them.
    """

    def __init__(self) -> None:
        self.wall = 1_700_000_000.0
        self.waited = 0.0

    def time(self) -> float:
        return self.wall

    def monotonic(self) -> float:
        self.waited += 11.0
        return self.waited


@pytest.fixture
def pool_clock(monkeypatch) -> PoolClock:
    clock = PoolClock()
    monkeypatch.setattr(peewee_pool, "time", clock)
    return clock


@pytest.fixture
def pool(database_url):
    db = open_database(database_url)
    yield db
    db.close_all()


def checked_out(db):
    """The driver connection the pool hands this thread, given back at once."""
    db.connect()
    conn = db.connection()
    db.close()
    return conn


def test_a_request_gives_its_connection_back_for_the_next(app, client):
    used = []

    @app.after_request
    def _note(response):
        used.append(database.connection())
        return response

    assert client.get("/healthz").status_code == 200
    assert database.is_closed()  # handed back at teardown
    assert client.get("/healthz").status_code == 200
    assert used[0] is used[1]


def test_a_connection_is_replaced_after_five_minutes(pool, pool_clock):
    first = checked_out(pool)
    pool_clock.wall += 299
    assert checked_out(pool) is first
    pool_clock.wall += 2
    assert checked_out(pool) is not first


def test_at_most_twenty_connections_per_process(pool, pool_clock):
    def hold() -> None:
        pool.connect()  # never closed: the pool counts it in use

    for _ in range(20):
        thread = threading.Thread(target=hold)
        thread.start()
        thread.join()
    with pytest.raises(MaxConnectionsExceeded):
        pool.connect()


def test_a_connection_the_server_dropped_is_replaced(pool, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("a server that drops connections is PostgreSQL's")
    pool.connect()
    first = pool.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    pool.close()
    admin = psycopg2.connect(database_url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(%s)", (first,))
    admin.close()
    pool.connect()  # the pool's check finds it dead and opens another
    assert pool.execute_sql("SELECT pg_backend_pid()").fetchone()[0] != first
    pool.close()
