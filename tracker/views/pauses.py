"""Pauses in settings: date ranges (illness, travel, grief) whose days count as rest, never as missed.

The `_pauses.html` partial loads its own list through the `pauses_for` template global, so the settings
page includes it without passing anything.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user, login_required

from tracker.clock import now
from tracker.forms import MAX_PAUSES, InvalidInput, check_room, parse_pause
from tracker.models import Pause, User, naive_utc
from tracker.views.common import delete_own, invalid_status, render, wants_partial

bp = Blueprint("pauses", __name__)


@bp.app_template_global()
def pauses_for(user: User) -> list[Pause]:
    """The user's pauses for the partial, newest first (one query)."""
    return list(Pause.for_user(user))


@bp.app_template_filter()
def date_range(start: date, end: date) -> str:
    """A pause's days as people write them: '3–9 Mar 2026', '28 Feb – 3 Mar 2026', '3 Mar 2026'."""
    if start == end:
        return f"{end.day} {end:%b %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


def _partial(status: int = 200, errors: dict | None = None):
    """The pauses card (htmx) or its page (plain forms), with messages and the typed values."""
    return render(
        "pages/pauses.html",
        "partials/_pauses.html",
        status,
        pause_errors=errors or {},
        pause_form=request.form if errors else {},
    )


def _done():
    """After a change: the fresh card for htmx, else back to settings."""
    return _partial() if wants_partial() else redirect(url_for("settings.index"), 303)


@bp.get("/settings/pauses")
@login_required
def index():
    """The pauses on a page of their own (where a plain form's mistakes are shown)."""
    return _partial()


@bp.post("/settings/pauses")
@login_required
def create():
    """Add a pause; nothing is stored when a field is wrong."""
    try:
        values = parse_pause(request.form)
        have = Pause.select().where(Pause.user == current_user.id).count()
        check_room("pause_start", have, 1, MAX_PAUSES, "pauses")
    except InvalidInput as exc:
        return _partial(invalid_status(), exc.errors)
    Pause.create(user=current_user.id, created_at=naive_utc(now()), **values)
    flash(f"Paused {date_range(values['start_date'], values['end_date'])}: those days are rest.", "success")
    return _done()


@bp.post("/settings/pauses/<int:pause_id>/delete")
@login_required
def delete(pause_id: int):
    """Remove one of the user's pauses; another user's id, or one no row can have, is a 404."""
    pause = delete_own(Pause, pause_id)
    flash(f"Removed the pause {date_range(pause.start_date, pause.end_date)}.", "info")
    return _done()
