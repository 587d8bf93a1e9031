"""Twenty clients writing at once, each thread with its own connection: no write lost, no
"database is locked" reaching anyone, on SQLite (WAL, busy_timeout 5 s) and PostgreSQL."""

from __future__ import annotations

import threading
import uuid

from tracker.models import ApiToken, Log, Person, database
from tracker.security import new_api_token

THREADS = 20
EACH = 5


def test_twenty_threads_writing_logs_lose_none(app, user):
    secret, digest = new_api_token()
    ApiToken.create(user=user, name="load", token_hash=digest)
    database.close()  # each thread opens its own connection (peewee's are per thread)
    headers = {"Authorization": f"Bearer {secret}"}
    start = threading.Barrier(THREADS)
    answers: list[int] = []
    failures: list[str] = []

    def write(n: int) -> None:
        client = app.test_client()
        start.wait()
        for i in range(EACH):
            body = {"id": str(uuid.uuid4()), "kind": "closeness", "note": f"{n}-{i}"}
            if i % 2:
                body["person"] = f"Friend {n % 3}"  # the same new people from several threads at once
            try:
                response = client.post("/api/v1/logs", json=body, headers=headers)
                answers.append(response.status_code)
                if response.status_code != 201:
                    failures.append(response.get_data(as_text=True))
            except Exception as exc:
                failures.append(repr(exc))
        database.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert answers == [201] * (THREADS * EACH)
    assert Log.select().count() == THREADS * EACH
    assert sorted(log.note for log in Log.select()) == sorted(
        f"{n}-{i}" for n in range(THREADS) for i in range(EACH)
    )
    assert Person.select().count() == 3  # created once each, however many threads raced
