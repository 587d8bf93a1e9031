"""`GET /api/v1/openapi.json`: the OpenAPI 3.1 description of API v1, served without signing in.

Built from the same constants the API validates with (kinds, roles, limits, the shapes of JSON values in
`base.py`), so the contract cannot drift from the code; tests/app/test_openapi.py checks that every
API route is described and nothing else, and Schemathesis (`make api-fuzz`) checks the live answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from flask import jsonify

from tracker import forms
from tracker.forms import CHANNELS, ENDPOINT_MAX, EXPIRATION_MAX, MAX_DEVICES, NICKNAME_MAX, NOTE_MAX
from tracker.insights import ACTIVE, FUTURE, MISSED, NONE, PENDING, REST
from tracker.insights.bids import BIDS
from tracker.kinds import GROUPS, KINDS_BY_KEY, RESPONSES
from tracker.rules import MAX_RULES
from tracker.schedule import DAY_NAMES
from tracker.views.api.base import AT_PATTERN, NUMBER_PATTERNS, PERSON_PATTERN, TIME_PATTERN, UUID_PATTERN, bp
from tracker.views.api.logs import MAX_RANGE_DAYS

KIND_KEYS = list(KINDS_BY_KEY)
# A summary day: counted (active, rest, missed), today still open (pending), before the account (none),
# or after today (future).
DAY_STATUSES = (ACTIVE, REST, MISSED, PENDING, NONE, FUTURE)
JSON = "application/json"
NULL = {"type": "null"}
EMPTY = {"type": "string", "maxLength": 0}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def body(schema: dict, description: str) -> dict:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def error(description: str) -> dict:
    return body(ref("Error"), description)


ERRORS = {
    "400": error(
        "Invalid input: `field` names the first invalid field (null when the body is no JSON object, or "
        "when a session request that changes something lacks a valid `X-CSRFToken` header)."
    ),
    "401": error("No valid credentials: log in, or send `Authorization: Bearer <token>`."),
    "404": error("No such object among yours (another user's id is a 404 too)."),
    "413": error("The body is larger than 1 MB."),
    "429": error(
        "Too many changes: at most 120 a minute and 2,000 an hour per token (`Retry-After` says when)."
    ),
}


def errors(*codes: str) -> dict:
    return {code: ERRORS[code] for code in codes}


def _json_body(name: str) -> dict:
    """A required JSON request body of schema `name`."""
    return {"required": True, "content": {JSON: {"schema": ref(name)}}}


def _id_param(name: str, what: str, schema: dict) -> dict:
    """The path's id of one of your `what`s: any other id answers 404, as if it were no id at all."""
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": schema,
        "description": f"A {what}'s id; anything that is not one of your {what}s' ids is a 404.",
    }


def _by_id(operation_id: str, param: str) -> dict:
    """A link from a created object to an operation on it, by the id in the response's body."""
    return {"operationId": operation_id, "parameters": {param: "$response.body#/id"}}


def _change(operation_id: str, what: str, model: str, changes: str) -> dict:
    """PATCH one of your `what`s: the fields in `changes`, answered with the changed `model`."""
    return {
        "operationId": operation_id,
        "summary": f"Change some fields of a {what}",
        "security": WRITE,
        "requestBody": _json_body(changes),
        "responses": {
            "200": _ok(ref(model), f"The changed {what}"),
            **errors("400", "401", "404", "413", "429"),
        },
    }


def _delete(operation_id: str, what: str) -> dict:
    """DELETE one of your `what`s by its id."""
    return {
        "operationId": operation_id,
        "summary": f"Delete a {what}",
        "security": WRITE,
        "responses": {"204": {"description": "Deleted"}, **errors("400", "401", "404", "429")},
    }


def _number(field: str, low: int, high: int) -> dict:
    return {
        "anyOf": [
            {"type": "integer", "minimum": low, "maximum": high},
            {"type": "string", "pattern": NUMBER_PATTERNS[field]},
            NULL,
        ],
        "description": f'{low} to {high}, whole (2.0 is refused) or as text ("2"); null or "" clears it.',
    }


