"""The app as the page benchmark serves it: `gunicorn tests.benchmarks.bench_wsgi:app`.

The real app of `wsgi.py`, configured by the environment as it is (and so, on SQLite, without psycopg2
in memory), plus what only the benchmark needs, kept out of the product:

- `/_bench/trivial` answers a short text and does nothing else, so each page is measured as a ratio to
  what Flask, the app's own hooks and gunicorn cost by themselves, on the same server in the same run;
- a `Server-Timing: app;dur=<ms>` header on every response, from a WSGI middleware around the app, so
  the client reads the server's own time, free of loopback and client overhead;
- `BENCH_NOW` (ISO-8601, optional) pins the app's clock, so the seeded data's "today" (and with it the
  month and year pages' content) is the same on every run, whatever the date.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from datetime import datetime

from tests.benchmarks.loopback import TRIVIAL
from wsgi import app


class ServerTiming:
    """Time the wrapped WSGI app from its call until its body is produced and closed (so the request's
    teardown, which closes the database connection, is included) and add the time as a header."""

    def __init__(self, wsgi_app: Callable) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        answer: list = []
        written: list[bytes] = []

        def capture(status: str, headers: list, exc_info=None) -> Callable[[bytes], None]:
            answer[:] = [status, headers, exc_info]
            return written.append

        chunks = self.wsgi_app(environ, capture)
        try:
            body = b"".join(written) + b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        took = (time.perf_counter() - started) * 1000
        status, headers, exc_info = answer
        start_response(status, [*headers, ("Server-Timing", f"app;dur={took:.3f}")], exc_info)
        return [body]


def trivial() -> str:
    """The reference: a route that only answers."""
    return "ok"


def _clock() -> dict:
    """The CLOCK setting for a pinned BENCH_NOW; nothing (the wall clock) without it."""
    pinned = os.environ.get("BENCH_NOW")
    if not pinned:
        return {}
    instant = datetime.fromisoformat(pinned)
    return {"CLOCK": lambda: instant}


app.config.update(_clock())  # the clock is read on every call (tracker/clock.py), so it may be set now
app.add_url_rule(TRIVIAL, "bench_trivial", trivial)
app.wsgi_app = ServerTiming(app.wsgi_app)
