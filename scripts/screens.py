"""The screenshot gallery in docs/screens/: `make screens`.

Starts the app on a free loopback port over a throw-away SQLite database, creates the demo account with
the app's own `flask tracker demo` command, signs in with Debian's Chromium through Playwright and saves
whole-page PNGs of the main screens at phone size (390×844, 1× scale so the files stay small), in the
light and the dark colour scheme, as docs/screens/<screen>-<scheme>.png. The README shows them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from local_server import (  # scripts/ is on the path when run
    FLASK,
    ROOT,
    free_port,
    serving,
    sign_in,
    throwaway_env,
)
from playwright.sync_api import Page, sync_playwright

OUT = ROOT / "docs" / "screens"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
CHROMIUM_ARGS += ["--disable-background-networking", "--disable-component-update", "--disable-quic"]
EMAIL, PASSWORD = "demo@example.com", "demo-password"

# Screen name → how to reach it once signed in (a path, or a function of the page for a person's page).
SCREENS = ("today", "month", "year", "person", "checkin", "recall", "reminders")
PATHS = {
    "today": "/",
    "month": "/month",
    "year": "/year",
    "checkin": "/checkin",
    "recall": "/recall",
    "reminders": "/reminders",
}


def person_path(page: Page) -> str:
    """The first person on the People page (the demo's partner), found as a user would."""
    page.goto("/people")
    return page.locator("a[href^='/people/']").first.get_attribute("href")


def whole_page(page: Page, path: Path) -> Path:
    """The whole page as one tall phone screen: the viewport grows to the page's height first, so the
    fixed tab bar sits at the bottom (a full-page capture would paint it over the middle)."""
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": 390, "height": max(844, height)})
    page.screenshot(path=str(path), animations="disabled", caret="hide")
    page.set_viewport_size({"width": 390, "height": 844})
    return path


def shoot(base: str) -> list[Path]:
    """Sign in once per colour scheme and save every screen; returns the files written."""
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for scheme in ("light", "dark"):
            context = browser.new_context(
                base_url=base,
                viewport={"width": 390, "height": 844},
                device_scale_factor=1,
                is_mobile=True,
                has_touch=True,
                color_scheme=scheme,
                reduced_motion="reduce",
            )
            page = context.new_page()
            sign_in(page, EMAIL, PASSWORD)
            paths = {**PATHS, "person": person_path(page)}
            for name in SCREENS:
                page.goto(paths[name])
                page.wait_for_load_state("networkidle")
                path = OUT / f"{name}-{scheme}.png"
                written.append(whole_page(page, path))
            context.close()
        browser.close()
    return written


def main() -> int:
    if not os.path.exists(CHROMIUM):
        sys.exit(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screens-") as tmp:
        env = {**throwaway_env(tmp, "screens"), "FLASK_APP": "wsgi"}
        subprocess.run([*FLASK, "tracker", "init-db"], env=env, cwd=ROOT, check=True)  # noqa: S603
        demo = [*FLASK, "tracker", "demo", "--email", EMAIL, "--password", PASSWORD]
        subprocess.run(demo, env=env, cwd=ROOT, check=True)  # noqa: S603 (our own fixed command)
        with serving(env, Path(tmp) / "server.log", free_port()) as base:
            written = shoot(base)
    for path in written:
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
