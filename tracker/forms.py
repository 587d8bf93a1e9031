"""Input parsing and validation in one place, shared by the HTML forms, the JSON API and the import.

Parsers take plain mappings (a form or a JSON object) and return validated values, or raise
`InvalidInput` with a message per field, so a form re-renders its messages and the API answers
`{"error", "field"}` with the first one.

Every parser answers any input in time linear in its size: it refuses an over-long value by its length
before any regex or date parser sees it, and its regexes are fixed-width or a single bounded
repetition (nothing nested or overlapping that could backtrack). tests/unit/test_validators_linear.py
checks both. The limits of what an account may hold are here too, so the forms, the API and the import
apply the same ones.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from tracker.care import HELP
from tracker.discretion import LOCK_CHOICES
from tracker.insights.bids import BID_KIND, BIDS, DEFAULT_BID
from tracker.kinds import KINDS_BY_KEY, RESPONSES, ROLES
from tracker.practice import ITEMS as CHECKIN_QUESTIONS
from tracker.practice import WORDINGS as CHECKIN_WORDINGS
from tracker.schedule import DAY_NAMES, days_mask, parse_time

NOTE_MAX = 2000
NICKNAME_MAX = 40
REASON_MAX = 200
PASSWORD_MIN = 10
PASSWORD_MAX = 1024
EMAIL_MAX = 254
EMAIL_LOCAL_MAX = 64
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
EARLIEST_DAY = EARLIEST.date()
CLOCK_SKEW = timedelta(minutes=5)
# Real zones' offsets since 2000 lie within these: a log's local date is its instant's day at one of them.
WESTMOST, EASTMOST = timedelta(hours=-12), timedelta(hours=14)
UNSET = object()

# What an account may hold, whichever way it arrives (form, API or import).
MAX_PEOPLE = 200
MAX_PAUSES = 200
MAX_REMINDERS = 20
MAX_DEVICES = 10  # browsers with notifications on, per account
PAUSE_DAYS_MAX = 366
IMPORT_MAX_BYTES = 1_000_000  # under MAX_CONTENT_LENGTH (1 MiB), which also holds the upload's envelope
CHECKIN_KEYS: tuple[str, ...] = tuple(item.key for item in CHECKIN_QUESTIONS)

# Longest text any pattern below is run on: each is fixed-width or one bounded repetition.
_INTEGER = re.compile(r"-?[0-9]{1,6}")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_MONTH = re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])")
_EMAIL_FORBIDDEN = re.compile(r"[@\s\x00-\x1f\x7f]")


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
    """A stripped string value, None when absent or blank; non-strings (and lone surrogates, which no
    database can store) are an error."""
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not _storable(value):
        raise TypeError(name)
    # NUL is never meant (and PostgreSQL cannot store it in text): drop it rather than the whole value.
    value = value.replace("\x00", "").strip()
    return value or None


def _storable(value: str) -> bool:
    """Whether text can be stored as UTF-8 (a JSON string may hold a lone surrogate, which can't)."""
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _one_line(value: str) -> bool:
    """No control characters (a nickname or a reason is one line of plain text)."""
    return not any(ord(c) < 32 or c == "\x7f" for c in value)


def _int(value: object, low: int, high: int) -> int:
    """An int within [low, high] from a form string (ASCII digits) or a JSON number."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, str):
        if len(value) > 32:
            raise ValueError
        value = value.strip()
        if not _INTEGER.fullmatch(value):
            raise ValueError
        value = int(value)
    if not isinstance(value, int) or not low <= value <= high:
        raise ValueError
    return value


def whole_number(value: object, low: int, high: int) -> int | None:
    """A whole number within [low, high] from a form or query string, else None."""
    try:
        return _int(value, low, high)
    except (ValueError, TypeError):
        return None


def valid_timezone(name: object) -> bool:
    """Whether `name` is an IANA time zone this machine knows."""
    return isinstance(name, str) and len(name) <= 64 and name in _zones()


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
    bid: object = UNSET  # toward, away, against, or None (the default: toward on a respond log)
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
    if not EARLIEST <= parsed <= now + CLOCK_SKEW or parsed.astimezone(ZoneInfo(tz)).date() < EARLIEST_DAY:
        raise OverflowError
    return parsed.astimezone(UTC)


def parse_local_date(value: object, at: datetime) -> date:
    """A log's stored local date (an export's `local_date`): the calendar day of `at` in some real zone.

    It is the day in the zone the user had when they logged it (DESIGN.md, Time), so after a move it
    may differ from the day in today's zone; it can never be further from `at` than the zones are.
    """
    day = iso_day(value)
    if day is None:
        raise ValueError("must be a date like 2026-05-13")
    if not (at + WESTMOST).date() <= day <= (at + EASTMOST).date() or day < EARLIEST_DAY:
        raise ValueError("must be the day of its “at” in the zone it was logged in")
    return day


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
    if "bid" in data:
        try:
            result.bid = parse_bid(data["bid"])
        except InvalidInput as exc:
            errors.add("bid", str(exc))
        else:
            kind = result.kind if result.kind is not UNSET else None
            if result.bid is not None and kind is not None and kind != BID_KIND:
                errors.add("bid", BID_OTHER_KIND)
    errors.raise_if_any()
    return result


BID_MESSAGE = "How you met the bid must be toward, away or against."
BID_OTHER_KIND = "Only a respond log (Turn toward a bid) records how you met a bid."


def parse_bid(value: object) -> str | None:
    """How a respond log met the other's bid: "toward", "away" or "against"; None for null or blank (the
    default, toward, on a respond log). The HTML form, the API and the import all read it here."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value in BIDS:
        return value
    raise InvalidInput({"bid": BID_MESSAGE})


