"""The idle lock (DOMAIN.md, "Care"): after the chosen minutes without use, a session asks for the
password again before it shows or changes anything; and the discreet mode's device cookie.

The lock lives on the server, in the session's row (tracker/discretion.py has the rules), so it holds
for every way in: pages, htmx fragments, boosted navigations and the API called with the session
cookie (a bearer token is a script's, and is not locked). A locked request:

- a page (GET) is sent to the unlock page, which brings the person back to it;
- an htmx request is told to go there (HX-Redirect), back to the page it came from;
- a form (POST) is kept on the server, in the session's row, and offered once the password is given,
  "Save it" or "Don't save": a log typed before the phone was put down is never lost to the lock, and
  nothing is saved behind the person's back (a tap keeps the minute it was made);
- the API answers 401, which the offline queue reads as "keep the taps for later".

What the lock lets through: the unlock page itself, signing out, static files, the manifest and the
service worker, the offline page, the About page, the email links and the password reset (they act
by their own token, as for anyone), and `/pwa/session`, which answers "no account" while locked so
queued taps wait. None of these counts as use: opening the app from the home screen fetches some of
them, and that must not keep it unlocked.
"""

from __future__ import annotations

import json
from urllib.parse import urlparse

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from tracker import discretion
from tracker.clock import now
from tracker.extensions import htmx
from tracker.forms import local_input
from tracker.kinds import get_kind
from tracker.models import UserSession, naive_utc
from tracker.security import verify_password
from tracker.views.common import device_cookie_name, safe_next

bp = Blueprint("lock", __name__)

UNLOCK_REFUSED = "That isn't the password of this account. Try again, or log out."
LOCKED_API = "The app locked after a quiet while: open it and enter your password again."
# Endpoints a locked session may reach, none of which counts as use (see the module's docstring).
PASSING = frozenset(
    {
        "static",
        "lock.unlock",
        "lock.unlock_with_password",
        "auth.logout",
        "pwa.manifest",
        "pwa.service_worker",
        "pwa.offline",
        "pwa.session",
        "pages.healthz",
        "pages.about",  # public, the same for anyone
    }
)
# They act by a token of their own, as for anyone: the email links, a notification's "I did it" and
# "Later" (the service worker's POST carries the locked session's cookie, and must still log), and the
# password reset (a person who forgot the password must reach it from the unlock page).
PASSING_BLUEPRINTS = frozenset({"email_links", "push", "recovery"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})  # they only read: nothing to keep for later
HELD_MAX = 16 * 1024  # more than any form of the app sends (a note is at most 2,000 characters)
# What a kept form was, in the words the "Save it?" page uses.
HELD_WHAT = {
    "log.create": "a log",
    "log.update": "the details of a log",
    "log.delete": "removing a log",
}
DEVICE_COOKIE_AGE = 400 * 24 * 3600  # the longest a browser keeps a cookie (Chromium caps it here)


def lock_minutes() -> int:
    """The idle lock in force for the signed-in person (0 when none, or nobody is signed in)."""
    if not current_user.is_authenticated:
        return 0
    chosen = getattr(current_user, "idle_lock", None)
    return discretion.lock_minutes(chosen, bool(getattr(current_user, "anyone_not_safe", False)))


def session_locked() -> bool:
    """Whether this request's session is locked (set by the check before every request)."""
    return bool(g.get("session_locked"))


@bp.before_app_request
def _idle_lock():
    """Ask for the password again once the session has been quiet for longer than the lock allows."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    if request.path.startswith("/api/") and request.headers.get("Authorization"):
        return None  # a token's request: the session plays no part
    if not current_user.is_authenticated:
        return None
    seen = getattr(current_user, "session_seen_at", None)
    at = naive_utc(now())
    g.session_locked = discretion.is_locked(seen, at, lock_minutes())
    if request.endpoint in PASSING or request.blueprint in PASSING_BLUEPRINTS:
        return None
    if not g.session_locked:
        if discretion.seen_again(seen, at):
            UserSession.seen(current_user.get_id(), now())
        return None
    return _ask_again()


def _ask_again():
    """The locked answer for this request (see the module's docstring)."""
    if request.path.startswith("/api/"):
        return jsonify(error=LOCKED_API, field=None), 401
    if request.method not in SAFE_METHODS:  # a form sent: kept, and back to the page it was sent from
        _hold()
        back = _local_path(request.headers.get("HX-Current-URL") if htmx else request.referrer)
    elif htmx and not htmx.boosted:
        back = _local_path(request.headers.get("HX-Current-URL"))
    else:
        back = request.full_path.rstrip("?")
    target = url_for("lock.unlock", next=back or url_for("log.today"))
    if htmx and not htmx.history_restore_request:
        response = Response(status=401)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, 303)


