"""What a notification's buttons open: "I did it" and "Later" (issue 15), the twins of the email's links.

They carry the same sealed, single-use tokens as the email of the same nudge (one "I did it" per nudge,
whichever way it is pressed). The service worker POSTs them straight from the notification, without a
session or a CSRF token: the token is the credential, as with RFC 8058's one-click unsubscribe, so both
POSTs are exempt from CSRF (create_app). A GET, when the worker opens one (offline, or a platform
without notification buttons), only shows the button, like every email link.
"""

from __future__ import annotations

from flask import Blueprint

from tracker.views.email_links import ask, ask_done, friendly, log_done, no_store, snooze_for

bp = Blueprint("push", __name__)

# POSTs that act on the token alone (create_app leaves them out of its CSRF check).
TOKEN_ONLY = ("push.confirm_done", "push.confirm_snooze")


bp.after_request(no_store)  # the pages carry the token: never keep them in a cache


@bp.get("/push/done/<token>")
@friendly
def done(token: str):
    """'I did it' from a notification: asks before logging."""
    return ask_done("push.confirm_done", token, from_notification=True)


@bp.post("/push/done/<token>")
@friendly
def confirm_done(token: str):
    """'I did it': logs the suggested action for the reminder's day, then offers details."""
    return log_done(token)


@bp.get("/push/snooze/<token>")
@friendly
def snooze(token: str):
    """'Later': asks first (and Today is a tap away, as on every page a notification opens)."""
    question, button = "Remind you again in an hour?", "Later: in an hour"
    return ask("push.confirm_snooze", "snooze", token, question, button, from_notification=True)


@bp.post("/push/snooze/<token>")
@friendly
def confirm_snooze(token: str):
    """'Later': the same reminder again in an hour."""
    return snooze_for(token, "Later, then")
