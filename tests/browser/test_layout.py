"""Layout details a phone user sees: what sits inside its card, and disclosures that look openable."""

from __future__ import annotations

import itertools

from playwright.sync_api import Page, expect

_emails = (f"layout{n}@example.com" for n in itertools.count())


def register(page: Page, base: str) -> None:
    page.goto(f"{base}/register")
    page.get_by_label("Email").fill(next(_emails))
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="What did you practise?")).to_be_visible()


def test_check_in_questions_sit_inside_their_cards(page: Page, live_server):
    register(page, live_server)
    page.goto(f"{live_server}/checkin")
    cards = page.locator("fieldset.likert")
    expect(cards.first).to_be_visible()
    for card in cards.all():
        legend, box = card.locator("legend").bounding_box(), card.bounding_box()
        assert legend["y"] > box["y"] + 4, "the question straddles the card's top border"


def test_the_month_numbers_show_a_disclosure_triangle(page: Page, live_server):
    register(page, live_server)
    page.get_by_role("button", name="Ask for closeness").first.click()
    expect(page.locator("#confirmation")).to_contain_text("Logged")
    page.goto(f"{live_server}/month")
    summary = page.locator("details.numbers summary")
    assert summary.evaluate("e => getComputedStyle(e).display") == "list-item"  # flex hides the marker


def test_the_quick_exit_leaves_and_back_does_not_return(page: Page, live_server):
    """One tap to a neutral site, replacing the sign-in page in the history (no internet: stubbed)."""
    page.route(
        "https://www.bbc.com/**",
        lambda route: route.fulfill(body="<title>Weather</title>", content_type="text/html"),
    )
    page.goto(f"{live_server}/about")
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="Quick exit").click()
    expect(page).to_have_url("https://www.bbc.com/weather")
    page.go_back()
    expect(page).to_have_url(f"{live_server}/about")  # the sign-in page is gone from the history


def first_tile_above_the_fold(page: Page) -> bool:
    """Whether the first tile is wholly in view above the tab bar, before any scrolling."""
    return page.evaluate("""() => {
      const tile = document.querySelector(".kinds li").getBoundingClientRect();
      const bar = document.querySelector(".tabs").getBoundingClientRect();
      return window.scrollY === 0 && tile.bottom <= Math.min(bar.top, window.innerHeight);
    }""")


def test_a_first_visit_and_todays_first_tiles_fit_a_small_phone(browser, live_server):
    """Issue 13 at 320×640: the visitor reads what this is with Create account first; after sign-up, and
    with a ladder offer waiting (the demo account's case), one note at most and the first tile in view."""
    for js in (True, False):
        context = browser.new_context(viewport={"width": 320, "height": 640}, java_script_enabled=js)
        page = context.new_page()
        page.goto(live_server)
        main = page.get_by_role("main")
        expect(main).not_to_contain_text("Welcome back")
        expect(main.get_by_role("link")).to_have_text(["Create account", "Log in"])
        main.get_by_role("link", name="Create account").click()
        page.get_by_label("Email").fill(next(_emails))
        page.get_by_label("Password").fill("a long enough password")
        page.get_by_role("button", name="Create account").click()
        expect(page.get_by_role("heading", name="What did you practise?")).to_be_visible()
        expect(page.locator(".banner")).to_have_count(1)
        assert first_tile_above_the_fold(page)
        token = page.locator('meta[name="csrf-token"]').get_attribute("content")
        for _ in range(3):
            page.request.post(
                f"{live_server}/api/v1/logs",
                data={"kind": "closeness", "response": "welcomed"},
                headers={"X-CSRFToken": token},
            )
        page.goto(live_server)
        expect(page.locator(".banner")).to_have_count(1)
        expect(page.get_by_text("Ready for a bigger step?")).to_be_visible()
        assert first_tile_above_the_fold(page)
        context.close()
