"""Under the Content-Security-Policy, htmx still works and no page triggers a violation."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import register


def test_pages_and_htmx_work_without_csp_violations(page: Page, live_server):
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(msg.text))
    register(page, live_server)
    page.get_by_role("button", name="Ask for closeness").first.click()
    expect(page.locator("#confirmation")).to_contain_text("Logged: Ask for closeness")  # an htmx swap
    for path in ("/history", "/month", "/year", "/people", "/reminders", "/settings", "/reset"):
        page.goto(f"{live_server}{path}")
    violations = [m for m in messages if "Content Security Policy" in m or "Refused to" in m]
    assert violations == []
