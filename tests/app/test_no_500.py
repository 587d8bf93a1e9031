"""Hostile values that once answered 500 (issue 12, item 7), sent to every route that takes them.

The values: control characters and backslash tricks in `next`, lone surrogates and deep nesting in JSON
bodies, dates at the edges of the calendar, and ids past 64 bits. Routes come from the URL map, so a
new route is covered by itself. No answer may be a 500, a refused request (4xx) changes no row, and a
request that acts never fails afterwards on its redirect.
"""

from __future__ import annotations

import itertools
import json
import uuid

import pytest

from tests.app.test_bad_input import build, cheap_hashing, checksum, signed_in, walker_user
from tests.conftest import FIXED_NOW, make_log, make_person
from tracker import rules
from tracker.models import ApiToken, Log, Pause, Person, ReminderRule
from tracker.security import new_api_token

__all__ = ["cheap_hashing"]  # the autouse fixture: the walk signs in with a cheap password hash

NEXT_VALUES = [
    "/\r\nSet-Cookie: x=1",
    "/%0d%0aX",
    "/\x00",
    "/a\x00b",
    "/\\evil.com",
    "/\\\\evil.com",
    "\\\\evil.com",
    "/\t/evil.com",
    "//evil.com",
    "https://evil.com/",
    "/\u2028x",
    "/" + "x" * 5000,
]
CALENDAR_EDGES = [
    "0001-01",
    "0000-01",
    "9999-12",
    "10000-01",
    "1",
    "9999",
    "0001-01-01",
    "9999-12-31",
    "1999-12-31",
    "2000-01-01",
]
HUGE_IDS = ["99999999999999999999", "18446744073709551616", "9223372036854775808", "2147483648", "0"]
DEEP = "[" * 100_000 + "]" * 100_000
SURROGATE_BODIES = [
    '{"kind": "closeness", "note": "\\ud800"}',
    '{"kind": "closeness", "person": "\\udfff"}',
    '{"\\ud800": 1, "kind": "closeness"}',
    '{"days": ["\\ud800"], "time": "\\ud800", "kind": "\\ud800"}',
    '{"kind": "closeness", "note": ["\\ud800"]}',
]
DEEP_BODIES = [DEEP, '{"kind": ' + DEEP + "}", '{"note": ' + "[" * 5000 + "]" * 5000 + "}"]
DATE_ARGS = ("day", "month", "from", "to", "year")
ID_ARGS = (
    "person",
    "person_id",
    "who",
    "page",
    "rule_id",
    "id",
    "log_id",
    "step",
    "before",
    "after",
    "weekly_target",
    "kind",
)


def routes(app, methods: set[str]) -> list:
    """Every rule of the URL map (static files aside) with at least one of the methods."""
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint != "static" and r.methods & methods),
        key=lambda r: r.rule,
    )


def own_things(user) -> dict[str, str]:
    """Fresh things of the signed-in user, so a route that acts really acts (and then redirects).

    The last call's things go first, or pages listing them would grow with every request of the walk.
    """
    Log.delete().where(Log.user == user).execute()
    for model in (Person, Pause, ReminderRule):
        model.delete().where(model.user == user).execute()
    ApiToken.delete().where(ApiToken.user == user, ApiToken.name != "walk").execute()
    person = make_person(user, f"P{uuid.uuid4().hex[:8]}")
    log = make_log(user, person=person)
    pause = Pause.create(user=user, start_date=FIXED_NOW.date(), end_date=FIXED_NOW.date())
    rule = rules.create_rule(user, rules.parse_rule({"days": ["wed"], "time": "12:00"}), FIXED_NOW)
    token = ApiToken.create(user=user, name="t", token_hash=new_api_token()[1])
    ids = {"person": person.id, "log": log.id, "pause": pause.id, "rule": rule.id, "token": token.id}
    return {name: str(value) for name, value in ids.items()}


def fill(rule, ids: dict[str, str]) -> str:
    """The rule's path with the user's own ids (and a real kind, a plausible token) in its arguments."""
    values = {}
    for name in rule.arguments:
        if name == "kind":
            values[name] = "closeness"
        elif name in ("ym", "day_iso", "year_str", "number"):
            values[name] = {"ym": "2026-05", "day_iso": "2026-05-13", "year_str": "2026", "number": "1"}[name]
        else:
            values[name] = next((ids[key] for key in ids if key in name), "x")
    return build(rule, values)


