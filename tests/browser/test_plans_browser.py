"""If-then plans in Chromium (issue 16, item 1): write a plan from a ladder, with htmx, and see it on
Today as the kind's subtitle; the same without JavaScript; the plans page at 320 px, light and dark,
without serious accessibility problems."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import register
from tests.browser.test_a11y import assert_no_serious_problems, needs_axe

PLAN = "When I want to text again, I will wait 30 minutes and take a walk."


def write_plan(page: Page) -> None:
    """From the ladder's offer, write a plan for "Give space"."""
    page.get_by_role("link", name="Your ladders").click()
    page.get_by_role("link", name="Make a plan for Give space").click()
    expect(page.get_by_label("For which practice?")).to_have_value("trust_space")
    page.get_by_label("When…").fill("I want to text again")
    page.get_by_label("…I will").fill("wait 30 minutes and take a walk")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator("#plans")).to_contain_text(PLAN)


def tile(page: Page, label: str):
    return page.locator(".kinds button.kind").filter(has=page.locator(".kind-label", has_text=label))


def test_a_plan_written_in_the_browser_shows_on_today(page: Page, live_server, shoot):
    register(page, live_server)
    write_plan(page)
    expect(page.get_by_text("Your plan for “Give space”")).to_be_visible()  # the flash, out of band
    shoot("plans")
    page.goto(live_server)
    expect(tile(page, "Give space").locator(".kind-hint")).to_have_text(PLAN)
    expect(tile(page, "Ask for space").locator(".kind-hint")).not_to_contain_text("When")
    page.goto(f"{live_server}/ladder")
    expect(page.locator("#ladder-trust_space")).to_contain_text(f"Your plan: {PLAN}")
    page.goto(f"{live_server}/plans")
    page.get_by_role("button", name="Remove the plan for Give space").click()
    expect(page.get_by_text("Removed your plan for “Give space”.")).to_be_visible()
    page.goto(live_server)
    expect(tile(page, "Give space").locator(".kind-hint")).to_have_text(
        "Let a slow reply be, without chasing"
    )


@pytest.mark.parametrize("live_server", ["sqlite"], indirect=True)
def test_without_javascript_and_at_320_px(signed_up_without_js, live_server):
    page = signed_up_without_js(320, 640)
    write_plan(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_label("For which practice?").select_option("space")
    page.get_by_label("When…").fill("   ")
    page.get_by_label("…I will").fill("x" * 200)
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("Write when, in your own words")).to_be_visible()
    for path in ("/", "/ladder", "/plans?welcome=1"):
        page.goto(f"{live_server}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    page.goto(live_server)
    expect(tile(page, "Give space").locator(".kind-hint")).to_have_text(PLAN)


@needs_axe
@pytest.mark.parametrize("live_server", ["sqlite"], indirect=True)
def test_the_plans_pages_have_no_serious_accessibility_problems(page: Page, live_server, shoot):
    register(page, live_server)
    write_plan(page)
    pages = {
        "plans": "/plans",
        "plans-welcome": "/plans?welcome=1",
        "ladder-plan": "/ladder",
        "today-plan": "/",
    }
    assert_no_serious_problems(page, live_server, pages, shoot)
