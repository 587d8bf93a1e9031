"""Query budgets: each page and each batch path runs a bounded number of SQL statements, the same for
an account with one of everything as for one with 30 people and 600 logs (no N+1, issue 7).

A page's count is taken for one request only (logged in beforehand), from peewee's DEBUG log of each
statement. Every budget is written below, a little above what the page runs today, so a regression
fails here naming the page and the statements it repeated.
"""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, time, timedelta
from math import ceil

import pytest
from flask.testing import FlaskClient

from tests.conftest import FIXED_NOW, csrf_token, make_user
from tracker import portability
from tracker.insights import local_date_of
from tracker.kinds import KINDS, RESPONSES, ROLES
from tracker.models import (
    CHECKIN_ITEMS,
    ApiToken,
    CheckIn,
    LadderStep,
    Log,
    Pause,
    Person,
    PracticeProfile,
    ReminderRule,
    User,
    UserSession,
    naive_utc,
)
from tracker.queries import save_plan
from tracker.security import new_api_token

TODAY = "2026-05-13"  # FIXED_NOW in Europe/Berlin

# Page → the most statements one request may run (user loader and API token lookup included).
PAGE_BUDGETS = {
    "today": ("/", 11),
    "today logs": ("/today/logs", 11),
    "history": ("/history", 4),
    "history filtered": ("/history?kind=closeness&person={person}", 4),
    "history page 2": ("/history?page=2", 4),
    # Month, year and the summary read logs per day over the whole history, then the shown days' logs.
    "month": ("/month", 7),
    "month with a day open": (f"/month/2026-05?day={TODAY}", 7),
    "day": (f"/day/{TODAY}", 5),
    "year": ("/year", 6),
    # The printable month (issue 16): the month's reads, its check-in, the active plans, and the notes
    # only when ticked in.
    "month summary": ("/month/2026-05/summary", 8),
    "month summary with notes": ("/month/2026-05/summary?notes=show&names=hide", 9),
    "people": ("/people", 4),
    "person": ("/people/{person}", 4),
    "log edit": ("/logs/{log}/edit", 4),
    "reminders": ("/reminders", 4),  # + the devices with notifications on (issue 15)
    "settings": ("/settings", 5),  # + the focus kinds that lead Today (issue 13)
    "pauses": ("/settings/pauses", 3),
    "check-in": ("/checkin", 4),
    "welcome": ("/welcome", 3),
    "welcome people": ("/welcome/5", 4),
    "welcome safety": ("/welcome/6", 4),
    "ladder": ("/ladder", 4),  # + the if-then plans (issue 16)
    "plans": ("/plans", 4),  # the plans and the reminders a cue may be the time of
    "recall": ("/recall", 3),
    "recall guide": ("/recall/guide?who={person}&before=3", 3),
    "recall done": ("/recall/done/{recall}", 3),
    "export json": ("/export.json", 9),  # + the devices (issue 15), + the if-then plans (issue 16)
    "export csv": ("/export.csv", 3),
    "api logs": ("/api/v1/logs", 5),
    "api logs range": (f"/api/v1/logs?from=2025-06-01&to={TODAY}", 5),
    "api summary": ("/api/v1/summary", 6),
    "api reminders": ("/api/v1/reminders", 5),
    "api plans": ("/api/v1/plans", 5),
}


@contextmanager
def counting_queries() -> Iterator[list[str]]:
    """The SQL of every statement run inside the block (peewee logs each at DEBUG as (sql, params))."""
    statements: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            statements.append(record.msg[0] if isinstance(record.msg, tuple) else record.getMessage())

    logger, handler = logging.getLogger("peewee"), Collect(logging.DEBUG)
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.DEBUG)
    logger.propagate = False  # keep thousands of statements out of pytest's captured log
    logger.addHandler(handler)
    try:
        yield statements
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def repeated(few: list[str], many: list[str]) -> str:
    """The statements the big account ran more often than the small one: what an N+1 looks like."""
    extra = Counter(many) - Counter(few)
    return "\n".join(f"{n}× {sql}" for sql, n in extra.most_common(5)) or "(none)"


