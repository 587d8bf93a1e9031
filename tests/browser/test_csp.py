"""Under the Content-Security-Policy, htmx still works and no page triggers a violation."""

from __future__ import annotations

import itertools

from playwright.sync_api import Page, expect

# Addresses of this module's own: test_flow's counter may live in another module object.
_emails = (f"csp{n}@example.com" for n in itertools.count())


def register(page: Page, base: str) -> None:
    page.goto(f"{base}/register")
    page.get_by_label("Email").fill(next(_emails))
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="What did you practise?")).to_be_visible()


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
