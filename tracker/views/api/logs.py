"""JSON API v1: kinds and logs, for the offline queue, home-screen shortcuts and users' scripts.

Auth is the session cookie plus an `X-CSRFToken` header, or `Authorization: Bearer <token>` (tokens.py).
Another user's ids answer 404.
"""

from __future__ import annotations

from flask import g, jsonify, request

from tracker.clock import now
from tracker.forms import parse_date_arg, parse_log
from tracker.kinds import KINDS
from tracker.logbook import Conflict, create_log, update_log
from tracker.models import Log
from tracker.views.api.base import bp, check_shapes, error, json_body, own_or_404

MAX_RANGE_DAYS = 400


def log_json(log: Log) -> dict:
    """A log as the API shows it; instants in UTC with an explicit offset."""
    return {
        "id": str(log.id),
        "kind": log.kind,
        "step": log.step,
        "at": log.at.isoformat() + "+00:00",
        "local_date": log.local_date.isoformat(),
        "person": log.person.nickname if log.person_id else None,
        "before": log.before,
        "after": log.after,
        "response": log.response,
        "note": log.note,
        "bid": log.bid,
    }


def _only_log_fields(body: dict) -> dict:
    """The fields a client may send; form-only fields are ignored."""
    allowed = ("id", "kind", "at", "step", "person", "before", "after", "response", "note", "bid")
    return {k: v for k, v in body.items() if k in allowed}


@bp.get("/kinds")
def kinds():
    """The action kinds with their group and ladder."""
    return jsonify(kinds=[kind.as_dict() for kind in KINDS])


@bp.post("/logs")
def create():
    """Store a log; the same id again is an idempotent replay (200), other content a 409."""
    values = parse_log(check_shapes(_only_log_fields(json_body())), tz=g.user.timezone, now=now())
    try:
        log, created = create_log(g.user, values, now())
    except Conflict:
        return error("A log with this id already exists with other content.", 409, "id")
    return jsonify(log_json(log)), 201 if created else 200


@bp.get("/logs")
def index():
    """Logs between two local dates (inclusive), newest first."""
    start = parse_date_arg(request.args.get("from"), "from")
    end = parse_date_arg(request.args.get("to"), "to")
    query = Log.for_user(g.user)
    if start:
        query = query.where(Log.local_date >= start)
    if end:
        query = query.where(Log.local_date <= end)
    if start and end and (end - start).days > MAX_RANGE_DAYS:
        return error(f"Ask for at most {MAX_RANGE_DAYS} days at once.", 400, "to")
    if not (start and end):
        query = query.limit(500)
    return jsonify(logs=[log_json(log) for log in query])


def _own(log_id: str) -> Log:
    """One of the caller's logs, else the 404 for another user's id or a malformed one."""
    return own_or_404(Log, log_id, "No such log.")


@bp.get("/logs/<log_id>")
def show(log_id: str):
    """One log."""
    return jsonify(log_json(_own(log_id)))


@bp.patch("/logs/<log_id>")
def update(log_id: str):
    """Change some fields of a log."""
    log = _own(log_id)
    body = json_body()
    body.pop("id", None)
    values = parse_log(check_shapes(_only_log_fields(body)), tz=g.user.timezone, now=now(), partial=True)
    update_log(log, g.user, values, now())
    return jsonify(log_json(_own(log_id)))


@bp.delete("/logs/<log_id>")
def delete(log_id: str):
    """Delete a log."""
    _own(log_id).delete_instance()
    return "", 204
