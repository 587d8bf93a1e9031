"""The API's blueprint and what every endpoint shares: its error answer, the JSON body checks and the
caller's rows by id.

Errors are `{"error": message, "field": name or null}`: an endpoint returns `error(...)` or raises
ApiError or InvalidInput (a 400 naming the first invalid field), and the handlers below answer. The exact
shapes of values below are the ones the OpenAPI description (openapi.py) promises.
"""

from __future__ import annotations

import re

from flask import Blueprint, g, jsonify, request
from peewee import Model

from tracker.forms import NOTE_MAX, InvalidInput
from tracker.queries import own_row

bp = Blueprint("api", __name__, url_prefix="/api/v1")
NOT_AN_OBJECT = "Send a JSON object (UTF-8 text, nested at most a few hundred levels)."

# The exact shapes of JSON values the OpenAPI description promises (openapi.py renders
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


class ApiError(Exception):
    """An error answer raised where returning one would take a check in every endpoint (bodies, rows)."""

    def __init__(self, message: str, status: int, field: str | None = None):
        super().__init__(message)
        self.message, self.status, self.field = message, status, field


@bp.errorhandler(ApiError)
def api_error(exc: ApiError):
    """The raised error as the API's error answer."""
    return error(exc.message, exc.status, exc.field)


@bp.errorhandler(InvalidInput)
def invalid_input(exc: InvalidInput):
    """Bad input anywhere in an endpoint (the body's shapes, the shared parsers): 400 with its first field."""
    return error(str(exc), 400, exc.field)


def own_or_404(model: type[Model], row_id: object, message: str) -> Model:
    """One of the caller's rows of `model` by id, else the API's 404 with `message` (like views.common's
    own_or_404, whose page the API's clients would not read): another user's id looks like no id at all."""
    row = own_row(model, g.user, row_id)
    if row is None:
        raise ApiError(message, 404)
    return row


def json_body() -> dict:
    """The request's JSON object, else the API's 400 (json_object says which bodies are none)."""
    body = json_object()
    if body is None:
        raise ApiError(NOT_AN_OBJECT, 400)
    return body


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
