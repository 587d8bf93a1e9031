"""Pooled connections: a request takes one and gives it back, instead of opening its own.

Opening a PostgreSQL connection (or a SQLite file and its pragmas) cost more than serving a cached page.
"""

from __future__ import annotations

import time

from playhouse.pool import PooledPostgresqlDatabase

# Per process: gunicorn's threads plus the scheduler's; a connection is replaced after 5 minutes.
POOL = {"max_connections": 20, "stale_timeout": 300, "timeout": 10}


class PooledPostgres(PooledPostgresqlDatabase):
    """A PostgreSQL pool that pings a connection only when it sat unused for a while.

    Peewee's pool sends `SELECT 1` on every checkout to find connections the server dropped: one more
    round trip per request than the request's own queries. A connection handed back seconds ago is
    alive unless the server went away meanwhile (then that one request fails, as any request would
    during the outage); one idle for longer is checked as before.
    """

    FRESH_SECONDS = 10.0

    def __init__(self, *args, **kwargs) -> None:
        self._returned_at: dict[int, float] = {}
        super().__init__(*args, **kwargs)

    def _is_closed(self, conn) -> bool:
        returned = self._returned_at.pop(self.conn_key(conn), None)
        fresh = returned is not None and time.monotonic() - returned < self.FRESH_SECONDS
        if fresh and not conn.closed and self._adapter.txn_status(conn) == self._adapter.txn_idle:
            return False
        return super()._is_closed(conn)

    def _close(self, conn, close_conn: bool = False) -> None:
        super()._close(conn, close_conn)
        with self._pool_lock:
            pooled = {self.conn_key(c) for _, _, c in self._connections}
            key = self.conn_key(conn)
            if key in pooled:
                self._returned_at[key] = time.monotonic()
            # Forget connections that left the pool (closed as stale) so the map stays small.
            for gone in self._returned_at.keys() - pooled:
                del self._returned_at[gone]
