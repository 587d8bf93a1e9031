"""Discretion on a phone (issue 17): the idle lock asks for the password again after its time and brings
the person back, keeps a tap sent just after it came on, and takes a page left open off the screen;
the welcome's behaviour questions lead to help. Time moves without sleeping: the session's last use is
set back in the live server's database, and the page's clock is Playwright's."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playhouse.db_url import connect
from playwright.sync_api import Page, expect

from tests.browser.conftest import register
from tests.browser.test_a11y import AXE, serious_violations

PASSWORD = "a long enough password"  # conftest.register's


@pytest.fixture
def quiet_for(server_environments):
    """`quiet_for(base, email, minutes)`: as if the account's sessions were last used `minutes` ago."""

    def set_back(base: str, email: str, minutes: int) -> None:
        _set_back(server_environments[base]["DATABASE_URL"], email, minutes)

    return set_back


def _set_back(url: str, email: str, minutes: int) -> None:
    db = connect(url)
    then = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=minutes)
    p = db.param  # the engine's placeholder, not a value
    account = f"(SELECT id FROM users WHERE email = {p})"  # noqa: S608
    db.execute_sql(f"UPDATE user_sessions SET last_seen_at = {p} WHERE user_id = {account}", (then, email))  # noqa: S608
    db.close()


def accessible(page: Page) -> None:
    """axe-core finds nothing serious on the page as it stands, in the light and the dark scheme."""
    if not AXE.exists():
        return  # test_a11y.py says why it is missing
    found = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        found += [f"{scheme}: {line}" for line in serious_violations(page)]
    page.emulate_media(color_scheme="light")
    assert found == [], "\n".join(found)


def choose_lock(page: Page, base: str, option: str) -> None:
    page.goto(f"{base}/settings")
    page.get_by_label("Ask for my password again after").select_option(label=option)
    page.locator("#discretion").get_by_role("button", name="Save").click()
    expect(page.locator("#discretion")).to_contain_text("Saved.")


def unlock(page: Page) -> None:
    expect(page.get_by_role("heading", name="Enter your password")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)  # nothing of the account
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Unlock").click()


def test_the_idle_lock_asks_again_and_comes_back_where_the_person_was(
    page: Page, live_server, quiet_for, shoot
):
    email = register(page, live_server, "lock")
    choose_lock(page, live_server, "5 minutes without use")
    page.goto(f"{live_server}/people")
    quiet_for(live_server, email, 4)
    page.get_by_role("link", name="Month", exact=True).click()  # a boosted link, within the time
    expect(page).to_have_url(re.compile(r"/month$"))

    quiet_for(live_server, email, 6)
    page.get_by_role("link", name="People", exact=True).click()  # boosted: htmx is sent to the lock
    expect(page).to_have_url(re.compile(r"/unlock\?next=%2Fpeople$|/unlock\?next=/people$"))
    shoot("idle-lock")
    accessible(page)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Unlock").click()
    expect(page.get_by_role("alert")).to_contain_text("isn't the password of this account")
    unlock(page)
    expect(page).to_have_url(re.compile(r"/people$"))
    expect(page.get_by_role("heading", name="People", exact=True)).to_be_visible()


def test_a_tap_sent_as_the_lock_came_on_is_kept_and_saved_when_asked(
    page: Page, live_server, quiet_for, shoot
):
    email = register(page, live_server, "kept")
    choose_lock(page, live_server, "15 minutes without use")
    page.goto(live_server)
    quiet_for(live_server, email, 16)
    page.get_by_role("button", name="Ask for closeness").first.click()
    unlock(page)
    expect(page.get_by_role("heading", name="Save what you were sending?")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Ask for closeness")
    shoot("idle-lock-kept")
    accessible(page)
    page.get_by_role("button", name="Save it").click()
    expect(page.get_by_role("heading", name="What did you practise?")).to_be_visible()
    page.goto(f"{live_server}/history")
    expect(page.locator("main")).to_contain_text("Ask for closeness")


def test_a_page_left_open_is_taken_off_the_screen_after_the_lock(page: Page, live_server, quiet_for):
    page.clock.install()
    email = register(page, live_server, "open")
    choose_lock(page, live_server, "5 minutes without use")
    page.goto(f"{live_server}/month")
    quiet_for(live_server, email, 6)
    # The phone is picked up 6 minutes later: the page's clock moves (no timer fires), and it comes back
    # into view.
    page.clock.set_system_time(page.evaluate("Date.now()") / 1000 + 6 * 60)  # in seconds
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    unlock(page)
    expect(page).to_have_url(re.compile(r"/month$"))
    # Something typed stays on the screen (sending it would be kept by the server, never lost).
    page.goto(f"{live_server}/settings")
    page.get_by_label("Token name").fill("typed, not sent")
    quiet_for(live_server, email, 6)
    page.clock.set_system_time(page.evaluate("Date.now()") / 1000 + 6 * 60)  # in seconds
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    assert page.evaluate("document.getElementById('token_name').value") == "typed, not sent"
    expect(page).to_have_url(re.compile(r"/settings$"))
    # Left open on the screen without anything typed: after the time, the page goes by itself.
    page.goto(f"{live_server}/month")
    quiet_for(live_server, email, 6)
    page.clock.fast_forward("06:00")
    expect(page.get_by_role("heading", name="Enter your password")).to_be_visible()


def test_a_behaviour_answer_in_the_welcome_leads_to_help(page: Page, live_server, shoot):
    register(page, live_server, "welcome")
    page.goto(f"{live_server}/welcome/5")
    page.get_by_label("Nickname 1").fill("Sam")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Does anyone make you afraid to disagree?")).to_be_visible()
    accessible(page)
    page.get_by_role("group", name="Does anyone make you afraid to disagree?").get_by_label("Yes").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Thank you for telling us")).to_be_visible()
    expect(page.locator(".help-lines")).to_be_visible()
    shoot("welcome-behaviour-care")
    accessible(page)
    page.get_by_label("Keep Sam out of suggestions").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Welcome · 7 of 7")).to_be_visible()
    expect(page.locator("[data-quick-exit]")).to_be_visible()  # kept out: the quick exit is on
