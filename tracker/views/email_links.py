"""What the links in our emails open: I did it, snooze, not today, unsubscribe, and address checks.

No login needed: the signed, single-use token in the link says whose it is and what it may do.
Opening a link (GET, or a scanner's HEAD) only shows one button; the action happens on its POST, a
view of its own, because mail scanners and link previews open links on their own, and a log must never
appear that the person didn't make. RFC 8058's one-click unsubscribe is that POST, sent by mail apps
without a page or session: so `email_links.confirm_unsubscribe` and its twin for fresh-start emails,
`email_links.confirm_fresh_off`, alone are exempt from CSRF.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, Response, render_template, request, url_for

from tracker import rules, tokens
from tracker.care import help_lines, region_of
from tracker.clock import now
from tracker.forms import InvalidInput, parse_log
from tracker.kinds import HURTFUL, get_kind
from tracker.logbook import update_log
from tracker.models import Log, User, database
from tracker.queries import own_row
from tracker.tokens import Token, TokenError

bp = Blueprint("email_links", __name__)

UNUSABLE = {
    "used": ("This link was already used", "Nothing changed. Each link in an email works once.", 410),
    "expired": ("This link has expired", "Nothing changed. Links in our emails work for a few days.", 410),
    "invalid": ("This link doesn't work", "It may have been cut short by a mail app. Nothing changed.", 404),
}
DETAIL_FIELDS = ("kind", "step", "before", "after", "response", "note")


def friendly(view: Callable) -> Callable:
    """Answer an unusable token with a calm page that says nothing changed."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except TokenError as exc:
            return result(*UNUSABLE[exc.reason])

    return wrapper


def spend_and(token: str, purpose: str, action: Callable[[Token], object]) -> tuple[Token, object]:
    """Check the token, then spend it and act in one transaction (a failed action keeps it usable)."""
    found = tokens.read(token, purpose, now())
    with database.atomic():
        tokens.spend(found, now())
        return found, action(found)


@bp.after_request
def no_store(response: Response) -> Response:
    """A link's pages carry its token (and a CSRF token): never keep them in a cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def ask(endpoint: str, purpose: str, token: str, question: str, button: str, hint: str = "", **page) -> str:
    """What a link's GET does: check the token, then show one button that POSTs to the same address
    (`endpoint`); the action waits for that POST."""
    tokens.read(token, purpose, now())
    return _confirm_page(endpoint, token, question, button, hint, **page)


def _confirm_page(endpoint: str, token: str, question: str, button: str, hint: str = "", **page) -> str:
    """The one-button page a GET shows; the button POSTs to the same address."""
    action = url_for(endpoint, token=token)
    return render_template(
        "pages/email_confirm.html", question=question, button=button, hint=hint, action=action, **page
    )


def ask_done(endpoint: str, token: str, **page) -> str:
    """'I did it' asks before logging, naming the kind and the step the nudge suggested."""
    found = tokens.read(token, "done", now())
    kind = get_kind(found.extra["k"])
    step = kind.ladder[found.extra["s"] - 1]
    return _confirm_page(endpoint, token, f"Log “{kind.label}”?", "Yes, I did it", step, **page)


def log_done(token: str) -> str:
    """'I did it' pressed: log the suggested action for the reminder's day, then offer the details."""
    found, log = spend_and(token, "done", lambda t: rules.log_done(t, now()))
    details = tokens.make("details", found.user_id, str(log.id), now())
    return render_template("pages/email_done.html", log=log, token=details, errors={}, form={})


def snooze_for(token: str, title: str) -> tuple[str, int]:
    """'Snooze' pressed: the same reminder again in an hour (`title` says so), unless it was deleted."""
    _, due = spend_and(token, "snooze", lambda t: rules.snooze(t, now()))
    if due is None:
        return result("This reminder is gone", "It was deleted, so there is nothing to snooze.")
    return result(title, "We'll check in again in about an hour.")


def result(title: str, message: str, status: int = 200, **context) -> tuple[str, int]:
    """The calm page that says what happened (with the care flow's help when `care` is passed)."""
    return render_template("pages/email_result.html", title=title, message=message, **context), status


@bp.get("/email/done/<token>")
@friendly
def done(token: str):
    """'I did it': asks before logging."""
    return ask_done("email_links.done", token)


@bp.post("/email/done/<token>")
@friendly
def confirm_done(token: str):
    """'I did it': logs the suggested action for the reminder's day, then offers details."""
    return log_done(token)