def _log_fields() -> dict:
    return {
        "kind": {"type": "string", "enum": KIND_KEYS},
        "at": {
            "anyOf": [{"type": "string", "pattern": AT_PATTERN}, EMPTY, NULL],
            "description": "When it happened: ISO 8601 with an offset (without one, in your time zone), "
            "from the year 2000 to now. Default: now.",
        },
        "step": _number("step", 1, 3),
        "before": _number("before", 0, 10),
        "after": _number("after", 0, 10),
        "person": {
            "anyOf": [{"type": "string", "maxLength": NICKNAME_MAX, "pattern": PERSON_PATTERN}, NULL],
            "description": "A nickname; a new one adds a person (a friend). Null or blank: no one.",
        },
        "response": {
            "anyOf": [{"type": "string", "enum": [*RESPONSES, ""]}, NULL],
            "description": RESPONSE_NOTE,
        },
        "note": {"anyOf": [{"type": "string", "maxLength": NOTE_MAX}, NULL]},
        "bid": {
            "anyOf": [{"type": "string", "enum": [*BIDS, ""]}, NULL],
            "description": BID_NOTE + " Only on a `respond` log (another kind with a bid is a 400 naming "
            "`bid`); null or blank: toward, or on an edit, the bid the log has.",
        },
    }


BID_NOTE = (
    "How you met the other person's bid for connection: turned `toward` it, `away` from it (missed it) or"
    " `against` it."
)

RESPONSE_NOTE = (
    "How the person responded; `hurtful` is hurtful or frightening (it counts like `dismissed` for"
    " safety). Null or blank: no one, or not sure."
)


def _log_schemas() -> dict:
    fields = _log_fields()
    return {
        "Log": {
            "type": "object",
            "required": [
                "id",
                "kind",
                "step",
                "at",
                "local_date",
                "person",
                "before",
                "after",
                "response",
                "note",
                "bid",
            ],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "kind": {"type": "string", "enum": KIND_KEYS},
                "step": {"type": ["integer", "null"], "minimum": 1, "maximum": 3},
                "at": {"type": "string", "format": "date-time", "description": "UTC, with +00:00."},
                "local_date": {
                    "type": "string",
                    "format": "date",
                    "description": "Your calendar day of `at`.",
                },
                "person": {"type": ["string", "null"]},
                "before": {"type": ["integer", "null"], "minimum": 0, "maximum": 10},
                "after": {"type": ["integer", "null"], "minimum": 0, "maximum": 10},
                "response": {
                    "type": ["string", "null"],
                    "enum": [*RESPONSES, None],
                    "description": RESPONSE_NOTE,
                },
                "note": {"type": ["string", "null"]},
                "bid": {
                    "type": ["string", "null"],
                    "enum": [*BIDS, None],
                    "description": BID_NOTE + " Null for every other kind.",
                },
            },
            "additionalProperties": False,
        },
        "NewLog": {
            "type": "object",
            "required": ["kind"],
            "examples": [
                {"kind": "closeness"},
                {
                    "id": "5f0c2f4e-9d0e-4c3b-8a1e-2b7f6d1c9a00",
                    "kind": "confide",
                    "at": "2026-05-01T18:30:00+02:00",
                    "step": 2,
                    "person": "Sam",
                    "before": 6,
                    "after": 3,
                    "response": "welcomed",
                    "note": "Told Sam about the interview.",
                },
                {"kind": "respond", "person": "Sam", "bid": "away"},
            ],
            "properties": {
                "id": {
                    "anyOf": [{"type": "string", "pattern": UUID_PATTERN}, NULL],
                    "description": "Your own UUID makes a retry safe: the same id and content is a 200.",
                },
                **fields,
            },
        },
        "LogChanges": {
            "type": "object",
            "properties": {"kind": {"anyOf": [fields["kind"], EMPTY, NULL]}, **_without(fields, "kind")},
            "description": "Only the fields given change; `id` is ignored.",
        },
    }


def _without(mapping: dict, key: str) -> dict:
    return {k: v for k, v in mapping.items() if k != key}