def bid_for(kind: str | None, bid: str | None, kept: str | None = None) -> str | None:
    """The bid a log of `kind` stores: None unless it is a respond log, where a given bid wins, then the
    one it `kept` (a respond log edited), then toward. A bid for another kind is InvalidInput, so a log
    never holds a bid that answers nothing (changing a log's kind away from respond drops its bid)."""
    if kind != BID_KIND:
        if bid is not None:
            raise InvalidInput({"bid": BID_OTHER_KIND})
        return None
    return bid or kept or DEFAULT_BID


def _parse_optional_fields(data: Mapping, result: LogInput, errors: Errors, *, tz: str, now: datetime):
    """The string-valued fields of a log: id, at, response, note, person."""
    if data.get("id") is not None:
        try:
            if not isinstance(data["id"], str) or len(data["id"]) > 45:
                raise ValueError
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
        ("response", RESPONSES, "Response must be welcomed, neutral, dismissed or hurtful."),
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
    if len(value) > NICKNAME_MAX or not _one_line(value):
        errors.add(name, f"A nickname is at most {NICKNAME_MAX} characters.")
        return None
    return value


def parse_person(data: Mapping, *, partial: bool = False) -> dict[str, str]:
    """A person's nickname and role from the people form (and each person of an import)."""
    if not isinstance(data, Mapping):
        raise InvalidInput({"body": "Send a JSON object."})
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
    if isinstance(role, str) and role in ROLES:
        values["role"] = role
    elif role or not partial:
        errors.add("role", "Choose a role from the list.")
    errors.raise_if_any()
    return values


def parse_email(value: object) -> str:
    """A normalised email address, or InvalidInput: one @, a local part of 1–64 characters, a dot
    inside the domain, no spaces or control characters, at most 254 characters in all."""
    text = value.strip() if isinstance(value, str) and len(value) <= 2 * EMAIL_MAX else ""
    local, _, domain = text.partition("@")
    if (
        len(text) > EMAIL_MAX
        or not 1 <= len(local) <= EMAIL_LOCAL_MAX
        or "." not in domain[1:-1]
        or _EMAIL_FORBIDDEN.search(local)
        or _EMAIL_FORBIDDEN.search(domain)
    ):
        raise InvalidInput({"email": "Enter a valid email address."})
    return text.lower()


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


