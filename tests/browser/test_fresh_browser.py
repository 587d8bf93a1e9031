"""Fresh starts in Chromium (issue 16, item 3): the Settings switch without JavaScript at 320 px, and
Today's welcome back offering the same small step, fitting a small phone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import register

LOG_NINE_DAYS_AGO = """async (at) => {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const response = await fetch('/api/v1/logs', {method: 'POST', body: JSON.stringify({kind: 'space', at}),
    headers: {'Content-Type': 'application/json', 'X-CSRFToken': token}});
  return response.status;
}"""


def test_the_switch_without_javascript_at_320_px(signed_up_without_js, live_server):
    page = signed_up_without_js(320, 640)
    page.goto(f"{live_server}/settings#fresh")
    section = page.locator("#fresh")
    expect(section.get_by_label("Yes, once")).to_be_checked()
    section.get_by_label("No, thank you").check()
    section.get_by_role("button", name="Save").click()
    expect(page.locator("#fresh")).to_contain_text("Saved: no fresh-start email.")
    expect(page.locator("#fresh").get_by_label("No, thank you")).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_the_welcome_back_offers_a_fresh_step_and_fits_320_px(browser, live_server):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    register(page, live_server)
    at = (datetime.now(UTC) - timedelta(days=9)).isoformat(timespec="seconds")
    assert page.evaluate(LOG_NINE_DAYS_AGO, at) == 201
    page.goto(live_server)
    banner = page.locator(".welcome-back")
    expect(banner).to_contain_text("A fresh start, if you'd like one:")
    expect(banner.get_by_role("link", name="Confide")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()