@dataclass
class Account:
    """A seeded user, a test client signed in as them, and the ids its page URLs need."""

    user: User
    client: FlaskClient
    person: int
    log: str
    recall: str
    token: str

    def url(self, template: str) -> str:
        return template.format(person=self.person, log=self.log, recall=self.recall)


def signed_in(app, user: User) -> FlaskClient:
    """A client signed in as the user without a password round (Argon2 is slow on purpose)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = UserSession.start(user, False, FIXED_NOW, timedelta(days=90))
        session["_fresh"] = True
    return client


def _log_row(user: User, n: int, days_back: int, person: int | None) -> dict:
    at = FIXED_NOW - timedelta(days=days_back, minutes=n)
    return {
        "id": uuid.uuid4(),
        "user": user.id,
        "kind": KINDS[n % len(KINDS)].key,
        "step": n % 3 + 1,
        "person": person,
        "at": naive_utc(at),
        "local_date": local_date_of(at, user.timezone),
        "before": n % 11,
        "after": (n + 3) % 11,
        "response": RESPONSES[n % len(RESPONSES)],
        "note": f"note {n}",
        "created_at": naive_utc(at),
        "updated_at": naive_utc(at),
    }


def seed(app, email: str, people: int, logs: int, reminders: int, months: int) -> Account:
    """An account with one of everything, or many: people, logs (a thirtieth of them today, the rest
    spread over ten months), reminders, a pause, check-ins, ladder steps, a profile and a token."""
    user = make_user(email, created_at=naive_utc(FIXED_NOW - timedelta(days=400)))
    Person.insert_many(
        {"user": user.id, "nickname": f"P{n:02d}", "role": ROLES[n % len(ROLES)], "archived": n % 10 == 9}
        for n in range(people)
    ).execute()
    ids = [p.id for p in Person.select(Person.id).where(Person.user == user).order_by(Person.id)]
    today_logs = max(1, logs // 30)
    rows = [
        _log_row(user, n, 0 if n < today_logs else 1 + n * 300 // logs, ids[n % len(ids)] if n % 7 else None)
        for n in range(logs)
    ]
    rows[-1]["kind"], rows[-1]["person"] = "recall", ids[0]
    Log.insert_many(rows).execute()
    ReminderRule.insert_many(
        {"user": user.id, "local_time": time(8 + n % 12), "days": 0b1111111, "kind": None}
        for n in range(reminders)
    ).execute()
    Pause.create(user=user, start_date=date(2026, 3, 2), end_date=date(2026, 3, 6), reason="flu")
    CheckIn.insert_many(
        {"user": user.id, "month": f"2026-{m:02d}", **dict.fromkeys(CHECKIN_ITEMS, 1 + m % 5)}
        for m in range(6 - months, 6)
    ).execute()
    LadderStep.insert_many(
        {"user": user.id, "kind": kind.key, "step": 2} for kind in KINDS[:months]
    ).execute()
    PracticeProfile.create(user=user, focus_kinds="closeness,repair", onboarding_step=7)
    for kind in KINDS[:months]:  # if-then plans (issue 16), each replaced once
        save_plan(user.id, kind.key, "an earlier cue", "an earlier step")
        save_plan(user.id, kind.key, "I notice the moment", "take one small step")
    token, digest = new_api_token()
    ApiToken.create(user=user, name="script", token_hash=digest, created_at=naive_utc(FIXED_NOW))
    return Account(user, signed_in(app, user), ids[0], str(rows[0]["id"]), str(rows[-1]["id"]), token)


@pytest.fixture
def accounts(app) -> tuple[Account, Account]:
    """A small account (1 person, 2 logs, 1 reminder, 1 check-in) and a large one (30 people, 600
    logs, 10 reminders, 5 check-ins), in the same database."""
    return seed(app, "few@example.com", 1, 2, 1, 1), seed(app, "many@example.com", 30, 600, 10, 5)


def get_queries(account: Account, url: str) -> list[str]:
    """The statements of one GET as this account: API pages by bearer token, the rest by session."""
    headers = {"Authorization": f"Bearer {account.token}"} if url.startswith("/api/") else {}
    with counting_queries() as statements:
        response = account.client.get(account.url(url), headers=headers)
    assert response.status_code in (200, 302), (url, response.status_code)
    return statements


@pytest.mark.parametrize("name", list(PAGE_BUDGETS))
def test_a_page_runs_the_same_few_queries_however_much_data(accounts, name):
    url, budget = PAGE_BUDGETS[name]
    few, many = (get_queries(account, url) for account in accounts)
    assert len(few) == len(many), (
        f"{name}: {len(few)} vs {len(many)} queries; repeated:\n{repeated(few, many)}"
    )
    assert len(many) <= budget, f"{name}: {len(many)} queries, budget {budget}:\n" + "\n".join(many)


def post_queries(account: Account, url: str, **kwargs) -> list[str]:
    """The statements of one form POST as this account (its CSRF token fetched beforehand)."""
    data = {**kwargs.pop("data", {}), "csrf_token": csrf_token(account.client)}
    with counting_queries() as statements:
        response = account.client.post(url, data=data, **kwargs)
    assert response.status_code in (200, 303), (url, response.status_code)
    return statements


def tap(account: Account) -> dict:
    return {"kind": "closeness", "person_id": str(account.person), "note": "a walk", "before": "3"}


def safety_answers(account: Account) -> dict:
    """The welcome's safety screen answered "not really" for everyone (none was marked before)."""
    return {f"safe-{p.id}": "no" for p in Person.select(Person.id).where(Person.user == account.user)}


