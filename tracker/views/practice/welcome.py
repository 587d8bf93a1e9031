"""Onboarding: a short, skippable, resumable welcome that shapes Today.

Never blocking: Today offers it with a banner to a new account (no logs yet) or one that stopped
halfway; every other page works as before. Steps 1–3 explain the idea in plain words, then the user
chooses up to three focus kinds, adds one or two people, answers the private safety questions, and
sets the weekly target (with a link to a first reminder).

The safety step asks about feelings ("do you feel safe with Sam?", kept as the person's not-safe mark)
and, as coercive control often feels "safe", about behaviour: three yes/no questions (DOMAIN.md,
"Care"). Any "no" or "yes" there leads to help and the offer to keep someone out of suggestions,
gently and without a label. The behaviour answers are never stored: they only decide that answer.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from tracker import practice
from tracker.clock import now
from tracker.forms import InvalidInput, parse_person, whole_number
from tracker.kinds import KINDS, get_kind
from tracker.logbook import person_by_nickname
from tracker.models import Log, Person, PracticeProfile, User, naive_utc
from tracker.queries import profile_of
from tracker.views.common import invalid_status, render

bp = Blueprint("onboarding", __name__)
STEPS = 7
FOCUS, PEOPLE, SAFETY, TARGET = 4, 5, 6, 7
# The behaviour questions of the safety step, by field name; a "yes" to any leads to help.
BEHAVIOUR = (
    ("checks", "Does anyone close to you check your phone or messages?"),
    ("controls", "Does anyone control your money, or who you see?"),
    ("afraid", "Does anyone make you afraid to disagree?"),
)


def welcome_offer(user: User) -> str | None:
    """Today's banner: "start" for a new account, "resume" for an unfinished welcome, else None."""
    profile = PracticeProfile.of(user)
    if profile is None:
        return None if Log.select().where(Log.user == user.id).exists() else "start"
    return None if profile.onboarding_done_at else "resume"


def _advance(profile: PracticeProfile, step: int):
    """Remember progress (resumable) and go to the next screen, or finish."""
    profile.onboarding_step = max(profile.onboarding_step, step)
    if step >= STEPS:
        profile.onboarding_done_at = naive_utc(now())
        profile.save()
        flash("You're set. Start with one small step, whenever it feels right.", "success")
        return redirect(url_for("plans.index", welcome=1), 303)  # offers an if-then plan, skippable
    profile.save()
    return redirect(url_for("onboarding.step", number=step + 1), 303)


def _page(number: int, errors: dict | None = None, status: int = 200, **extra):
    profile = PracticeProfile.of(current_user)  # looking does not start the welcome; saving does
    return render(
        "pages/welcome.html",
        status=status,
        number=number,
        steps=STEPS,
        kinds=KINDS,
        focus=profile.focus if profile else [],
        people=list(Person.for_user(current_user)),
        behaviour=BEHAVIOUR,
        errors=errors or {},
        form=request.form,
        **extra,
    )


@bp.get("/welcome")
@login_required
def index():
    """Resume the welcome where the user left it."""
    profile = PracticeProfile.of(current_user)
    done = profile.onboarding_step if profile else 0
    return redirect(url_for("onboarding.step", number=min(STEPS, done + 1)))


@bp.get("/welcome/<int:number>")
@login_required
def step(number: int):
    """One screen of the welcome."""
    if not 1 <= number <= STEPS:
        abort(404)
    return _page(number)


@bp.post("/welcome/<int:number>")
@login_required
def save(number: int):
    """Save one screen and move on."""
    if not 1 <= number <= STEPS:
        abort(404)
    profile = profile_of(current_user)
    if number == FOCUS:
        keys = [key for key in request.form.getlist("focus") if get_kind(key)]
        if len(set(keys)) > practice.MAX_FOCUS:
            return _page(number, {"focus": "Choose up to three, to keep it light."}, invalid_status())
        profile.focus_kinds = ",".join(dict.fromkeys(keys))
    elif number == PEOPLE:
        errors = _add_people()
        if errors:
            return _page(number, errors, invalid_status())
    elif number == SAFETY:
        if request.form.get("seen_help") == "1":  # the care screen: whom to keep out, if anyone
            _keep_out_of_suggestions()
        else:
            unsafe = _save_safety()
            # Read, never stored: the answers only choose what this screen shows next.
            worried = any(request.form.get(name) == "yes" for name, _ in BEHAVIOUR)
            if unsafe or worried:
                profile.onboarding_step = max(profile.onboarding_step, number - 1)
                profile.save()
                return _page(number, care=True, worried=worried)
    elif number == TARGET:
        target = whole_number(request.form.get("weekly_target"), 1, 7)
        if target is None:
            return _page(number, {"weekly_target": "The weekly target is 1 to 7 days."}, invalid_status())
        User.update(weekly_target=target).where(User.id == current_user.id).execute()
    return _advance(profile, number)


def _add_people() -> dict:
    """Add the one or two people named on the form (blank rows skipped); errors by field."""
    errors = {}
    for row in ("1", "2"):
        nickname = request.form.get(f"nickname{row}", "")
        if not nickname.strip():
            continue
        try:
            values = parse_person({"nickname": nickname, "role": request.form.get(f"role{row}") or "friend"})
            person_by_nickname(current_user, values["nickname"], values["role"])
        except InvalidInput as exc:
            errors.update(
                {f"{'nickname' if key == 'person' else key}{row}": m for key, m in exc.errors.items()}
            )
    return errors


def _save_safety() -> bool:
    """Store the private answers ("no" marks the person as not safe); whether any was "no"."""
    people = list(Person.for_user(current_user))
    marked = {}
    for person in people:
        answer = request.form.get(f"safe-{person.id}")
        marked[person.id] = answer == "no" if answer in ("yes", "no") else person.not_safe
    # At most two UPDATEs (people now marked, people now cleared), not one per person.
    for not_safe in (True, False):
        changed = [p.id for p in people if marked[p.id] == not_safe and p.not_safe != not_safe]
        if changed:
            Person.update(not_safe=not_safe).where(Person.id.in_(changed)).execute()
    return any(marked.values()) or request.form.get("safe-all") == "no"


def _keep_out_of_suggestions() -> None:
    """Mark the people ticked on the care screen as not safe (one UPDATE); nobody is unmarked here."""
    people = Person.for_user(current_user)
    ticked = [p.id for p in people if not p.not_safe and request.form.get(f"keep-{p.id}") == "1"]
    if ticked:
        Person.update(not_safe=True).where(Person.id.in_(ticked)).execute()


@bp.post("/welcome/skip")
@login_required
def skip():
    """Skip the welcome (it can be reopened from Settings later by visiting /welcome)."""
    profile = profile_of(current_user)
    profile.onboarding_done_at = naive_utc(now())
    profile.save()
    return redirect(url_for("log.today"), 303)
