"""The installable app in a real Chromium: installability, the service worker and its offline page,
install help, the home-screen shortcut screens and a 320 px wide phone."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import register

# Resolves once a service worker is active *and* controls the page (see BROWSER-TESTING.md:
# `ready` can resolve while the worker is still activating).
WAIT_FOR_WORKER = """async () => {
  const registration = await navigator.serviceWorker.ready;
  const worker = registration.active;
  if (worker.state !== "activated") {
    await new Promise((resolve) => worker.addEventListener("statechange", () => {
      if (worker.state === "activated") resolve();
    }));
  }
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve));
  }
  return worker.state;
}"""

# Every cached URL, in every cache of this origin.
CACHED_URLS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
  }
  return urls;
}"""

# The DB-independent checks run once, on SQLite.
once = pytest.mark.parametrize("live_server", ["sqlite"], indirect=True)


def wait_until(page: Page, script: str, timeout: float = 5.0) -> None:
    """Poll an (async) page function until it returns something truthy; wait_for_function can't await."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {script}")
        page.wait_for_timeout(100)


@once
def test_installable_in_a_persistent_profile(
    browser_type, browser_type_launch_args, browser_context_args, live_server, tmp_path
):
    # A normal Playwright context is incognito, where Chromium never offers installing.
    context = browser_type.launch_persistent_context(
        tmp_path / "profile", **browser_type_launch_args, **browser_context_args
    )
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(f"{live_server}/login")
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"].endswith("/manifest.webmanifest")
        assert manifest["errors"] == []
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    finally:
        context.close()


@once
def test_worker_activates_and_serves_the_offline_page_offline(
    page: Page, context: BrowserContext, live_server, shoot
):
    register(page, live_server)
    assert page.evaluate(WAIT_FOR_WORKER) == "activated"
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="More"
    ).click()  # the phone's tab bar
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()

    context.set_offline(True)
    # A boosted link followed offline is loaded for real, so the worker answers with the offline page.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    expect(page.get_by_role("heading", name="You're offline")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="You're offline")).to_be_visible()
    expect(page.get_by_role("button", name="Confide")).to_be_visible()
    # The app shell came from the cache: the page is styled and htmx is there.
    assert page.evaluate("getComputedStyle(document.body).maxWidth") != "none"
    assert page.evaluate("typeof window.htmx") == "object"
    shoot("offline")

    # A link followed offline lands on the offline page too, not on a browser error.
    page.goto(f"{live_server}/settings")
    expect(page.get_by_role("heading", name="You're offline")).to_be_visible()
    context.set_offline(False)

    # Only the app shell and the anonymous offline page are cached: no page of an account.
    cached = page.evaluate(CACHED_URLS)
    assert "/offline" in cached
    assert all(url == "/offline" or url.startswith("/static/") for url in cached), cached


@once
def test_logout_tells_the_worker_and_the_offline_page_stays_anonymous(page: Page, live_server):
    register(page, live_server)
    page.evaluate(WAIT_FOR_WORKER)
    # Should a page of the account ever land in the cache, logging out must drop it.
    page.evaluate("""async () => {
      const name = (await caches.keys()).find((key) => key.startsWith("secure-base-"));
      await (await caches.open(name)).put("/settings", new Response("a page of this account"));
    }""")
    assert "/settings" in page.evaluate(CACHED_URLS)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    wait_until(page, f"async () => !(await ({CACHED_URLS})()).includes('/settings')")
    offline_html = page.evaluate("""async () => (await (await caches.match("/offline")).text())""")
    assert "Log out" not in offline_html and "data-account" not in offline_html
    # The page forgets the account (the offline page's taps need a login again).
    wait_until(page, "async () => (await SecureBaseQueue.getMeta('account')) == null")


@once
def test_shortcut_screen_logs_its_kind(page: Page, live_server, shoot):
    register(page, live_server)
    page.goto(f"{live_server}/log/space")
    expect(page.get_by_role("heading", name="Ask for space")).to_be_visible()
    shoot("log-kind")
    page.get_by_role("button", name="Log it now").click()
    expect(page.locator("#confirmation")).to_contain_text("Logged: Ask for space")


@once
def test_install_button_from_beforeinstallprompt(page: Page, live_server):
    page.goto(f"{live_server}/login")
    install = page.get_by_role("button", name="Install app")
    expect(install).to_be_hidden()
    page.evaluate("""() => {
      const offer = new Event("beforeinstallprompt", { cancelable: true });
      offer.prompt = () => { window.prompted = true; return Promise.resolve({ outcome: "accepted" }); };
      window.dispatchEvent(offer);
    }""")
    expect(install).to_be_visible()
    install.click()
    assert page.evaluate("window.prompted") is True
    expect(install).to_be_hidden()


@once
def test_ios_hint_shows_in_safari_but_not_once_installed(browser, live_server):
    iphone = {
        "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
    }
    context = browser.new_context(**iphone)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    hint = page.get_by_text("tap Share, then Add to Home Screen")
    expect(hint).to_be_visible()
    expect(page.get_by_role("button", name="Install app")).to_be_hidden()
    page.get_by_role("button", name="Not now").click()
    expect(hint).to_be_hidden()
    context.close()

    # Opened from the home screen (iOS sets navigator.standalone): no hint.
    context = browser.new_context(**iphone)
    context.add_init_script("Object.defineProperty(navigator, 'standalone', { get: () => true })")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    expect(page.locator("#install")).to_be_hidden()
    context.close()


@once
def test_no_horizontal_scroll_at_320_px(browser, live_server):
    context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)
    page = context.new_page()
    register(page, live_server)
    for path in ("/", "/history", "/settings", "/people", "/offline", "/log/closeness", "/about", "/more"):
        page.goto(f"{live_server}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    one_line = (  # each visible tab's label is one line box
        "[...document.querySelectorAll('.tabs a')].every(a => { const r = document.createRange();"
        " r.selectNodeContents(a); return !a.offsetWidth || r.getClientRects().length === 1; })"
    )
    assert page.evaluate(one_line), "a tab's label wraps at 320 px"
    context.close()