def _reminder_schemas() -> dict:
    fields = {
        "days": {
            "type": "array",
            "items": {"type": "string", "enum": list(DAY_NAMES)},
            "minItems": 1,
            "maxItems": len(DAY_NAMES),  # the parser's bound (a day named twice counts twice)
        },
        "time": {"type": "string", "pattern": TIME_PATTERN, "description": "Your local time, 24-hour HH:MM."},
        "kind": {"anyOf": [{"type": "string", "enum": [*KIND_KEYS, "any", ""]}, NULL]},
        "enabled": {"type": "boolean"},
        "channels": {
            "type": "array",
            "items": {"type": "string", "enum": list(CHANNELS)},
            "minItems": 1,
            "maxItems": len(CHANNELS),
            "description": "How its nudges go out: by email, as a notification on every device you turned "
            "notifications on for (push), or both. Default: email.",
        },
    }
    return {
        "Reminder": {
            "type": "object",
            "required": ["id", "days", "time", "kind", "enabled", "channels", "next_due_at"],
            "properties": {
                "id": {"type": "integer", "minimum": 1},
                "days": {"type": "array", "items": {"type": "string", "enum": list(DAY_NAMES)}},
                "time": {"type": "string", "pattern": "^[0-9]{2}:[0-9]{2}$"},
                "kind": {"type": ["string", "null"], "enum": [*KIND_KEYS, None]},
                "enabled": {"type": "boolean"},
                "channels": _without(fields["channels"], "description"),
                "next_due_at": {"type": ["string", "null"], "format": "date-time"},
            },
            "additionalProperties": False,
        },
        "NewReminder": {
            "type": "object",
            "required": ["days", "time"],
            "properties": fields,
            "examples": [
                {
                    "days": ["mon", "thu"],
                    "time": "18:30",
                    "kind": "closeness",
                    "enabled": True,
                    "channels": ["email", "push"],
                }
            ],
        },
        "ReminderChanges": {"type": "object", "properties": fields},
    }


def _push_schemas() -> dict:
    base64url = {"type": "string", "pattern": "^[A-Za-z0-9_-]+={0,2}$"}
    return {
        "PushSubscription": {
            "type": "object",
            "required": ["endpoint", "keys"],
            "description": "A browser's `PushSubscription.toJSON()`. The endpoint must be https on a "
            "browser's push service (PUSH_ALLOWED_HOSTS) and resolve to public addresses only; "
            "otherwise a 400 names `endpoint`.",
            "properties": {
                "endpoint": {"type": "string", "format": "uri", "maxLength": ENDPOINT_MAX},
                "expirationTime": {
                    "anyOf": [{"type": "number", "minimum": 0, "maximum": EXPIRATION_MAX}, NULL],
                    "description": "When the subscription expires, in milliseconds since 1970.",
                },
                "keys": {
                    "type": "object",
                    "required": ["p256dh", "auth"],
                    "properties": {
                        "p256dh": {**base64url, "maxLength": 100, "description": "The browser's P-256 key."},
                        "auth": {**base64url, "maxLength": 40, "description": "Its 16-byte secret."},
                    },
                },
            },
            "examples": [
                {
                    "endpoint": "https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91bH",
                    "expirationTime": None,
                    "keys": {
                        "p256dh": "BFX3p8GcWRLbCCvL4eijOSTMurkDYttmXEfNU0xcxEACxdwuPZShRq59vUNIwWRf"
                        "Q_janHbjrCLpeJ7cpoofEks",
                        "auth": "m21mq8HxtRB_O4zuH9QaOw",
                    },
                }
            ],
        },
        "Device": {
            "type": "object",
            "required": ["id", "endpoint", "label", "created_at", "expires_at"],
            "properties": {
                "id": {"type": "integer", "minimum": 1},
                "endpoint": {"type": "string"},
                "label": {"type": "string", "description": 'Like "Chrome on Android", from the User-Agent.'},
                "created_at": {"type": "string", "format": "date-time"},
                "expires_at": {"type": ["string", "null"], "format": "date-time"},
            },
            "additionalProperties": False,
        },
        "PushEndpoint": {
            "type": "object",
            "required": ["endpoint"],
            "properties": {"endpoint": {"type": "string", "minLength": 1, "maxLength": ENDPOINT_MAX}},
        },
    }


