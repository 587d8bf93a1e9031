"""Pooled PostgreSQL connections: reused while fresh, checked (and replaced if dead) after idling."""

from __future__ import annotations

import psycopg2
import pytest

from tracker.models import open_database


@pytest.fixture
def pool(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the ping-when-idle pool is PostgreSQL's")
    db = open_database(database_url)
    yield db
    db.close_all()


def backend(db) -> int:
    db.connect()
    pid = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    db.close()
    return pid


def test_a_connection_handed_back_just_now_is_reused_without_a_ping(pool):
    first = backend(pool)
    conn = pool._connections[0][2]
    assert pool._is_closed(conn) is False  # fresh: no round trip, and it stays out of the map
    assert pool._returned_at == {}
    pool._returned_at[pool.conn_key(conn)] = 0.0  # as if handed back long ago
    assert backend(pool) == first  # pinged, alive, reused


def test_a_connection_that_idled_is_pinged_and_replaced_when_the_server_dropped_it(pool, database_url):
    first = backend(pool)
    admin = psycopg2.connect(database_url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(%s)", (first,))
    admin.close()
    pool.FRESH_SECONDS = 0  # it has idled long enough to be checked
    second = backend(pool)
    assert second != first
