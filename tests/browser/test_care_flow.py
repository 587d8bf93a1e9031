"""Care on a phone (issue 17): a hurtful or frightening response opens the care flow at once, with
JavaScript (inside the confirmation) and without (its own page); keeping the person out of suggestions
from there puts the quick exit on every page and takes them out of recall. A past month's check-in at
/checkin/YYYY-MM shows its statements as they were worded. The footer's help lines keep each name with
its number at 320 px."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import register

NARROW = {"width": 320, "height": 640}


def add_person(page: Page, base: str, nickname: str) -> None:
    """A person, as a log through the JSON API adds one (with the page's session and CSRF token)."""
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    answer = page.request.post(
        f"{base}/api/v1/logs", data={"kind": "respond", "person": nickname}, headers={"X-CSRFToken": token}
    )
    assert answer.status == 201, answer.text()


def no_overflow(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def check_care(care, nickname: str | None) -> None:
    """The care flow: gentle words, help lines, the way to a therapist, the keep-out form."""
    expect(care).to_contain_text("Thank you for noting how that felt")
    expect(care).to_contain_text("It is not yours to fix by trying harder")
    assert care.locator(".help-lines a.help-line").count() >= 1  # the region's lines (UTC: the directory)
    expect(care.get_by_role("link", name="find a therapist or a group")).to_have_attribute("href", "/help")
    if nickname:
        expect(care.get_by_role("button", name=f"Keep {nickname} out of suggestions")).to_be_visible()


def test_a_hurtful_response_opens_the_care_flow_and_keeps_the_person_out(page: Page, live_server, shoot):
    register(page, live_server)
    add_person(page, live_server, "Sam")
    page.reload()
    page.set_viewport_size(NARROW)
    page.get_by_role("button", name="Ask for support").first.click()
    confirmation = page.locator("#confirmation")
    expect(confirmation).to_contain_text("Logged: Ask for support")
    confirmation.get_by_text("Add details").click()
    confirmation.get_by_label("With").select_option(label="Sam (friend)")
    confirmation.get_by_label("Hurtful or frightening").check()
    confirmation.get_by_role("button", name="Save details").click()

    expect(confirmation).to_contain_text("Saved: Ask for support with Sam")
    care = confirmation.locator("section.care-flow")
    check_care(care, "Sam")
    no_overflow(page)
    shoot("care-flow-320")
    assert page.locator("[data-quick-exit]").count() == 0  # no one is marked yet

    care.get_by_role("button", name="Keep Sam out of suggestions").click()
    expect(page.get_by_role("heading", name=re.compile("^Sam"))).to_be_visible()
    expect(page.get_by_text("Saved, privately. Your safety comes first.")).to_be_visible()
    expect(page.get_by_label("Keep Sam out of suggestions")).to_be_checked()
    expect(page.locator("[data-quick-exit]")).to_have_count(1)

    page.goto(f"{live_server}/recall")
    expect(page.get_by_role("heading", name="Hard moment? Recall a safe person")).to_be_visible()
    expect(page.get_by_label("Sam", exact=True)).to_have_count(0)
    expect(page.get_by_label("An imagined caring figure")).to_be_visible()
    expect(page.locator("[data-quick-exit]")).to_have_count(1)


def test_the_care_flow_without_javascript(signed_up_without_js, live_server):
    page = signed_up_without_js(**NARROW)
    page.get_by_role("button", name="Ask for closeness").first.click()
    confirmation = page.locator("#confirmation")
    expect(confirmation).to_contain_text("Logged: Ask for closeness")
    confirmation.get_by_text("Add details").click()
    confirmation.get_by_label("With").select_option("new")
    confirmation.get_by_label("New person's nickname").fill("Alex")
    confirmation.get_by_label("Hurtful or frightening").check()
    confirmation.get_by_role("button", name="Save details").click()

    expect(page).to_have_url(re.compile(r"/logs/[0-9a-f-]+/care\?next=/$"))
    care = page.locator("section.care-flow")
    expect(care.get_by_role("heading", level=1)).to_have_text("Thank you for noting how that felt")
    check_care(care, "Alex")
    no_overflow(page)
    page.get_by_role("link", name="find a therapist or a group").click()
    expect(page.get_by_role("heading", name="Find a therapist or a group")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Where to start"))).to_be_visible()
    no_overflow(page)
    page.go_back()
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", name="What did you practise?")).to_be_visible()


def _export_with_checkin(month: str) -> bytes:
    """An export file holding one check-in answered in wording 1, the way a month from before wording 2
    arrives."""
    answers = {"c1": 4, "c2": 5, "c3": 2, "d1": 3, "d2": 4, "d3": 2, "a1": 2, "a2": 3, "a3": 4}
    data = {
        "version": 1,
        "app": "Secure Base",
        "profile": {},
        "people": [],
        "logs": [],
        "pauses": [],
        "reminders": [],
        "checkins": [{"month": month, "wording": 1, **answers}],
    }
    return json.dumps(data).encode()


def test_a_past_months_checkin_shows_the_words_it_was_answered_in(page: Page, live_server, shoot):
    register(page, live_server)
    last_month = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    page.goto(f"{live_server}/settings#your-data")
    page.get_by_label("Export file (.json)").set_input_files(
        {"name": "export.json", "mimeType": "application/json", "buffer": _export_with_checkin(last_month)}
    )
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#import")).to_be_visible()

    page.goto(f"{live_server}/month/{last_month}")
    table = page.get_by_role("region", name="Check-in results by month")
    page.get_by_text("Month by month, in words").click()
    table.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/checkin/{last_month}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your check-in for")
    answers = page.locator(".checkin-answers-list li")
    expect(answers).to_have_count(9)
    # Wording 1's statements, each with its answer in the scale's words.
    expect(answers.nth(2)).to_contain_text("I changed the subject or pulled back when things got personal.")
    expect(answers.nth(2)).to_contain_text("A little true")
    expect(answers.nth(1)).to_contain_text("Very true")
    expect(page.get_by_text("The check-in now asks each one a little differently")).to_be_visible()
    expect(page.get_by_text("A reflection aid, not a psychological test or a diagnosis.")).to_be_visible()
    page.set_viewport_size(NARROW)
    no_overflow(page)
    shoot("checkin-past-320")

    page.get_by_role("link", name="This month's check-in").click()
    expect(page).to_have_url(re.compile(r"/checkin$"))
    assert page.goto(f"{live_server}/checkin/1999-01").status == 404
    assert page.goto(f"{live_server}/checkin/not-a-month").status == 404


def test_at_320_px_each_help_line_keeps_its_name_with_its_number(browser, live_server):
    """The footer's help lines: no line starts with "·", and a number never stands alone on a line."""
    regions = {
        "Europe/London": "Samaritans",
        "Europe/Berlin": "TelefonSeelsorge",
        "America/New_York": "Call or text",
        "Australia/Sydney": "1800RESPECT",
    }
    for zone, name in regions.items():
        context = browser.new_context(viewport=NARROW, timezone_id=zone)
        page = context.new_page()
        register(page, live_server)  # the sign-up form takes the device's time zone
        page.goto(f"{live_server}/help")
        no_overflow(page)
        footer = page.locator("footer .help-item")
        assert footer.count() >= 2, zone
        expect(page.locator("footer")).to_contain_text(name)
        for i in range(footer.count()):
            item = footer.nth(i)
            number = item.locator(".tel")
            if number.count():
                # The number shares its line with the last word of the name: their tops are level.
                word_top = item.evaluate(
                    """item => { const link = item.querySelector('.help-line');
                    const range = document.createRange(); const text = link.firstChild;
                    range.setStart(text, text.length - 2); range.setEnd(text, text.length - 1);
                    return range.getBoundingClientRect().top; }"""
                )
                assert abs(number.bounding_box()["y"] - word_top) < 4, (zone, item.inner_text())
        lines = page.locator("footer p").first.evaluate(
            "p => p.innerText.split('\\n').map(line => line.trim()).filter(Boolean)"
        )
        assert not [line for line in lines if line.startswith("·")], (zone, lines)
        context.close()
