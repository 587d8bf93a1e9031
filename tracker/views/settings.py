"""Settings: time zone, weekly target, numbers or words, Today's focus kinds, password, and API tokens."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE

from tracker import care, practice
from tracker.clock import now
from tracker.forms import (
    AUTO_REGION,
    InvalidInput,
    parse_discretion,
    parse_fresh_start,
    parse_help_region,
    parse_hide_numbers,
    parse_password,
    parse_settings,
)
from tracker.kinds import KINDS, get_kind
from tracker.models import ApiToken, PracticeProfile, User, database, naive_utc
from tracker.nudges import reschedule_user
from tracker.queries import profile_of
from tracker.security import new_api_token, replace_password, verify_password
from tracker.views.common import delete_own, invalid_status, render, sign_in

bp = Blueprint("settings", __name__)


def _page(status: int = 200, errors: dict | None = None, new_token: str | None = None):
    """The settings page with optional messages and a just-created token to show once (never cached:
    the token is shown once, and the page is the way to delete the account)."""
    tokens = ApiToken.select().where(ApiToken.user == current_user).order_by(ApiToken.created_at.desc())
    profile = PracticeProfile.of(current_user)
    typed = errors and "focus" in errors  # a refused choice is shown as it was made
    focus = request.form.getlist("focus") if typed else (profile.focus if profile else [])
    response = render(
        "pages/settings.html",
        None,
        status,
        errors=errors or {},
        tokens=list(tokens),
        new_token=new_token,
        regions=care.REGION_NAMES,
        auto_region=AUTO_REGION,
        zone_region=care.REGION_NAMES[care.region_for(current_user.timezone)],
        focus=focus,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/settings")
@login_required
def index():
    """Show the settings."""
    return _page()


@bp.post("/settings")
@login_required
def update():
    """Save the time zone and weekly target."""
    try:
        values = parse_settings(request.form)
    except InvalidInput as exc:
        return _page(invalid_status(), exc.errors)
    User.update(**values).where(User.id == current_user.id).execute()
    if values["timezone"] != current_user.timezone:  # reminders fire at local times: move them along
        reschedule_user(User.get_by_id(current_user.id), now())
    flash("Settings saved.", "success")
    return redirect(url_for("settings.index"), 303)


def _save(anchor: str, parse: Callable[[Mapping], dict], said: Callable[[dict], str]) -> ResponseReturnValue:
    """Save one card's choices on the person's row and say so beside the card (`#anchor`): the cards
    differ only in their fields and words. This request's user follows the row, so what runs after the
    view (views/lock.py's device cookie for the discreet mode) sees the new choice."""
    try:
        values = parse(request.form)
    except InvalidInput as exc:
        return _page(invalid_status(), exc.errors)
    User.update(**values).where(User.id == current_user.id).execute()
    for name, value in values.items():
        setattr(current_user, name, value)
    flash(said(values), f"success@{anchor}")
    return redirect(url_for("settings.index") + f"#{anchor}", 303)


def _help_saved(values: dict) -> str:
    """Whose crisis lines every page shows now, by name."""
    where = care.region_of(values["help_region"], current_user.timezone)
    return f"Help lines saved: {care.REGION_NAMES[where]}."


@bp.post("/settings/help")
@login_required
def help_region():
    """Choose whose crisis lines every page shows, or go back to the time zone's."""
    return _save("help", lambda form: {"help_region": parse_help_region(form)}, _help_saved)


@bp.post("/settings/numbers")
@login_required
def numbers():
    """Show the practice with its numbers, or in words only (DOMAIN.md: "Settings can hide every number")."""
    return _save(
        "numbers",
        lambda form: {"hide_numbers": parse_hide_numbers(form)},
        lambda v: "Saved: words only, no numbers." if v["hide_numbers"] else "Saved: numbers are shown.",
    )


@bp.post("/settings/fresh")
@login_required
def fresh_start():
    """One fresh-start email after a quiet week, or none (issue 16): the person's own switch."""
    return _save(
        "fresh",
        lambda form: {"fresh_start": parse_fresh_start(form)},
        lambda v: (
            "Saved: a fresh-start email may come after a quiet week."
            if v["fresh_start"]
            else "Saved: no fresh-start email."
        ),
    )


@bp.post("/settings/focus")
@login_required
def save_focus():
    """The (up to three) focus kinds that lead Today: besides the welcome, the only thing that changes
    the order of Today's tiles (issue 13: tiles that move break muscle memory)."""
    given = request.form.getlist("focus")
    # A kind the form doesn't offer (a stale or tampered form) would silently shrink or wipe the order.
    if len(given) > len(KINDS) or not all(get_kind(key) for key in given):
        return _page(invalid_status(), {"focus": "Choose from the list, up to three."})
    keys = list(dict.fromkeys(given))
    if len(keys) > practice.MAX_FOCUS:
        return _page(invalid_status(), {"focus": "Choose up to three, to keep it light."})
    profile = profile_of(current_user)
    profile.focus_kinds = ",".join(keys)
    if profile.onboarding_step == 0 and profile.onboarding_done_at is None:
        # Chosen here, not in a welcome: a new profile must not read as a welcome left halfway.
        profile.onboarding_done_at = naive_utc(now())
    profile.save()
    flash("Saved: the order of Today's tiles.", "success")
    return redirect(url_for("settings.index") + "#tiles", 303)


@bp.post("/settings/password")
@login_required
def change_password():
    """Change the password; other sessions are signed out."""
    if not verify_password(current_user.password_hash, request.form.get("current_password", "")[:1024]):
        return _page(invalid_status(), {"current_password": "That is not your current password."})
    try:
        password = parse_password(request.form.get("new_password"), "new_password")
    except InvalidInput as exc:
        return _page(invalid_status(), exc.errors)
    user = User.get_by_id(current_user.id)
    replace_password(user, password)  # every session ends, and API tokens are revoked
    # Sign this browser in again in a new session, remembered only if it was remembered before.
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE) in request.cookies
    sign_in(user, remember=remembered)
    flash("Password changed. Other devices are signed out and API tokens revoked.", "success")
    return redirect(url_for("settings.index"), 303)


@bp.post("/settings/tokens")
@login_required
def create_token():
    """Create a personal access token and show it once."""
    name = (request.form.get("name") or "").strip()
    # Control characters have no place in a label (and PostgreSQL refuses NUL outright).
    if not name or len(name) > 60 or any(ord(c) < 32 or ord(c) == 127 for c in name):
        return _page(invalid_status(), {"token_name": "Name the token (up to 60 characters)."})
    token, digest = new_api_token()
    with database.atomic():
        ApiToken.create(user=current_user.id, name=name, token_hash=digest, created_at=naive_utc(now()))
    return _page(new_token=token)


@bp.post("/settings/tokens/<int(min=1, max=2147483647):token_id>/delete")
@login_required
def revoke_token(token_id: int):
    """Revoke a token: scripts using it stop working at once."""
    delete_own(ApiToken, token_id)
    flash("Token revoked.", "info")
    return redirect(url_for("settings.index"), 303)


# --- On a shared phone (issue 17): the idle lock and the discreet mode ---------------------------------


@bp.post("/settings/discretion")
@login_required
def save_discretion():
    """The idle lock (automatic, never, or minutes) and the discreet mode; the device's cookie follows
    the discreet mode on this very answer (views/lock.py)."""
    return _save("discretion", parse_discretion, lambda _: "Saved.")
