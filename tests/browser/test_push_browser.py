"""Notifications in a real Chromium (issue 15): the app dispatches a nudge to a push service on loopback
(which decrypts it), and Chromium's DevTools protocol hands that very message to the service worker
(`ServiceWorker.deliverPushMessage`), since headless Chromium can reach no real push service. The
notification appears with its buttons; "I did it" logs once, however often it is pressed; a tap on the
body opens Today; removing the device stops its pushes."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from scripts.local_server import free_port, serving
from tests.browser.conftest import SERVER_ENVIRONMENTS, _tracker_cli, register
from tests.browser.test_pwa_browser import WAIT_FOR_WORKER, wait_until
from tests.push_receiver import PushServer
from tracker.kinds import KINDS_BY_KEY

NOTIFICATIONS = """async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
  title: n.title, body: n.body, tag: n.tag, actions: n.actions.map((a) => a.action), data: n.data}))"""
LOGS = """async () => (await (await fetch("/api/v1/logs")).json()).logs"""


@pytest.fixture(scope="module")
def push_app(tmp_path_factory):
    """The app on its own SQLite database, allowed to push to 127.0.0.1 (the loopback push service)."""
    tmp = tmp_path_factory.mktemp("live-push")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'live.db'}",
        "SECRET_KEY": "browser-push-test",
        "SCHEDULER": "0",
        "MAIL_URL": f"file://{tmp / 'outbox'}",
        "RATELIMIT_ENABLED": "0",
        "BASE_URL": base,
        "PUSH_ALLOWED_HOSTS": "127.0.0.1",
        "VAPID_SUBJECT": "mailto:care@example.org",
        "VAPID_PRIVATE_KEY": "",  # generated into the instance folder, as on a first start
    }
    with serving(env, tmp / "server.log", port, seconds=10):
        SERVER_ENVIRONMENTS[base] = env  # this module's copy of conftest: its _tracker_cli reads it
        yield base


def api(page: Page, method: str, path: str, body: dict | None = None) -> dict:
    """A call from the page, as push.js makes it (the session and the page's CSRF token)."""
    return page.evaluate(
        """async ([method, path, body]) => {
          const token = document.querySelector('meta[name="csrf-token"]').content;
          const response = await fetch(path, {method, headers: {"Content-Type": "application/json",
            "X-CSRFToken": token}, body: body ? JSON.stringify(body) : undefined});
          return {status: response.status, body: response.status === 204 ? null : await response.json()};
        }""",
        [method, path, body],
    )


def registration_id(context: BrowserContext, page: Page, base: str) -> tuple[object, str]:
    """A DevTools session on the page and the service worker's registration id."""
    cdp = context.new_cdp_session(page)
    found: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: found.extend(
            r["registrationId"] for r in event["registrations"] if r["scopeURL"] == f"{base}/"
        ),
    )
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 5
    while not found and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert found, "no service worker registration reported"
    return cdp, found[0]


def dispatch(base: str, now: str) -> str:
    """One dispatch pass of the app's own CLI on its database, as of `now`."""
    return _tracker_cli(base, "dispatch", "--now", now).strip()


