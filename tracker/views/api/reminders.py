"""JSON API mirror of the reminders page, on the API blueprint (its auth and error format).

`{"id", "days": ["mon", ...], "time": "HH:MM", "kind": key or null, "enabled": bool, "channels": ["email",
"push"]}`, plus the read-only `next_due_at` (UTC). 201 on create; 400 `{"error", "field"}` on bad input;
404 for another user's id.
"""

from __future__ import annotations

from flask import g, jsonify

from tracker import rules
from tracker.clock import now
from tracker.models import ReminderRule
from tracker.views.api.base import bp, check_shapes, json_body, own_or_404

RULE_FIELDS = ("days", "time", "kind", "enabled", "channels")
# Any run of digits matches; ids no row can have answer 404 (a bounded converter answered 405 instead).
RULE_ID = "<int:rule_id>"


def _body() -> dict:
    """The request's JSON object with only the fields a client may set."""
    return check_shapes({k: v for k, v in json_body().items() if k in RULE_FIELDS})


@bp.get("/reminders")
def reminders_index():
    """The user's reminders."""
    return jsonify(reminders=[rules.rule_json(rule) for rule in ReminderRule.for_user(g.user)])


@bp.post("/reminders")
def reminders_create():
    """Add a reminder."""
    rule = rules.create_rule(g.user, rules.parse_rule(_body()), now())
    return jsonify(rules.rule_json(rule)), 201


def _own(rule_id: int) -> ReminderRule:
    """One of the user's reminders, else the 404 for another user's id or one outside the column's range."""
    return own_or_404(ReminderRule, rule_id, "No such reminder.")


@bp.patch(f"/reminders/{RULE_ID}")
def reminders_update(rule_id: int):
    """Change some fields of a reminder."""
    rule = _own(rule_id)  # another user's id is a 404 whatever the body
    rule = rules.update_rule(rule, g.user, rules.parse_rule(_body(), partial=True), now())
    return jsonify(rules.rule_json(rule))


@bp.delete(f"/reminders/{RULE_ID}")
def reminders_delete(rule_id: int):
    """Delete a reminder."""
    _own(rule_id).delete_instance()
    return "", 204
