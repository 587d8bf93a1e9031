"""Schemathesis against a live app: `make api-fuzz` (and .ci/run after `make test`).

Starts gunicorn on a free loopback port over a throw-away SQLite database (rate limits off), creates a
user with an API token, and runs `schemathesis run` on `/api/v1/openapi.json` with that bearer token:
every check, stateful testing over the description's links (POST /logs → GET/PATCH/DELETE, POST
/reminders → PATCH/DELETE), a fixed seed and a bounded number of examples, so a run takes a few
minutes on two cores and finds the same things each time. Exits with Schemathesis's status.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from local_server import ROOT, free_port, serving, throwaway_env  # scripts/ is on the path when run

BIN = Path(sys.executable).parent
CONFIG = ROOT / "scripts" / "schemathesis.toml"
SEED = os.environ.get("API_FUZZ_SEED", "20261204")
MAX_EXAMPLES = os.environ.get("API_FUZZ_MAX_EXAMPLES", "60")


def make_token(env: dict[str, str]) -> str:
    """A user with a fresh API token in the throw-away database, created through the app factory."""
    code = (
        "from datetime import UTC, datetime\n"
        "from tracker import create_app\n"
        "from tracker.models import ApiToken, User, naive_utc\n"
        "from tracker.security import hash_password, new_api_token\n"
        "create_app()\n"
        "user = User.create(email='fuzz@example.com', password_hash=hash_password('not used at all'),"
        " timezone='Europe/Berlin')\n"
        "token, digest = new_api_token()\n"
        "ApiToken.create(user=user, name='schemathesis', token_hash=digest,"
        " created_at=naive_utc(datetime.now(UTC)))\n"
        "print(token)\n"
    )
    result = subprocess.run(  # noqa: S603 (our own fixed snippet)
        [BIN / "python", "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"could not create the fuzz user:\n{result.stderr}")
    return result.stdout.strip().splitlines()[-1]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="api-fuzz-") as tmp:
        env = throwaway_env(tmp, "fuzz")
        token = make_token(env)
        port = free_port()
        gunicorn = [
            BIN / "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
            "wsgi:app",
        ]
        with serving(env, Path(tmp) / "gunicorn.log", port, gunicorn) as base:
            command = [
                BIN / "schemathesis",
                "--config-file",
                CONFIG,
                "run",
                f"{base}/api/v1/openapi.json",
                "--header",
                f"Authorization: Bearer {token}",
                "--checks",
                "all",
                "--phases",
                "examples,coverage,fuzzing,stateful",
                "--seed",
                SEED,
                "--max-examples",
                MAX_EXAMPLES,
                "--workers",
                "1",
                "--generation-database",
                "none",
                "--no-color",
                *sys.argv[1:],
            ]
            # In the temp directory, so its cache (.schemathesis/) goes away with the run.
            status = subprocess.run(command, cwd=tmp, check=False).returncode  # noqa: S603
        if status != 0:
            log = (Path(tmp) / "gunicorn.log").read_text()
            tail = "\n".join(line for line in log.splitlines() if "Traceback" in line or "Error" in line)
            print(tail[-4000:] or "(gunicorn logged no errors)", file=sys.stderr)
        return status


if __name__ == "__main__":
    sys.exit(main())
