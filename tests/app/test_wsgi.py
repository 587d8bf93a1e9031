"""wsgi.py, as gunicorn loads it: an SQLite deployment's workers go without psycopg2 (and the OpenSSL
and libpq its wheel brings, 5 MB each), a PostgreSQL one has it, and either serves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, sys
import wsgi
response = wsgi.app.test_client().get("/healthz")
driver = sys.modules.get("psycopg2")
print(json.dumps({"status": response.status_code, "psycopg2": driver is not None}))
"""


def _load_wsgi(database_url: str, tmp_path: Path) -> dict:
    """Import wsgi.py in a fresh interpreter with this DATABASE_URL: /healthz's status, psycopg2 loaded."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "wsgi-test",
        "SCHEDULER": "0",
        "MAIL_URL": f"file://{tmp_path / 'outbox'}",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_entry_point_loads_the_server_driver_only_when_the_database_is_a_server(database_url, tmp_path):
    loaded = _load_wsgi(database_url, tmp_path)
    assert loaded == {"status": 200, "psycopg2": database_url.startswith("postgres")}
