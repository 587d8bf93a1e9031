"""Bad input everywhere: every route of the URL map (so a new route is walked automatically), every
method, with malformed, oversized, wrong-type, missing and hostile values in the path, the query,
form fields and JSON bodies, sent by a signed-in user who owns nothing of what the ids point at.

No answer may be a 500; a 4xx answer must store nothing (row counts of every table); no HTML answer
may reflect an unescaped script; and the other user's data must come out untouched. Values are
sampled (each field takes a different one per request), not crossed, so a run takes seconds.
"""

from __future__ import annotations

import itertools
import json
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from argon2 import PasswordHasher

from tests.conftest import FIXED_NOW, PASSWORD, make_log, make_person, make_user
from tracker import portability, rules, security
from tracker.models import ApiToken, Pause, UserSession, database
from tracker.security import new_api_token

TEMPLATES = Path(__file__).parents[2] / "templates"
SCRIPT = "<script>alert(1)</script>"
HOSTILE = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1'; DROP TABLE users; --",
    "",
    "a\x00b",
    "\x00",
    "\u202eevil\u200f",
    "\U0001f642 \U0001d518\u0301",
    "\u0663",  # an Arabic-Indic digit three
    "9" * 400,
    "-1",
    "1e309",
    "NaN",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00:00+00:00",
    "9999-12-31T23:59:59Z",
    "Mars/Olympus",
    "../../etc/passwd",
    "x" * 5000,
    "on",
    "new",
]
WRONG_TYPES = [
    None,
    True,
    [],
    {},
    [SCRIPT],
    {"$gt": ""},
    10**30,
    -(2**63),
    1.5e308,
    "x" * 5000,
    SCRIPT,
    [[[[[]]]]],
]
JSON_FIELDS = (
    "id",
    "kind",
    "step",
    "at",
    "person",
    "before",
    "after",
    "response",
    "note",
    "days",
    "time",
    "enabled",
    "channels",
    "endpoint",
    "keys",
    "expirationTime",
)
PATH_STRINGS = [SCRIPT, "0001-01", "9999-12-31", "\x00", "\u202e1", "x" * 700, "99999999999999999999", "-1"]
ARG = re.compile(r"<(?:[^<>]*:)?(\w+)>")


def field_names() -> list[str]:
    """Every form field name in the templates, and the JSON API's, so new forms are covered too."""
    names = set(JSON_FIELDS)
    for path in TEMPLATES.rglob("*.html"):
        names |= set(re.findall(r'\bname="([a-z_]+)"', path.read_text()))
    return sorted(names - {"csrf_token", "viewport", "description"})


_COUNT_SQL: dict[str, str] = {}


def checksum() -> tuple:
    """Row counts of every table, in one query (the table list is read once per database)."""
    key = str(database.obj.database)
    if key not in _COUNT_SQL:
        names = sorted(name for name in database.get_tables() if name != "schema_version")
        _COUNT_SQL[key] = "SELECT " + ", ".join(f'(SELECT COUNT(*) FROM "{name}")' for name in names)  # noqa: S608
    return tuple(database.execute_sql(_COUNT_SQL[key]).fetchone())


@pytest.fixture
def target():
    """Another user's things: the ids the walk tries to reach."""
    bo = make_user("bo@example.com")
    person = make_person(bo, "Bo's friend")
    log = make_log(bo, person=person, note="private")
    pause = Pause.create(user=bo, start_date=FIXED_NOW.date(), end_date=FIXED_NOW.date())
    rule = rules.create_rule(bo, rules.parse_rule({"days": ["wed"], "time": "12:00"}), FIXED_NOW)
    token = ApiToken.create(user=bo, name="bo's", token_hash=new_api_token()[1])
    ids = {"person": person.id, "log": log.id, "pause": pause.id, "rule": rule.id, "token": token.id}
    return bo, {name: str(value) for name, value in ids.items()}


def path_values(rule, ids: dict[str, str]) -> list[dict[str, str]]:
    """A few fillings of the rule's arguments: the other user's id, a limit, hostile strings."""
    if not rule.arguments:
        return [{}]
    fillings = []
    for sample in range(2):
        values = {}
        for name in rule.arguments:
            converter = type(rule._converters.get(name)).__name__  # absent: the string default
            own = next((ids[key] for key in ids if key in name), ids["log"])
            if converter == "IntegerConverter":
                values[name] = [own, "2147483647", "1"][sample]
            else:
                values[name] = [own, *PATH_STRINGS][(sample * 3 + len(name)) % (len(PATH_STRINGS) + 1)]
        fillings.append(values)
    return fillings


def build(rule, values: dict[str, str]) -> str:
    return ARG.sub(lambda m: quote(values[m.group(1)], safe=""), rule.rule)


def form_payloads(names: list[str], ids: dict[str, str]) -> list[dict]:
    """Form bodies: every field a different hostile value each time, one with lists, one empty."""
    pool = HOSTILE + list(ids.values())
    bodies = [{name: pool[(i * 7 + n) % len(pool)] for n, name in enumerate(names)} for i in range(3)]
    bodies.append({name: [pool[n % len(pool)], SCRIPT] for n, name in enumerate(names)})
    bodies.append({})
    return bodies


