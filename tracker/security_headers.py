"""Security headers on every response: a strict Content-Security-Policy and its companions.

No inline script and no inline style anywhere: htmx is loaded from /static and configured by a meta
tag (with `allowEval: false` and its indicator styles off), and the pages and SVG charts style
themselves through classes in app.css, so `style-src 'self'` holds without `'unsafe-inline'`.
Setting `element.style` from our own scripts (CSSOM) is not affected by the policy.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, Response, current_app

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    # Reset and email-link tokens live in URLs: never send them to another site in a Referer.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def headers_for(config: Mapping) -> dict[str, str]:
    """Every header above for this configuration: HSTS only when the site is served over https.

    Static files get them from WhiteNoise (tracker/assets.py), which answers before Flask's hooks run.
    """
    if str(config["BASE_URL"]).startswith("https://"):
        return {**HEADERS, "Strict-Transport-Security": HSTS}
    return dict(HEADERS)


def add_headers(response: Response) -> Response:
    """Set the headers a view didn't set itself."""
    for name, value in headers_for(current_app.config).items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    """Register the header hook."""
    app.after_request(add_headers)
