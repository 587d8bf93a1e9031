"""Accounts: register, log in (remember me), log out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from peewee import IntegrityError

from tracker.emails import send_verification
from tracker.forms import InvalidInput, parse_email, parse_password, valid_timezone
from tracker.models import User, database, naive_utc
from tracker.security import hash_password, verify_password
from tracker.views.common import now, safe_next

bp = Blueprint("auth", __name__)

LOGIN_FAILED = "That email and password don't match an account."


def _account(email: object) -> User | None:
    """The account for a typed email; None for no account and for input no account could have."""
    try:
        # Only valid addresses reach the database (PostgreSQL refuses a NUL in a query outright).
        return User.by_email(parse_email(email))
    except InvalidInput:
        return None


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Create an account and sign in; the time zone comes from the browser."""
    if current_user.is_authenticated:
        return redirect(url_for("log.today"))
    if request.method == "GET":
        return render_template("pages/register.html", errors={}, form={})
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
    login_user(user, remember=True)
    send_verification(user, now())  # reminders go only to a confirmed address
    flash("Welcome to Secure Base. Tap what you practised today.", "success")
    return redirect(url_for("log.today"), 303)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in; the answer never tells whether the email has an account."""
    if current_user.is_authenticated:
        return redirect(url_for("log.today"))
    if request.method == "GET":
        return render_template("pages/login.html", error=None, form={})
    user = _account(request.form.get("email"))
    password = request.form.get("password", "")
    if not verify_password(user.password_hash if user else None, password[:1024]):
        return render_template("pages/login.html", error=LOGIN_FAILED, form=request.form), 401
    login_user(user, remember=request.form.get("remember") == "on")
    return redirect(safe_next(url_for("log.today")), 303)


@bp.post("/logout")
@login_required
def logout():
    """Sign out of this browser."""
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"), 303)