class Client:
    """The signed-in user's requests; every answer is checked and a refused one must change nothing."""

    def __init__(self, app):
        self.client = app.test_client()
        self.user = walker_user()
        self.csrf = signed_in(self.client, self.user)
        self.bearer = new_api_token()
        ApiToken.create(user=self.user, name="walk", token_hash=self.bearer[1])

    def send(self, method: str, path: str, what: str, bearer: bool = False, **kwargs):
        headers = kwargs.pop("headers", {})
        if bearer:
            headers["Authorization"] = f"Bearer {self.bearer[0]}"
        else:
            headers["X-CSRFToken"] = self.csrf
        if isinstance(kwargs.get("data"), dict):
            kwargs["data"] = {**kwargs["data"], "csrf_token": self.csrf}
        before = checksum()
        response = self.client.open(path, method=method, headers=headers, **kwargs)
        what = f"{method} {path[:80]!r} {what[:80]!r}"
        assert response.status_code < 500, f"{response.status_code} for {what}"
        if 400 <= response.status_code < 500:
            assert checksum() == before, f"{response.status_code} changed rows for {what}"
        if path.startswith("/api/") and response.status_code >= 400:
            assert response.is_json and set(response.get_json()) == {"error", "field"}, what
        if path in ("/logout", "/account/delete") or response.status_code == 401:
            self.csrf = signed_in(self.client, self.user)
        return response


def assert_safe_location(response, what: str) -> None:
    """A redirect stays on this site: a path, no backslash, no control character."""
    location = response.headers.get("Location")
    if location is None:
        return
    assert location.startswith("/") and not location.startswith("//"), f"{location!r} for {what}"
    assert "\\" not in location and location.isprintable(), f"{location!r} for {what}"


# --- `next` -------------------------------------------------------------------------------------


def test_a_hostile_next_never_fails_any_route(app):
    """Every route, with each hostile `next` in the query and the form, and things it can act on."""
    walk = Client(app)
    for rule, value in itertools.product(routes(app, {"GET", "POST"}), NEXT_VALUES):
        if rule.rule in ("/logout", "/account/delete") or rule.rule.startswith("/api/"):
            continue
        path = fill(rule, own_things(walk.user))
        for method in sorted(rule.methods & {"GET", "POST"}):
            kwargs = {"query_string": {"next": value}}
            if method == "POST":
                kwargs["data"] = {"next": value}
            response = walk.send(method, path, f"next={value}", **kwargs)
            assert_safe_location(response, f"{method} {rule.rule} next={value!r}")


@pytest.mark.parametrize("value", [value for value in NEXT_VALUES if "%" not in value])
def test_deleting_a_log_with_a_hostile_next_deletes_and_goes_home(app, value):
    """It used to delete the log and then fail on the redirect (Werkzeug refuses a newline there)."""
    walk = Client(app)
    log = make_log(walk.user)
    response = walk.send("POST", f"/logs/{log.id}/delete", value, data={"next": value})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert Log.get_or_none(Log.id == log.id) is None


@pytest.mark.parametrize("value", ["/\r\nX", "/\x00", "/\\evil.com"])
def test_saving_a_log_with_a_hostile_next_saves_and_goes_home(app, value):
    walk = Client(app)
    log = make_log(walk.user)
    response = walk.send("POST", f"/logs/{log.id}", value, data={"note": "kept", "next": value})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert Log.get_by_id(log.id).note == "kept"


@pytest.mark.parametrize("value", ["/\\evil.com", "/\t/evil.com", "/\u2028x"])
def test_the_edit_form_never_carries_a_hostile_next(app, value):
    walk = Client(app)
    log = make_log(walk.user)
    html = walk.send("GET", f"/logs/{log.id}/edit", value, query_string={"next": value}).get_data(
        as_text=True
    )
    assert (
        'action="/logs/' in html and "next=%2F%22" not in html and "evil" not in html and "\u2028" not in html
    )


# --- JSON bodies --------------------------------------------------------------------------------


@pytest.mark.parametrize("bearer", [True, False], ids=["bearer", "session"])
def test_lone_surrogates_and_deep_nesting_are_refused_everywhere(app, bearer):
    """Every route that takes a body, with JSON that parses into no storable text or not at all."""
    walk = Client(app)
    for rule in routes(app, {"POST", "PATCH", "DELETE", "PUT"}):
        if rule.rule in ("/logout", "/account/delete") or (bearer and not rule.rule.startswith("/api/")):
            continue
        for method, body in itertools.product(
            sorted(rule.methods & {"POST", "PATCH", "DELETE", "PUT"}), SURROGATE_BODIES + DEEP_BODIES
        ):
            path = fill(rule, own_things(walk.user))
            headers = {"Content-Type": "application/json"}
            response = walk.send(method, path, body[:40], bearer=bearer, data=body, headers=headers)
            if path.startswith("/api/") and method != "DELETE":
                assert response.status_code == 400, f"{method} {path} {body[:40]}"


@pytest.mark.parametrize("body", SURROGATE_BODIES[:2] + DEEP_BODIES[:1])
def test_a_log_with_a_lone_surrogate_or_deep_nesting_is_a_400(app, body):
    walk = Client(app)
    headers = {"Content-Type": "application/json"}
    response = walk.send("POST", "/api/v1/logs", body[:40], bearer=True, data=body, headers=headers)
    assert response.status_code == 400
    assert Log.select().count() == 0


