"""Account recovery: ask for a reset link by email, then choose a new password with it.

The request answers the same whether or not the address has an account, so the form can't be used
to find out who uses Secure Base. The link's token is signed, single-use, valid for an hour and
tied to the password it replaces (tokens.py, emails.reset_message).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from tracker import tokens
from tracker.emails import password_tag, send_reset
from tracker.forms import InvalidInput, parse_email, parse_password
from tracker.models import User, database
from tracker.security import replace_password
from tracker.tokens import TokenError
from tracker.views.common import now

bp = Blueprint("recovery", __name__)

SENT = (
    "If an account uses that address, we've emailed it a link to choose a new password. "
    "The link works for one hour."
)
UNUSABLE = {
    "used": ("This reset link was already used", "Each link works once. Ask for a new one below.", 410),
    "expired": (
        "This reset link has expired",
        "Reset links work for one hour. Ask for a new one below.",
        410,
    ),
    "invalid": (
        "This reset link doesn't work",
        "It may have been cut short by a mail app. Ask for a new one.",
        404,
    ),
}


def _requested_account(value: object) -> User | None:
    """The account for a typed address, or None (also for input no account could have)."""
    try:
        return User.by_email(parse_email(value))
    except InvalidInput:
        return None


@bp.route("/reset", methods=["GET", "POST"])
def request_reset():
    """Ask for a reset link; the answer never says whether the address has an account."""
    if request.method == "GET":
        return render_template("pages/reset_request.html", sent=False)
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


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    """Choose a new password with a link from the email; every session and API token ends."""
    try:
        found, user = _valid(token)
    except TokenError as exc:
        title, message, status = UNUSABLE[exc.reason]
        return render_template("pages/reset_unusable.html", title=title, message=message), status
    if request.method == "GET":
        return render_template("pages/reset_password.html", token=token, errors={})
    try:
        password = parse_password(request.form.get("password"))
    except InvalidInput as exc:
        return render_template("pages/reset_password.html", token=token, errors=exc.errors), 422
    try:
        with database.atomic():
            tokens.spend(found, now())
            replace_password(user, password)
    except TokenError:  # a second tab got there first
        title, message, status = UNUSABLE["used"]
        return render_template("pages/reset_unusable.html", title=title, message=message), status
    if current_user.is_authenticated:
        logout_user()
    login_user(user)
    flash("Your new password is set. Every other device is signed out.", "success")
    return redirect(url_for("log.today"), 303)
