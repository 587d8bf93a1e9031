"""The practice on a phone: a new account's welcome shapes Today, the recall exercise (with its gentle
timer, and without JavaScript as a plain page), and the monthly check-in shown on the month page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import register
from tests.browser.test_a11y import assert_no_serious_problems, needs_axe

ITEMS = ("c1", "c2", "c3", "d1", "d2", "d3", "a1", "a2", "a3")


def welcome(page: Page) -> None:
    """Go through the welcome: focus on repair and widen, add Sam, feel safe, four days a week."""
    page.get_by_role("link", name="Start").click()
    for number in (1, 2, 3, 4, 5, 6, 7):
        # Wait for each screen before acting, so a click never lands on the screen being replaced.
        expect(page.get_by_text(f"Welcome · {number} of 7")).to_be_visible()
        if number == 4:
            page.get_by_label("Repair after conflict").check()
            page.get_by_label("Widen your circle").check()
        elif number == 5:
            page.get_by_label("Nickname 1").fill("Sam")
        elif number == 6:
            expect(page.get_by_text("Do you feel safe with Sam?")).to_be_visible()
        if number < 7:
            page.get_by_role("button", name="Next").click()
    page.get_by_label("Days a week").select_option("4")
    page.get_by_role("button", name="Finish").click()
    page.get_by_role("link", name="Skip for now").click()  # the offer of an if-then plan
    expect(page.get_by_role("heading", name="What did you practise?")).to_be_visible()
    keys = page.locator('input[name="kind"]').evaluate_all("els => els.map(e => e.value)")
    assert keys[:2] == ["repair", "widen"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def recall(page: Page, with_js: bool) -> None:
    page.get_by_role("link", name="Hard moment? Recall a safe person").click()
    page.get_by_label("Sam").check()
    page.get_by_label("How settled do you feel right now?").select_option("3")
    page.get_by_role("button", name="Begin").click()
    expect(page.get_by_role("heading", name="Bring Sam to mind")).to_be_visible()
    timer = page.locator("[data-recall-timer]")
    if with_js:
        page.get_by_role("button", name="1 minute").click()
        expect(page.locator("[data-recall-clock]")).to_contain_text("Begin with the first prompt")
        expect(page.locator(".recall-current")).to_have_count(1)
    else:
        expect(timer).to_be_hidden()
    page.get_by_label("how settled do you feel now?").select_option("6")
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_text("Before: 3 · now: 6.")).to_be_visible()


def checkin(page: Page, base: str, value: str) -> None:
    page.goto(f"{base}/checkin")
    for key in ITEMS:
        page.locator(f'input[name="{key}"][value="{value}"]').check()
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.get_by_text("Comfort with closeness")).to_be_visible()


def test_welcome_recall_and_checkin_with_javascript(page: Page, live_server, shoot):
    register(page, live_server)
    welcome(page)
    shoot("practice-today")
    recall(page, with_js=True)
    checkin(page, live_server, "4")
    checkin(page, live_server, "2")  # changed the same month
    page.goto(f"{live_server}/month")
    expect(page.get_by_role("heading", name="Your monthly check-ins")).to_be_visible()
    expect(page.get_by_text("Recalling a safe person")).to_be_visible()


def test_welcome_recall_and_checkin_without_javascript(signed_up_without_js, live_server):
    page = signed_up_without_js()
    welcome(page)
    recall(page, with_js=False)
    checkin(page, live_server, "3")
    page.goto(f"{live_server}/year")
    expect(page.get_by_role("heading", name="Your monthly check-ins")).to_be_visible()


@needs_axe
def test_practice_pages_have_no_serious_accessibility_problems(page: Page, live_server, shoot):
    register(page, live_server)
    welcome(page)
    checkin(page, live_server, "4")
    sam = page.request.get(f"{live_server}/people").text()
    person = re.search(r'href="(/people/\d+)"', sam).group(1)
    pages = {
        "ladder": "/ladder",
        "person": person,
        "checkin": "/checkin",
        "recall": "/recall",
        "recall-guide": "/recall/guide?who=past&before=4",
        "welcome-focus": "/welcome/4",
        "welcome-safety": "/welcome/6",
        "year": "/year",
    }
    assert_no_serious_problems(page, live_server, pages, shoot)
