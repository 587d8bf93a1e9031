"""The month page on a phone: htmx moves between months and updates the URL, Back restores the whole
page, a day opens in place, and deleting a log there re-renders the calendar; then without JavaScript."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import register


def log_at(page: Page, base: str, when: datetime) -> None:
    """A backdated log through the JSON API, with the session and CSRF header page scripts use."""
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    response = page.request.post(
        f"{base}/api/v1/logs",
        data={"kind": "recall", "at": when.isoformat()},
        headers={"X-CSRFToken": token},
    )
    assert response.status == 201, response.text()


def test_months_move_with_htmx_and_the_back_button_restores_the_page(page: Page, live_server, shoot):
    register(page, live_server)
    log_at(page, live_server, datetime.now(UTC) - timedelta(days=40))
    page.get_by_role("button", name="Ask for closeness").first.click()
    expect(page.locator("#confirmation")).to_contain_text("Logged: Ask for closeness")

    page.get_by_role("link", name="Month", exact=True).click()
    expect(page).to_have_url(re.compile(r"/month$"))
    heading = page.locator("#month-heading")
    this_month = heading.inner_text()
    today = page.locator('a.day[aria-current="date"]')
    expect(today).to_have_class(re.compile(r"\bday-active\b"))
    expect(today.locator(".day-count")).to_have_text("1")
    shoot("month")

    today.click()
    panel = page.locator("#day-panel")
    expect(panel).to_contain_text("Ask for closeness")
    expect(page).to_have_url(re.compile(r"/month$"))  # opened in place

    page.evaluate("window.stillHere = true")
    page.locator("#month-previous").click()
    expect(heading).not_to_have_text(this_month)
    expect(page).to_have_url(re.compile(r"/month/\d{4}-\d{2}$"))
    assert page.evaluate("window.stillHere === true")  # swapped, not reloaded
    expect(page).to_have_title(re.compile(r"^\w+ \d{4} · Secure Base$"))

    page.go_back()
    expect(page).to_have_url(re.compile(r"/month$"))
    expect(heading).to_have_text(this_month)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()  # the whole page, not a fragment
    expect(page.locator("#month")).to_have_count(1)

    page.locator('a.day[aria-current="date"]').click()
    page.on("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name=re.compile("^Delete Ask for closeness")).click()
    expect(page.locator("#confirmation")).to_contain_text("Removed: Ask for closeness")
    expect(page.locator('a.day[aria-current="date"]')).to_have_class(re.compile(r"\bday-pending\b"))
    expect(page.locator("#day-panel")).to_contain_text("nothing logged yet")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot("month-after-delete")


def test_the_month_works_without_javascript(signed_up_without_js, live_server):
    page = signed_up_without_js()
    page.get_by_role("button", name="Confide").first.click()
    page.get_by_role("link", name="Month", exact=True).click()
    page.locator('a.day[aria-current="date"]').click()
    expect(page).to_have_url(re.compile(r"/day/\d{4}-\d{2}-\d{2}$"))
    expect(page.locator("#day-panel")).to_contain_text("Confide")
    page.get_by_role("link", name=re.compile(r"^See \w+ \d{4}$")).click()
    expect(page).to_have_url(re.compile(r"/month/\d{4}-\d{2}$"))
    expect(page.locator("#month-heading")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
