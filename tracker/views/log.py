"""The Today screen and writing logs: one tap to log, details in place, edit, undo and delete."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_htmx import make_response
from flask_login import current_user, login_required

from tracker.clock import now
from tracker.forms import InvalidInput, local_input, parse_log, parse_person
from tracker.insights import local_date_of
from tracker.insights.bids import BID_KIND
from tracker.kinds import HURTFUL, get_kind
from tracker.logbook import log_tap, update_log
from tracker.models import Log, Person
from tracker.queries import own_row
from tracker.views.common import invalid_status, own_or_404, render, safe_next, wants_partial
from tracker.views.practice.ladder import today_practice

bp = Blueprint("log", __name__)


@bp.app_template_global()
def tap_id() -> str:
    """A fresh id for one rendered tile: the server knows a repeat of it as the same tap (issue 13)."""
    return str(uuid.uuid4())


# The htmx event (HX-Trigger) after which widgets showing logs refresh: hx-trigger="log-changed from:body".
LOG_CHANGED = "log-changed"


def _today_context(**extra) -> dict:
    """What the Today page shows: kinds in order of use, today's logs, the user's people."""
    today = local_date_of(now(), current_user.timezone)
    return {
        **today_practice(current_user, today),
        "logs": list(Log.on_day(current_user, today)),
        "people": list(Person.for_user(current_user)),
        "today": today,
        **extra,
    }


@bp.get("/")
def today():
    """The start screen: a tap target per kind, then today's logs; for a visitor, what this is."""
    if not current_user.is_authenticated:
        return render_template("pages/start.html")
    logged = own_row(Log, current_user, request.args.get("logged", ""))
    return render_template("pages/today.html", **_today_context(logged=logged, errors={}))


@bp.get("/today/logs")
@login_required
def today_logs():
    """Today's logs alone, refreshed after a log changes."""
    return render("pages/today.html", "partials/_today_logs.html", **_today_context(errors={}))


@bp.post("/logs")
@login_required
def create():
    """Log an action now (one tap), optionally with details. The tap's id (a hidden field per rendered
    tile; with JavaScript one per tap) makes a double tap or a resubmitted form one log, answered as the
    first was."""
    try:
        values = _log_values(partial=False)
        log, _ = log_tap(current_user, values, now())
    except InvalidInput as exc:
        if wants_partial():
            return render_template("partials/_error.html", errors=exc.errors), 200
        for message in exc.errors.values():
            flash(message, "error")
        return redirect(url_for("log.today"), 303)
    if wants_partial():
        response = render("pages/today.html", "partials/_logged.html", logged=log, **_form_context())
        return make_response(response, trigger=LOG_CHANGED)
    if log.response == HURTFUL:
        flash(f"Logged: {get_kind(log.kind).label}.", "success")
        return redirect(url_for("log.care", log_id=log.id, next=url_for("log.today")), 303)
    return redirect(url_for("log.today", logged=log.id), 303)


def _form_context() -> dict:
    return {"people": list(Person.for_user(current_user)), "errors": {}}


def _log_values(partial: bool, form: dict | None = None, kind: str | None = None):
    """Validated log values from the form, creating a new person when one was named. A bid goes with a
    respond log only: when the form's kind (else the log's, `kind`) was changed to another, its bid is
    dropped rather than refused, as the form showed the choice for the kind it had."""
    form = request.form.to_dict() if form is None else form
    if (form.get("kind") or kind) != BID_KIND:
        form.pop("bid", None)
    values = parse_log(form, tz=current_user.timezone, now=now(), partial=partial)
    if values.given().get("person_id") == "new":
        person_fields = parse_person(
            {"nickname": form.get("new_person", ""), "role": form.get("new_person_role") or "friend"}
        )
        values.person_id = None
        values.person = person_fields["nickname"]
        values.new_person_role = person_fields["role"]
    return values


@bp.get("/logs/<log_id>/edit")
@login_required
def edit(log_id: str):
    """The edit form of one log (in place with htmx)."""
    log = own_or_404(Log, log_id)
    return render(
        "pages/log_edit.html",
        "partials/_log_form.html",
        log=log,
        next=safe_next(url_for("log.today")),
        open_when=True,
        **_form_context(),
    )


@bp.post("/logs/<log_id>")
@login_required
def update(log_id: str):
    """Save the details or changes of one log."""
    log = own_or_404(Log, log_id)
    target = safe_next(url_for("log.today"))
    try:
        values = _log_values(partial=True, form=_unchanged_time_dropped(log), kind=log.kind)
        update_log(log, current_user, values, now())
    except InvalidInput as exc:
        context = {**_form_context(), "errors": exc.errors, "form": request.form}
        return render(
            "pages/log_edit.html",
            "partials/_log_form.html",
            invalid_status(),
            log=log,
            next=target,
            **context,
        )
    if wants_partial():
        response = render(
            "pages/today.html", "partials/_log_saved.html", log=own_or_404(Log, log_id), next=target
        )
        return make_response(response, trigger=LOG_CHANGED)
    flash(f"Saved: {get_kind(log.kind).label}.", "success")
    if log.response == HURTFUL:  # a response that hurt or frightened opens the care flow at once
        return redirect(url_for("log.care", log_id=log.id, next=target), 303)
    return redirect(target, 303)


@bp.get("/logs/<log_id>/care")
@login_required
def care(log_id: str):
    """The care flow after a response that hurt or frightened, as a page (without JavaScript; with htmx
    it comes inside the saved confirmation): help for the user's region and the private choice to keep
    the person out of suggestions, then on to where the user was going."""
    log = own_or_404(Log, log_id)
    return render_template("pages/log_care.html", log=log, next=safe_next(url_for("log.today")))


def _unchanged_time_dropped(log: Log) -> dict:
    """The posted form without its time when that is the time the form showed: a minute-precise
    field sent back unchanged must not move the log (12:30:45 saved as 12:30, or into another zone's
    idea of the minute). Saving details never changes a log's time; changing the time does."""
    form = request.form.to_dict()
    if form.get("at") == local_input(log.at, current_user.timezone):
        del form["at"]
    return form


@bp.post("/logs/<log_id>/delete")
@login_required
def delete(log_id: str):
    """Delete (or undo) one log; every input (the log, where to go next) is checked before acting."""
    log = own_or_404(Log, log_id)
    label = get_kind(log.kind).label
    target = safe_next(url_for("log.today"))
    log.delete_instance()
    if wants_partial():
        response = render("pages/today.html", "partials/_undone.html", label=label)
        return make_response(response, trigger=LOG_CHANGED)
    flash(f"Removed: {label}.", "info")
    return redirect(target, 303)