@pytest.mark.parametrize(
    ("path", "form", "budget"),
    [("/logs", tap, 6), ("/welcome/6", safety_answers, 8)],
    ids=["log a tap", "welcome safety answers"],
)
def test_a_form_post_runs_the_same_few_queries_however_much_data(accounts, path, form, budget):
    few, many = (post_queries(account, path, data=form(account)) for account in accounts)
    assert len(few) == len(many), f"{len(few)} vs {len(many)} queries; repeated:\n{repeated(few, many)}"
    assert len(many) <= budget, "\n".join(many)


def test_an_api_log_post_runs_the_same_few_queries_however_much_data(accounts):
    """The offline queue replays taps one POST each (there is no batch endpoint): each costs the same."""
    counts = []
    for account in accounts:
        body = {"id": str(uuid.uuid4()), "kind": "closeness", "person": "P00", "note": "queued offline"}
        headers = {"Authorization": f"Bearer {account.token}"}
        with counting_queries() as statements:
            assert account.client.post("/api/v1/logs", json=body, headers=headers).status_code == 201
        counts.append(statements)
    few, many = counts
    assert len(few) == len(many), repeated(few, many)
    assert len(many) <= 8, "\n".join(many)


def export_file(account: Account) -> bytes:
    """The account's own export with fresh log ids and no profile, so another account takes it all."""
    data = portability.export_data(account.user, FIXED_NOW)
    for log in data["logs"]:
        log["id"] = str(uuid.uuid4())
    del data["profile"]
    return json.dumps(data).encode()


def test_an_import_writes_in_bulk_not_a_statement_per_row(app, accounts):
    """Importing 600 logs, 30 people, 5 check-ins costs a few statements per table, not one per row."""
    counts = []
    for n, source in enumerate(accounts):
        target = make_user(f"import{n}@example.com")
        client = signed_in(app, target)
        raw = export_file(source)
        token = csrf_token(client)
        with counting_queries() as statements:
            response = client.post(
                "/settings/import",
                data={"csrf_token": token, "file": (io.BytesIO(raw), "export.json")},
                content_type="multipart/form-data",
            )
        assert response.status_code == 303
        assert Log.select().where(Log.user == target).count() == len(json.loads(raw)["logs"])
        assert Person.select().where(Person.user == target).count() == len(json.loads(raw)["people"])
        counts.append(statements)
    few, many = counts
    # What the large file may add: its 600 log ids looked up 500 at a time and its logs inserted a batch
    # at a time, and 9 more reminders, added one by one through the rules (a count and an insert each;
    # an account holds at most 20). Nothing per person, per log, per pause or per check-in.
    extra = (ceil(600 / 500) - 1) + (ceil(600 / portability.importer.BATCH) - 1) + 2 * (10 - 1)
    assert len(many) - len(few) <= extra, repeated(few, many)
    assert len(many) <= 48, "\n".join(many)  # + the if-then plans: a read, an update, an insert (issue 16)
