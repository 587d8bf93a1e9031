"""Shared fixtures, shaped like flaskr's: app, client, runner, an auth helper and tiny factories.

Database tests run on SQLite (a file per test) and on PostgreSQL (one database per test worker,
emptied between tests) when TEST_DATABASE_URL is set; with REQUIRE_POSTGRES=1 a missing server fails
instead of skipping.
"""

from __future__ import annotations

import gzip
import os
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg2
import pytest
from hypothesis import HealthCheck, settings

from tracker import create_app
from tracker import emails as tracker_emails
from tracker.mail import MemoryBackend
from tracker.models import Log, Person, User, database, init_database, naive_utc
from tracker.security import hash_password

# Property tests are deterministic (the same examples every run) and judged by what they find, never by
# the time a loaded 2-core machine takes to generate them.
settings.register_profile(
    "suite", derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("suite")

PASSWORD = "correct horse battery"
FIXED_NOW = datetime(2026, 5, 13, 10, 30, tzinfo=UTC)  # a Wednesday
# The summary API's contract (DESIGN.md): its keys, in order.
SUMMARY_KEYS = (
    "month",
    "active_days",
    "rest_days",
    "missed_days",
    "current_streak",
    "longest_streak",
    "score",
    "consistency",
    "balance",
    "safety",
    "by_kind",
    "days",
    "bids",
)


class Clock:
    """A settable clock the app reads instead of the wall clock."""

    def __init__(self, now: datetime = FIXED_NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _admin_dsn(url: str, dbname: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{dbname}"))


@pytest.fixture(scope="session")
def postgres_url(worker_id: str) -> str | None:
    """A database of this worker's own on the test server, created once per run."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield None
        return
    name = f"secure_base_test_{worker_id}_{os.getpid()}"
    admin = psycopg2.connect(base)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    yield _admin_dsn(base, name)
    if database.obj is not None:  # None when this worker ran no app in-process (tests/app/test_wsgi.py)
        database.close()
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path, postgres_url) -> str:
    """Each database test runs once per engine."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    if postgres_url is None:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (.ci/run sets it)")
    db = init_database(postgres_url)
    tables = [name for name in db.get_tables() if name != "schema_version"]
    if tables:
        db.execute_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    db.close()
    return postgres_url


def build_app(database_url: str, tmp_path: Path, clock: Clock, **settings):
    """A test app on the given database, with the injected clock and a file outbox; `settings` add to or
    override the defaults (rate limits are off unless a test switches them on)."""
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "MAIL_URL": f"file://{tmp_path / 'outbox'}",
            "CLOCK": clock,
            "RATELIMIT_ENABLED": False,  # tests/app/test_limits.py switches them on
            **settings,
        }
    )


@pytest.fixture
def app(request, database_url, tmp_path, clock):
    """The test app; a module's `pytestmark = pytest.mark.app_settings(NAME=value)` adds to its settings
    (one line instead of a module's own copy of this fixture)."""
    marker = request.node.get_closest_marker("app_settings")
    yield build_app(database_url, tmp_path, clock, **(marker.kwargs if marker else {}))
    database.close()


@pytest.fixture
def ctx(app):
    """An application context, for tests that call services and queries without a request."""
    with app.app_context():
        yield app


@pytest.fixture
def sent(app) -> list:
    """What the app sends, kept in memory instead of the file outbox. No application context: for tests
    that go through the client, whose requests would otherwise all share that one context (and its `g`)."""
    backend = MemoryBackend()
    app.extensions["mail"] = backend
    return backend.outbox


@pytest.fixture
def outbox(ctx, sent) -> list:
    """`sent` inside an application context, for tests that call the senders directly."""
    return sent


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(client) -> str:
    """The CSRF token of the client's session, read from a page's meta tag like app.js does."""
    html = client.get("/about").get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


class Auth:
    """Register, log in and post forms as a user, with the CSRF token a browser would send."""

    def __init__(self, client):
        self.client = client

    def post(self, url: str, data: dict | None = None, htmx: bool = False, **kwargs):
        headers = {"HX-Request": "true"} if htmx else {}
        return self.client.post(
            url, data={**(data or {}), "csrf_token": csrf_token(self.client)}, headers=headers, **kwargs
        )

    def register(
        self, email: str = "ana@example.com", password: str = PASSWORD, timezone: str = "Europe/Berlin"
    ):
        return self.post("/register", {"email": email, "password": password, "timezone": timezone})

    def login(self, email: str = "ana@example.com", password: str = PASSWORD, remember: bool = False):
        data = {"email": email, "password": password, **({"remember": "on"} if remember else {})}
        return self.post("/login", data)

    def logout(self):
        return self.post("/logout")


def section(html: str, heading_id: str) -> str:
    """The <section> labelled by heading_id."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


def settings_card(client, card: str) -> str:
    """The Settings page's card whose heading is `<card>-heading`."""
    return section(client.get("/settings").get_data(as_text=True), f"{card}-heading")


