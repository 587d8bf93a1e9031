"""JSON API v1: kinds and logs, for the offline queue, home-screen shortcuts and users' scripts.

Auth is the session cookie plus an `X-CSRFToken` header, or `Authorization: Bearer <token>`.
Errors are `{"error": message, "field": name or null}`; another user's ids answer 404.
"""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import date, timedelta

from flask import Blueprint, g, jsonify, request
from flask_login import current_user

from tracker.forms import NOTE_MAX, InvalidInput, parse_log
from tracker.kinds import KINDS
from tracker.logbook import Conflict, create_log, get_log, update_log
from tracker.models import ApiToken, Log, User, naive_utc
from tracker.security import hash_token
from tracker.views.common import now

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_RANGE_DAYS = 400
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
NOT_AN_OBJECT = "Send a JSON object (UTF-8 text, nested at most a few hundred levels)."

# The exact shapes of JSON values the OpenAPI description promises (tracker/views/openapi.py renders
# them): the shared parsers are kinder to forms (any Unicode digit or space, more ISO 8601 variants),
# and a contract must refuse what it does not describe.
NUMBER_PATTERNS = {"step": "^( *[1-3] *)?$", "before": "^( *([0-9]|10) *)?$", "after": "^( *([0-9]|10) *)?$"}
AT_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?$"
)
UUID_PATTERN = (  # uuid.UUID's spellings
    r"^\{?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\}?$"
)
PERSON_PATTERN = "^[^\\x00-\\x1f]*$"
TIME_PATTERN = "^([01][0-9]|2[0-3]):[0-5][0-9](:00)?$"
TEXT_PATTERNS = {"at": AT_PATTERN, "id": UUID_PATTERN, "person": PERSON_PATTERN, "time": TIME_PATTERN}
SHAPE_MAX = 64  # longer than any value these shapes allow (a nickname is at most 40): refused unread
STEP_SHAPE = re.compile(NUMBER_PATTERNS["step"], re.ASCII)
SCORE_SHAPE = re.compile(NUMBER_PATTERNS["before"], re.ASCII)
AT_SHAPE = re.compile(AT_PATTERN, re.ASCII)
ID_SHAPE = re.compile(UUID_PATTERN, re.ASCII)
PERSON_SHAPE = re.compile(PERSON_PATTERN, re.ASCII)
TIME_SHAPE = re.compile(TIME_PATTERN, re.ASCII)
SHAPE_MESSAGES = {
    "step": "Step must be 1, 2 or 3.",
    "before": "Before must be a whole number from 0 to 10.",
    "after": "After must be a whole number from 0 to 10.",
    "at": "The time must be ISO-8601, like 2026-05-01T18:30:00+02:00.",
    "id": "The id must be a UUID.",
    "person": "A nickname has no control characters.",
    "time": "Set a time like 18:30.",
}
PUBLIC = {"api.openapi"}  # the description itself: no credentials needed to read the contract


def error(message: str, status: int, field: str | None = None):
    """The API's error answer."""
    return jsonify(error=message, field=field), status


# Settings shows the day a token was last used: a write on every request would cost more than the read.
LAST_USED_EVERY = timedelta(hours=1)


@bp.before_request
def authenticate():
    """Set g.user from a bearer token or the session; answer 401 otherwise."""
    if request.endpoint in PUBLIC:
        return None
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        user = None
        if scheme == "Bearer" and 0 < len(token) <= 200:
            user = User.by_token_hash(hash_token(token.strip()))
        if user is None:
            return error("Invalid or revoked token.", 401)
        stamp = naive_utc(now())
        if user.token_last_used_at is None or stamp - user.token_last_used_at >= LAST_USED_EVERY:
            ApiToken.update(last_used_at=stamp).where(ApiToken.id == user.token_id).execute()
        g.user = user
    elif current_user.is_authenticated:
        g.user = current_user._get_current_object()
    else:
        return error("Log in or send a bearer token.", 401)


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
    }


def json_object() -> dict | None:
    """The request's JSON object, or None when it is not one the database could store.

    Nesting deeper than Python's recursion limit is no log (json raises RecursionError, not
    ValueError), and a lone surrogate such as "\\ud800" is valid JSON but no text: neither SQLite nor
    PostgreSQL can encode it.
    """
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        return None
    return body if isinstance(body, dict) and _all_text_encodes(body) else None


