"""Input parsing and validation in one place, shared by the HTML forms and the JSON API.

Parsers take plain mappings (a form or a JSON object) and return validated values, or raise
`InvalidInput` with a message per field, so a form re-renders its messages and the API answers
`{"error", "field"}` with the first one.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

from tracker.kinds import KINDS_BY_KEY, RESPONSES, ROLES

NOTE_MAX = 2000
NICKNAME_MAX = 40
PASSWORD_MIN = 10
PASSWORD_MAX = 1024
EMAIL_RE = re.compile(r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
CLOCK_SKEW = timedelta(minutes=5)
UNSET = object()


class InvalidInput(ValueError):
    """One or more fields are invalid: `errors` maps each field to a message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(next(iter(errors.values())))
        self.errors = errors

    @property
    def field(self) -> str:
        """The first invalid field, for the API's single-error answer."""
        return next(iter(self.errors))


@dataclass
class Errors:
    """Collects messages so a form can show all of them at once."""

    messages: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.messages.setdefault(name, message)

    def raise_if_any(self) -> None:
        if self.messages:
            raise InvalidInput(self.messages)


def _text(data: Mapping, name: str) -> str | None:
    """A stripped string value, None when absent or blank; non-strings are an error."""
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(name)
    # NUL is never meant (and PostgreSQL cannot store it in text): drop it rather than the whole value.
    value = value.replace("\x00", "").strip()
    return value or None


def _int(value: object, low: int, high: int) -> int:
    """An int within [low, high] from a form string or a JSON number."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, str):
        if not re.fullmatch(r"-?\d{1,6}", value.strip()):
            raise ValueError
        value = int(value.strip())
    if not isinstance(value, int) or not low <= value <= high:
        raise ValueError
    return value


def valid_timezone(name: object) -> bool:
    """Whether `name` is an IANA time zone this machine knows."""
    return isinstance(name, str) and name in _zones()


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


@dataclass
class LogInput:
    """Validated values of a log; UNSET fields were not given (for partial updates)."""

    kind: object = UNSET
    step: object = UNSET
    at: object = UNSET
    person: object = UNSET  # a nickname (API) or None
    person_id: object = UNSET  # a person id (forms) or None
    new_person_role: object = UNSET
    before: object = UNSET
    after: object = UNSET
    response: object = UNSET
    note: object = UNSET
    id: object = UNSET

    def given(self) -> dict[str, object]:
        """Only the fields that were given."""
        return {k: v for k, v in self.__dict__.items() if v is not UNSET}


def _parse_at(value: object, tz: str, now: datetime) -> datetime:
    """An aware instant from ISO-8601 (with offset) or a form's local `YYYY-MM-DDTHH:MM`."""
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(tz))
    if not EARLIEST <= parsed <= now + CLOCK_SKEW:
        raise OverflowError
    return parsed.astimezone(UTC)


_SIMPLE_FIELDS = {
    "step": (1, 3, "Step must be 1, 2 or 3."),
    "before": (0, 10, "Before must be a whole number from 0 to 10."),
    "after": (0, 10, "After must be a whole number from 0 to 10."),
}


def parse_log(data: Mapping, *, tz: str, now: datetime, partial: bool = False) -> LogInput:
    """Validate a log from a form or JSON object; `partial` allows leaving out the kind."""
    if not isinstance(data, Mapping):
        raise InvalidInput({"body": "Send a JSON object."})
    errors, result = Errors(), LogInput()
    kind = data.get("kind")
    if kind is None or kind == "":
        if not partial:
            errors.add("kind", "Choose what you did.")
    elif not isinstance(kind, str) or kind not in KINDS_BY_KEY:  # a JSON list or object is no key
        errors.add("kind", "Unknown kind of action.")
    else:
        result.kind = kind
    for name, (low, high, message) in _SIMPLE_FIELDS.items():
        if name in data:
            value = data[name]
            if value is None or value == "":
                setattr(result, name, None)
                continue
            try:
                setattr(result, name, _int(value, low, high))
            except (ValueError, TypeError):
                errors.add(name, message)
    _parse_optional_fields(data, result, errors, tz=tz, now=now)
    errors.raise_if_any()
    return result