AUTO_REGION = "auto"  # the settings choice "From my time zone"


def parse_help_region(data: Mapping) -> str | None:
    """The help region from Settings: a region care.py lists, or None for "from my time zone"."""
    value = data.get("help_region")
    if value == AUTO_REGION:
        return None
    if isinstance(value, str) and value in HELP:
        return value
    raise InvalidInput({"help_region": "Choose a place from the list, or the one your time zone suggests."})


def parse_hide_numbers(data: Mapping) -> bool:
    """Settings' numbers choice: "1" hides every number (words instead), "0" shows them."""
    value = data.get("hide_numbers")
    if value in ("0", "1"):
        return value == "1"
    raise InvalidInput({"hide_numbers": "Choose whether to show numbers or words only."})


def parse_fresh_start(data: Mapping) -> bool:
    """Settings' fresh-start choice: "1" sends one email after a quiet week, "0" never."""
    value = data.get("fresh_start")
    if value in ("0", "1"):
        return value == "1"
    raise InvalidInput({"fresh_start": "Choose whether to get the fresh-start email."})


AUTO_LOCK = "auto"  # the settings choice "Automatic" for the idle lock


def parse_idle_lock(value: object) -> int | None:
    """The idle lock from Settings or an import: None for automatic, else minutes LOCK_CHOICES offers
    (0: never). A number in an export file may come as an integer."""
    if value is None or value == AUTO_LOCK:
        return None
    if isinstance(value, str) and 0 < len(value) <= 2 and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value in LOCK_CHOICES:
        return value
    raise InvalidInput({"idle_lock": "Choose one of the times in the list."})


def parse_discretion(data: Mapping) -> dict[str, object]:
    """The idle lock and the discreet mode (a checkbox: present when ticked) from Settings."""
    if "idle_lock" not in data:  # the form always sends one: "auto" is a choice, not its absence
        raise InvalidInput({"idle_lock": "Choose one of the times in the list."})
    return {"idle_lock": parse_idle_lock(data.get("idle_lock")), "discreet": data.get("discreet") == "on"}


def check_room(name: str, have: int, adding: int, limit: int, what: str) -> None:
    """InvalidInput when `adding` more would take an account past its `limit` of `what`."""
    if have + adding > limit:
        raise InvalidInput(
            {name: f"You can have up to {limit} {what}: remove some you no longer need first."}
        )


# --- Dates, months and years ------------------------------------------------------------------------

# Pages exist from 2000 (no log is older) to the end of next year in the user's zone: a later month has
# nothing to show, and the calendar of 9999-12 would run into a year 10000 that `date` cannot hold.
MIN_YEAR = EARLIEST_DAY.year
_YEAR = re.compile(r"[0-9]{4}")  # ASCII digits only: `\d` would also accept other scripts' digits
DATE_MESSAGE = "Dates must look like 2026-05-01."


def iso_day(value: object) -> date | None:
    """A real calendar date written exactly `YYYY-MM-DD`, else None (fromisoformat alone would also take
    20260501 or 2026-W19-1): the one reading of a date every form, the API and the import share."""
    if not isinstance(value, str) or len(value) != 10 or not _ISO_DAY.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def last_year(today: date) -> int:
    """The latest year a page or the summary shows: next year in the user's zone."""
    return today.year + 1


def parse_month(value: str, today: date) -> tuple[int, int] | None:
    """(year, month) from 'YYYY-MM' within the years pages show, else None."""
    if not isinstance(value, str) or len(value) != 7 or not _ISO_MONTH.fullmatch(value):
        return None
    year, month = int(value[:4]), int(value[5:])
    return (year, month) if MIN_YEAR <= year <= last_year(today) else None


