"""Render the project's SVG icons to the PNG sizes the manifest and iOS ask for.

Usage: `.venv/bin/python scripts/render_icons.py [--only PREFIX]` (needs Debian's Chromium; the PNGs
are committed, so run it only after changing static/icons/*.svg).
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from playwright.sync_api import sync_playwright

ICONS = Path(__file__).resolve().parents[1] / "static" / "icons"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# (source SVG, output PNG, size in px). iOS draws transparent corners black, so its
# apple-touch-icon comes from the full-bleed maskable drawing (iOS rounds the corners itself).
TARGETS = (
    ("icon.svg", "icon-192.png", 192),
    ("icon.svg", "icon-512.png", 512),
    ("icon-maskable.svg", "icon-maskable-192.png", 192),
    ("icon-maskable.svg", "icon-maskable-512.png", 512),
    ("icon-maskable.svg", "apple-touch-icon.png", 180),
    # The discreet mode's plain icon (Settings): the same sizes, under plain-*.
    ("plain.svg", "plain-192.png", 192),
    ("plain.svg", "plain-512.png", 512),
    ("plain-maskable.svg", "plain-maskable-192.png", 192),
    ("plain-maskable.svg", "plain-maskable-512.png", 512),
    ("plain-maskable.svg", "plain-apple-touch-icon.png", 180),
)
ONLY = None  # set by --only: the outputs whose name starts with it


def page_html(svg: str, size: int) -> str:
    """A page that shows only the SVG at exactly size × size pixels, on a transparent background."""
    data = base64.b64encode(svg.encode()).decode()
    return (
        "<!doctype html><style>html,body{margin:0;background:transparent}img{display:block}</style>"
        f'<img alt="" width="{size}" height="{size}" src="data:image/svg+xml;base64,{data}">'
    )


def render() -> list[Path]:
    """Screenshot every target with Chromium and return the written paths."""
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        for source, output, size in TARGETS:
            if ONLY and not output.startswith(ONLY):
                continue
            page = browser.new_page(viewport={"width": size, "height": size}, device_scale_factor=1)
            page.set_content(page_html((ICONS / source).read_text(), size))
            page.locator("img").evaluate("img => img.decode()")
            path = ICONS / output
            page.screenshot(path=str(path), omit_background=True)
            page.close()
            written.append(path)
        browser.close()
    return written


if __name__ == "__main__":
    import sys

    if len(sys.argv) == 3 and sys.argv[1] == "--only":  # e.g. --only plain: leave the other PNGs be
        ONLY = sys.argv[2]
    for path in render():
        print(path.relative_to(ICONS.parents[1]))