def _summary_schema() -> dict:
    fraction = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
    count = {"type": "integer", "minimum": 0}
    properties = {
        "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
        "active_days": count,
        "rest_days": count,
        "missed_days": {
            **count,
            "description": "Days without a log that are not rest days (the pages call them open days).",
        },
        "current_streak": count,
        "longest_streak": count,
        "score": {
            "type": ["integer", "null"],
            "minimum": 0,
            "maximum": 100,
            "description": "The practice rhythm on the month's last counted day: 100 × (2/3·consistency + "
            "1/3·balance), or 100 × consistency while balance is unknown, rounded. It measures your own "
            "practice only: how other people responded (`safety`) is never part of it. The pages show it "
            "after two weeks, as a trend in words; null for a month before your first day or ahead.",
        },
        "consistency": {**fraction, "description": "C, showing up: habit strength with a 13-day half-life."},
        "balance": {
            **fraction,
            "description": "B, balance of reaching in and making room over the last 28 days; null with "
            "neither.",
        },
        "safety": {
            **fraction,
            "description": "S, how connections felt over the last 28 days (responses and after-feelings); "
            "reported beside the rhythm, never part of it; null with no such log.",
        },
        "by_kind": {"type": "object", "additionalProperties": count},
        "bids": {
            "type": "object",
            "description": "How the month's bids for connection were met (its `respond` logs up to today): "
            "how many you turned toward, away from and against, and `rate`, toward / all, rounded to 3 "
            "places; null when there are none. Your own practice, never a pass mark.",
            "required": ["toward", "away", "against", "rate"],
            "properties": {"toward": count, "away": count, "against": count, "rate": fraction},
            "additionalProperties": False,
        },
        "days": {
            "type": "object",
            "description": "Each day of the month by its date (YYYY-MM-DD); `missed` is what the pages "
            "call an open day.",
            "additionalProperties": {
                "type": "object",
                "required": ["status", "logs"],
                "properties": {
                    "status": {"type": "string", "enum": list(DAY_STATUSES)},
                    "logs": count,
                },
                "additionalProperties": False,
            },
        },
    }
    # Every property is always there (None where unknown).
    return {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }


def _components() -> dict:
    kind = {
        "type": "object",
        "required": ["key", "label", "group", "ladder"],
        "properties": {
            "key": {"type": "string", "enum": KIND_KEYS},
            "label": {"type": "string"},
            "group": {"type": "string", "enum": list(GROUPS)},
            "ladder": {"type": "array", "items": {"type": "string"}, "minItems": 3, "maxItems": 3},
        },
        "additionalProperties": False,
    }
    return {
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error", "field"],
                "properties": {"error": {"type": "string"}, "field": {"type": ["string", "null"]}},
                "additionalProperties": False,
            },
            "Kind": kind,
            **_log_schemas(),
            **_reminder_schemas(),
            **_push_schemas(),
            "Summary": _summary_schema(),
        },
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "A personal access token (`sb_…`) made in Settings → API tokens.",
            },
            "session": {
                "type": "apiKey",
                "in": "cookie",
                "name": "session",
                "description": "The sign-in cookie (`__Host-session` when the site is https).",
            },
            "csrf": {
                "type": "apiKey",
                "in": "header",
                "name": "X-CSRFToken",
                "description": "With the session cookie, changes need the page's CSRF token here.",
            },
        },
        "links": {
            "LogById": {
                "operationId": "getLog",
                "parameters": {"log_id": "$response.body#/id"},
                "description": "The log just stored.",
            },
            "UpdateLogById": _by_id("updateLog", "log_id"),
            "DeleteLogById": _by_id("deleteLog", "log_id"),
            "UpdateReminderById": _by_id("updateReminder", "rule_id"),
            "DeleteReminderById": _by_id("deleteReminder", "rule_id"),
        },
    }


READ = [{"bearer": []}, {"session": []}]
WRITE = [{"bearer": []}, {"session": [], "csrf": []}]
LOG_ID = _id_param("log_id", "log", {"type": "string", "format": "uuid"})
RULE_ID = _id_param("rule_id", "reminder", {"type": "integer", "minimum": 1})


def _ok(schema: dict, description: str, links: dict | None = None) -> dict:
    answer = body(schema, description)
    if links:
        answer["links"] = {name: {"$ref": f"#/components/links/{name}"} for name in links}
    return answer


def _list(key: str, item: str) -> dict:
    return {"type": "object", "required": [key], "properties": {key: {"type": "array", "items": ref(item)}}}