def parse_year(value: str, today: date) -> int | None:
    """A year from 'YYYY' within the years pages show, else None."""
    year = int(value) if isinstance(value, str) and len(value) == 4 and _YEAR.fullmatch(value) else None
    return year if year and MIN_YEAR <= year <= last_year(today) else None


def parse_day(value: str, today: date) -> date | None:
    """A real calendar date from 'YYYY-MM-DD' within the years pages show, else None."""
    day = iso_day(value)
    return day if day and MIN_YEAR <= day.year <= last_year(today) else None


def parse_date_arg(value: str | None, name: str) -> date | None:
    """An optional `YYYY-MM-DD` query argument: None when absent or empty, else the date or a message."""
    if not value:
        return None
    day = iso_day(value)
    if day is None:
        raise InvalidInput({name: DATE_MESSAGE})
    return day


# --- Pauses -----------------------------------------------------------------------------------------


def _pause_day(data: Mapping, name: str, label: str, errors: Errors) -> date | None:
    """A YYYY-MM-DD date field (what `<input type=date>` sends), or a message."""
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.add(f"pause_{name}", f"Choose the {label}.")
        return None
    day = iso_day(value.strip()) if isinstance(value, str) and len(value) <= 32 else None
    if day is None:
        errors.add(f"pause_{name}", f"The {label} must be a date like 2026-03-09.")
    elif day < EARLIEST_DAY:
        errors.add(f"pause_{name}", f"The {label} must be in the year 2000 or later.")
        return None
    return day


def parse_pause(data: Mapping) -> dict:
    """A pause's `start` and `end` days (both included, at most a leap year apart) and its reason."""
    if not isinstance(data, Mapping):
        raise InvalidInput({"body": "Send a JSON object."})
    errors = Errors()
    start = _pause_day(data, "start", "first day", errors)
    end = _pause_day(data, "end", "last day", errors)
    try:
        reason = _text(data, "reason")
    except TypeError:
        reason = None
        errors.add("pause_reason", "The reason must be text.")
    if reason and len(reason) > REASON_MAX:
        errors.add("pause_reason", f"Keep the reason to {REASON_MAX} characters or fewer.")
    elif reason and not _one_line(reason):
        errors.add("pause_reason", "Keep the reason to one line of plain text.")
    if start and end and end < start:
        errors.add("pause_end", "The last day can't be before the first day.")
    elif start and end and (end - start).days + 1 > PAUSE_DAYS_MAX:
        errors.add("pause_end", f"A pause can last up to {PAUSE_DAYS_MAX} days; add another one for longer.")
    errors.raise_if_any()
    return {"start_date": start, "end_date": end, "reason": reason}


# --- The monthly check-in ---------------------------------------------------------------------------


def checkin_answers(data: Mapping) -> dict[str, int | None]:
    """Each of the nine answers as 1–5, None where it is missing or not one of those."""
    return {key: whole_number(data.get(key), 1, 5) for key in CHECKIN_KEYS}


def parse_checkin(data: Mapping, *, complete: bool = True) -> dict[str, int | None]:
    """A check-in's answers; the form needs all nine, an export may hold some left open (None)."""
    if not isinstance(data, Mapping):
        raise InvalidInput({"body": "Send a JSON object."})
    answers = checkin_answers(data)
    errors = Errors()
    for key, value in answers.items():
        if value is None and (complete or data.get(key) is not None):
            errors.add(key, "Choose an answer from 1 to 5.")
    errors.raise_if_any()
    return answers


def parse_checkin_wording(value: object) -> int:
    """The wording an exported check-in was answered in; a file from before wordings were noted has
    none, and its months were answered in wording 1."""
    if value is None:
        return 1
    wording = whole_number(value, 1, max(CHECKIN_WORDINGS))
    if wording is None or wording not in CHECKIN_WORDINGS:
        raise InvalidInput({"wording": f"The wording must be {' or '.join(map(str, CHECKIN_WORDINGS))}."})
    return wording


