"""Pauses in settings: date ranges (illness, travel, grief) whose days count as rest, never as missed.

The `_pauses.html` partial loads its own list through the `pauses_for` template global, so the settings
page includes it without passing anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from tracker.forms import Errors, InvalidInput
from tracker.models import Pause, User, naive_utc
from tracker.views.common import invalid_status, now, render, wants_partial

bp = Blueprint("pauses", __name__)

REASON_MAX = 200
MAX_DAYS = 366
MAX_PAUSES = 200
EARLIEST = date(2000, 1, 1)
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


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


def _date(form: Mapping, name: str, label: str, errors: Errors) -> date | None:
    """A YYYY-MM-DD date field (what `<input type=date>` sends), or a message."""
    value = (form.get(name) or "").strip()
    if not value:
        errors.add(f"pause_{name}", f"Choose the {label}.")
        return None
    try:
        day = date.fromisoformat(value) if ISO_DATE.fullmatch(value) else None
    except ValueError:
        day = None
    if day is None:
        errors.add(f"pause_{name}", f"The {label} must be a date like 2026-03-09.")
    elif day < EARLIEST:
        errors.add(f"pause_{name}", f"The {label} must be in the year 2000 or later.")
        return None
    return day


def parse_pause(form: Mapping) -> dict:
    """Validated pause fields: both dates, end on or after start, at most a leap year long."""
    errors = Errors()
    start = _date(form, "start", "first day", errors)
    end = _date(form, "end", "last day", errors)
    reason = (form.get("reason") or "").strip() or None
    if reason and len(reason) > REASON_MAX:
        errors.add("pause_reason", f"Keep the reason to {REASON_MAX} characters or fewer.")
    if start and end and end < start:
        errors.add("pause_end", "The last day can't be before the first day.")
    elif start and end and (end - start).days + 1 > MAX_DAYS:
        errors.add("pause_end", f"A pause can last up to {MAX_DAYS} days; add another one for longer.")
    errors.raise_if_any()
    return {"start_date": start, "end_date": end, "reason": reason}


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
        if Pause.select().where(Pause.user == current_user.id).count() >= MAX_PAUSES:
            raise InvalidInput({"pause_start": "That's a lot of pauses: remove an old one first."})
    except InvalidInput as exc:
        return _partial(invalid_status(), exc.errors)
    Pause.create(user=current_user.id, created_at=naive_utc(now()), **values)
    flash(f"Paused {date_range(values['start_date'], values['end_date'])}: those days are rest.", "success")
    return _done()


@bp.post("/settings/pauses/<int:pause_id>/delete")
@login_required
def delete(pause_id: int):
    """Remove one of the user's pauses; another user's id, or one no row can have, is a 404."""
    pause = None
    if pause_id < 2**31:  # SQLite cannot even bind an id past 64 bits
        pause = Pause.get_or_none(Pause.id == pause_id, Pause.user == current_user.id)
    if pause is None:
        abort(404)
    pause.delete_instance()
    flash(f"Removed the pause {date_range(pause.start_date, pause.end_date)}.", "info")
    return _done()