def _paths() -> dict:
    log_links = ("LogById", "UpdateLogById", "DeleteLogById")
    date_param = {"type": "string", "pattern": "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"}
    return {
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "getOpenApi",
                "summary": "This description (no sign-in needed)",
                "security": [],
                "responses": {
                    "200": {"description": "OpenAPI 3.1", "content": {JSON: {"schema": {"type": "object"}}}}
                },
            }
        },
        "/api/v1/kinds": {
            "get": {
                "operationId": "listKinds",
                "summary": "The kinds of action with their group and three-step ladder",
                "security": READ,
                "responses": {"200": _ok(_list("kinds", "Kind"), "The kinds"), **errors("401")},
            }
        },
        "/api/v1/logs": {
            "get": {
                "operationId": "listLogs",
                "summary": f"Your logs between two days (at most {MAX_RANGE_DAYS} apart), newest first",
                "description": "Without both dates: the newest 500.",
                "security": READ,
                "parameters": [
                    {
                        "name": "from",
                        "in": "query",
                        "schema": date_param,
                        "description": "First day, YYYY-MM-DD.",
                    },
                    {
                        "name": "to",
                        "in": "query",
                        "schema": date_param,
                        "description": "Last day, YYYY-MM-DD.",
                    },
                ],
                "responses": {"200": _ok(_list("logs", "Log"), "The logs"), **errors("400", "401")},
            },
            "post": {
                "operationId": "createLog",
                "summary": "Log an action",
                "security": WRITE,
                "requestBody": _json_body("NewLog"),
                "responses": {
                    "201": _ok(ref("Log"), "Stored", log_links),
                    "200": _ok(
                        ref("Log"), "A replay: this id was already stored with this content", log_links
                    ),
                    "409": error("This id is already used by a log with other content (or someone else's)."),
                    **errors("400", "401", "413", "429"),
                },
            },
        },
        "/api/v1/logs/{log_id}": {
            "parameters": [LOG_ID],
            "get": {
                "operationId": "getLog",
                "summary": "One log",
                "security": READ,
                "responses": {"200": _ok(ref("Log"), "The log"), **errors("401", "404")},
            },
            "patch": _change("updateLog", "log", "Log", "LogChanges"),
            "delete": _delete("deleteLog", "log"),
        },
        "/api/v1/reminders": {
            "get": {
                "operationId": "listReminders",
                "summary": "Your reminders",
                "security": READ,
                "responses": {"200": _ok(_list("reminders", "Reminder"), "The reminders"), **errors("401")},
            },
            "post": {
                "operationId": "createReminder",
                "summary": f"Add a reminder (at most {MAX_RULES}: then a 400 naming the field `reminders`)",
                "security": WRITE,
                "requestBody": _json_body("NewReminder"),
                "responses": {
                    "201": _ok(ref("Reminder"), "Added", ("UpdateReminderById", "DeleteReminderById")),
                    **errors("400", "401", "413", "429"),
                },
            },
        },
        "/api/v1/reminders/{rule_id}": {
            "parameters": [RULE_ID],
            "patch": _change("updateReminder", "reminder", "Reminder", "ReminderChanges"),
            "delete": _delete("deleteReminder", "reminder"),
        },
        "/api/v1/push/key": {
            "get": {
                "operationId": "getPushKey",
                "summary": "The server's VAPID public key, for `pushManager.subscribe`",
                "security": READ,
                "responses": {
                    "200": _ok(
                        {
                            "type": "object",
                            "required": ["public_key"],
                            "properties": {
                                "public_key": {
                                    "type": "string",
                                    "pattern": "^[A-Za-z0-9_-]{87}$",
                                    "description": "Base64url of the uncompressed P-256 point.",
                                }
                            },
                            "additionalProperties": False,
                        },
                        "The key",
                    ),
                    **errors("401"),
                },
            }
        },
        "/api/v1/push/subscriptions": {
            "post": {
                "operationId": "subscribePush",
                "summary": f"Turn notifications on for a browser (at most {MAX_DEVICES} devices: then a 400 "
                "naming the field `subscriptions`)",
                "security": WRITE,
                "requestBody": _json_body("PushSubscription"),
                "responses": {
                    "201": _ok(ref("Device"), "Added"),
                    "200": _ok(ref("Device"), "You had this endpoint already: its keys are updated"),
                    **errors("400", "401", "413", "429"),
                },
            },
            "delete": {
                "operationId": "unsubscribePush",
                "summary": "Turn notifications off for a browser, by its endpoint",
                "security": WRITE,
                "requestBody": _json_body("PushEndpoint"),
                "responses": {
                    "204": {"description": "Removed (or it was not yours or not there)"},
                    **errors("400", "401", "413", "429"),
                },
            },
        },
        "/api/v1/summary": {
            "get": {
                "operationId": "getSummary",
                "summary": "A month's review: days, streaks, the practice rhythm (score) and its parts",
                "security": READ,
                "parameters": [
                    {
                        "name": "month",
                        "in": "query",
                        "schema": {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"},
                        "description": "YYYY-MM, 2000 to next year; default: this month in your time zone.",
                    }
                ],
                "responses": {"200": _ok(ref("Summary"), "The month"), **errors("400", "401")},
            }
        },
    }


