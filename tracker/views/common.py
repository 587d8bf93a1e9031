"""Small helpers the views share: htmx-aware rendering, safe redirects, the current user's rows, and
starting a session (signing up, logging in, a new password and account recovery all do)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

from flask import abort, current_app, g, has_request_context, make_response, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE
from flask_wtf.csrf import generate_csrf
from peewee import Model

from tracker.clock import now
from tracker.extensions import htmx
from tracker.models import User, UserSession
from tracker.queries import own_row


def own_or_404(model: type[Model], row_id: object) -> Model:
    """One of the current user's rows of `model` by id, or 404 (another user's id looks like no id at all)."""
    row = own_row(model, current_user, row_id)
    if row is None:
        abort(404)
    return row


def delete_own(model: type[Model], row_id: object) -> Model:
    """Delete one of the current user's rows of `model` by id, or 404 before anything changes; the row
    comes back so the view can say what went."""
    row = own_or_404(model, row_id)
    row.delete_instance()
    return row


def wants_partial() -> bool:
    """htmx asked for a fragment (a boosted request, or restoring history after Back, wants the page)."""
    # With historyCacheSize 0, Back after hx-push-url refetches the URL with HX-Request set and puts the
    # answer in <body>: a fragment there would lose the whole layout.
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(page: str, partial: str | None = None, status: int = 200, **context) -> ResponseReturnValue:
    """The partial for htmx requests, else the full page; responses vary on HX-Request."""
    if partial and wants_partial():
        # Flashed messages ride along out of band, so a swapped fragment can still say what happened.
        body = render_template(partial, **context) + render_template("partials/_flashes.html", oob=True)
    else:
        body = render_template(page, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def invalid_status() -> int:
    """Status for a form that failed validation: htmx swaps only 2xx, plain forms get 422."""
    return 200 if wants_partial() else 422


NEXT_MAX = 2000


def safe_next(default: str) -> str:
    """The `next` target when it is a plain path on this site, else the default.

    Browsers read `/\\evil.com` as `//evil.com`, and a control character cannot go into a Location
    header (Werkzeug raises), so both fall back to the default rather than fail after the action.
    """
    target = request.values.get("next", "")
    if not (0 < len(target) <= NEXT_MAX and target.isprintable() and target.startswith("/")):
        return default
    if target.startswith("//") or "\\" in target:
        return default
    parts = urlparse(target)
    return default if parts.netloc or parts.scheme else target


def _longest_session() -> timedelta:
    """How long a remember-me cookie lasts: older sessions of an account are pruned at its next sign-in."""
    value = current_app.config.get("REMEMBER_COOKIE_DURATION") or 365 * 24 * 3600
    return value if isinstance(value, timedelta) else timedelta(seconds=int(value))


def sign_in(user: User, remember: bool = False) -> None:
    """Start a server-side session for `user` in a fresh cookie session.

    Nothing of the session before survives (no fixation, and Flask-WTF's CSRF secret rotates with it);
    the remember-me cookie is set only when asked for, and an older one is cleared.
    """
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF caches the request's token in g: drop the old secret's
    generate_csrf()  # the new secret now, so the next page needn't set the cookie again
    UserSession.start(user, remember, now(), _longest_session())
    login_user(user, remember=remember, force=True)
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE)
    if not remember and remember_cookie in request.cookies:
        session["_remember"] = "clear"  # Flask-Login then drops the remember cookie left from before


# The discreet mode on this browser (views/lock.py keeps it): a "plain" flag and nothing else.
DEVICE_COOKIE = "look"


def device_cookie_name() -> str:
    """`__Host-look` over https (like the session cookie), else `look`."""
    session_name = str(current_app.config.get("SESSION_COOKIE_NAME", "session"))
    return f"__Host-{DEVICE_COOKIE}" if session_name.startswith("__Host-") else DEVICE_COOKIE


def discreet_here() -> bool:
    """Whether this browser shows the discreet mode (a neutral name and icon): the signed-in person's
    choice, else this device's last one, so the sign-in page keeps what the installed app was given."""
    if not has_request_context():
        return False
    if current_user.is_authenticated:
        return bool(getattr(current_user, "discreet", False))
    return request.cookies.get(device_cookie_name()) == "plain"