def test_a_valid_surrogate_pair_is_text_and_is_stored(app):
    walk = Client(app)
    body = json.dumps({"kind": "closeness", "note": "\U0001f642"})  # json escapes it as a pair
    assert "\\ud83d\\ude42" in body
    response = walk.send(
        "POST", "/api/v1/logs", "pair", bearer=True, data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 201 and response.get_json()["note"] == "\U0001f642"


# --- calendar edges -----------------------------------------------------------------------------


def test_calendar_edges_in_every_path_and_query(app):
    """Every GET route, each edge date in each string argument and in each date-like query argument."""
    walk = Client(app)
    make_log(walk.user)
    ids = own_things(walk.user)
    for rule, value in itertools.product(routes(app, {"GET"}), CALENDAR_EDGES):
        path = build(rule, _args(rule, ids, [n for n in rule.arguments if not is_int(rule, n)], value))
        query = dict.fromkeys(DATE_ARGS, value)
        walk.send("GET", path, f"edge {value}", bearer=rule.rule.startswith("/api/"), query_string=query)


def is_int(rule, name: str) -> bool:
    """Whether the rule's argument takes digits only."""
    return type(rule._converters.get(name)).__name__ == "IntegerConverter"


def _args(rule, ids: dict[str, str], strings: list[str], value: str) -> dict[str, str]:
    values = {name: next((ids[key] for key in ids if key in name), "1") for name in rule.arguments}
    return {**values, **dict.fromkeys(strings, value)}


@pytest.mark.parametrize(
    "url",
    [
        "/month/0001-01",
        "/month/9999-12",
        "/month/9999-12?day=9999-12-31",
        "/year/1",
        "/year/0001",
        "/year/9999",
        "/day/0001-01-01",
        "/day/9999-12-31",
        "/day/9999-12-31?panel=month",
    ],
)
def test_pages_at_the_edges_of_the_calendar_are_404(app, url):
    walk = Client(app)
    assert (
        walk.send("GET", url, "", headers={"HX-Request": "true"} if "panel" in url else {}).status_code == 404
    )


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2028-01"])
def test_the_summary_of_a_month_past_next_year_is_a_400(app, month):
    walk = Client(app)
    response = walk.send("GET", f"/api/v1/summary?month={month}", "", bearer=True)
    assert response.status_code == 400 and response.get_json()["field"] == "month"


def test_next_year_is_the_last_page(app):
    """The clock says 2026: December 2027 still shows (empty), January 2028 is past the end."""
    walk = Client(app)
    assert walk.send("GET", "/month/2027-12", "").status_code == 200
    assert walk.send("GET", "/year/2027", "").status_code == 200
    assert walk.send("GET", "/month/2028-01", "").status_code == 404
    assert walk.send("GET", "/api/v1/summary?month=2027-12", "", bearer=True).status_code == 200


# --- ids past 64 bits ---------------------------------------------------------------------------


def test_huge_ids_in_every_path_query_and_form(app):
    """Every integer path argument, and every id-like query and form field, with ids no row can have."""
    walk = Client(app)
    for rule, value in itertools.product(routes(app, {"GET", "POST", "PATCH", "DELETE"}), HUGE_IDS):
        if rule.rule in ("/logout", "/account/delete"):
            continue
        ids = own_things(walk.user)
        values = {name: next((ids[key] for key in ids if key in name), value) for name in rule.arguments}
        values |= {name: value for name in rule.arguments if is_int(rule, name)}
        path = build(rule, values)
        api = rule.rule.startswith("/api/")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            fields = dict.fromkeys(ID_ARGS, value)
            kwargs = {"query_string": fields}
            if method != "GET":
                kwargs |= {"json": fields} if api else {"data": fields}
            response = walk.send(method, path, f"id {value}", bearer=api, **kwargs)
            if any(is_int(rule, name) for name in rule.arguments):
                assert response.status_code == 404, f"{response.status_code} {method} {path}"


@pytest.mark.parametrize("path", ["/people/99999999999999999999", "/people/2147483648", "/people/0"])
def test_a_person_id_past_the_column_is_404_for_get(app, path):
    """It answered 405 (Werkzeug reported the POST rule's methods) instead of saying nothing is here."""
    assert Client(app).send("GET", path, "").status_code == 404


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
@pytest.mark.parametrize("rule_id", ["99999999999999999999", "2147483648", "0"])
def test_a_reminder_id_past_the_column_is_a_json_404(app, method, rule_id):
    walk = Client(app)
    response = walk.send(method, f"/api/v1/reminders/{rule_id}", "", bearer=True, json={"enabled": False})
    assert response.status_code == 404 and response.get_json()["error"]


@pytest.mark.parametrize("log_id", ["not-a-uuid", "99999999999999999999", "\u0663", "x" * 700])
def test_a_log_id_that_is_no_uuid_is_a_json_404(app, log_id):
    walk = Client(app)
    for method in ("GET", "PATCH", "DELETE"):
        response = walk.send(method, f"/api/v1/logs/{log_id}", "", bearer=True, json={"note": "x"})
        assert response.status_code == 404, method
