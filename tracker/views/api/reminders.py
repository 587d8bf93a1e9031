"""JSON API mirror of the reminders page, on the API blueprint (its auth and error format).

`{"id", "days": ["mon", ...], "time": "HH:MM", "kind": key or null, "enabled": bool, "channels": ["email",
"push"]}`, plus the read-only `next_due_at` (UTC). 201 on create; 400 `{"error", "field"}` on bad input;
404 for another user's id.
"""

from __future__ import annotations

from flask import g, jsonify

from tracker import rules
from tracker.clock import now
from tracker.forms import InvalidInput
from tracker.models import ReminderRule
from tracker.queries import own_row
from tracker.views.api.base import NOT_AN_OBJECT, bp, check_shapes, error, json_object

RULE_FIELDS = ("days", "time", "kind", "enabled", "channels")
# Any run of digits matches; ids no row can have answer 404 (a bounded converter answered 405 instead).
RULE_ID = "<int:rule_id>"


def _body() -> dict | None:
    """The request's JSON object with only the fields a client may set."""
    body = json_object()
    return check_shapes({k: v for k, v in body.items() if k in RULE_FIELDS}) if body is not None else None


@bp.get("/reminders")
def reminders_index():
    """The user's reminders."""
    return jsonify(reminders=[rules.rule_json(rule) for rule in ReminderRule.for_user(g.user)])


@bp.post("/reminders")
def reminders_create():
    """Add a reminder."""
    try:
        body = _body()
        if body is None:
            return error(NOT_AN_OBJECT, 400)
        rule = rules.create_rule(g.user, rules.parse_rule(body), now())
    except InvalidInput as exc:
        return error(str(exc), 400, exc.field)
    return jsonify(rules.rule_json(rule)), 201


def _own(rule_id: int) -> ReminderRule | None:
    """One of the user's reminders; None for another user's id or one outside the column's range."""
    return own_row(ReminderRule, g.user, rule_id)


@bp.patch(f"/reminders/{RULE_ID}")
def reminders_update(rule_id: int):
    """Change some fields of a reminder."""
    rule = _own(rule_id)
    if rule is None:
        return error("No such reminder.", 404)
    try:
        body = _body()
        if body is None:
            return error(NOT_AN_OBJECT, 400)
        rule = rules.update_rule(rule, g.user, rules.parse_rule(body, partial=True), now())
    except InvalidInput as exc:
        return error(str(exc), 400, exc.field)
    return jsonify(rules.rule_json(rule))


@bp.delete(f"/reminders/{RULE_ID}")
def reminders_delete(rule_id: int):
    """Delete a reminder."""
    rule = _own(rule_id)
    if rule is None:
        return error("No such reminder.", 404)
    rule.delete_instance()
    return "", 204
