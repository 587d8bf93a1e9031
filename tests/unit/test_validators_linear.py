"""Every validator answers any input up to 1 MB, and its work grows no faster than the input.

Deterministic, without a clock: spies stand in for every regex and date, UUID and JSON parser the
validators use and record the length of each text they are given. A validator must refuse over-long
input by its length first, so no regex or date parser ever sees more than `SHORT` characters (and the
JSON parser no more than the import's size limit), whatever the input's size; and the characters they
see in all stay within a small multiple of the input's own size. A lint over the patterns themselves
checks that none has nested quantifiers or two unbounded ones, the shapes that backtrack.
"""

from __future__ import annotations

import importlib
import json
import re
import re._constants as sre  # the parsed form of a pattern is the only way to see its quantifiers
import re._parser as sre_parse
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType

import pytest
from flask import Flask, request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import forms, portability, schedule
from tracker.forms import InvalidInput
from tracker.portability import importer
from tracker.views import history

SHORT = 256  # the longest text a regex or a date parser may be given
MEGABYTE = 1 << 20
NOW = datetime(2026, 5, 13, 10, 30, tzinfo=UTC)
TRACKER = Path(forms.__file__).parent
PUSH_HOSTS = ("fcm.googleapis.com", "127.0.0.1")


class Spy:
    """Stands in for a pattern, class or module and records the length of each text passed to it.

    A pattern of bounded width anchored at the start (`match`, `fullmatch`) reads no further than that
    width plus one character, however long the text: that is what it is recorded as having seen.
    """

    def __init__(self, target: object, seen: list[tuple[str, int]], name: str):
        self._target, self._seen, self._name = target, seen, name
        self._width = None
        if isinstance(target, re.Pattern):
            widest = sre_parse.parse(target.pattern, target.flags).getwidth()[1]
            self._width = widest + 1 if widest < sre.MAXREPEAT else None

    def _record(self, args: tuple, method: str = "") -> None:
        for arg in args[:1]:
            if isinstance(arg, str | bytes):
                anchored = self._width is not None and method in ("match", "fullmatch")
                self._seen.append((self._name, min(len(arg), self._width) if anchored else len(arg)))

    def __call__(self, *args, **kwargs):
        self._record(args)
        return self._target(*args, **kwargs)

    def __getattr__(self, attr: str):
        value = getattr(self._target, attr)
        if not callable(value):
            return value

        def recorded(*args, **kwargs):
            self._record(args, attr)
            return value(*args, **kwargs)

        return recorded


# What each module's validators may hand to a parser, by the name the module knows it under.
SPIED: dict[ModuleType, tuple[str, ...]] = {
    forms: ("date", "datetime", "uuid"),
    history: (),
    importer: ("json", "datetime"),
    schedule: (),
}
LIMITS = {"importer.json": forms.IMPORT_MAX_BYTES}


@pytest.fixture
def seen(monkeypatch) -> list[tuple[str, int]]:
    """Spies on every module-level pattern and the named parsers of the validators' modules."""
    record: list[tuple[str, int]] = []
    for module, names in SPIED.items():
        short = module.__name__.rsplit(".", 1)[-1]
        patterns = [name for name, value in vars(module).items() if isinstance(value, re.Pattern)]
        for name in (*patterns, *names):
            monkeypatch.setattr(module, name, Spy(getattr(module, name), record, f"{short}.{name}"))
    return record


def bounded(seen: list[tuple[str, int]], size: int, per_char: int = 4) -> None:
    """No parser saw more than its limit at once, and all of them together a few times the input."""
    for name, length in seen:
        assert length <= LIMITS.get(name, SHORT), f"{name} was given {length} characters"
    assert sum(length for _, length in seen) <= per_char * size + 64 * SHORT


def answered(call: Callable, *expected: type[Exception]):
    """The validator's value, or None when it refused with InvalidInput or a documented exception.
    (InvalidInput is a ValueError: a stray ValueError from inside is told apart by its type.)"""
    try:
        return call()
    except InvalidInput:
        return None
    except expected:
        return None


