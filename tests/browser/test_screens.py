"""Every screen on a phone (issue 13, "Checks in the suite"): at 320×640 and 390×844, light and dark,
each page a signed-in user can reach (and the anonymous ones) has no horizontal overflow, no axe-core
violation of any impact (WCAG 2.2's `target-size` switched on), and no console error; Today's first row
of tiles is above the fold for a new account and for the demo account.

One browser for the module; one signed-in context per viewport and account, shared by every page check.
The demo account is seeded by the app's own `flask tracker demo` command on the live server's database.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from scripts.local_server import sign_in

AXE = Path(
    os.environ.get("AXE_JS")
    or Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
)

pytestmark = [
    pytest.mark.parametrize("live_server", ["sqlite"], indirect=True),  # layout doesn't depend on the engine
    pytest.mark.xdist_group("screens"),  # a group of its own: runs beside the other browser tests
    pytest.mark.skipif(not AXE.exists(), reason="axe-core missing: run `npm ci` (make setup does)"),
]

VIEWPORTS = {"320": {"width": 320, "height": 640}, "390": {"width": 390, "height": 844}}
SCHEMES = ("light", "dark")
DEMO_EMAIL, DEMO_PASSWORD, DEMO_ZONE = "screens-demo@example.com", "demo-password", "Europe/Berlin"
PASSWORD = "a long enough password"
_emails = (f"screens{n}@example.com" for n in itertools.count())

# Page name → path on the demo account; {person}, {log} and {day} are filled in from its data.
SIGNED_IN_PAGES = {
    "today": "/",
    "history": "/history",
    "month": "/month",
    "year": "/year",
    "day": "/day/{day}",
    "people": "/people",
    "person": "/people/{person}",
    "reminders": "/reminders",
    "settings": "/settings",
    "your-data": "/settings#your-data",
    "pauses": "/settings/pauses",
    "more": "/more",
    "about": "/about",
    "privacy": "/privacy",
    "find-help": "/help",
    "checkin": "/checkin",
    "recall": "/recall",
    "recall-guide": "/recall/guide?who={person}&before=3",
    "ladder": "/ladder",
    "log-details": "/logs/{log}/edit",
    "month-summary": "/month/{month}/summary?notes=show",  # the printable month (issue 16), on screen
    "log-kind": "/log/closeness",
    "offline": "/offline",
    **{f"welcome-{n}": f"/welcome/{n}" for n in range(1, 8)},
}
# A new account's empty states.
NEW_ACCOUNT_PAGES = {
    "today": "/",
    "history": "/history",
    "month": "/month",
    "year": "/year",
    "people": "/people",
}
ANONYMOUS_PAGES = {
    "login": "/login",
    "register": "/register",
    "reset": "/reset",
    "offline": "/offline",
    "privacy": "/privacy",
    "find-help": "/help?region=us",
}


@dataclass
class Phone:
    """A signed-in (or anonymous) context at one viewport, its one page and what that page reported."""

    context: BrowserContext
    page: Page
    errors: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)


def open_phone(browser: Browser, base: str, viewport: str) -> Phone:
    context = browser.new_context(
        base_url=base,
        viewport=VIEWPORTS[viewport],
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    phone = Phone(context, page)
    page.on("console", lambda msg: phone.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: phone.errors.append(f"pageerror: {exc}"))
    return phone


def register(page: Page) -> None:
    page.goto("/register")
    page.get_by_label("Email").fill(next(_emails))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="What did you practise?")).to_be_visible()


@pytest.fixture(scope="module")
def demo_account(live_server, tracker_cli) -> str:
    tracker_cli(
        live_server, "demo", "--email", DEMO_EMAIL, "--password", DEMO_PASSWORD, "--timezone", DEMO_ZONE
    )
    return DEMO_EMAIL


@pytest.fixture(scope="module")
def phones(browser: Browser, live_server, demo_account):
    """Contexts made on first use, one per (account, viewport), closed with the module."""
    made: dict[tuple[str, str], Phone] = {}

    def get(account: str, viewport: str) -> Phone:
        if (account, viewport) not in made:
            phone = open_phone(browser, live_server, viewport)
            if account == "demo":
                sign_in(phone.page, demo_account, DEMO_PASSWORD)
                phone.values = demo_values(phone.page)
            elif account == "new":
                register(phone.page)
            made[account, viewport] = phone
        return made[account, viewport]

    yield get
    for phone in made.values():
        phone.context.close()


def demo_values(page: Page) -> dict[str, str]:
    """A person's id, a log's id and today's date on the demo account, found as a user would."""
    page.goto("/people")
    person = page.locator("a[href^='/people/']").first.get_attribute("href").split("/")[2]
    page.goto("/history")
    edit = page.locator("a[href^='/logs/'][href*='/edit']").first.get_attribute("href")
    return {
        "person": person,
        "log": edit.split("/")[2],
        "day": datetime.now(ZoneInfo(DEMO_ZONE)).date().isoformat(),
        "month": datetime.now(ZoneInfo(DEMO_ZONE)).strftime("%Y-%m"),
    }


OVERFLOWING = """(width) => {
  return [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > width + 0.5 && e.getClientRects().length)
    .slice(0, 5)
    .map((e) => [e.tagName.toLowerCase(), e.id && `#${e.id}`, ...[...e.classList].map((c) => `.${c}`)])
    .map((parts) => parts.join(''));
}"""


