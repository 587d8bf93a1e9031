"""Reminders: add, edit, pause and delete rules, pause them all, confirm the address they go to, and
the devices with notifications on (turned on by static/js/push.js through the API; listed and removed
here, without JavaScript too).

Plain forms with 303 redirects work without JavaScript; with htmx each form swaps `#reminders` in
place. The JSON API mirror lives in `views/api/reminders.py`.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user, login_required

from tracker import rules
from tracker.clock import now
from tracker.emails import send_verification
from tracker.forms import InvalidInput
from tracker.models import PushSubscription, ReminderRule
from tracker.schedule import DAY_NAMES, day_names
from tracker.views.common import delete_own, invalid_status, own_or_404, render, wants_partial

bp = Blueprint("reminders", __name__)


def _page(errors: dict | None = None, form: dict | None = None, status: int = 200):
    """The reminders page (or its `#reminders` block for htmx) with optional form messages."""
    return render(
        "pages/reminders.html",
        "partials/_reminders.html",
        status,
        rules=list(ReminderRule.for_user(current_user)),
        devices=list(PushSubscription.for_user(current_user)),
        day_names=day_names,
        DAY_NAMES=DAY_NAMES,
        errors=errors or {},
        form=form or {},
    )


def _done(message: str, category: str = "success"):
    """After a change: the refreshed block for htmx, else back to the page."""
    flash(message, category)
    return _page() if wants_partial() else redirect(url_for("reminders.index"), 303)


@bp.get("/reminders")
@login_required
def index():
    """List the reminders, with the form to add one."""
    return _page()


@bp.post("/reminders")
@login_required
def create():
    """Add a reminder."""
    values = rules.form_values(request.form)
    try:
        rules.create_rule(current_user, rules.parse_rule(values), now())
    except InvalidInput as exc:
        return _page(exc.errors, values, invalid_status())
    return _done("Reminder added.")


@bp.post("/reminders/<int(min=1, max=2147483647):rule_id>")
@login_required
def update(rule_id: int):
    """Change a reminder's days, time or action."""
    rule = own_or_404(ReminderRule, rule_id)
    try:
        rules.update_rule(rule, current_user, rules.parse_rule(rules.form_values(request.form)), now())
    except InvalidInput as exc:
        return _page({f"{rule_id}-{k}": v for k, v in exc.errors.items()}, status=invalid_status())
    return _done("Reminder saved.")


@bp.post("/reminders/<int(min=1, max=2147483647):rule_id>/toggle")
@login_required
def toggle(rule_id: int):
    """Pause one reminder, or turn it back on."""
    rule = own_or_404(ReminderRule, rule_id)
    rules.update_rule(rule, current_user, {"enabled": not rule.enabled}, now())
    return _done("Reminder on." if rule.enabled else "Reminder paused.", "info")


@bp.post("/reminders/<int(min=1, max=2147483647):rule_id>/delete")
@login_required
def delete(rule_id: int):
    """Delete a reminder."""
    delete_own(ReminderRule, rule_id)
    return _done("Reminder deleted.", "info")


@bp.post("/reminders/pause")
@login_required
def pause_all():
    """The global switch: pause every reminder, or resume them."""
    paused = not current_user.reminders_paused
    rules.set_paused_all(current_user, paused)
    current_user.reminders_paused = paused
    return _done("All reminders paused." if paused else "Reminders are on again.", "info")


@bp.post("/reminders/digest")
@login_required
def digest():
    """The monthly summary email (opt-in, from the settings page): on the 1st at 09:00 local time."""
    on = request.form.get("digest") == "on"
    rules.set_digest(current_user, on, now())
    flash("Monthly summary on: it comes on the 1st at 09:00." if on else "Monthly summary off.", "success")
    return redirect(url_for("settings.index"), 303)


@bp.post("/reminders/verify")
@login_required
def resend_verification():
    """Send a fresh link to confirm the address."""
    if current_user.email_verified_at is not None:
        return _done("Your email is already confirmed.", "info")
    if not send_verification(current_user, now()):
        return _done("We couldn't send the email just now. Please try again in a few minutes.", "error")
    return _done(f"We sent a new link to {current_user.email}.")


@bp.post("/reminders/devices/<int(min=1, max=2147483647):device_id>/delete")
@login_required
def remove_device(device_id: int):
    """Turn notifications off for one device: nothing more is pushed to it."""
    delete_own(PushSubscription, device_id)
    return _done("Notifications are off for that device.", "info")
