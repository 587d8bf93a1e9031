"""Account recovery: ask for a reset link by email, then choose a new password with it.

The request answers the same whether or not the address has an account, so the form can't be used
to find out who uses Secure Base. The link's token is signed, single-use, valid for an hour and
tied to the password it replaces (tokens.py, emails.reset_message).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from tracker import tokens
from tracker.clock import now
from tracker.emails import password_tag, send_reset
from tracker.forms import InvalidInput, parse_email, parse_password
from tracker.models import User, database
from tracker.security import replace_password
from tracker.tokens import TokenError
from tracker.views.common import sign_in

bp = Blueprint("recovery", __name__)

SENT = (
    "If an account uses that address, we've emailed it a link to choose a new password. "
    "The link works for one hour."
)
UNUSABLE = {  # what is true in each case: a used link most likely just set the password
    "used": (
        "This reset link was already used",
        "Each link works once, and this one has set a password. If that was you, sign in with the new "
        "one. If it wasn't, ask for a new link: setting a password signs out every device.",
        410,
    ),
    "expired": (
        "This reset link has expired",
        "Reset links work for one hour, and this one changed nothing. Ask for a new one below.",
        410,
    ),
    "invalid": (
        "This reset link doesn't work",
        "It may have been cut short by a mail app; nothing changed. Ask for a new one.",
        404,
    ),
}


def _requested_account(value: object) -> User | None:
    """The account for a typed address, or None (also for input no account could have)."""
    try:
        return User.by_email(parse_email(value))
    except InvalidInput:
        return None


@bp.after_request
def _no_store(response):
    """Reset pages carry a token and a fresh CSRF token: never keep them in a cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/reset")
def request_reset():
    """The form that asks for a reset link."""
    return render_template("pages/reset_request.html", sent=False)


@bp.post("/reset")
def send_reset_link():
    """Send a reset link; the answer never says whether the address has an account."""
    user = _requested_account(request.form.get("email"))
    if user is not None:
        send_reset(user, now())
    return render_template("pages/reset_request.html", sent=True, message=SENT)


def _valid(token: str) -> tuple[tokens.Token, User]:
    """The token and its account, when the token is genuine, unspent, unexpired and still current."""
    found = tokens.read(token, "reset", now())
    user = User.get_or_none(User.id == found.user_id)
    if user is None or found.extra.get("h") != password_tag(user.password_hash):
        raise TokenError("used", found)  # the password changed since: this link's moment has passed
    return found, user


def _unusable(reason: str):
    """The page for a link that can't be used, and why."""
    title, message, status = UNUSABLE[reason]
    return render_template(
        "pages/reset_unusable.html", title=title, message=message, used=reason == "used"
    ), status


@bp.get("/reset/<token>")
def reset(token: str):
    """The new-password form, when the link is still good (opening it spends nothing)."""
    try:
        _valid(token)
    except TokenError as exc:
        return _unusable(exc.reason)
    return render_template("pages/reset_password.html", token=token, errors={})


@bp.post("/reset/<token>")
def set_password(token: str):
    """Choose a new password with a link from the email; every session and API token ends."""
    try:
        found, user = _valid(token)
    except TokenError as exc:
        return _unusable(exc.reason)
    try:
        password = parse_password(request.form.get("password"))
    except InvalidInput as exc:
        return render_template("pages/reset_password.html", token=token, errors=exc.errors), 422
    try:
        with database.atomic():
            tokens.spend(found, now())
            replace_password(user, password)  # ends every session, this browser's among them
    except TokenError:  # a second tab got there first
        return _unusable("used")
    sign_in(user)
    flash("Your new password is set. Every other device is signed out.", "success")
    return redirect(url_for("log.today"), 303)
