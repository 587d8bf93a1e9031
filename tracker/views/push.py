"""What a notification's buttons open: "I did it" and "Later" (issue 15), the twins of the email's links.

They carry the same sealed, single-use tokens as the email of the same nudge (one "I did it" per nudge,
whichever way it is pressed). The service worker POSTs them straight from the notification, without a
session or a CSRF token: the token is the credential, as with RFC 8058's one-click unsubscribe, so both
POSTs are exempt from CSRF (create_app). A GET, when the worker opens one (offline, or a platform
without notification buttons), only shows the button, like every email link.
"""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

from tracker import rules, tokens
from tracker.clock import now
from tracker.kinds import get_kind
from tracker.models import database
from tracker.views.email_links import friendly

bp = Blueprint("push", __name__)

# POSTs that act on the token alone (create_app leaves them out of its CSRF check).
TOKEN_ONLY = ("push.confirm_done", "push.confirm_snooze")


@bp.after_request
def _no_store(response):
    """The pages carry the token: never keep them in a cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _confirm(endpoint: str, token: str, question: str, button: str, hint: str = ""):
    """The one-button page; it POSTs to the same address, and Today is a tap away."""
    return render_template(
        "pages/email_confirm.html",
        question=question,
        button=button,
        hint=hint,
        action=url_for(endpoint, token=token),
        from_notification=True,
    )


def _spend(token: str, purpose: str, action):
    """Check the token, then spend it and act in one transaction (a failed action keeps it usable)."""
    found = tokens.read(token, purpose, now())
    with database.atomic():
        tokens.spend(found, now())
        return found, action(found)


@bp.get("/push/done/<token>")
@friendly
def done(token: str):
    """'I did it' from a notification: asks before logging."""
    found = tokens.read(token, "done", now())
    kind = get_kind(found.extra["k"])
    question = f"Log “{kind.label}”?"
    return _confirm("push.confirm_done", token, question, "Yes, I did it", kind.ladder[found.extra["s"] - 1])


@bp.post("/push/done/<token>")
@friendly
def confirm_done(token: str):
    """'I did it': logs the suggested action for the reminder's day, then offers details."""
    found, log = _spend(token, "done", lambda t: rules.log_done(t, now()))
    details = tokens.make("details", found.user_id, str(log.id), now())
    return render_template("pages/email_done.html", log=log, token=details, errors={}, form={})


@bp.get("/push/snooze/<token>")
@friendly
def snooze(token: str):
    """'Later': asks first."""
    tokens.read(token, "snooze", now())
    return _confirm("push.confirm_snooze", token, "Remind you again in an hour?", "Later: in an hour")


@bp.post("/push/snooze/<token>")
@friendly
def confirm_snooze(token: str):
    """'Later': the same reminder again in an hour."""
    _, due = _spend(token, "snooze", lambda t: rules.snooze(t, now()))
    if due is None:
        message = "It was deleted, so there is nothing to snooze."
        return render_template("pages/email_result.html", title="This reminder is gone", message=message)
    message = "We'll check in again in about an hour."
    return render_template("pages/email_result.html", title="Later, then", message=message)
