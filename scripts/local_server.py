"""What starts the app on loopback, for the scripts (`make screens`, `make api-fuzz`) and the browser tests
alike: a free port, the server up before the block and stopped after it, and signing in as a person does.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[1]
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
# Ports Chromium refuses to open (ERR_UNSAFE_PORT) that the OS may hand out.
UNSAFE_PORTS = {5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6697, 10080}


def free_port() -> int:
    """A loopback port nothing listens on (and that a browser will open)."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in UNSAFE_PORTS:
            return port


def throwaway_env(tmp: str, name: str) -> dict[str, str]:
    """The app's environment over a throw-away SQLite database and outbox in `tmp`, with rate limits and
    the scheduler off: what a script's private server runs with."""
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp}/{name}.db",
        "SECRET_KEY": secrets.token_hex(32),
        "MAIL_URL": f"file://{tmp}/outbox",
        "RATELIMIT_ENABLED": "0",
        "SCHEDULER": "0",
    }


def wait_for(url: str, server: subprocess.Popen, seconds: float = 30, log: Path | None = None) -> None:
    """Return once `url` answers 200; exit with why (and the end of the server's `log`) if the server
    stops first or never answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("the app exited before it answered" + (f":\n{log.read_text()[-2000:]}" if log else ""))
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own loopback URL)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{url} did not answer within {seconds} s")


@contextmanager
def serving(
    env: dict[str, str], log: Path, port: int, command: list | None = None, seconds: float = 30
) -> Iterator[str]:
    """The app on loopback `port` with `env` (`flask run`, unless `command` starts it otherwise), its
    output in `log`: up before the block starts and stopped after it (gunicorn may take its graceful
    time); yields its base URL."""
    command = command or [*FLASK, "run", "--port", str(port), "--no-reload"]
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/healthz", server, seconds, log)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def sign_in(page: Page, email: str, password: str) -> None:
    """Log in through the form, as a person does, and wait for Today (the page's base URL is the app's)."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="What did you practise?")).to_be_visible()