def _local_path(url: str | None) -> str | None:
    """The path (and query) of a URL on this site, else None."""
    if not url or len(url) > 2000:
        return None
    parts = urlparse(url)
    if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc != request.host):
        return None
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _hold() -> None:
    """Keep the form this locked request sent, to offer it once the password is given.

    Not kept: files, anything with a password in it (never stored in the clear), and forms larger than
    any of the app's. The CSRF token is dropped (the offer carries a fresh one).
    """
    if request.blueprint == "lock":
        return  # the offer of a kept form, sent again after a second quiet while: keep the first
    if request.mimetype != "application/x-www-form-urlencoded" or (request.content_length or 0) > HELD_MAX:
        return
    fields = [(key, value) for key, value in request.form.items(multi=True) if key != "csrf_token"]
    if any("password" in key for key, _ in fields):
        return
    if request.endpoint == "log.create" and not request.form.get("at"):
        # A tap logs "now": saved after unlocking, it keeps the minute it was made instead.
        fields.append(("at", local_input(now(), current_user.timezone)))
    held = {"path": request.full_path.rstrip("?"), "endpoint": request.endpoint, "fields": fields}
    UserSession.hold(current_user.get_id(), json.dumps(held))


def _held() -> dict | None:
    """The form kept while this session was locked, if any."""
    raw = UserSession.select(UserSession.held).where(UserSession.key == current_user.get_id()).scalar()
    try:
        held = json.loads(raw) if raw else None
    except ValueError:
        return None
    return held if isinstance(held, dict) and isinstance(held.get("fields"), list) else None


@bp.after_app_request
def _no_store_when_locked(response: Response) -> Response:
    """A locked session's answers are never kept in a cache (nor the page behind Back)."""
    if session_locked():
        response.headers["Cache-Control"] = "no-store"
    _keep_device_look(response)
    return response


def _keep_device_look(response: Response) -> None:
    """Remember on this browser whether the signed-in person chose the discreet mode, so pages shown
    signed out (the sign-in page, after signing out) keep the neutral name and icon the installed app
    was given. Only a "plain" flag: nothing that names the person or the account."""
    if request.endpoint in (None, "static") or request.path.startswith("/api/"):
        return  # the API shows no app (and a token's call must not read the session's user)
    if not current_user.is_authenticated:
        return
    name = device_cookie_name()
    wanted = bool(getattr(current_user, "discreet", False))
    if wanted == (request.cookies.get(name) == "plain"):
        return
    if wanted:
        response.set_cookie(
            name,
            "plain",
            max_age=DEVICE_COOKIE_AGE,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
    else:
        response.delete_cookie(name, secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _unlock_page(error: str | None = None, status: int = 200) -> Response:
    """The page that asks for the password again; it shows nothing of the account."""
    page = render_template(
        "pages/unlock.html",
        error=error,
        minutes=lock_minutes(),
        kept=bool(getattr(current_user, "session_held", False)),
        next=safe_next(url_for("log.today")),
        get_flashed_messages=lambda **_: [],  # a message for the page behind waits until after
    )
    return _no_store(current_app.make_response((page, status)))


@bp.get("/unlock")
def unlock():
    """Ask for the password again; a session that isn't locked goes straight on."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=safe_next(url_for("log.today"))))
    if not session_locked():
        return redirect(_after_unlock(), 303)
    return _unlock_page()


@bp.post("/unlock")
def unlock_with_password():
    """Check the password; right, the session carries on where it was, with the kept form offered."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"), 303)
    if session_locked():
        password = request.form.get("password", "")
        if not verify_password(current_user.password_hash, password[:1024]):
            return _unlock_page(UNLOCK_REFUSED, 401)
        UserSession.seen(current_user.get_id(), now())
    return redirect(_after_unlock(), 303)


def _after_unlock() -> str:
    """Where an unlocked session goes: the kept form's offer first, else back where it was."""
    target = safe_next(url_for("log.today"))
    if getattr(current_user, "session_held", False):
        return url_for("lock.resume", next=target)
    return target


@bp.get("/unlock/kept")
@login_required
def resume():
    """Offer the form kept while locked: save it now, or not."""
    held = _held()
    target = safe_next(url_for("log.today"))
    if held is None:
        return redirect(target)
    fields = [(k, v) for k, v in held["fields"] if isinstance(k, str) and isinstance(v, str)]
    kind = get_kind(dict(fields).get("kind", ""))
    page = render_template(
        "pages/unlock_kept.html",
        what=HELD_WHAT.get(held.get("endpoint"), "a change"),
        kind=kind,
        fields=fields,
        next=target,
        csrf=generate_csrf(),
    )
    return _no_store(current_app.make_response(page))


@bp.post("/unlock/kept")
@login_required
def save_or_drop():
    """Forget the kept form; "save" sends it on where it was going (307: the same POST, whose fields
    are the kept ones the offer carried), "drop" goes back where the person was."""
    held = _held()
    UserSession.hold(current_user.get_id(), None)
    if held is None or request.form.get("kept") != "save":
        if held is not None:
            flash("Not saved.", "info")
        return redirect(safe_next(url_for("log.today")), 303)
    path = _local_path(held.get("path")) or url_for("log.today")
    return redirect(path, 307)
