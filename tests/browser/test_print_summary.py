"""A month worth bringing (issue 16, item 5), printed by Chromium: the demo account's busiest month, and
a month with its notes ticked in and names hidden, each on at most two A4 and two Letter pages.

The PDF's pages are counted by poppler's `pdfinfo` when present (else from the PDF's /Count), and
turned into PNGs (`pdftoppm -r 60`) in test-artifacts/print/ (or PRINT_SHOTS_DIR) to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, expect

from scripts.local_server import sign_in

pytestmark = [pytest.mark.parametrize("live_server", ["sqlite"], indirect=True)]  # print is the browser's

EMAIL, PASSWORD, ZONE = "print-demo@example.com", "demo-password", "Europe/Berlin"
SHOTS = Path(
    os.environ.get("PRINT_SHOTS_DIR") or Path(__file__).resolve().parents[2] / "test-artifacts" / "print"
)


def page_count(pdf: bytes) -> int:
    """The PDF's page count: pdfinfo's when installed, else the page tree's largest /Count."""
    if shutil.which("pdfinfo"):
        done = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
        return int(re.search(rb"^Pages:\s+(\d+)", done.stdout, re.MULTILINE).group(1))
    return max(int(n) for n in re.findall(rb"/Count\s+(\d+)", pdf))


def to_pngs(pdf: bytes, name: str) -> list[Path]:
    """The PDF's pages as PNGs at 60 dpi, to look at (none without pdftoppm)."""
    if not shutil.which("pdftoppm"):
        return []
    SHOTS.mkdir(parents=True, exist_ok=True)
    source = SHOTS / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(source), str(SHOTS / name)], check=True)
    return sorted(SHOTS.glob(f"{name}-*.png"))


@pytest.fixture(scope="module")
def signed_in(browser: Browser, live_server, tracker_cli):
    tracker_cli(live_server, "demo", "--email", EMAIL, "--password", PASSWORD, "--timezone", ZONE)
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    sign_in(page, EMAIL, PASSWORD)
    yield page
    context.close()


def busiest_month(page) -> str:
    """The demo's month with the most logs, as the summary API counts them (the last twelve)."""
    today = datetime.now(ZoneInfo(ZONE)).date()
    months = [
        f"{(today.year * 12 + today.month - 1 - i) // 12:04d}-{(today.month - 1 - i) % 12 + 1:02d}"
        for i in range(12)
    ]
    logs = {}
    for month in months:
        days = page.request.get(f"/api/v1/summary?month={month}").json()["days"]
        logs[month] = sum(day["logs"] for day in days.values())
    return max(logs, key=logs.get)


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("options", ["", "?notes=show&names=hide"], ids=["plain", "notes"])
def test_the_month_prints_on_at_most_two_pages(signed_in, paper, options):
    page = signed_in
    month = busiest_month(page)
    page.goto(f"/month/{month}")
    page.get_by_role("link", name="Print or save as PDF").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("a month of practice")
    if options:
        page.get_by_label("Hide names").check()
        page.get_by_label("Include my private notes").check()
        page.get_by_role("button", name="Update the page").click()
        expect(page.get_by_role("heading", name="My notes")).to_be_visible()
        assert "notes=show" in page.url and "names=hide" in page.url
        assert page.locator(".printout-people strong", has_text="Sam").count() == 0
    pdf = page.pdf(format=paper, print_background=True)
    pages = page_count(pdf)
    shots = to_pngs(pdf, f"summary-{month}-{'notes' if options else 'plain'}-{paper}")
    assert pages <= 2, f"{pages} pages on {paper}: {shots}"
    assert len(shots) in (0, pages)
