"""The installable app: manifest, service worker, offline page and one-kind log screens.

The worker is served from the root (a worker controls only its own folder and below) and carries the
app shell list and a content hash of everything it caches, so each deploy installs a fresh cache.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    has_request_context,
    jsonify,
    make_response,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_login import AnonymousUserMixin, current_user, login_required
from flask_wtf.csrf import generate_csrf

from tracker.assets import hashed
from tracker.discretion import NEUTRAL_NAME
from tracker.kinds import KINDS, get_kind
from tracker.views.common import discreet_here

bp = Blueprint("pwa", __name__)

NAME = "Secure Base"
BACKGROUND = "#f6f4ef"  # --bg, light scheme; base.html's theme-color metas name the dark one too
ACCENT = "#2f6f62"  # --accent, light scheme
SHORTCUT_KINDS = ("closeness", "space", "confide")

# The app shell, relative to static/: precached at install so the offline page looks like the app.
# These are the files base.html links that a browser loads, so the worker finds them in the HTTP cache
# of the first visit (same hashed URLs, kept a year) instead of downloading them again. The PNG icons
# are not: browsers fetch them from the manifest when installing, online (and Chromium doesn't load
# the apple-touch-icon at all); precaching them cost every first visit about 33 KB.
SHELL_FILES = (
    "css/app.css",
    "js/app.js",
    "js/offline.js",
    "js/install.js",
    "vendor/htmx.min.js",
    "icons/icon.svg",
)
# Templates the cached offline page is rendered from: a change to them must refresh the cache too.
OFFLINE_TEMPLATES = ("base.html", "pages/offline.html", "partials/_flashes.html")


@dataclass(frozen=True)
class Shell:
    """What the service worker precaches, and the version that names its cache."""

    version: str
    assets: tuple[str, ...]


def build_shell(app: Flask) -> Shell:
    """Hash every static file, the worker and the offline templates; list the shell files that exist."""
    static = Path(app.static_folder or "static")
    templates = Path(app.root_path, app.template_folder or "templates")
    digest = hashlib.sha256()
    sources = [
        *((static, path) for path in sorted(static.rglob("*"))),
        *((templates, templates / name) for name in OFFLINE_TEMPLATES),
    ]
    for root, path in sources:
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    # The same content-hashed URLs url_for gives the pages. A missing file (htmx before `make setup`)
    # would make the whole precache fail, so it is left out.
    assets = tuple(
        f"{app.static_url_path}/{hashed(app, name)}" for name in SHELL_FILES if (static / name).is_file()
    )
    return Shell(version=digest.hexdigest()[:16], assets=assets)


@bp.record_once
def _hash_shell_at_start(state: BlueprintSetupState) -> None:
    """Compute the shell once when the app starts (static files don't change while it runs)."""
    state.app.extensions["pwa_shell"] = build_shell(state.app)


def shell() -> Shell:
    """The current shell; recomputed per request in debug mode, where static files change under us."""
    if current_app.debug:
        return build_shell(current_app)
    return current_app.extensions["pwa_shell"]


def account_key(user) -> str:
    """An opaque, stable tag for the account, so queued offline taps replay only into their own account.

    An HMAC under SECRET_KEY of the account's id and random token_key: the same in every session of the
    account, but not computable from the id (an unkeyed hash of it was), and never equal for an account
    created later, even with the same id.
    """
    secret = current_app.config["SECRET_KEY"]
    key = secret if isinstance(secret, bytes) else secret.encode()
    message = f"secure-base.offline-account:{user.id}:{user.token_key}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:20]


@bp.app_context_processor
def _account_context() -> dict:
    """`offline_account` for base.html: the current account's tag, or None when logged out."""
    # Emails are rendered outside requests too (the scheduler), where there is no current user.
    # A locked session (views/lock.py) shows nothing of the account, its tag included.
    signed_in = has_request_context() and current_user.is_authenticated and not g.get("session_locked")
    return {"offline_account": account_key(current_user) if signed_in else None}


def _icons(stem: str) -> list[dict]:
    """One set of icons (`icon`, or the discreet `plain`): PNG and maskable PNG at 192 and 512, and SVG."""
    pngs = [
        (variant, purpose, size)
        for variant, purpose in (("", "any"), ("-maskable", "maskable"))
        for size in (192, 512)
    ]
    return [
        _icon(f"{stem}{variant}-{size}.png", f"{size}x{size}", "image/png", purpose)
        for variant, purpose, size in pngs
    ] + [_icon(f"{stem}.svg", "any", "image/svg+xml")]


def _icon(name: str, size: str, kind: str, purpose: str = "any") -> dict:
    return {
        "src": url_for("static", filename=f"icons/{name}"),
        "sizes": size,
        "type": kind,
        "purpose": purpose,
    }


def _shortcut(key: str) -> dict:
    kind = get_kind(key)
    return {
        "name": kind.label,
        "short_name": kind.label,
        "description": f"Log “{kind.label}” in one tap",
        "url": url_for("pwa.log_kind", kind=key),
        "icons": [_icon("icon-192.png", "192x192", "image/png")],
    }


@bp.get("/manifest.webmanifest")
def manifest() -> ResponseReturnValue:
    """The web app manifest: names, colours, icons and home-screen shortcuts; in the discreet mode
    (Settings, or this device's last choice) a neutral name, a plain icon and no shortcuts (a long
    press on the icon would list the actions by name)."""
    if discreet_here():
        return _manifest_response(
            {
                **_manifest_common(),
                "name": NEUTRAL_NAME,
                "short_name": NEUTRAL_NAME,
                "description": "Notes.",
                "categories": ["productivity"],
                "icons": _icons("plain"),
                "shortcuts": [],
            }
        )
    return _manifest_response(
        {
            **_manifest_common(),
            "name": NAME,
            "short_name": NAME,
            "description": "Practise secure attachment: log small relationship actions in one tap.",
            "categories": ["health", "lifestyle"],
            "icons": _icons("icon"),
            "shortcuts": [_shortcut(key) for key in SHORTCUT_KINDS],
        }
    )


def _manifest_common() -> dict:
    """What both manifests share: the app's identity (the same installed app either way) and look."""
    return {
        "id": "/",
        "lang": "en",
        "dir": "ltr",
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "theme_color": BACKGROUND,
        "background_color": BACKGROUND,
    }


def _manifest_response(body: dict) -> Response:
    """The manifest as JSON, revalidated on every use; private, as it differs by person and device."""
    response = make_response(json.dumps(body, ensure_ascii=False, indent=2))
    response.mimetype = "application/manifest+json"
    response.vary.add("Cookie")
    response = _revalidated(response)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/sw.js")
def service_worker() -> ResponseReturnValue:
    """The service worker: this deploy's shell, then the offline queue, then static/js/sw.js."""
    current = shell()
    config = {
        "version": current.version,
        "assets": list(current.assets),
        "offline": url_for("pwa.offline"),
        "staticPrefix": f"{current_app.static_url_path}/",
    }
    scripts = Path(current_app.static_folder or "static", "js")
    # The queue (the same file the pages load) is part of the worker rather than imported with
    # importScripts: Chromium revalidates imported scripts when a worker first installs, which cost
    # every first visit one more request. Its own function keeps its "use strict" in force.
    queue = f"(function () {{\n{(scripts / 'offline.js').read_text()}}})();"
    body = "\n".join((f"const SHELL = {json.dumps(config)};", queue, (scripts / "sw.js").read_text()))
    response = make_response(body)
    response.mimetype = "text/javascript"
    response.headers["Service-Worker-Allowed"] = "/"
    return _revalidated(response)


def _revalidated(response: Response) -> Response:
    """Checked again on every use (a new deploy must reach the browser), but a 304 when unchanged."""
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/offline")
def offline() -> ResponseReturnValue:
    """The page the worker shows when the network is gone: every kind can still be tapped and queued."""
    # The worker caches this page for everyone on the device, so it carries nothing of an account:
    # no name, no token, no flashed message (rendering it must not consume one either).
    return render_template(
        "pages/offline.html",
        kinds=KINDS,
        current_user=AnonymousUserMixin(),
        csrf_token=lambda: "",
        get_flashed_messages=lambda **_: [],
        offline_account=None,
    )


@bp.get("/pwa/session")
def session() -> ResponseReturnValue:
    """Who is logged in and a fresh CSRF token, for replaying queued taps (also from the worker)."""
    if not current_user.is_authenticated or g.get("session_locked"):  # locked: taps wait for the password
        body = {"account": None, "csrf_token": None}
    else:
        body = {"account": account_key(current_user), "csrf_token": generate_csrf()}
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/log/<kind>")
@login_required
def log_kind(kind: str) -> ResponseReturnValue:
    """One kind and one big button: where the home-screen shortcuts lead."""
    found = get_kind(kind)
    if found is None:
        abort(404)
    return render_template("pages/log_kind.html", kind=found)