def test_a_due_rule_shows_a_notification_and_i_did_it_logs_once(
    page: Page, context: BrowserContext, push_app, shoot
):
    base = push_app
    context.grant_permissions(["notifications"], origin=base)
    register(page, base, "push")
    page.goto(f"{base}/reminders")
    assert page.evaluate(WAIT_FOR_WORKER) == "activated"
    section = page.locator("#push")
    expect(section.get_by_role("heading", name="Also on this phone")).to_be_visible()
    # Headless Chromium has the Push API but no push service to subscribe with: the state says off.
    expect(section.get_by_role("button", name="Turn on for this phone")).to_be_visible()

    # A reminder by notification only, through the page's own form.
    add = page.locator("form", has=page.get_by_role("button", name="Add reminder"))
    add.get_by_label("Email").uncheck()
    add.get_by_label("Notification").check()
    add.get_by_label("Time").fill("09:15")
    add.get_by_role("button", name="Add reminder").click()
    expect(page.get_by_text("Reminder added.")).to_be_visible()
    (rule,) = api(page, "GET", "/api/v1/reminders")["body"]["reminders"]
    assert rule["channels"] == ["push"]

    with PushServer() as receiver:
        endpoint, _ = receiver.browser("phone")
        subscription = receiver.browsers["/push/phone"].subscription(endpoint)
        added = api(page, "POST", "/api/v1/push/subscriptions", subscription)
        assert added["status"] == 201
        page.reload()
        expect(page.locator("li.device")).to_have_count(1)
        shoot("push-reminders-device")
        due = rule["next_due_at"]
        receiver.now = datetime.fromisoformat(due)
        assert "sent=1" in dispatch(base, due)
        assert receiver.problems == []
        (delivery,) = receiver.to("phone")
    message = delivery.payload
    assert message["done_url"].startswith(f"{base}/push/done/")

    # The same message, delivered to the worker by DevTools: a notification with both buttons.
    cdp, registration = registration_id(context, page, base)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": base, "registrationId": registration, "data": json.dumps(message)},
    )
    wait_until(page, f"async () => ({NOTIFICATIONS})().then((list) => list.length === 1)")
    (shown,) = page.evaluate(NOTIFICATIONS)
    assert (shown["title"], shown["body"], shown["tag"]) == (
        message["title"],
        message["body"],
        message["tag"],
    )
    assert shown["actions"] == ["done", "snooze"]
    assert shown["data"]["done_url"] == message["done_url"]
    assert page.evaluate(LOGS) == []

    # "I did it": the worker POSTs the link without opening a window; a second press changes nothing.
    worker = context.service_workers[0]
    pages_before = len(context.pages)
    worker.evaluate(
        """async () => {
          const [notification] = await self.registration.getNotifications();
          self.pressedAgain = notification.data;
          await answerClick(notification, "done");
        }"""
    )
    worker.evaluate("""async () => answerClick({data: self.pressedAgain, close() {}}, "done")""")
    assert len(context.pages) == pages_before
    logs = page.evaluate(LOGS)
    assert len(logs) == 1 and KINDS_BY_KEY[logs[0]["kind"]].label in message["body"]
    assert page.evaluate(NOTIFICATIONS) == []

    # A tap on the body of the next one opens Today in the app's window.
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": base, "registrationId": registration, "data": json.dumps(message)},
    )
    wait_until(page, f"async () => ({NOTIFICATIONS})().then((list) => list.length === 1)")
    worker.evaluate(
        """async () => {
          const [notification] = await self.registration.getNotifications();
          await answerClick(notification, "");
        }"""
    )
    page.wait_for_url(f"{base}/")
    assert len(page.evaluate(LOGS)) == 1


def test_removing_the_device_stops_its_pushes(page: Page, push_app):
    base = push_app
    register(page, base, "remove")
    page.goto(f"{base}/reminders")
    with PushServer() as receiver:
        endpoint, browser = receiver.browser("phone")
        assert (
            api(page, "POST", "/api/v1/push/subscriptions", browser.subscription(endpoint))["status"] == 201
        )
        rule = api(
            page,
            "POST",
            "/api/v1/reminders",
            {
                "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                "time": "07:45",
                "channels": ["push"],
            },
        )["body"]
        page.reload()
        page.locator("li.device").get_by_role("button", name="Remove").click()
        expect(page.get_by_text("Notifications are off for that device.")).to_be_visible()
        expect(page.locator("li.device")).to_have_count(0)
        receiver.now = datetime.fromisoformat(rule["next_due_at"])
        assert "skipped=1" in dispatch(base, rule["next_due_at"])
        assert receiver.requests == []