def parse_checkin_month(value: object, today: date) -> str:
    """A check-in's month as YYYY-MM, from January 2000 to the month of `today` (no later)."""
    if not isinstance(value, str) or len(value) != 7 or not _ISO_MONTH.fullmatch(value):
        raise InvalidInput({"month": "The month must look like 2026-05."})
    if not f"{EARLIEST_DAY:%Y-%m}" <= value <= f"{today:%Y-%m}":
        raise InvalidInput({"month": "The month must be from 2000-01 to this month."})
    return value


# --- Reminder rules ---------------------------------------------------------------------------------


def parse_rule(data: Mapping, *, partial: bool = False) -> dict[str, object]:
    """Days, time, kind and enabled from a form or a JSON object; `partial` for PATCH."""
    if not isinstance(data, Mapping):
        raise InvalidInput({"body": "Send a JSON object."})
    errors, values = Errors(), {}
    if "days" in data or not partial:
        days = data.get("days")
        if (
            not isinstance(days, list | tuple)
            or len(days) > len(DAY_NAMES)
            or not all(d in DAY_NAMES for d in days)
        ):
            errors.add("days", 'Days must be a list like ["mon", "thu"].')
        elif not days:
            errors.add("days", "Choose at least one day.")
        else:
            values["days"] = days_mask(days)
    if "time" in data or not partial:
        try:
            values["local_time"] = parse_time(data.get("time"))
        except ValueError:
            errors.add("time", "Set a time like 18:30.")
    if "kind" in data:
        kind = data["kind"]
        if kind in (None, "", "any"):
            values["kind"] = None
        elif isinstance(kind, str) and kind in KINDS_BY_KEY:
            values["kind"] = kind
        else:
            errors.add("kind", "Choose an action from the list, or any.")
    if "enabled" in data:
        if isinstance(data["enabled"], bool):
            values["enabled"] = data["enabled"]
        else:
            errors.add("enabled", "Enabled must be true or false.")
    if "channels" in data:
        channels = data["channels"]
        if (
            not isinstance(channels, list | tuple)
            or len(channels) > len(CHANNELS)
            or not all(isinstance(c, str) and c in CHANNELS for c in channels)
        ):
            errors.add("channels", 'Channels must be a list like ["email", "push"].')
        elif not channels:
            errors.add("channels", "Choose email, notifications or both.")
        else:
            values["channels"] = ",".join(c for c in CHANNELS if c in channels)
    errors.raise_if_any()
    return values


def local_input(at: datetime, tz: str) -> str:
    """A stored naive-UTC instant as the `datetime-local` value a form shows in zone `tz` (what
    parse_log reads back)."""
    return at.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M")


# --- Web Push (issue 15): a browser's PushSubscription, and the device it came from -------------------

CHANNELS = ("email", "push")  # how a reminder's nudges go out, in the order they are stored
ENDPOINT_MAX = 2000
LOOPBACK_NAMES = ("localhost", "127.0.0.1")  # reachable over http only when PUSH_ALLOWED_HOSTS names them
USER_AGENT_MAX = 512
EXPIRATION_MAX = 32_503_680_000_000  # the year 3000, in the milliseconds the Push API counts in
_BASE64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
# P-256 (SEC 2, section 2.4.2): y² = x³ - 3x + b over the field of this prime.
_P256_PRIME = 2**256 - 2**224 + 2**192 + 2**96 - 1
_P256_B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
ENDPOINT_MESSAGE = "Notifications can only go through a browser's push service."


@dataclass(frozen=True)
class SubscriptionInput:
    """A validated PushSubscription: where to send, and the browser's keys to encrypt to."""

    endpoint: str
    p256dh: str
    auth: str
    expires_at: datetime | None


def host_allowed(host: str, allowed_hosts: tuple[str, ...]) -> bool:
    """Whether a host name is one of the allowed hosts or a name under one of them."""
    return any(host == allowed or host.endswith("." + allowed) for allowed in allowed_hosts)