def json_payloads(ids: dict[str, str]) -> list:
    """JSON bodies: wrong types per field, the other user's ids, and things that are no object."""
    values = WRONG_TYPES + HOSTILE[:8]
    bodies: list = [
        {name: values[(i * 5 + n) % len(values)] for n, name in enumerate(JSON_FIELDS)} for i in range(3)
    ]
    bodies.append({"id": ids["log"], "kind": "closeness", "person": SCRIPT, "note": SCRIPT})
    bodies += [[], "text"]
    return bodies


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """Argon2 is slow on purpose; the walk checks answers, not hashing, so it uses a cheap one."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(security, "_hasher", cheap)
    monkeypatch.setattr(security, "_DUMMY_HASH", cheap.hash("not a password of anyone"))


def walker_user():
    """The signed-in user of the walk, with a cheaply hashed password."""
    user = make_user("ana@example.com")
    user.password_hash = security.hash_password(PASSWORD)
    user.save()
    return user


def signed_in(client, user) -> str:
    """Sign the client in as the user without a password round (Argon2 is slow); the CSRF token."""
    with client.session_transaction() as session:
        session["_user_id"] = UserSession.start(user, False, FIXED_NOW, timedelta(days=90))
        session["_fresh"] = True
    html = client.get("/about").get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


def check(response, what: str) -> None:
    assert response.status_code < 500, f"{response.status_code} for {what}"
    if response.mimetype == "text/html":
        body = response.get_data(as_text=True)
        assert "<script>alert(1)" not in body and "<img src=x" not in body, f"reflected for {what}"


class Walker:
    """Sends requests as the signed-in user, checks each answer, and signs in again after a sign-out."""

    def __init__(self, client, user):
        self.client, self.user = client, user
        self.token = signed_in(client, user)
        self.rows = checksum()  # row counts after the last request that could write

    def send(self, path: str, method: str, what: str, **kwargs) -> None:
        if "json" in kwargs:
            kwargs["data"] = json.dumps(kwargs.pop("json"))
            kwargs["headers"] = {"X-CSRFToken": self.token, "Content-Type": "application/json"}
        elif isinstance(kwargs.get("data"), dict):
            kwargs["data"] = {**kwargs["data"], "csrf_token": self.token}
        else:
            kwargs["headers"] = {**kwargs.get("headers", {}), "X-CSRFToken": self.token}
        response = self.client.open(path, method=method, **kwargs)
        what = f"{method} {path} {what}"
        check(response, what)
        if 400 <= response.status_code < 500 or method != "GET":  # (a GET writes nothing; checked on 4xx)
            rows = checksum()
            if 400 <= response.status_code < 500:
                assert rows == self.rows, f"{response.status_code} stored something for {what}"
            self.rows = rows
        if response.status_code == 302 and response.headers["Location"].startswith("/login"):
            raise AssertionError(f"signed out before {method} {path}")
        if path in ("/logout", "/account/delete") or response.status_code == 401:
            self.token = signed_in(self.client, self.user)
            self.rows = checksum()  # signing in stores a session


CHUNKS = 3  # the walk is split so parallel workers share it


def all_rules(app) -> list:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"), key=lambda r: r.rule
    )


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_every_route_survives_bad_input(app, target, chunk):
    bo, ids = target
    theirs_before = portability.export_data(bo, FIXED_NOW)
    names = field_names()
    forms, bodies = form_payloads(names, ids), json_payloads(ids)
    walker = Walker(app.test_client(), walker_user())  # owns nothing of the target
    walked = set()
    rules_ = all_rules(app)[chunk::CHUNKS]
    for rule in rules_:
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        for values, method in itertools.product(path_values(rule, ids), methods):
            path = build(rule, values)
            walked.add((rule.rule, method))
            if method == "GET":
                for query in forms[::3]:
                    walker.send(path, method, f"?{str(query)[:60]}", query_string=query)
                continue
            for body in forms:
                walker.send(path, method, f"form {str(body)[:60]}", data=body)
            # Form views read no JSON: two bodies there check that; the API gets them all.
            for body in bodies if path.startswith("/api/") else bodies[::3]:
                walker.send(path, method, f"json {str(body)[:60]}", json=body)
            walker.send(
                path,
                method,
                "broken json",
                data=b'{"kind": "clo',
                headers={"Content-Type": "application/json"},
            )
        # Every hostile string once in each string argument of the path (NUL, RTL, overlong, ...).
        strings = [
            name
            for name in rule.arguments
            if rule._converters.get(name) is None
            or type(rule._converters[name]).__name__ != "IntegerConverter"
        ]
        for value, method in itertools.product(PATH_STRINGS, methods if strings else []):
            path = build(rule, {**path_values(rule, ids)[0], **dict.fromkeys(strings, value)})
            walker.send(path, method, "hostile path", data={})
    assert {rule.rule for rule in rules_} == {path for path, _ in walked}
    assert portability.export_data(bo, FIXED_NOW) == theirs_before  # the other user's data is untouched


def test_the_api_with_a_bearer_token_survives_bad_input(app, target):
    """The API once more as a script would call it: a token in a header and no session."""
    _, ids = target
    user = walker_user()
    secret, digest = new_api_token()
    ApiToken.create(user=user, name="mine", token_hash=digest)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = build(rule, path_values(rule, ids)[0])
            for body in json_payloads(ids):
                before = checksum()
                response = client.open(path, method=method, data=json.dumps(body), headers=headers)
                check(response, f"{method} {path} bearer json")
                if 400 <= response.status_code < 500:
                    assert checksum() == before, f"{method} {path} stored something"
                no_content = response.status_code == 204 and not response.data
                assert no_content or response.is_json, f"{method} {path} answered {response.mimetype}"
