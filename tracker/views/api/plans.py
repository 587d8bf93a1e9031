"""JSON API v1: if-then plans (issue 16), "When <when>, I will <then>" for a kind.

`{"id", "kind", "when", "then", "active", "created_at"}`. A new plan for a kind is active and makes the
kind's earlier plan inactive (201 both times). `GET /plans` lists every plan you have, active and
replaced, newest first, so a replaced plan can be seen and deleted too (the app keeps the last few per
kind). 400 `{"error", "field"}` on bad input; 404 for another user's id or a malformed one.
"""

from __future__ import annotations

from flask import g, jsonify

from tracker.forms import InvalidInput, parse_plan, plan_text_problem
from tracker.models import Plan
from tracker.queries import save_plan
from tracker.views.api.base import bp, json_body, own_or_404

PLAN_ID = "<int:plan_id>"


def plan_json(plan: Plan) -> dict:
    """A plan as the API shows it."""
    return {
        "id": plan.id,
        "kind": plan.kind,
        "when": plan.cue,
        "then": plan.action,
        "active": plan.active,
        "created_at": plan.created_at.isoformat() + "+00:00",
    }


def _as_sent(body: dict) -> dict:
    """The body, or InvalidInput when "when" or "then" is longer than 200 characters or holds control
    characters as sent: the description bounds the string itself, so the API does too."""
    for name in ("when", "then"):
        value = body.get(name)
        problem = plan_text_problem(value, raw=True) if isinstance(value, str) and value.strip() else None
        if problem:
            raise InvalidInput({name: problem})
    return body


@bp.get("/plans")
def plans_index():
    """The user's plans, active and replaced, newest first."""
    plans = Plan.select().where(Plan.user == g.user.id).order_by(Plan.created_at.desc(), Plan.id.desc())
    return jsonify(plans=[plan_json(plan) for plan in plans])


@bp.post("/plans")
def plans_create():
    """Make a plan for a kind; the kind's earlier plan becomes inactive."""
    values = parse_plan(_as_sent({k: v for k, v in json_body().items() if k in ("kind", "when", "then")}))
    plan = save_plan(g.user.id, values["kind"], values["cue"], values["action"])
    return jsonify(plan_json(plan)), 201


@bp.delete(f"/plans/{PLAN_ID}")
def plans_delete(plan_id: int):
    """Delete a plan (active or replaced)."""
    own_or_404(Plan, plan_id, "No such plan.").delete_instance()
    return "", 204
