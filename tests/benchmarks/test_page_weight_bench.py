"""Today's first load, resource by resource: raw, gzip and brotli bytes and the cache header, against
the budget of 60 KB compressed and 10 requests (issue 7). What counts as the first load is the same
list as tests/app/test_page_weight.py (what Chromium fetches on a first visit with an empty cache).
"""

from __future__ import annotations

import pytest

from tests.app.test_page_weight import BUDGET_BYTES, BUDGET_REQUESTS, first_load
from tests.benchmarks import report
from tests.conftest import Auth, make_user
from tracker import create_app
from tracker.models import database


def _sent(client, url: str, accept: str) -> int:
    """Body bytes sent for `url` to a browser that accepts `accept`."""
    with client.get(url, headers={"Accept-Encoding": accept}) as response:  # a static file: closes it
        return len(response.get_data())


@pytest.fixture
def client(tmp_path):
    """A client logged in to a fresh app (SQLite: the weight doesn't depend on the database)."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.db'}",
            "SECRET_KEY": "bench",
            "MAIL_URL": f"file://{tmp_path / 'outbox'}",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        make_user()
    client = app.test_client()
    Auth(client).login()
    yield client
    database.close()


def test_first_load_of_today_weighs_under_the_budget(client):
    fetched = first_load(client)
    table = report.Table(
        "Page weight: Today's first load",
        "Every request a first visit to Today makes with an empty cache (logged in; the page, its "
        "stylesheet and scripts, favicon, manifest and the icon Chromium checks, the service worker "
        "and its precache), as body bytes: raw, gzip and brotli as the server sends them. Ratios: "
        "brotli to raw per resource, and the total to the budget.",
        ["resource", "why", "raw B", "gzip B", "brotli B", "brotli / raw", "Cache-Control"],
    )
    raw = gzipped = brotli = 0
    for f in fetched:
        gz = _sent(client, f.url, "gzip")
        raw, gzipped, brotli = raw + f.raw, gzipped + gz, brotli + f.sent
        table.add(f.url, f.why, f.raw, gz, f.sent, f"{f.sent / f.raw:.2f}", f.cache or "-")
    requests_ratio = len(fetched) / BUDGET_REQUESTS
    bytes_ratio = brotli / BUDGET_BYTES
    table.add(
        f"**total: {len(fetched)} requests**",
        f"budget: {BUDGET_REQUESTS} requests, {BUDGET_BYTES} B",
        raw,
        gzipped,
        brotli,
        f"{brotli / raw:.2f}",
        f"total / budget: requests {requests_ratio:.2f}, bytes {bytes_ratio:.2f}",
    )
    met = requests_ratio <= 1 and bytes_ratio <= 1
    table.verdict = (
        f"Budget {'met' if met else 'NOT met'}: {len(fetched)} of {BUDGET_REQUESTS} requests, "
        f"{brotli / 1024:.1f} KB of {BUDGET_BYTES // 1024} KB with brotli "
        f"({gzipped / 1024:.1f} KB if the browser takes gzip only)."
    )
    report.record(table)
    assert met, table.verdict