def findings(phone: Phone, path: str, scheme: str) -> list[str]:
    """Overflow, axe violations (all impacts, target-size on) and console errors of one page load."""
    page = phone.page
    page.emulate_media(color_scheme=scheme)
    phone.errors.clear()
    response = page.goto(path)
    if response is None:  # a move to a fragment of the page already open, as /settings#your-data
        page.locator(f"#{path.split('#')[1]}").scroll_into_view_if_needed()
    else:
        assert response.ok, f"{path}: HTTP {response.status}"
    return [*overflow(page), *axe_violations(page), *(f"console: {e}" for e in phone.errors)]


def overflow(page: Page) -> list[str]:
    # Against the viewport set, not innerWidth: a phone may zoom out to fit a page that overflows.
    scroll_width, width = page.evaluate("document.documentElement.scrollWidth"), page.viewport_size["width"]
    if scroll_width <= width:
        return []
    return [f"overflow: scrollWidth {scroll_width} > {width}, wide: {page.evaluate(OVERFLOWING, width)}"]


def axe_violations(page: Page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())  # evaluated, not a script tag: the CSP would block that
    violations = page.evaluate(
        """async () => (await axe.run(document, {
             resultTypes: ['violations'],
             rules: { 'target-size': { enabled: true } },
           })).violations"""
    )
    return [
        f"axe {v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
    ]


def cases(pages: dict[str, str]) -> list:
    """Every (viewport, scheme, page)."""
    return [
        pytest.param(viewport, scheme, name, id=f"{viewport}-{scheme}-{name}")
        for viewport, scheme, name in itertools.product(VIEWPORTS, SCHEMES, pages)
    ]


@pytest.mark.parametrize(("viewport", "scheme", "name"), cases(SIGNED_IN_PAGES))
def test_demo_account_pages(phones, viewport, scheme, name):
    phone = phones("demo", viewport)
    found = findings(phone, SIGNED_IN_PAGES[name].format(**phone.values), scheme)
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(("viewport", "scheme", "name"), cases(NEW_ACCOUNT_PAGES))
def test_new_account_pages(phones, viewport, scheme, name):
    found = findings(phones("new", viewport), NEW_ACCOUNT_PAGES[name], scheme)
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(("viewport", "scheme", "name"), cases(ANONYMOUS_PAGES))
def test_anonymous_pages(phones, viewport, scheme, name):
    found = findings(phones("anonymous", viewport), ANONYMOUS_PAGES[name], scheme)
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(("viewport", "scheme", "name"), cases({"details-in-place": ""}))
def test_the_details_form_opened_in_place(phones, viewport, scheme, name):
    """Today after a tap, with the details form opened by htmx under the confirmation."""
    phone = phones("demo", viewport)
    page = phone.page
    page.emulate_media(color_scheme=scheme)
    page.goto("/")
    phone.errors.clear()
    page.locator("ul.kinds button.kind").first.click()
    confirmation = page.locator("#confirmation")
    expect(confirmation).to_contain_text("Logged")
    confirmation.get_by_text("Add details").click()
    expect(confirmation.get_by_role("button", name="Save details")).to_be_visible()
    found = [*overflow(page), *axe_violations(page), *(f"console: {e}" for e in phone.errors)]
    assert found == [], "\n".join(found)


def first_row_bottom(page: Page) -> float:
    """The lowest edge of the tiles that share the first tile's row."""
    boxes = [tile.bounding_box() for tile in page.locator("ul.kinds button.kind").all()]
    top = boxes[0]["y"]
    return max(box["y"] + box["height"] for box in boxes if abs(box["y"] - top) < 1)


@pytest.mark.parametrize(
    ("account", "viewport"),
    [
        pytest.param(account, viewport, id=f"{account}-{viewport}")
        for account in ("new", "demo")
        for viewport in VIEWPORTS
    ],
)
def test_todays_first_row_of_tiles_is_above_the_fold(phones, account, viewport):
    page = phones(account, viewport).page
    page.emulate_media(color_scheme="light")
    page.goto("/")
    bottom = first_row_bottom(page)
    assert bottom <= VIEWPORTS[viewport]["height"], f"first row ends at {bottom:.0f} px"


@pytest.mark.parametrize("viewport", ["320"])
def test_the_checks_catch_what_they_look_for(phones, viewport):
    """A planted wide box, a 12 px button and a console error on a real page are all reported."""
    phone = phones("anonymous", viewport)
    page = phone.page
    page.goto("/login")
    phone.errors.clear()
    page.evaluate(
        """() => {
          const wide = document.createElement('div');
          wide.id = 'planted-wide';
          wide.style.width = '600px';  // CSSOM, which the CSP allows
          wide.style.height = '1rem';
          document.querySelector('main').append(wide);
          const tiny = document.createElement('button');
          tiny.textContent = 'a';
          tiny.style.cssText = 'all: unset; display: inline-block; width: 12px; height: 12px; font-size: 8px';
          const other = tiny.cloneNode(true);
          document.querySelector('main').append(tiny, other);
          console.error('planted error');
        }"""
    )
    assert any("#planted-wide" in line for line in overflow(page)), overflow(page)
    found = axe_violations(page)
    assert any("target-size" in line for line in found), found
    assert "planted error" in phone.errors, phone.errors