def _parse_optional_fields(data: Mapping, result: LogInput, errors: Errors, *, tz: str, now: datetime):
    """The string-valued fields of a log: id, at, response, note, person."""
    if data.get("id") is not None:
        try:
            result.id = uuid.UUID(data["id"])
        except (ValueError, TypeError, AttributeError):
            errors.add("id", "The id must be a UUID.")
    if data.get("at") not in (None, ""):
        try:
            result.at = _parse_at(data["at"], tz, now)
        except OverflowError:
            errors.add("at", "The time must be between the year 2000 and now.")
        except (ValueError, TypeError):
            errors.add("at", "The time must be ISO-8601, like 2026-05-01T18:30:00+02:00.")
    for name, choices, message in (
        ("response", RESPONSES, "Response must be welcomed, neutral or dismissed."),
        ("new_person_role", ROLES, "Choose a role from the list."),
    ):
        if name in data:
            value = data[name]
            if value in (None, ""):
                setattr(result, name, None)
            elif value in choices:
                setattr(result, name, value)
            else:
                errors.add(name, message)
    try:
        if "note" in data:
            note = _text(data, "note")
            if note is not None and len(note) > NOTE_MAX:
                errors.add("note", f"Keep the note under {NOTE_MAX:,} characters.")
            else:
                result.note = note
        if "person" in data:
            result.person = _nickname(_text(data, "person"), errors, "person")
    except TypeError as exc:
        errors.add(str(exc), "This field must be text.")
    if "person_id" in data:
        value = data["person_id"]
        if value in (None, "", "none"):
            result.person_id = None
        elif value == "new":
            result.person_id = "new"
        else:
            try:
                result.person_id = _int(value, 1, 2**31 - 1)
            except (ValueError, TypeError):
                errors.add("person_id", "Choose a person from the list.")


def _nickname(value: str | None, errors: Errors, name: str) -> str | None:
    """A nickname: 1–40 characters, no control characters."""
    if value is None:
        return None
    if len(value) > NICKNAME_MAX or any(ord(c) < 32 for c in value):
        errors.add(name, f"A nickname is at most {NICKNAME_MAX} characters.")
        return None
    return value


def parse_person(data: Mapping, *, partial: bool = False) -> dict[str, str]:
    """A person's nickname and role from the people form."""
    errors, values = Errors(), {}
    try:
        nickname = _nickname(_text(data, "nickname"), errors, "nickname")
    except TypeError:
        nickname = None
        errors.add("nickname", "This field must be text.")
    if nickname:
        values["nickname"] = nickname
    elif not partial or "nickname" in data:
        errors.add("nickname", "Give them a nickname.")
    role = data.get("role")
    if role in ROLES:
        values["role"] = role
    elif role or not partial:
        errors.add("role", "Choose a role from the list.")
    errors.raise_if_any()
    return values


def parse_email(value: object) -> str:
    """A normalised email address, or InvalidInput."""
    if not isinstance(value, str) or not EMAIL_RE.match(value.strip()) or len(value.strip()) > 254:
        raise InvalidInput({"email": "Enter a valid email address."})
    return value.strip().lower()


def parse_password(value: object, name: str = "password") -> str:
    """A new password: at least 10 characters."""
    if not isinstance(value, str) or len(value) < PASSWORD_MIN:
        raise InvalidInput({name: f"Use at least {PASSWORD_MIN} characters."})
    if len(value) > PASSWORD_MAX:
        raise InvalidInput({name: f"Use at most {PASSWORD_MAX} characters."})
    return value


def parse_settings(data: Mapping) -> dict[str, object]:
    """Time zone and weekly target from the settings form."""
    errors, values = Errors(), {}
    if valid_timezone(data.get("timezone")):
        values["timezone"] = data["timezone"]
    else:
        errors.add("timezone", "Choose a time zone from the list, like Europe/Berlin.")
    try:
        values["weekly_target"] = _int(data.get("weekly_target"), 1, 7)
    except (ValueError, TypeError):
        errors.add("weekly_target", "The weekly target is 1 to 7 days.")
    errors.raise_if_any()
    return values
