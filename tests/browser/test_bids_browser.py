"""Bids in Chromium (issue 16, item 2): "I missed a bid" logs one respond turned away on a double tap,
with JavaScript and without; the details form's choice of how a bid was met saves; Today, the edit
form and the month fit 320 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import register
from tests.browser.test_a11y import assert_no_serious_problems, needs_axe


def stored_logs(page: Page, base: str) -> list[dict]:
    """The signed-in user's logs, read through the API with the page's session."""
    return page.request.get(f"{base}/api/v1/logs").json()["logs"]


def fits(page: Page, width: int = 320) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("gap_ms", [90, 300])
def test_i_missed_a_bid_double_tapped_at_320_px_logs_once_and_its_details_save(browser, live_server, gap_ms):
    context = browser.new_context(viewport={"width": 320, "height": 640}, has_touch=True)
    page = context.new_page()
    register(page, live_server)
    assert fits(page)
    button = page.get_by_role("button", name="I missed a bid")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.touchscreen.tap(x, y)
    page.wait_for_timeout(gap_ms)
    page.touchscreen.tap(x, y)  # the confirmation has moved the tiles: this touch is the first's echo
    expect(page.locator("#confirmation")).to_contain_text("Noticed: a bid you missed")
    page.wait_for_load_state("networkidle")
    assert [(log["kind"], log["bid"]) for log in stored_logs(page, live_server)] == [("respond", "away")]

    details = page.locator("#confirmation details.details-step")
    if details.get_attribute("open") is None:  # the echo of the tap may have landed on it and opened it
        details.locator("> summary").click()
    expect(details).to_have_attribute("open", "")
    group = page.get_by_role("group", name="How did you meet their bid?")
    expect(group.get_by_role("radio", name="Missed it, or turned away")).to_be_checked()
    option = group.locator("label", has_text="Turned against it")
    assert option.bounding_box()["height"] >= 44
    assert fits(page)
    option.click()
    page.get_by_role("button", name="Save details").click()
    expect(page.locator("#confirmation")).to_contain_text("Saved: Turn toward a bid")
    assert [log["bid"] for log in stored_logs(page, live_server)] == ["against"]
    page.goto(f"{live_server}/month")
    expect(page.locator(".bids-line")).to_contain_text("You noticed 1 bid in the last 30 days.")
    assert fits(page)
    context.close()


@pytest.mark.parametrize("live_server", ["sqlite"], indirect=True)
def test_without_javascript_a_missed_bid_logs_once_and_the_choice_saves(signed_up_without_js, live_server):
    page = signed_up_without_js(320, 640)
    page.get_by_role("button", name="I missed a bid").dblclick(delay=150)
    expect(page.locator("#confirmation")).to_contain_text("Noticed: a bid you missed")
    assert len(stored_logs(page, live_server)) == 1
    page.locator("#confirmation details.details-step > summary").click()
    page.get_by_role("radio", name="Turned toward it").check()
    page.get_by_role("button", name="Save details").click()
    assert [log["bid"] for log in stored_logs(page, live_server)] == ["toward"]
    page.goto(f"{live_server}/month")
    expect(page.locator(".bids-line")).to_contain_text("You turned toward 1 of 1 bid you noticed")
    assert fits(page)


@pytest.mark.parametrize("live_server", ["sqlite"], indirect=True)
def test_the_bid_choice_reads_in_dark_mode(browser, live_server):
    context = browser.new_context(color_scheme="dark", viewport={"width": 320, "height": 640})
    page = context.new_page()
    register(page, live_server)
    page.get_by_role("button", name="I missed a bid").click()
    page.locator("#confirmation details.details-step > summary").click()
    checked = page.locator(".bids .scale-option:has(input:checked)")
    colours = checked.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
    assert colours[0] != colours[1]
    context.close()


@needs_axe
@pytest.mark.parametrize("live_server", ["sqlite"], indirect=True)
def test_the_bid_pages_have_no_serious_accessibility_problems(page: Page, live_server, shoot):
    """Today with "I missed a bid", a respond log's edit form with the bid choice, and the month with its
    sentence, light and dark."""
    register(page, live_server)
    page.get_by_role("button", name="I missed a bid").click()
    expect(page.locator("#confirmation")).to_contain_text("Noticed: a bid you missed")
    log_id = stored_logs(page, live_server)[0]["id"]
    pages = {"today-bid": "/", "log-edit-bid": f"/logs/{log_id}/edit", "month-bids": "/month"}
    assert_no_serious_problems(page, live_server, pages, shoot)
