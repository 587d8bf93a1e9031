"""Issue 13: two taps on a tile 90–300 ms apart store one log, with JavaScript and without; Today's
list and History agree."""

from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import Page, expect

_emails = (f"double{n}@example.com" for n in itertools.count())


def register(page: Page, base: str) -> None:
    page.goto(f"{base}/register")
    page.get_by_label("Email").fill(next(_emails))
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="What did you practise?")).to_be_visible()


def stored_logs(page: Page, base: str) -> list[dict]:
    """The signed-in user's logs, read through the API with the page's session."""
    return page.request.get(f"{base}/api/v1/logs").json()["logs"]


@pytest.mark.parametrize("gap_ms", [90, 300])
def test_a_double_tap_with_javascript_stores_one_log(page: Page, live_server, gap_ms):
    """Two touches at the same spot, as a finger makes them: the answer to the first moves the tiles
    (the confirmation appears above them), so the second must neither log again nor hit a neighbour."""
    register(page, live_server)
    box = page.locator("form[data-offline-kind='closeness'] button").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.touchscreen.tap(x, y)
    page.wait_for_timeout(gap_ms)
    page.touchscreen.tap(x, y)
    expect(page.locator("#confirmation")).to_contain_text("Logged: Ask for closeness")
    page.wait_for_load_state("networkidle")
    logs = stored_logs(page, live_server)
    assert [log["kind"] for log in logs] == ["closeness"]
    expect(page.locator("#today-logs .log-row")).to_have_count(1)
    page.goto(f"{live_server}/history")
    expect(page.locator("#history .log-row")).to_have_count(1)


def test_a_tap_after_the_repeat_window_is_a_new_log(page: Page, live_server):
    register(page, live_server)
    tile = page.locator("form[data-offline-kind='space'] button")
    tile.click()
    expect(page.locator("#today-logs .log-row")).to_have_count(1)
    page.wait_for_timeout(3200)  # a real second tap, after the 3 s in which a repeat is the same tap
    tile.click()
    expect(page.locator("#today-logs .log-row")).to_have_count(2)
    assert len(stored_logs(page, live_server)) == 2


def test_a_double_click_without_javascript_stores_one_log(signed_up_without_js, live_server):
    page = signed_up_without_js()
    page.locator("form[data-offline-kind='confide'] button").dblclick(delay=150)
    expect(page.locator("#confirmation")).to_contain_text("Logged: Confide")
    expect(page.locator("#today-logs .log-row")).to_have_count(1)
    assert len(stored_logs(page, live_server)) == 1
    page.goto(f"{live_server}/history")
    expect(page.locator("#history .log-row")).to_have_count(1)
