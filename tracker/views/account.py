"""Your data: download it (JSON, CSV), import an export, delete the account with everything in it."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_login import current_user, login_required, logout_user

from tracker import portability
from tracker.clock import now
from tracker.forms import InvalidInput
from tracker.models import User
from tracker.security import verify_password
from tracker.views.common import invalid_status
from tracker.views.settings import _page as settings_page

bp = Blueprint("account", __name__)


def _download(body: str, mimetype: str, extension: str) -> Response:
    """An attachment named for today, never cached (it is the whole account)."""
    response = Response(body, mimetype=mimetype)
    name = f"secure-base-{now():%Y-%m-%d}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/export.json")
@login_required
def export_json():
    """Everything in the account as JSON (schema in README.md, "Your data")."""
    data = portability.export_data(current_user, now())
    return _download(json.dumps(data, ensure_ascii=False, indent=2), "application/json", "json")


@bp.get("/export.csv")
@login_required
def export_csv():
    """The logs as CSV, for a spreadsheet."""
    return _download(portability.export_csv(current_user), "text/csv", "csv")


@bp.post("/settings/import")
@login_required
def import_data():
    """Import an export file: all or nothing, and importing it twice adds nothing."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return settings_page(invalid_status(), {"import": "Choose an export file (.json) to import."})
    try:
        plan = portability.parse_export(upload.read(), current_user, now())
    except portability.ImportProblem as exc:
        message = "Nothing was imported. " + " ".join(exc.messages)
        return settings_page(invalid_status(), {"import": message})
    try:
        done = portability.apply_import(User.get_by_id(current_user.id), plan, now())
    except InvalidInput as exc:  # e.g. past the reminder limit with the ones already here; rolled back
        message = "Nothing was imported. " + " ".join(exc.errors.values())
        return settings_page(invalid_status(), {"import": message})
    if done.total:
        counts = f"{done.logs} logs, {done.people} people, {done.pauses} pauses, {done.reminders} reminders"
        counts += f", {done.checkins} check-ins" if done.checkins else ""
        counts += f", {done.devices} devices with notifications" if done.devices else ""
        counts += f", {done.plans} if-then plans" if done.plans else ""
        flash(f"Imported {counts}.", "success@import")
    else:
        flash("Everything in that file was already here: nothing changed.", "info@import")
    if done.devices_to_renew:
        flash(
            "Notifications were on for other devices: turn them on again on each one, under Reminders.",
            "info@import",
        )
    # Shown beside the import form (partials/_your_data.html), and the page opens there.
    return redirect(url_for("settings.index") + "#import", 303)


@bp.post("/account/delete")
@login_required
def delete():
    """Delete the account and everything in it, once the password confirms it."""
    if not verify_password(current_user.password_hash, request.form.get("password", "")[:1024]):
        return settings_page(
            invalid_status(), {"delete_password": "That is not your password. Nothing was deleted."}
        )
    user = User.get_by_id(current_user.id)
    logout_user()
    portability.delete_account(user)
    flash("Your account and everything in it are deleted. Take care.", "info")
    return redirect(url_for("auth.register"), 303)
