"""Accounts: register, log in (remember me), log out; and the one way any view signs a browser in.

Each page is a GET that shows a form and a POST that acts (DESIGN.md, "Safe methods are safe"): a HEAD
or a link scanner never signs anyone in or creates an account, and every sign-in passes CSRF and the
rate limits, which name the POST endpoints.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user
from peewee import IntegrityError

from tracker.clock import now
from tracker.emails import send_verification
from tracker.forms import InvalidInput, parse_email, parse_password, valid_timezone
from tracker.models import User, UserSession, database, naive_utc
from tracker.security import hash_password, verify_password
from tracker.views.common import safe_next, sign_in

bp = Blueprint("auth", __name__)

LOGIN_FAILED = "That email and password don't match an account."


@bp.after_request
def _no_store(response):
    """Account pages carry typed addresses and fresh CSRF tokens: never keep them in a cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def sign_out() -> None:
    """End this browser's session on the server, then forget it here (and the remember cookie)."""
    if current_user.is_authenticated:
        UserSession.end(current_user.get_id())
    logout_user()
    session.pop("csrf_token", None)


def _account(email: object) -> User | None:
    """The account for a typed email; None for no account and for input no account could have."""
    try:
        # Only valid addresses reach the database (PostgreSQL refuses a NUL in a query outright).
        return User.by_email(parse_email(email))
    except InvalidInput:
        return None


@bp.get("/register")
def register():
    """The sign-up form."""
    if current_user.is_authenticated:
        return redirect(url_for("log.today"))
    return render_template("pages/register.html", errors={}, form={})


@bp.post("/register")
def create_account():
    """Create an account and sign in; the time zone comes from the browser."""
    if current_user.is_authenticated:
        return redirect(url_for("log.today"), 303)
    form = request.form
    timezone = form.get("timezone") if valid_timezone(form.get("timezone")) else "UTC"
    errors = {}
    try:
        email = parse_email(form.get("email"))
        password = parse_password(form.get("password"))
        with database.atomic():
            user = User.create(
                email=email,
                password_hash=hash_password(password),
                timezone=timezone,
                created_at=naive_utc(now()),
            )
    except InvalidInput as exc:
        errors = exc.errors
    except IntegrityError:
        errors = {"email": "That email can't be used for a new account. Log in instead?"}
    if errors:
        return render_template("pages/register.html", errors=errors, form=form), 422
    sign_in(user, remember=False)  # a shared computer must not stay signed in unless asked (log in)
    send_verification(user, now())  # reminders go only to a confirmed address
    # No "welcome" flash: Today's one note (the welcome offer) greets a new account (issue 13).
    return redirect(url_for("log.today"), 303)


@bp.get("/login")
def login():
    """The sign-in form."""
    if current_user.is_authenticated:
        return redirect(url_for("log.today"))
    return render_template("pages/login.html", error=None, form={})


@bp.post("/login")
def sign_in_with_password():
    """Sign in; the answer never tells whether the email has an account."""
    if current_user.is_authenticated:
        return redirect(url_for("log.today"), 303)
    user = _account(request.form.get("email"))
    password = request.form.get("password", "")
    if not verify_password(user.password_hash if user else None, password[:1024]):
        return render_template("pages/login.html", error=LOGIN_FAILED, form=request.form), 401
    target = safe_next(url_for("log.today"))
    sign_in(user, remember=request.form.get("remember") == "on")
    return redirect(target, 303)


@bp.post("/logout")
@login_required
def logout():
    """Sign out of this browser: its session ends on the server, so a copied cookie opens nothing."""
    sign_out()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"), 303)
