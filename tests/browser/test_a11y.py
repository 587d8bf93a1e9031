"""Accessibility: axe-core (from npm) finds no serious or critical problem on the main pages, in the
light and the dark colour scheme, at phone size; each page is saved as a screenshot artifact."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import register

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
needs_axe = pytest.mark.skipif(not AXE.exists(), reason="axe-core missing: run `npm ci` (make setup does)")

ANONYMOUS_PAGES = {"start": "/", "login": "/login", "register": "/register"}
PAGES = {
    "today": "/",
    "history": "/history",
    "month": "/month",
    "reminders": "/reminders",
    "settings": "/settings",
    "people": "/people",
    "about": "/about",
    "more": "/more",
    "offline": "/offline",
    "log-kind": "/log/closeness",
}


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the current page, one readable line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated rather than added as a script tag, so a strict Content-Security-Policy can't block it.
        page.evaluate(AXE.read_text())
    violations = page.evaluate(
        "async () => (await axe.run(document, { resultTypes: ['violations'] })).violations"
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {[node['target'] for node in v['nodes']][:5]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def check_pages(page: Page, base: str, pages: dict[str, str], shoot) -> list[str]:
    """Visit each page in both colour schemes; return every finding, prefixed with page and scheme."""
    found = []
    for name, path in pages.items():
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            page.goto(f"{base}{path}")
            expect(page.locator("h1").first).to_be_visible()
            found += [f"{name} ({scheme}): {line}" for line in serious_violations(page)]
            shoot(f"page-{name}" if scheme == "light" else f"page-{name}-dark")
    return found


def assert_no_serious_problems(page: Page, base: str, pages: dict[str, str], shoot) -> None:
    """check_pages finds nothing on any of the pages, light or dark."""
    found = check_pages(page, base, pages, shoot)
    assert found == [], "\n".join(found)


def register_with_a_log(page: Page, base: str) -> None:
    """Sign up and log "Ask for closeness", so the pages have a log in their lists and rows."""
    register(page, base)
    page.get_by_role("button", name="Ask for closeness").first.click()
    expect(page.locator("#confirmation")).to_contain_text("Logged: Ask for closeness")


@needs_axe
@pytest.mark.parametrize("live_server", ["sqlite"], indirect=True)
def test_main_pages_have_no_serious_accessibility_problems(page: Page, live_server, shoot):
    found = check_pages(page, live_server, ANONYMOUS_PAGES, shoot)
    register_with_a_log(page, live_server)  # so lists and rows are checked too
    found += check_pages(page, live_server, PAGES, shoot)
    assert found == [], "\n".join(found)


@needs_axe
@pytest.mark.parametrize("live_server", ["sqlite"], indirect=True)
def test_the_details_form_has_no_serious_accessibility_problems(page: Page, live_server, shoot):
    """Issue 13: the 0–10 scales (radio buttons drawn as cells) keep their names, focus and contrast."""
    register(page, live_server)
    page.get_by_role("button", name="Ask for closeness").first.click()
    confirmation = page.locator("#confirmation")
    confirmation.get_by_text("Add details").click()
    scale = confirmation.get_by_role("group", name="How settled after?")
    expect(scale.get_by_role("radio")).to_have_count(12)
    expect(scale.get_by_role("radio", name="10 (fully settled)")).to_be_visible()
    scale.get_by_role("radio", name="6", exact=True).focus()
    page.keyboard.press("ArrowRight")
    expect(scale.get_by_role("radio", name="7", exact=True)).to_be_checked()
    found = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        found += [f"details ({scheme}): {line}" for line in serious_violations(page)]
        shoot(f"today-details-{scheme}")
    assert found == [], "\n".join(found)


@needs_axe
@pytest.mark.parametrize("live_server", ["sqlite"], indirect=True)
def test_words_only_pages_have_no_serious_accessibility_problems(page: Page, live_server, shoot):
    """Issue 17: Settings' "In words only", chosen as a person would, leaves the pages as accessible."""
    register_with_a_log(page, live_server)
    page.goto(f"{live_server}/settings")
    numbers = page.locator("#numbers")
    numbers.get_by_label("In words only").check()
    numbers.get_by_role("button", name="Save").click()
    expect(page.locator("#numbers")).to_contain_text("Saved: words only, no numbers.")
    pages = {"words-month": "/month", "words-year": "/year", "words-settings": "/settings"}
    assert_no_serious_problems(page, live_server, pages, shoot)
    expect(page.locator("main")).not_to_contain_text("of 100")