@bp.post("/email/details/<token>")
@friendly
def details(token: str):
    """The optional details after 'I did it': what exactly, step, how it felt and went, a note."""
    found = tokens.read(token, "details", now())
    user = User.get_by_id(found.user_id)
    log = own_row(Log, user, found.subject)
    if log is None:
        raise TokenError("invalid")
    form = {name: request.form.get(name, "") for name in DETAIL_FIELDS}
    try:
        values = parse_log(form, tz=user.timezone, now=now(), partial=True)
    except InvalidInput as exc:
        page = render_template("pages/email_done.html", log=log, token=token, errors=exc.errors, form=form)
        return page, 422
    spend_and(token, "details", lambda t: update_log(log, user, values, now()))
    if log.response == HURTFUL:  # the care flow at once, with help for the user's own region
        lines = help_lines(region_of(user.help_region, user.timezone))
        message = "Your details are saved. Thank you for noting how that felt."
        return result("Saved", message, care=True, HELP_LINES=lines)
    return result("Saved", "Your details are saved. Thank you for taking a moment for this.")


@bp.get("/email/snooze/<token>")
@friendly
def snooze(token: str):
    """'Snooze 1 hour': asks first."""
    return ask("email_links.snooze", "snooze", token, "Remind you again in an hour?", "Snooze 1 hour")


@bp.post("/email/snooze/<token>")
@friendly
def confirm_snooze(token: str):
    """'Snooze 1 hour': the same reminder again in an hour."""
    return snooze_for(token, "Snoozed")


@bp.get("/email/not-today/<token>")
@friendly
def not_today(token: str):
    """'Not today': asks first."""
    return ask(
        "email_links.not_today", "not_today", token, "Skip today?", "Not today", "Rest days are part of it."
    )


@bp.post("/email/not-today/<token>")
@friendly
def confirm_not_today(token: str):
    """'Not today': no more nudges from this reminder today."""
    spend_and(token, "not_today", rules.not_today)
    return result(
        "Not today, then", "That's fine. Rest days are part of it, and what you've built still counts."
    )


@bp.get("/email/unsubscribe/<token>")
@friendly
def unsubscribe(token: str):
    """'Stop this reminder': asks first (the link in the email's body)."""
    hint = "You can turn it on again any time."
    return ask("email_links.unsubscribe", "unsubscribe", token, "Stop this reminder?", "Stop it", hint)


@bp.get("/email/fresh-off/<token>")
@friendly
def fresh_off(token: str):
    """'Stop these emails' in a fresh-start email: asks first."""
    question, hint = "Stop the email after a quiet week?", "Settings can turn it on again."
    return ask("email_links.fresh_off", "fresh_off", token, question, "Stop it", hint)


@bp.post("/email/fresh-off/<token>")
@friendly
def confirm_fresh_off(token: str):
    """Turn fresh-start emails off; mail apps POST here for one-click unsubscribe."""
    spend_and(token, "fresh_off", rules.stop_fresh_starts)
    return result("Stopped", "No more emails after a quiet week. Settings can turn them on again.")


@bp.post("/email/unsubscribe/<token>")
@friendly
def confirm_unsubscribe(token: str):
    """Stop the reminder an email came from; mail apps POST here for one-click unsubscribe."""
    _, rule = spend_and(token, "unsubscribe", rules.unsubscribe)
    if rule is not None and rule.purpose == "digest":
        return result(
            "Monthly summary stopped", "You won't get the monthly summary. Settings can turn it on again."
        )
    return result(
        "Reminder stopped", "This reminder is paused. You can turn it on again on the Reminders page."
    )


def _verify_unusable(exc: TokenError):
    """An address already confirmed needs no link; any other unusable link says how to get a new one."""
    user = User.get_or_none(User.id == exc.token.user_id) if exc.token else None
    if user is not None and user.email_verified_at is not None:
        return result("Your email is confirmed", "Reminders can reach you now.")
    title, message, status = UNUSABLE[exc.reason]
    return result(title, message + " You can ask for a new link on the Reminders page.", status)


@bp.get("/verify/<token>")
def verify(token: str):
    """Confirm an address: asks first, like every other link (a scanner's visit proves nothing)."""
    hint = "Reminders can reach you then."
    try:
        return ask("email_links.verify", "verify", token, "Confirm your email?", "Confirm my email", hint)
    except TokenError as exc:
        return _verify_unusable(exc)


@bp.post("/verify/<token>")
def confirm_verify(token: str):
    """Confirm an address: the button press from the inbox's link is the proof."""
    try:
        spend_and(token, "verify", lambda t: rules.verify(t, now()))
    except TokenError as exc:
        return _verify_unusable(exc)
    return result("Your email is confirmed", "Reminders can reach you now.")