def parse_endpoint(value: object, allowed_hosts: tuple[str, ...]) -> str:
    """An endpoint the server may POST to: https on an allowed push service's name (never an address),
    or http(s) to 127.0.0.1 or localhost when the allowed hosts name them (for tests)."""
    if not isinstance(value, str) or not value:
        raise InvalidInput({"endpoint": "Send the subscription's endpoint, a URL."})
    if len(value) > ENDPOINT_MAX or not (value.isascii() and value.isprintable()) or " " in value:
        raise InvalidInput({"endpoint": ENDPOINT_MESSAGE})
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise InvalidInput({"endpoint": ENDPOINT_MESSAGE}) from None
    host = (parts.hostname or "").rstrip(".")
    if not host or parts.username is not None or parts.password is not None or parts.fragment:
        raise InvalidInput({"endpoint": ENDPOINT_MESSAGE})
    if host in LOOPBACK_NAMES:
        if host in allowed_hosts and parts.scheme in ("http", "https"):
            return value
        raise InvalidInput({"endpoint": ENDPOINT_MESSAGE})
    if parts.scheme != "https" or port not in (None, 443) or _is_address(host):
        raise InvalidInput({"endpoint": ENDPOINT_MESSAGE})
    if not host_allowed(host, allowed_hosts):
        raise InvalidInput({"endpoint": ENDPOINT_MESSAGE + " This server doesn't send to " + host + "."})
    return value


def _is_address(host: str) -> bool:
    """Whether a URL's host is an IP address rather than a name."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _base64url(value: object, max_length: int) -> bytes | None:
    """The bytes of unpadded (or padded) base64url text, None for anything else."""
    if not isinstance(value, str) or not 0 < len(value) <= max_length:
        return None
    text = value.rstrip("=")
    if not set(text) <= _BASE64URL or len(text) % 4 == 1:
        return None
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, binascii.Error):
        return None


def _on_p256(point: bytes) -> bool:
    """Whether 65 bytes are an uncompressed point of the P-256 curve (0x04, x, y), checked by its
    equation: a browser's key always is, and only such a key can be encrypted to."""
    if len(point) != 65 or point[0] != 4:
        return False
    x, y = int.from_bytes(point[1:33], "big"), int.from_bytes(point[33:], "big")
    p = _P256_PRIME
    return x < p and y < p and (y * y - (x * x * x - 3 * x + _P256_B)) % p == 0


def parse_subscription(data: object, allowed_hosts: tuple[str, ...]) -> SubscriptionInput:
    """A browser's `PushSubscription.toJSON()`: `{"endpoint", "expirationTime", "keys": {"p256dh",
    "auth"}}`."""
    if not isinstance(data, Mapping):
        raise InvalidInput({"body": "Send the subscription as a JSON object."})
    endpoint = parse_endpoint(data.get("endpoint"), allowed_hosts)
    keys = data.get("keys")
    keys = keys if isinstance(keys, Mapping) else {}
    p256dh, auth = _base64url(keys.get("p256dh"), 100), _base64url(keys.get("auth"), 40)
    if p256dh is None or not _on_p256(p256dh):
        raise InvalidInput({"keys": "keys.p256dh must be the browser's P-256 key (base64url)."})
    if auth is None or len(auth) != 16:
        raise InvalidInput({"keys": "keys.auth must be the browser's 16-byte secret (base64url)."})
    expiration = data.get("expirationTime")
    expires_at = None
    if expiration is not None:
        if (
            isinstance(expiration, bool)
            or not isinstance(expiration, int | float)
            or not math.isfinite(expiration)
            or not 0 <= expiration <= EXPIRATION_MAX
        ):
            raise InvalidInput({"expirationTime": "expirationTime must be null or milliseconds since 1970."})
        expires_at = datetime.fromtimestamp(expiration / 1000, UTC)
    return SubscriptionInput(endpoint, _b64(p256dh), _b64(auth), expires_at)


