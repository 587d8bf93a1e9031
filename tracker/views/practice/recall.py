"""Recall a safe person: a guided exercise for hard moments that logs a `recall` with before and after.

Works without JavaScript (a plain page with the three prompts and a "done" button); static/js/recall.js
adds a gentle timer. The exercise is the recall ladder's second step, so its log records step 2.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker import practice
from tracker.clock import now
from tracker.forms import InvalidInput, parse_log, whole_number
from tracker.logbook import log_tap
from tracker.models import Log, Person
from tracker.views.common import own_or_404, render

bp = Blueprint("recall", __name__)
PAST = "past"
RECALL_STEP = 2
PROMPTS = (
    "Bring to mind a time this person was there for you: where you were, what they said or did.",
    "Notice how they looked at you, the sound of their voice, what it felt like to be cared for.",
    "Let that feeling settle in your body. What would they say to you about today?",
)


def _choices() -> list[Person]:
    """People the exercise may suggest: never one the user marked as not safe."""
    people = list(Person.for_user(current_user))
    allowed = set(
        practice.suggestable([p.nickname for p in people], [p.nickname for p in people if p.not_safe])
    )
    return [p for p in people if p.nickname in allowed]


def _rating(value: str | None) -> int | None:
    """A 0–10 rating from ASCII digits, else None."""
    return whole_number(value, 0, 10)


def _skipped(value: str | None) -> bool:
    """The optional before-rating left out (DOMAIN.md, "Care": in a hard moment, nothing is required)."""
    return value is None or value == ""


def _who(value: str | None) -> Person | str | None:
    """The chosen person (one of the user's safe people), PAST, or None when the choice is not valid."""
    if value == PAST:
        return PAST
    return next((p for p in _choices() if str(p.id) == value), None)


@bp.get("/recall")
@login_required
def start():
    """Step 1: pick a person (or someone from the past) and, if you like, say how settled you feel."""
    return render("pages/recall_start.html", people=_choices(), errors={}, form={})


@bp.get("/recall/guide")
@login_required
def guide():
    """Step 2: the guided recall with its three prompts, then rate again."""
    who, before = _who(request.args.get("who")), _rating(request.args.get("before"))
    errors = {}
    if who is None:
        errors["who"] = "Choose someone, or “someone from my past”."
    if before is None and not _skipped(request.args.get("before")):
        errors["before"] = "Choose how settled you feel, from 0 to 10, or leave it out."
    if errors:
        return render(
            "pages/recall_start.html", status=422, people=_choices(), errors=errors, form=request.args
        )
    return render_template("pages/recall_guide.html", who=who, before=before, prompts=PROMPTS, past=PAST)


@bp.post("/recall")
@login_required
def finish():
    """Step 3: log the recall with before and after, then show the change."""
    who, before, after = (
        _who(request.form.get("who")),
        _rating(request.form.get("before")),
        _rating(request.form.get("after")),
    )
    if who is None or (before is None and not _skipped(request.form.get("before"))):
        return redirect(url_for("recall.start"), 303)
    if after is None:
        return render_template(
            "pages/recall_guide.html",
            who=who,
            before=before,
            prompts=PROMPTS,
            past=PAST,
            error="Choose how settled you feel now, from 0 to 10.",
        ), 422
    form = {"kind": "recall", "step": str(RECALL_STEP), "after": str(after)}
    if before is not None:
        form["before"] = str(before)
    if who != PAST:
        form["person_id"] = str(who.id)
    if request.form.get("id"):  # the form's tap id: "Done" tapped twice within seconds logs once
        form["id"] = request.form["id"][:64]
    try:
        log, _ = log_tap(current_user, parse_log(form, tz=current_user.timezone, now=now()), now())
    except InvalidInput:  # only a tampered tap id: the values were checked above
        abort(400)
    return redirect(url_for("recall.done", log_id=log.id), 303)


@bp.get("/recall/done/<log_id>")
@login_required
def done(log_id: str):
    """The change the exercise made, gently; after feeling worse, help and a gentle close instead of a
    question to carry away."""
    log = own_or_404(Log, log_id)
    if log.kind != "recall":
        abort(404)
    worse = log.before is not None and log.after is not None and log.after < log.before
    return render("pages/recall_done.html", log=log, worse=worse)