# Any text up to 1 MB: short text of any characters, or a unit repeated up to a megabyte (the shape
# that makes a backtracking regex quadratic: "a." * n, digits, spaces, "@" ...), with any ending.
UNITS = st.one_of(
    st.sampled_from(["a.", "a", "1", "-", " ", "@", ".", "0-", "a@", "\x00", "٣", "\ud800"]),
    st.text(min_size=1, max_size=6),
)
HUGE = st.builds(
    lambda head, unit, size, tail: head + unit * (size // len(unit)) + tail,
    st.text(max_size=8),
    UNITS,
    st.integers(min_value=10_000, max_value=MEGABYTE),
    st.text(max_size=8),
)
ANY_TEXT = st.one_of(st.text(max_size=300), HUGE)
# What a JSON body or an import file may hold in a field instead of text.
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
ANY_VALUE = st.one_of(ANY_TEXT, JSONISH)

# The spies are set up once per test and cleared for each example.
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
QUERY_PROPERTY = settings(PROPERTY, max_examples=12)  # each example URL-encodes up to a megabyte

# Each validator and what it raises, besides InvalidInput, for input it refuses (its documented answer).
TEXT_VALIDATORS: dict[str, tuple[Callable[[str], object], tuple[type[Exception], ...]]] = {
    "parse_email": (forms.parse_email, ()),
    "parse_password": (forms.parse_password, ()),
    "valid_timezone": (forms.valid_timezone, ()),
    "whole_number": (lambda v: forms.whole_number(v, 0, 10), ()),
    "parse_checkin_month": (lambda v: forms.parse_checkin_month(v, date(2026, 5, 13)), ()),
    "parse_local_date": (lambda v: forms.parse_local_date(v, NOW), (ValueError,)),
    "parse_time": (schedule.parse_time, (ValueError,)),
    "parse_month": (lambda v: forms.parse_month(v, NOW.date()), ()),
    "parse_year": (lambda v: forms.parse_year(v, NOW.date()), ()),
    "parse_day": (lambda v: forms.parse_day(v, NOW.date()), ()),
    "iso_day": (forms.iso_day, ()),
    "parse_endpoint": (lambda v: forms.parse_endpoint(v, PUSH_HOSTS), ()),
    "device_label": (forms.device_label, ()),
}
LOG_FIELDS = (
    "kind",
    "id",
    "at",
    "step",
    "before",
    "after",
    "response",
    "note",
    "person",
    "person_id",
    "new_person_role",
    "bid",
)
MAPPING_VALIDATORS: dict[str, Callable[[object], object]] = {
    **{
        f"parse_log.{name}": (
            lambda v, n=name: forms.parse_log({"kind": "closeness", n: v}, tz="Europe/Berlin", now=NOW)
        )
        for name in LOG_FIELDS
    },
    "parse_person": lambda v: forms.parse_person({"nickname": v, "role": v}),
    "parse_settings": lambda v: forms.parse_settings({"timezone": v, "weekly_target": v}),
    "parse_pause": lambda v: forms.parse_pause({"start": v, "end": "2026-05-01", "reason": v}),
    "parse_pause.end": lambda v: forms.parse_pause({"start": "2026-05-01", "end": v}),
    "parse_checkin": lambda v: forms.parse_checkin(dict.fromkeys(forms.CHECKIN_KEYS, v)),
    "parse_rule": lambda v: forms.parse_rule({"days": [v], "time": v, "kind": v, "enabled": v}),
    "parse_rule.days": lambda v: forms.parse_rule({"days": v, "time": "09:00"}),
    "parse_rule.channels": lambda v: forms.parse_rule({"days": ["mon"], "time": "09:00", "channels": v}),
    "parse_subscription": lambda v: forms.parse_subscription(
        {"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": v, "auth": v}, "expirationTime": v},
        PUSH_HOSTS,
    ),
    "parse_subscription.body": lambda v: forms.parse_subscription(v, PUSH_HOSTS),
    "parse_plan": lambda v: forms.parse_plan({"kind": v, "when": v, "then": v}),
    "plan_text_problem": lambda v: forms.plan_text_problem(v, raw=True),
}
QUERY_VALIDATORS: dict[str, Callable[[], object]] = {
    "history._number": lambda: history._number("page"),
    "parse_date_arg": lambda: forms.parse_date_arg(request.args.get("from"), "from"),
}


@pytest.mark.parametrize("name", TEXT_VALIDATORS)
@PROPERTY
@given(value=ANY_TEXT)
def test_text_validators_answer_any_text_with_bounded_work(seen, name, value):
    validator, expected = TEXT_VALIDATORS[name]
    seen.clear()
    answered(lambda: validator(value), *expected)
    bounded(seen, len(value))


@pytest.mark.parametrize("name", MAPPING_VALIDATORS)
@PROPERTY
@given(value=ANY_VALUE)
def test_form_and_json_validators_answer_any_value_with_bounded_work(seen, name, value):
    seen.clear()
    answered(lambda: MAPPING_VALIDATORS[name](value))
    bounded(seen, len(value) if isinstance(value, str) else 0)


@pytest.mark.parametrize("name", QUERY_VALIDATORS)
@QUERY_PROPERTY
@given(value=ANY_TEXT.map(lambda text: text.encode(errors="replace").decode()))  # a URL holds UTF-8
def test_query_string_validators_answer_any_text_with_bounded_work(seen, name, value):
    seen.clear()
    app = Flask(__name__)
    with app.test_request_context(query_string={"page": value, "from": value}):
        answered(QUERY_VALIDATORS[name])
    bounded(seen, len(value))


class Account:
    timezone = "Europe/Berlin"


def export_with(part: str, items: object) -> str:
    return json.dumps({"version": 1, part: items})


