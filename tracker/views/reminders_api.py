"""JSON API mirror of the reminders page, on the API blueprint (its auth and error format).

`{"id", "days": ["mon", ...], "time": "HH:MM", "kind": key or null, "enabled": bool}`, plus the
read-only `next_due_at` (UTC). 201 on create; 400 `{"error", "field"}` on bad input; 404 for another
user's id.
"""

from __future__ import annotations

from flask import g, jsonify, request

from tracker import rules
from tracker.forms import InvalidInput
from tracker.models import ReminderRule
from tracker.views.api import bp, error
from tracker.views.common import now

RULE_FIELDS = ("days", "time", "kind", "enabled")


def _body() -> dict | None:
    """The request's JSON object with only the fields a client may set."""
    body = request.get_json(silent=True)
    return {k: v for k, v in body.items() if k in RULE_FIELDS} if isinstance(body, dict) else None


@bp.get("/reminders")
def reminders_index():
    """The user's reminders."""
    return jsonify(reminders=[rules.rule_json(rule) for rule in ReminderRule.for_user(g.user)])


@bp.post("/reminders")
def reminders_create():
    """Add a reminder."""
    body = _body()
    if body is None:
        return error("Send a JSON object.", 400)
    try:
        rule = rules.create_rule(g.user, rules.parse_rule(body), now())
    except InvalidInput as exc:
        return error(str(exc), 400, exc.field)
    return jsonify(rules.rule_json(rule)), 201


@bp.patch("/reminders/<int(min=1, max=2147483647):rule_id>")
def reminders_update(rule_id: int):
    """Change some fields of a reminder."""
    rule = rules.own_rule(g.user, rule_id)
    if rule is None:
        return error("No such reminder.", 404)
    body = _body()
    if body is None:
        return error("Send a JSON object.", 400)
    try:
        rule = rules.update_rule(rule, g.user, rules.parse_rule(body, partial=True), now())
    except InvalidInput as exc:
        return error(str(exc), 400, exc.field)
    return jsonify(rules.rule_json(rule))


@bp.delete("/reminders/<int(min=1, max=2147483647):rule_id>")
def reminders_delete(rule_id: int):
    """Delete a reminder."""
    rule = rules.own_rule(g.user, rule_id)
    if rule is None:
        return error("No such reminder.", 404)
    rule.delete_instance()
    return "", 204