def check_shapes(body: dict) -> dict:
    """The body, or InvalidInput when a value's text has a shape the description does not allow.

    Only what the parsers would let through needs checking here: wrong types and ranges they refuse.
    """
    errors = {}
    for name, value in body.items():
        shape = _shape_of(name)
        if not (shape and isinstance(value, str) and value):
            continue
        if len(value) > SHAPE_MAX:
            if name != "person":  # a long nickname gets the parser's length message instead
                errors.setdefault(name, SHAPE_MESSAGES[name])
        elif not shape.fullmatch(value):
            errors.setdefault(name, SHAPE_MESSAGES[name])
    if isinstance(body.get("note"), str) and len(body["note"]) > NOTE_MAX:
        errors.setdefault("note", f"Keep the note under {NOTE_MAX:,} characters.")
    if errors:
        raise InvalidInput(errors)
    return body


def _shape_of(name: str) -> re.Pattern | None:
    """The compiled shape for a body field, looked up when called (so a test's spy on it sees it)."""
    shapes = {"step": STEP_SHAPE, "before": SCORE_SHAPE, "after": SCORE_SHAPE, "at": AT_SHAPE}
    shapes |= {"id": ID_SHAPE, "person": PERSON_SHAPE, "time": TIME_SHAPE}
    return shapes.get(name)


def _all_text_encodes(value: object) -> bool:
    """Whether every string (keys too) in a parsed JSON value is valid Unicode; iterative, any depth."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def _only_log_fields(body: dict) -> dict:
    """The fields a client may send; form-only fields are ignored."""
    allowed = ("id", "kind", "at", "step", "person", "before", "after", "response", "note")
    return {k: v for k, v in body.items() if k in allowed}


@bp.get("/kinds")
def kinds():
    """The action kinds with their group and ladder."""
    return jsonify(kinds=[kind.as_dict() for kind in KINDS])


@bp.post("/logs")
def create():
    """Store a log; the same id again is an idempotent replay (200), other content a 409."""
    body = json_object()
    if body is None:
        return error(NOT_AN_OBJECT, 400)
    try:
        values = parse_log(check_shapes(_only_log_fields(body)), tz=g.user.timezone, now=now())
        log, created = create_log(g.user, values, now())
    except InvalidInput as exc:
        return error(str(exc), 400, exc.field)
    except Conflict:
        return error("A log with this id already exists with other content.", 409, "id")
    return jsonify(log_json(log)), 201 if created else 200


class BadDate(ValueError):
    """A query argument that is not a YYYY-MM-DD date; `args[0]` names it."""


def _date_arg(name: str) -> date | None:
    """A `YYYY-MM-DD` query argument (fromisoformat alone would also take 20260501 or 2026-W19-1)."""
    value = request.args.get(name)
    if not value:
        return None
    if DATE_RE.fullmatch(value):
        with suppress(ValueError):
            return date.fromisoformat(value)
    raise BadDate(name)


@bp.get("/logs")
def index():
    """Logs between two local dates (inclusive), newest first."""
    try:
        start, end = _date_arg("from"), _date_arg("to")
    except BadDate as exc:
        return error("Dates must look like 2026-05-01.", 400, exc.args[0])
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


def _own(log_id: str) -> Log | None:
    return get_log(g.user, log_id)


@bp.get("/logs/<log_id>")
def show(log_id: str):
    """One log."""
    log = _own(log_id)
    return jsonify(log_json(log)) if log else error("No such log.", 404)


@bp.patch("/logs/<log_id>")
def update(log_id: str):
    """Change some fields of a log."""
    log = _own(log_id)
    if log is None:
        return error("No such log.", 404)
    body = json_object()
    if body is None:
        return error(NOT_AN_OBJECT, 400)
    body.pop("id", None)
    try:
        values = parse_log(check_shapes(_only_log_fields(body)), tz=g.user.timezone, now=now(), partial=True)
        update_log(log, g.user, values, now())
    except InvalidInput as exc:
        return error(str(exc), 400, exc.field)
    return jsonify(log_json(_own(log_id)))


@bp.delete("/logs/<log_id>")
def delete(log_id: str):
    """Delete a log."""
    log = _own(log_id)
    if log is None:
        return error("No such log.", 404)
    log.delete_instance()
    return "", 204


from tracker.views import openapi  # noqa: E402, F401 (registers GET /api/v1/openapi.json on this blueprint)
