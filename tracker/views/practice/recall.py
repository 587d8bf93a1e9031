"""Recall a safe person: a guided exercise for hard moments that logs a `recall` with before and after.

Works without JavaScript (a plain page with the three prompts and a "done" button); static/js/recall.js
adds a gentle timer. The exercise is the recall ladder's second step, so its log records step 2.
It works without a safe person too (DOMAIN.md, "Care"): someone from the past, an imagined caring
figure, a pet or a place, each with its own prompts; eyes may stay open, and it can stop at any time.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Source:
    """Something other than a person to bring to mind (DOMAIN.md, "Care": recall works without a safe
    person): how the start page offers it, the guide's heading, and its own three prompts."""

    key: str
    choice: str
    heading: str
    prompts: tuple[str, str, str]


# Someone from the past, then, for someone without a safe person, an imagined caring figure, a pet or a
# place. None of them is stored: the log has no person.
SOURCES: dict[str, Source] = {
    source.key: source
    for source in (
        Source(PAST, "Someone from my past", "Bring someone from your past to mind", PROMPTS),
        Source(
            "figure",
            "An imagined caring figure",
            "Bring a caring figure to mind",
            (
                "Imagine someone wise and kind who is fully on your side: real, from a story, or made up.",
                "Notice how they look at you, the warmth in their voice, what it feels like to be welcome.",
                "Let that feeling settle in your body. What would they say to you about today?",
            ),
        ),
        Source(
            "pet",
            "A pet",
            "Bring a pet to mind",
            (
                "Bring to mind an animal you love, now or from the past: where you were together.",
                "Notice their warmth, their weight beside you, how simply glad they were to see you.",
                "Let that feeling settle in your body. What would it be like to have them near you today?",
            ),
        ),
        Source(
            "place",
            "A place where I feel safe",
            "Bring a safe place to mind",
            (
                "Bring to mind a place where you feel safe, real or imagined: what you can see there.",
                "Notice the light, the sounds, the air, how your body feels when you are there.",
                "Let that feeling settle in your body. What would it be like to rest there a moment today?",
            ),
        ),
    )
}


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


def _who(value: str | None) -> Person | Source | None:
    """The chosen person (one of the user's safe people), a Source, or None when the choice is not valid."""
    if value in SOURCES:
        return SOURCES[value]
    return next((p for p in _choices() if str(p.id) == value), None)


def _guide(who: Person | Source, before: int | None, **extra):
    """The guide: a person's own name and the prompts about a person, or the source's."""
    if isinstance(who, Source):
        heading, prompts, value = who.heading, who.prompts, who.key
    else:
        heading, prompts, value = f"Bring {who.nickname} to mind", PROMPTS, str(who.id)
    return render_template(
        "pages/recall_guide.html", heading=heading, who=value, before=before, prompts=prompts, **extra
    )


@bp.get("/recall")
@login_required
def start():
    """Step 1: pick a person (or someone from the past) and, if you like, say how settled you feel."""
    return render("pages/recall_start.html", people=_choices(), sources=SOURCES, errors={}, form={})


@bp.get("/recall/guide")
@login_required
def guide():
    """Step 2: the guided recall with its three prompts, then rate again."""
    who, before = _who(request.args.get("who")), _rating(request.args.get("before"))
    errors = {}
    if who is None:
        errors["who"] = "Choose who or what to bring to mind."
    if before is None and not _skipped(request.args.get("before")):
        errors["before"] = "Choose how settled you feel, from 0 to 10, or leave it out."
    if errors:
        return render(
            "pages/recall_start.html",
            status=422,
            people=_choices(),
            sources=SOURCES,
            errors=errors,
            form=request.args,
        )
    return _guide(who, before)


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
        return _guide(who, before, error="Choose how settled you feel now, from 0 to 10."), 422
    form = {"kind": "recall", "step": str(RECALL_STEP), "after": str(after)}
    if before is not None:
        form["before"] = str(before)
    if isinstance(who, Person):
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