def save_in_settings(client, auth: Auth, url: str, data: dict, card: str) -> str:
    """Post a Settings card's form: it redirects back to the card (/settings#<card>); returns the card as
    the page then shows it."""
    response = auth.post(url, data)
    assert response.status_code == 303 and response.headers["Location"] == f"/settings#{card}"
    return settings_card(client, card)


def post_without_login_then_without_token(client, url: str, data: dict) -> None:
    """Post a form signed out (refused), then signed in but without the CSRF token: the caller checks
    that neither changed anything."""
    assert client.post(url, data=data).status_code in (302, 400, 401)
    Auth(client).login()
    client.post(url, data=data)  # no token


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)


@cache
def _password_hash() -> str:
    """Argon2 is slow on purpose: hash the shared test password once per run."""
    return hash_password(PASSWORD)


def make_user(email: str = "ana@example.com", timezone: str = "Europe/Berlin", **fields) -> User:
    """A user with the standard test password."""
    fields.setdefault("created_at", naive_utc(FIXED_NOW))
    return User.create(email=email, password_hash=_password_hash(), timezone=timezone, **fields)


def make_person(user: User, nickname: str = "Sam", role: str = "partner", **fields) -> Person:
    return Person.create(user=user, nickname=nickname, role=role, **fields)


def make_log(user: User, kind: str = "closeness", at: datetime = FIXED_NOW, **fields) -> Log:
    """A log stored directly, with its local date in the user's zone."""
    from tracker.insights import local_date_of

    fields.setdefault("local_date", local_date_of(at, user.timezone))
    return Log.create(id=uuid.uuid4(), user=user, kind=kind, at=naive_utc(at), **fields)


def practise_since_april(user: User, **fields) -> User:
    """The user created Mon 6 April 2026, logging closeness or space three or four days a week until
    12 May (each log with `fields`): by 13 May the rhythm has been shown since 19 April."""
    user.created_at = naive_utc(datetime(2026, 4, 6, 6, 0, tzinfo=UTC))
    user.save()
    day = date(2026, 4, 6)
    while day <= date(2026, 5, 12):
        if day.weekday() in (0, 1, 3) or (day.weekday() == 4 and day.day % 2):
            at = datetime(day.year, day.month, day.day, 7, tzinfo=UTC)
            make_log(user, "closeness" if day.day % 3 else "space", at=at, **fields)
        day += timedelta(days=1)
    return user


@pytest.fixture
def user(app) -> User:
    return make_user()


@pytest.fixture
def logged_in(client, auth, user) -> Auth:
    """A client logged in as `user`."""
    auth.login()
    return auth


def today_in(user: User, clock: Clock) -> date:
    from tracker.insights import local_date_of

    return local_date_of(clock.now, user.timezone)


def _capture_html() -> None:
    """With HTML_CAPTURE_DIR set (`make test` sets it), keep every HTML page, partial and email rendered.

    scripts/check-html.py then runs the Nu Html Checker over them once, after the whole suite.
    """
    directory = os.environ.get("HTML_CAPTURE_DIR")
    if not directory:
        return
    import brotli
    from flask import request, request_finished

    from tests.html_capture import capture

    decoders = {"gzip": gzip.decompress, "br": brotli.decompress}

    def on_response(sender, response, **extra) -> None:
        if response.mimetype != "text/html" or response.is_streamed or response.direct_passthrough:
            return
        body = response.get_data()
        coding = response.headers.get("Content-Encoding")
        if coding:
            body = decoders[coding](body)
        if body.strip():
            source = {"url": request.full_path.rstrip("?"), "method": request.method}
            source |= {"status": response.status_code, "htmx": "HX-Request" in request.headers}
            capture(Path(directory), body.decode(), source)

    render = tracker_emails._render

    def render_and_capture(name: str, context: dict) -> str:
        text = render(name, context)
        if name.endswith(".html"):
            capture(Path(directory), text, {"email": name})
        return text

    request_finished.connect(on_response, weak=False)
    tracker_emails._render = render_and_capture


_capture_html()


def pytest_terminal_summary(terminalreporter) -> None:
    """Say how many tests passed on each database engine and in the browser, so CI shows both runs."""
    passed = [report.nodeid for report in terminalreporter.stats.get("passed", [])]
    counts = {
        "SQLite": sum("sqlite" in nodeid for nodeid in passed),
        "PostgreSQL": sum("postgres" in nodeid for nodeid in passed),
        "browser (Chromium)": sum(nodeid.startswith("tests/browser") for nodeid in passed),
    }
    terminalreporter.write_line("passed by part: " + ", ".join(f"{name} {n}" for name, n in counts.items()))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items) -> None:
    """Make `--dist loadgroup` group again: pytest-xdist 3.8 appends "@group" to `item._nodeid`, which
    pytest 9.2 no longer reads (the id lives in `item._id`), so every xdist_group was silently ignored
    and each worker ran its share of the browser tests with a browser of its own. On a worker, do it on
    the id pytest reads; the scheduler groups by that suffix. Drop this once xdist sets it itself."""
    if not config.getoption("loadgroup", False):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        names = sorted(
            {
                str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                for mark in item.iter_markers("xdist_group")
            }
        )
        if names and "@" not in item.nodeid.rsplit("]", 1)[-1]:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")
