"""Load: 50 concurrent clients for 15 seconds against the app served by gunicorn (loopback only), each
writing logs through the API with its own token and reading its list now and then. Zero errors, and
every write that was answered 201 is stored. `make bench` runs it (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set); LOAD_SECONDS shortens or lengthens the run.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
import uuid

import pytest

from tests.benchmarks import report
from tests.benchmarks.servers import app_env, gunicorn, own_database
from tracker import create_app
from tracker.models import ApiToken, Log, User, database
from tracker.security import new_api_token

CLIENTS = 50
SECONDS = float(os.environ.get("LOAD_SECONDS", "15"))


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    """A database of the run's own."""
    with own_database(request.param, "load", tmp_path) as url:
        yield url


@pytest.fixture
def tokens(database_url) -> list[str]:
    """One account and API token per client."""
    create_app({"DATABASE_URL": database_url, "SECRET_KEY": "load"})
    secrets = []
    with database.atomic():
        for n in range(CLIENTS):
            user = User.create(email=f"load{n}@example.com", password_hash="-")
            secret, digest = new_api_token()
            ApiToken.create(user=user, name="load", token_hash=digest)
            secrets.append(secret)
    database.close()
    return secrets


@pytest.fixture
def server(database_url, tokens, tmp_path):
    """gunicorn on a loopback port: 4 workers of 4 threads, rate limits off (this is the load)."""
    env = app_env(database_url, tmp_path / "outbox")
    with gunicorn(env, "--workers", "4", "--threads", "4") as port:
        yield port


def test_fifty_clients_for_thirty_seconds_lose_nothing(server, tokens, database_url):
    stored: dict[str, int] = {}
    errors: list[str] = []
    start = threading.Barrier(CLIENTS)

    def client(secret: str) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server, timeout=30)
        headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
        written = 0
        start.wait()
        end = time.monotonic() + SECONDS
        while time.monotonic() < end:
            try:
                if written % 10 == 9:
                    connection.request("GET", "/api/v1/logs", headers=headers)
                    response = connection.getresponse()
                    response.read()
                    if response.status != 200:
                        errors.append(f"GET {response.status}")
                body = {"id": str(uuid.uuid4()), "kind": "closeness", "note": "load"}
                connection.request("POST", "/api/v1/logs", body=json.dumps(body), headers=headers)
                response = connection.getresponse()
                text = response.read()
                if response.status == 201:
                    written += 1
                else:
                    errors.append(f"POST {response.status} {text[:200]!r}")
            except (OSError, http.client.HTTPException) as exc:
                errors.append(repr(exc))
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", server, timeout=30)
        stored[secret] = written
        connection.close()

    threads = [threading.Thread(target=client, args=(secret,)) for secret in tokens]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 120)
    elapsed = time.monotonic() - began
    create_app({"DATABASE_URL": database_url, "SECRET_KEY": "load", "MIGRATE_ON_START": False})
    total = Log.select().count()
    database.close()
    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    table = report.Table(
        f"Concurrent writes on {engine}",
        f"{CLIENTS} API clients writing logs at once for {SECONDS:.0f} s against gunicorn (4 workers of "
        "4 threads), every tenth request a read of the list. Budget: no errors, no write lost.",
        ["writes", "seconds", "writes/s", "errors", "stored = answered 201"],
    )
    table.add(total, f"{elapsed:.1f}", f"{total / elapsed:.0f}", len(errors), total == sum(stored.values()))
    kept = total == sum(stored.values()) and not errors
    table.verdict = "Budget met: no errors, nothing lost." if kept else f"Budget NOT met: {errors[:3]}"
    report.record(table)
    assert total == sum(stored.values())
    assert errors == []
