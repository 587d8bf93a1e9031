"""If-then plans (issue 16, implementation intentions): "When ___, I will ___" for a kind, in the user's
own words. At most one active plan per kind; a new one replaces it. Offered after the welcome and from
each ladder; shown on the kind's Today tile, on its ladder and in its nudges (not in the discreet mode).

A plan is a kindness to oneself, never a test: the page offers examples (urges first, as those plans
help most: DOMAIN.md, "Beyond tracking"), and nothing counts a plan kept or broken.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user, login_required

from tracker.forms import PLAN_TEXT_MAX, InvalidInput, parse_plan
from tracker.kinds import KINDS, get_kind
from tracker.models import Plan, ReminderRule
from tracker.queries import active_plans, own_row, save_plan
from tracker.schedule import day_names
from tracker.views.common import delete_own, invalid_status, render, safe_next, wants_partial

bp = Blueprint("plans", __name__)

# Examples, gently worded: a cue you'll notice, a step small enough to take (urges first).
EXAMPLES = (
    ("trust_space", "I want to text again", "wait 30 minutes and take a walk"),
    ("space", "I need to leave the room", "say when I'll be back"),
    ("closeness", "I get home in the evening", "ask for a hug"),
    ("confide", "someone asks how I am", "say one true thing about my day"),
    ("recall", "my chest feels tight", "think of someone who helped me, for a minute"),
)


def plan_line(plan: Plan) -> str:
    """A plan as one sentence: "When …, I will …"."""
    return f"When {plan.cue}, I will {plan.action}."


def reminder_cue(rule: ReminderRule) -> str:
    """A cue that is a reminder's time, as a plan words it: "it's 18:30 on Mon, Thu"."""
    names = day_names(rule.days)
    days = "every day" if len(names) == 7 else "on " + ", ".join(name.capitalize() for name in names)
    return f"it's {rule.local_time:%H:%M} {days}"


bp.add_app_template_global(plan_line)
bp.add_app_template_global(reminder_cue)


def _values() -> dict:
    """The form's plan, its cue worded from the chosen reminder's time when it names one (and no
    words of its own); InvalidInput for bad fields or another user's reminder."""
    values = parse_plan(request.form)
    if values.get("rule_id") is not None:
        rule = own_row(ReminderRule, current_user, values["rule_id"])
        if rule is None or rule.purpose != "nudge":
            raise InvalidInput({"rule": "Choose one of your reminders, or none."})
        values.setdefault("cue", reminder_cue(rule))
    return values


def _page(status: int = 200, errors: dict | None = None):
    """The plans page, or its card for htmx, with messages and the typed values."""
    chosen = request.values.get("kind", "")
    return render(
        "pages/plans.html",
        "partials/_plans.html",
        status,
        kinds=KINDS,
        plans=active_plans(current_user.id),
        reminders=list(ReminderRule.for_user(current_user)),
        chosen=chosen if get_kind(chosen) else "",
        examples=[(get_kind(key), cue, step) for key, cue, step in EXAMPLES],
        welcome=request.values.get("welcome") == "1",
        plan_errors=errors or {},
        plan_form=request.form if errors else {},
        text_max=PLAN_TEXT_MAX,
    )


def _done():
    """After a change: the fresh card for htmx, else where the user came from (the plans page)."""
    return _page() if wants_partial() else redirect(safe_next(url_for("plans.index")), 303)


@bp.get("/plans")
@login_required
def index():
    """The user's plans and the form for one (`?kind=` picks the kind; `?welcome=1`: after the welcome)."""
    return _page()


@bp.post("/plans")
@login_required
def create():
    """Make a plan for a kind; the kind's earlier plan is replaced."""
    try:
        values = _values()
    except InvalidInput as exc:
        return _page(invalid_status(), exc.errors)
    plan = save_plan(current_user.id, values["kind"], values["cue"], values["action"], values.get("rule_id"))
    flash(f"Your plan for “{get_kind(plan.kind).label}”: {plan_line(plan)}", "success")
    return _done()


@bp.post("/plans/<int:plan_id>/delete")
@login_required
def delete(plan_id: int):
    """Remove one of the user's plans; another user's id is a 404."""
    plan = delete_own(Plan, plan_id)
    flash(f"Removed your plan for “{get_kind(plan.kind).label}”.", "info")
    return _done()
