"""What the benchmarks share: a PostgreSQL database of their own, and gunicorn serving the app."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg2
import pytest

from tests.app.test_mail import free_port

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def own_database(engine: str, purpose: str, folder: Path) -> Iterator[str]:
    """The URL of a benchmark's own database: an SQLite file in `folder`, or a fresh PostgreSQL one."""
    if engine == "sqlite":
        yield f"sqlite:///{folder / f'{purpose}.db'}"
        return
    with own_postgres(purpose) as url:
        yield url


@contextmanager
def own_postgres(purpose: str) -> Iterator[str]:
    """The URL of a fresh database on TEST_DATABASE_URL's server (skips without one), dropped after."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip(f"the PostgreSQL {purpose} benchmark needs TEST_DATABASE_URL")
    name = f"secure_base_{purpose}_{os.getpid()}"
    admin = psycopg2.connect(base)
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cur.execute(f'CREATE DATABASE "{name}"')
        yield base.rsplit("/", 1)[0] + f"/{name}"
        from tracker.models import database

        database.close()
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.close()


def app_env(database_url: str, outbox: Path, **extra: str) -> dict[str, str]:
    """The environment of an app process for a benchmark: its database, rate limits and scheduler off,
    and glibc's memory settings of scripts/serve.sh."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench",
        "RATELIMIT_ENABLED": "0",
        "SCHEDULER": "0",
        "MALLOC_ARENA_MAX": "1",
        "MALLOC_MMAP_THRESHOLD_": "131072",
        "MAIL_URL": f"file://{outbox}",
        **extra,
    }


@contextmanager
def gunicorn(
    env: dict[str, str], *options: str, app: str = "wsgi:app", probe: str = "/healthz"
) -> Iterator[int]:
    """gunicorn on a free loopback port with these options, once it answers `probe`; yields the port.
    With --preload, as scripts/serve.sh runs it: the app is built once, before the workers fork."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--preload", *options, "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen([*command, "--log-level", "warning", app], cwd=ROOT, env=env)
    try:
        _wait_until_serving(port, process, probe)
        SERVING[port] = process.pid
        yield port
    finally:
        SERVING.pop(port, None)
        process.terminate()
        process.wait(timeout=30)


SERVING: dict[int, int] = {}  # port → pid of the gunicorn arbiter serving it


def worker_rss_mb(port: int) -> list[float]:
    """The resident memory (MiB) of each worker of the gunicorn serving `port` (Linux /proc)."""
    arbiter = SERVING[port]
    children = Path(f"/proc/{arbiter}/task/{arbiter}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def _wait_until_serving(port: int, process: subprocess.Popen, probe: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", probe)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    raise RuntimeError(f"gunicorn did not serve {probe} on port {port} (exit code {process.poll()})")
