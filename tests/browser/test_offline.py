"""Offline logging that never loses a tap, in a real Chromium on both databases: taps made offline are
kept on the phone, survive a reload, reach the server once with their real times, and a tap the server
turns down is shown, not dropped."""

from __future__ import annotations

import time
from datetime import datetime

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import register
from tests.browser.test_pwa_browser import WAIT_FOR_WORKER

SERVER_LOGS = """async () => {
  const response = await fetch("/api/v1/logs", { credentials: "same-origin" });
  return (await response.json()).logs;
}"""
QUEUED = "async () => (await SecureBaseQueue.allItems()).sort((a, b) => a.tappedAt - b.tappedAt)"


def register_and_wait_for_worker(page: Page, base: str) -> None:
    register(page, base, "offline")
    assert page.evaluate(WAIT_FOR_WORKER) == "activated"


def tap(page: Page, label: str) -> None:
    page.locator("ul.kinds").get_by_role("button", name=label).click()


def test_three_taps_offline_survive_a_reload_and_sync_once_with_their_times(
    page: Page, context: BrowserContext, live_server, shoot
):
    register_and_wait_for_worker(page, live_server)
    context.set_offline(True)
    assert page.evaluate("navigator.onLine") is False
    confirmation = page.locator("#confirmation")
    pending = page.locator("#sync-status .sync-pending li")
    for count, label in enumerate(("Ask for closeness", "Ask for space", "Confide"), start=1):
        tap(page, label)
        expect(confirmation).to_contain_text(f"Saved on this phone — will sync: {label}")
        expect(pending).to_have_count(count)
    shoot("offline-saved")
    queued = page.evaluate(QUEUED)
    assert [item["kind"] for item in queued] == ["closeness", "space", "confide"]

    page.reload()  # still offline: the worker's offline page, with the queue still on the phone
    expect(page.get_by_role("heading", name="You're offline")).to_be_visible()
    expect(pending).to_have_count(3)
    time.sleep(1.5)  # so a replay stamped with the replay time could not pass for the tap time
    back_online = datetime.now().astimezone()

    context.set_offline(False)
    expect(page.locator("#sync-status")).to_contain_text("Synced 3 taps saved on this phone.")
    expect(pending).to_have_count(0)
    assert page.evaluate(QUEUED) == []

    logs = {log["id"]: log for log in page.evaluate(SERVER_LOGS)}
    assert set(logs) == {item["id"] for item in queued}
    for item in queued:
        log = logs[item["id"]]
        assert log["kind"] == item["kind"]
        assert datetime.fromisoformat(log["at"]) == datetime.fromisoformat(item["at"])
        assert datetime.fromisoformat(log["at"]) < back_online

    # A replay that runs again (another tab, Background Sync) changes nothing.
    page.evaluate(
        """async (items) => { for (const item of items) await SecureBaseQueue.putItem(item); }""", queued
    )
    assert page.evaluate("SecureBaseQueue.replay()")["sent"] == 3
    assert len(page.evaluate(SERVER_LOGS)) == 3

    page.goto(f"{live_server}/history")
    expect(page.locator("#history .log-row")).to_have_count(3)


def test_a_tap_whose_answer_was_lost_is_stored_once(page: Page, live_server):
    register_and_wait_for_worker(page, live_server)
    posts = []

    # The server stores the log, then the connection drops before the answer arrives.
    def answer_lost(route):
        posts.append(route.request.post_data)
        route.fetch()
        route.abort("internetdisconnected")

    page.route(f"{live_server}/logs", answer_lost)
    tap(page, "Recall a safe person")
    # The tap is queued and, the network being there, replayed at once with the id the lost request
    # carried, so the server keeps one log.
    expect(page.locator("#sync-status")).to_contain_text("Synced 1 tap saved on this phone.")
    expect(page.locator("#flashes")).not_to_contain_text("No connection")
    page.unroute_all(behavior="wait")
    assert len(posts) == 1 and "id=" in posts[0]
    assert page.evaluate(QUEUED) == []
    assert [log["kind"] for log in page.evaluate(SERVER_LOGS)] == ["recall"]


def test_a_tap_the_server_turns_down_is_shown_until_dismissed(
    page: Page, context: BrowserContext, live_server, shoot
):
    register_and_wait_for_worker(page, live_server)
    context.set_offline(True)
    # A kind this server doesn't know (say, from a newer version of the page): the API answers 400.
    page.locator("form[data-offline-kind=widen]").evaluate("form => form.dataset.offlineKind = 'daydream'")
    tap(page, "Widen your circle")
    tap(page, "Repair after conflict")
    context.set_offline(False)

    rejected = page.locator("#sync-status .sync-rejected")
    expect(rejected).to_contain_text("Widen your circle")
    expect(rejected).to_contain_text("Unknown kind of action.")
    # The accepted tap is stored exactly once. ("Synced 1 tap" is only a passing message: a second
    # replay trigger, such as Background Sync, may redraw the status with the rejected tap alone.)
    expect(page.locator("#today-logs")).to_contain_text("Repair after conflict")
    assert [log["kind"] for log in page.evaluate(SERVER_LOGS)] == ["repair"]
    expect(page.locator("#confirmation .offline-saved")).to_have_count(0)  # nothing waits any more
    shoot("offline-rejected")

    page.reload()  # a rejected tap stays visible until the person dismisses it
    expect(rejected).to_contain_text("Unknown kind of action.")
    rejected.get_by_role("button", name="Dismiss Widen your circle").click()
    expect(rejected).to_have_count(0)
    assert page.evaluate(QUEUED) == []
    assert [log["kind"] for log in page.evaluate(SERVER_LOGS)] == ["repair"]
