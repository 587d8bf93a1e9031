"""Layout details a phone user sees: what sits inside its card, and disclosures that look openable."""

from __future__ import annotations

import uuid

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


MARKER = """e => {
    const native = getComputedStyle(e).display === "list-item";
    const drawn = getComputedStyle(e, "::before");
    const chevron = drawn.content !== "none" && drawn.display !== "none" && drawn.borderRightWidth !== "0px";
    return native || chevron;
}"""


def save_checkin(page: Page, base: str) -> None:
    page.goto(f"{base}/checkin")
    for key in ("c1", "c2", "c3", "d1", "d2", "d3", "a1", "a2", "a3"):
        page.locator(f"input[name={key}][value='4']").check()
    page.get_by_role("button", name="Save my check-in").click()
    expect(page.locator(".checkin-results")).to_be_visible()


def test_disclosures_show_that_they_open(page: Page, live_server):
    """Every <summary> shows a marker (the browser's, or a drawn chevron): a flex summary loses the
    browser's triangle, so the app draws one."""
    register(page, live_server)
    page.get_by_role("button", name="Ask for closeness").first.click()
    expect(page.locator("#confirmation")).to_contain_text("Logged")
    details = page.locator("#confirmation details summary").first  # "Add details" ("What and when" is inside)
    expect(details).to_be_visible()
    assert details.evaluate(MARKER)
    save_checkin(page, live_server)
    page.goto(f"{live_server}/month")
    summaries = page.locator("#month summary")
    assert summaries.count() >= 1
    for summary in summaries.all():
        assert summary.evaluate(MARKER), summary.inner_text()
    summaries.first.click()
    expect(page.locator("#month details[open]")).to_have_count(1)


def test_charts_and_tables_read_at_320_px(page: Page, live_server):
    """At 320 px: chart labels are at least 11 px tall on screen, and the year's table fits whole."""
    page.set_viewport_size({"width": 320, "height": 640})
    register(page, live_server)
    page.get_by_role("button", name="Ask for closeness").first.click()
    expect(page.locator("#confirmation")).to_contain_text("Logged")
    save_checkin(page, live_server)
    page.goto(f"{live_server}/month")
    ticks = page.locator("#month .chart-tick")
    assert ticks.count() >= 6
    for tick in ticks.all():
        assert tick.bounding_box()["height"] >= 11, tick.text_content()
    page.goto(f"{live_server}/year")
    table = page.locator(".year-table").locator("xpath=..")
    assert table.evaluate("e => e.scrollWidth <= e.clientWidth")
    expect(page.get_by_role("columnheader", name="Open")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


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
        page.get_by_label("Email").fill(f"start-{uuid.uuid4().hex[:12]}@example.com")
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


def test_an_error_answer_to_an_in_page_request_shows_the_servers_own_words(page: Page, live_server):
    """A 429 to a tap says what the server's error page says ("take a breath"), not a generic line."""
    register(page, live_server)
    page.route(
        "**/logs",
        lambda route: route.fulfill(
            status=429,
            content_type="text/html; charset=utf-8",
            body="<main><h1 data-error-message>That was a lot of requests. Take a breath.</h1></main>",
        ),
    )
    # Settled first (scripts run, the service worker registered): under CI's load a tap made while the
    # page was still settling once left the flash empty.
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Ask for closeness").first.click()
    expect(page.locator("#flashes")).to_have_text("That was a lot of requests. Take a breath.")