@cache
def document() -> dict:
    """The whole OpenAPI document (built once)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Secure Base API",
            "version": "1",
            "description": "Your logs, reminders and monthly summary, for scripts and shortcuts. Errors are "
            '`{"error": message, "field": name or null}`. Every operation works with a bearer token, or '
            "with the browser's session cookie (changes then need the `X-CSRFToken` header).",
        },
        "servers": [{"url": "/"}],
        "security": WRITE,
        "paths": _paths() | _plan_paths(),
        "components": _plan_components(_components()),
    }


@bp.get("/openapi.json")
def openapi():
    """The API's OpenAPI 3.1 description; public, like the README that links it."""
    return jsonify(document())


# --- If-then plans (issue 16), kept in their own block ----------------------------------------------


def _class(chars: Iterable[str]) -> str:
    """A regex character class's inside for these characters: \\uXXXX escapes, runs as ranges."""
    runs: list[list[int]] = []
    for code in sorted(map(ord, chars)):
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(f"\\u{a:04x}" + (f"-\\u{b:04x}" if b > a else "") for a, b in runs)


# One line of 1–200 characters with at least one that is not a space (forms.parse_plan's rule, as sent).
_LINE = f"[^{_class(forms.PLAN_FORBIDDEN)}]*"
PLAN_TEXT_PATTERN = f"^{_LINE}[^{_class(forms.PLAN_FORBIDDEN | forms.PLAN_SPACES)}]{_LINE}$"


def _plan_components(components: dict) -> dict:
    """The components with the plans' schemas and links added."""
    text = {"type": "string", "minLength": 1, "maxLength": forms.PLAN_TEXT_MAX, "pattern": PLAN_TEXT_PATTERN}
    components["schemas"] |= {
        "Plan": {
            "type": "object",
            "required": ["id", "kind", "when", "then", "active", "created_at"],
            "properties": {
                "id": {"type": "integer", "minimum": 1},
                "kind": {"type": "string", "enum": KIND_KEYS},
                "when": {"type": "string"},
                "then": {"type": "string"},
                "active": {"type": "boolean"},
                "created_at": {"type": "string", "format": "date-time"},
            },
            "additionalProperties": False,
        },
        "NewPlan": {
            "type": "object",
            "required": ["kind", "when", "then"],
            "properties": {
                "kind": {"type": "string", "enum": KIND_KEYS},
                "when": {**text, "description": "The cue, in your words: “When …”. Trimmed; one line."},
                "then": {**text, "description": "The step: “I will …”. Trimmed; one line."},
            },
            "examples": [
                {"kind": "space", "when": "I need to leave the room", "then": "say when I'll be back"}
            ],
        },
    }
    components["links"]["DeletePlanById"] = _by_id("deletePlan", "plan_id")
    return components


def _plan_paths() -> dict:
    """The plans' operations."""
    plan_id = _id_param("plan_id", "plan", {"type": "integer", "minimum": 1})
    return {
        "/api/v1/plans": {
            "get": {
                "operationId": "listPlans",
                "summary": "Your if-then plans, active and replaced, newest first (one active per kind)",
                "security": READ,
                "responses": {"200": _ok(_list("plans", "Plan"), "The plans"), **errors("401")},
            },
            "post": {
                "operationId": "createPlan",
                "summary": "Make an if-then plan for a kind: “When <when>, I will <then>”; the kind's "
                "earlier plan becomes inactive",
                "security": WRITE,
                "requestBody": _json_body("NewPlan"),
                "responses": {
                    "201": _ok(ref("Plan"), "Made, and active", ("DeletePlanById",)),
                    **errors("400", "401", "413", "429"),
                },
            },
        },
        "/api/v1/plans/{plan_id}": {
            "parameters": [plan_id],
            "delete": _delete("deletePlan", "plan"),
        },
    }
