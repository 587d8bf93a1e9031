"""Layout details a phone user sees: what sits inside its card, and disclosures that look openable."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import register


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