ITEM = {
    "people": lambda v: {"nickname": v, "role": v, "archived": v, "created_at": v},
    "logs": lambda v: {
        "id": str(uuid.uuid4()),
        "kind": "closeness",
        "at": "2026-05-01T10:00:00Z",
        "local_date": v,
        "note": v,
    },
    "pauses": lambda v: {"start_date": v, "end_date": v, "reason": v},
    "reminders": lambda v: {"days": v, "time": v, "kind": v, "enabled": v, "purpose": v},
    "checkins": lambda v: {"month": v, "c1": v},
    "plans": lambda v: {"kind": "space", "when": v, "then": v, "active": v, "created_at": v},
}


@pytest.mark.parametrize("part", ITEM)
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=ANY_VALUE, copies=st.integers(min_value=1, max_value=2000))
def test_the_import_answers_any_file_with_work_linear_in_its_size(seen, part, value, copies):
    item = ITEM[part](value)
    copies = min(copies, max(1, 2 * forms.IMPORT_MAX_BYTES // len(json.dumps(item))))  # up to 2 MB
    raw = export_with(part, [item] * copies)
    seen.clear()
    answered(lambda: portability.parse_export(raw.encode(), Account(), NOW))
    bounded(seen, len(raw), per_char=8)


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=st.one_of(HUGE, st.binary(max_size=2000), JSONISH.map(json.dumps)))
def test_the_import_answers_any_bytes(seen, value):
    raw = value.encode(errors="surrogatepass") if isinstance(value, str) else value
    seen.clear()
    answered(lambda: portability.parse_export(raw, Account(), NOW))
    bounded(seen, len(raw))


# --- The email address of the report: 30 KB kept a worker busy for about 9 seconds ------------------


@pytest.mark.parametrize("tail", [" ", "!", "@", "\x00", ""])
def test_a_30_kb_email_is_refused_with_the_usual_message_before_any_pattern_runs(seen, tail):
    address = "a@" + "a." * 15_000 + tail
    with pytest.raises(InvalidInput) as raised:
        forms.parse_email(address)
    assert raised.value.errors == {"email": "Enter a valid email address."}
    assert all(length <= forms.EMAIL_MAX for _, length in seen)


# --- The patterns themselves ----------------------------------------------------------------------

# A pattern with two unbounded repeats is listed here with the reason its matching stays linear.
LINEAR_BY_SHAPE = {
    "views.api.base.STEP_SHAPE": "its two runs of spaces sit either side of a digit neither can match, and "
    "check_shapes gives it at most 64 characters",
    "views.api.base.SCORE_SHAPE": "as STEP_SHAPE: spaces either side of digits, at most 64 characters",
}


def _repeats(parsed, inside_repeat: bool = False) -> tuple[int, bool]:
    """How many unbounded repeats a parsed pattern has, and whether a repeat sits inside another."""
    unbounded, nested = 0, False
    for op, value in parsed:
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            _low, high, body = value
            unbounded += high == sre.MAXREPEAT
            nested |= inside_repeat
            inner = _repeats(body, inside_repeat=high > 1)
        elif op == sre.SUBPATTERN:
            inner = _repeats(value[-1], inside_repeat)
        elif op == sre.BRANCH:
            inner = [_repeats(branch, inside_repeat) for branch in value[1]]
            inner = (max(n for n, _ in inner), any(x for _, x in inner))
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            inner = _repeats(value[1], inside_repeat)
        elif op == sre.ATOMIC_GROUP:
            inner = _repeats(value, inside_repeat)
        else:
            continue
        unbounded, nested = unbounded + inner[0], nested or inner[1]
    return unbounded, nested


def _patterns() -> dict[str, re.Pattern]:
    """Every module-level pattern of the app, by module and name."""
    found = {}
    for path in sorted(TRACKER.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(TRACKER.parent).with_suffix("").parts).removesuffix(".__init__")
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found[f"{name.removeprefix('tracker.')}.{attr}"] = value
    return found


def test_no_pattern_in_the_app_can_backtrack_beyond_linear():
    patterns = _patterns()
    assert "forms._ISO_DAY" in patterns and "forms._ISO_MONTH" in patterns
    for name, pattern in patterns.items():
        unbounded, nested = _repeats(sre_parse.parse(pattern.pattern, pattern.flags))
        assert not nested, f"{name} has a quantifier inside a quantifier"
        assert unbounded <= 1 or name in LINEAR_BY_SHAPE, f"{name} has {unbounded} unbounded quantifiers"


def test_every_regex_is_a_module_level_pattern_so_the_spies_see_it():
    inline = re.compile(r"\bre\.(match|fullmatch|search|findall|finditer|sub|subn|split)\(")
    for path in TRACKER.rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            assert not inline.search(line), f"{path.name}:{number} runs a regex that is not a named pattern"
            if "re.compile(" in line:
                assert not line[:1].isspace(), f"{path.name}:{number} compiles a pattern inside a function"
