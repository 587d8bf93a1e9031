"""The practice on Today: the progressive ladder ("Ready for a bigger step?") and the ladder page.

The rules live in the pure `tracker.practice`; this module loads plain values and stores choices.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required
from peewee import IntegrityError, fn

from tracker import practice
from tracker.clock import now
from tracker.insights import local_date_of
from tracker.insights.fresh import FreshStep, fresh_step
from tracker.kinds import KINDS, Kind, get_kind
from tracker.models import LadderStep, Log, PracticeProfile, User, database, naive_utc
from tracker.queries import active_plans, help_note, recent_facts, unsafe_names
from tracker.views.common import render, safe_next, wants_partial
from tracker.views.practice.checkin import checkin_due
from tracker.views.practice.welcome import welcome_offer

bp = Blueprint("practice", __name__)
bp.add_app_template_global(practice.reflection_prompt)
# The month page already holds the user's logs (insights.History): these add no query.
bp.add_app_template_global(practice.month_steps)
bp.add_app_template_global(practice.month_recall_change)
KIND = "<string(maxlength=24):kind>"


def ladder_offer(
    user: User, today: date, rows: dict[str, LadderStep] | None = None
) -> practice.LadderOffer | None:
    """The one "Ready for a bigger step?" offer Today shows, if any (`rows`: the user's LadderStep.for_user,
    when already read)."""
    rows = LadderStep.for_user(user) if rows is None else rows
    offers = practice.ladder_offers(
        recent_facts(user, today, practice.LADDER_WINDOW_DAYS),
        {kind: row.step for kind, row in rows.items()},
        {kind: row.snoozed_until for kind, row in rows.items() if row.snoozed_until},
        today,
        unsafe_names(user),
    )
    return offers[0] if offers else None


def current_steps(user: User, rows: dict[str, LadderStep] | None = None) -> dict[str, int]:
    """The user's current step per kind (1 until they move; `rows` as for ladder_offer)."""
    rows = LadderStep.for_user(user) if rows is None else rows
    return practice.current_steps({kind: row.step for kind, row in rows.items()})


def today_practice(user: User, today: date) -> dict:
    """What Today adds from the practice: kinds (focus first, then a fixed order), steps, and the one
    note it shows (the welcome, help, a welcome back, the ladder offer or the check-in; see NOTE_PRIORITY)."""
    profile = PracticeProfile.of(user)

    steps = LadderStep.for_user(user)  # read once for the steps and the offer

    def days_away() -> int | None:
        last = Log.select(fn.MAX(Log.local_date)).where(Log.user == user.id, Log.local_date < today).scalar()
        return practice.welcome_back(last, today)

    note = practice.first_note(
        {
            "welcome": lambda: welcome_offer(user),
            "help": lambda: help_note(user, today),
            "away": days_away,
            "offer": lambda: ladder_offer(user, today, steps),
            "checkin": lambda: checkin_due(user),
        }
    )
    shown = dict([note]) if note else {}
    plans = active_plans(user.id)  # each kind's if-then plan, its tile's subtitle (issue 16)
    return {
        "kinds": practice.order_with_focus(profile.focus if profile else []),
        "steps": current_steps(user, steps),
        "note": note[0] if note else None,
        "welcome": shown.get("welcome"),
        "help": shown.get("help"),
        "away": shown.get("away"),
        "fresh": _fresh_step(user, plans, profile) if shown.get("away") else None,
        "offer": shown.get("offer"),
        "checkin_due": shown.get("checkin", False),
        "plans": plans,
    }


def _fresh_step(user: User, plans: dict, profile: PracticeProfile | None) -> FreshStep:
    """The welcome back's fresh start: the same one small step as the fresh-start email, from what
    Today has read already (no query, unless the user row came without `anyone_not_safe`)."""
    flagged = getattr(user, "anyone_not_safe", None)
    unsafe = bool(unsafe_names(user)) if flagged is None else bool(flagged)
    return fresh_step(
        {kind: (plan.cue, plan.action) for kind, plan in plans.items()},
        profile.focus if profile else [],
        practice.COUPLES_KINDS if unsafe else frozenset(),
    )


def _own_kind(key: str) -> Kind:
    kind = get_kind(key)
    if kind is None:
        abort(404)
    return kind


def _save_step(kind: Kind, step: int | None = None, snooze: bool = False) -> LadderStep:
    """Set the user's step of a kind and/or snooze its offer, creating the row on first use."""
    today = local_date_of(now(), current_user.timezone)
    values = {"updated_at": naive_utc(now())}
    if step is not None:
        values["step"] = max(1, min(practice.TOP_STEP, step))
    values["snoozed_until"] = today + timedelta(days=practice.SNOOZE_DAYS) if snooze else None
    try:
        with database.atomic():
            LadderStep.create(user=current_user.id, kind=kind.key, **values)
    except IntegrityError:  # the row exists (or was created at the same moment): update it
        LadderStep.update(**values).where(
            LadderStep.user == current_user.id, LadderStep.kind == kind.key
        ).execute()
    return LadderStep.get(LadderStep.user == current_user.id, LadderStep.kind == kind.key)


def _done(message: str):
    """After a ladder choice: the message in place (htmx), else back to where the user was."""
    if wants_partial():
        return render("pages/ladder.html", "partials/_ladder_done.html", message=message)
    flash(message, "success")
    return redirect(safe_next(url_for("log.today")), 303)


@bp.post(f"/ladder/{KIND}/accept")
@login_required
def accept(kind: str):
    """Take the next step of a kind."""
    k = _own_kind(kind)
    # The offer names the step it offers, so a double tap doesn't climb two steps.
    offered = request.form.get("to", "")
    target = int(offered) if offered in ("2", "3") else current_steps(current_user)[k.key] + 1
    row = _save_step(k, target)
    return _done(f"Your step for “{k.label}” is now: {k.ladder[row.step - 1]}.")


@bp.post(f"/ladder/{KIND}/later")
@login_required
def later(kind: str):
    """Not now: the offer rests for two weeks."""
    k = _own_kind(kind)
    _save_step(k, snooze=True)
    return _done(f"No rush. We'll ask again in {practice.SNOOZE_DAYS} days; staying where you are is fine.")


@bp.post(f"/ladder/{KIND}/down")
@login_required
def down(kind: str):
    """Step back down to a smaller step (and rest the offer for a while)."""
    k = _own_kind(kind)
    row = _save_step(k, current_steps(current_user)[k.key] - 1, snooze=True)
    return _done(f"Smaller steps count just as much. “{k.label}” is now: {k.ladder[row.step - 1]}.")


@bp.get("/ladder")
@login_required
def index():
    """Every kind with its three steps, the user's current one and their if-then plan for it."""
    plans = active_plans(current_user.id)
    return render("pages/ladder.html", steps=current_steps(current_user), kinds=KINDS, plans=plans)