def _b64(raw: bytes) -> str:
    """Bytes as unpadded base64url, the one spelling stored."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


_BROWSERS = (  # the first token found names the browser (Edge and Opera also say Chrome, Chrome says Safari)
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Macintosh", "Mac"),
    ("Linux", "Linux"),
)


def device_label(user_agent: object) -> str:
    """A device's name for the list of devices, like "Chrome on Android", from its User-Agent."""
    text = user_agent[:USER_AGENT_MAX] if isinstance(user_agent, str) else ""
    browser = next((name for token, name in _BROWSERS if token in text), "A browser")
    system = next((name for token, name in _SYSTEMS if token in text), None)
    return f"{browser} on {system}" if system else browser


# --- If-then plans (issue 16) ----------------------------------------------------------------------

PLAN_TEXT_MAX = 200
PLANS_KEPT = 5  # per kind: the active plan and the last few it replaced (older ones are deleted)
MAX_PLANS = PLANS_KEPT * len(KINDS_BY_KEY)
# What a plan's "when" and "then" may not hold: control characters (C0, DEL, C1) and line breaks, as each
# is one line of the user's own words. The OpenAPI pattern (api/openapi.py) is built from these two.
PLAN_FORBIDDEN = frozenset(map(chr, [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029]))
# The other characters str.strip() removes: a "when" of only these is blank.
PLAN_SPACES = frozenset(map(chr, [0x20, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000]))
PLAN_MESSAGES = {
    "when": "Write when, in your own words: a moment you'll notice, like “I want to text again”.",
    "then": "Write one small step you'll take then, like “wait 30 minutes and take a walk”.",
}


def plan_text_problem(value: object, *, raw: bool = False) -> str | None:
    """Why a plan's text can't be kept, or None. `raw`: the length counts as sent (the API, whose
    description can only bound a string as it is); else after trimming, as the forms do."""
    if not isinstance(value, str) or not _storable(value):
        return "This field must be text."
    text = value if raw else value.strip()
    if len(text) > PLAN_TEXT_MAX:
        return f"Keep it to {PLAN_TEXT_MAX} characters or fewer."
    if any(c in PLAN_FORBIDDEN for c in text):
        return "Keep it to one line of plain text."
    return None


def parse_plan(data: Mapping) -> dict[str, str]:
    """An if-then plan from the plan form, the API and the import alike: `kind` (a known kind), `when`
    (the cue, in the user's words) and `then` (the step), each 1–200 characters after trimming, one line.
    Returns {"kind", "cue", "action"}; other fields are ignored. Only the form sends `rule` (a cue that
    is a reminder's time): then `rule_id` is returned too, and `when` may be blank (no "cue": the caller
    words the reminder's time)."""
    if not isinstance(data, Mapping):
        raise InvalidInput({"body": "Send a JSON object."})
    errors, values = Errors(), {}
    kind = data.get("kind")
    if isinstance(kind, str) and kind in KINDS_BY_KEY:
        values["kind"] = kind
    else:
        errors.add("kind", "Choose a practice from the list.")
    if data.get("rule") not in (None, ""):
        rule_id = whole_number(data.get("rule"), 1, 2**31 - 1)
        if rule_id is None:
            errors.add("rule", "Choose one of your reminders, or none.")
        values["rule_id"] = rule_id
    for name, key in (("when", "cue"), ("then", "action")):
        value = data.get(name)
        blank = value is None or (isinstance(value, str) and not value.strip())
        if blank and name == "when" and "rule_id" in values:
            continue  # the cue is the reminder's time
        if blank:
            errors.add(name, PLAN_MESSAGES[name])
            continue
        problem = plan_text_problem(value)
        if problem:
            errors.add(name, problem)
        else:
            values[key] = value.strip()
    errors.raise_if_any()
    return values
