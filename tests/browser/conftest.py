"""Browser tests: Playwright driving Debian's Chromium against the app served in a subprocess.

The app runs in its own process (so its database binding is its own), once per database engine.
Without Chromium the tests skip with a reason, unless REQUIRE_BROWSER=1 (CI) makes that a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from playwright.sync_api import Page, expect

from scripts.local_server import free_port, serving

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ROOT = Path(__file__).resolve().parents[2]
# Each live server's environment by its base URL, so a test can run the app's own CLI on its database.
SERVER_ENVIRONMENTS: dict[str, dict[str, str]] = {}


def pytest_collection_modifyitems(items):
    """All browser tests share one worker (one browser per run) and skip without Chromium."""
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))
            if not os.path.exists(CHROMIUM):
                if os.environ.get("REQUIRE_BROWSER") == "1":
                    item.add_marker(
                        pytest.mark.xfail(reason=f"no Chromium at {CHROMIUM}", strict=True, run=False)
                    )
                else:
                    item.add_marker(
                        pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}; apt-get install chromium")
                    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A phone: 390×844 at 3× with touch."""
    return {
        **browser_context_args,
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    }


def _postgres_database(name: str) -> str | None:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return None
    admin = psycopg2.connect(base)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return base.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def live_server(request, tmp_path_factory):
    """The app served on a free loopback port; yields its base URL."""
    tmp = tmp_path_factory.mktemp(f"live-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'live.db'}"
    else:
        url = _postgres_database(f"secure_base_browser_{os.getpid()}")
        if url is None:
            if os.environ.get("REQUIRE_POSTGRES") == "1":
                pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
            pytest.skip("PostgreSQL browser run needs TEST_DATABASE_URL")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "browser-test",
        "SCHEDULER": "0",
        "MAIL_URL": f"file://{tmp / 'outbox'}",
        "RATELIMIT_ENABLED": "0",  # every test registers from 127.0.0.1; limits have their own tests
    }
    with serving(env, tmp / "server.log", port, seconds=10) as base:
        SERVER_ENVIRONMENTS[base] = env
        yield base


@pytest.fixture(scope="session")
def tracker_cli():
    """`tracker_cli(base, *args)` runs `flask tracker ARGS` on that live server's database: seeding
    through the app's own code. A fixture, as the test modules may import another copy of this one."""
    return _tracker_cli


@pytest.fixture(scope="session")
def server_environments() -> dict[str, dict[str, str]]:
    """Each live server's environment by its base URL (its DATABASE_URL, to set up a state directly);
    a fixture for the same reason as tracker_cli."""
    return SERVER_ENVIRONMENTS


def _tracker_cli(base: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "tracker", *args],
        cwd=ROOT,
        env=SERVER_ENVIRONMENTS[base],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask tracker {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout


@pytest.fixture
def shoot(page):
    """Save a screenshot of the current page as a test artifact."""

    def save(name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def signed_up_without_js(browser, live_server):
    """Opens a browser context without JavaScript at a phone's size (360×740 unless given) and signs up a
    new account there; returns its page. The contexts are closed after the test, passed or failed."""
    contexts = []

    def open_page(width: int = 360, height: int = 740) -> Page:
        context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        register(page, live_server)
        return page

    yield open_page
    for context in contexts:
        context.close()


def register(page: Page, base: str, prefix: str = "user") -> str:
    """Sign up a new account of its own through the form (signed in after), and return its email."""
    email = f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"
    page.goto(f"{base}/register")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="What did you practise?")).to_be_visible()
    return email
