"""JSON API v1: auth (bearer tokens, session + CSRF header), kinds, logs, idempotent replay, 400s, dates."""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import UTC, date, datetime, timedelta

import peewee
import pytest

from tests.conftest import FIXED_NOW, csrf_token, make_log, make_person, make_user
from tracker.models import ApiToken, Log, Person, User, naive_utc
from tracker.security import new_api_token

LOGS = "/api/v1/logs"


def bearer(user: User, name: str = "script") -> dict[str, str]:
    """Headers carrying a fresh personal access token of `user` (stored as a hash, like settings do)."""
    token, digest = new_api_token()
    ApiToken.create(user=user, name=name, token_hash=digest, created_at=naive_utc(FIXED_NOW))
    return {"Authorization": f"Bearer {token}"}


class Api:
    """A client calling the API with fixed headers."""

    def __init__(self, client, headers: dict[str, str]):
        self.client, self.headers = client, headers

    def get(self, url: str, **kwargs):
        return self.client.get(url, headers=self.headers, **kwargs)

    def post(self, url: str, json=None, **kwargs):
        return self.client.post(url, json=json, headers=self.headers, **kwargs)

    def patch(self, url: str, json=None, **kwargs):
        return self.client.patch(url, json=json, headers=self.headers, **kwargs)

    def delete(self, url: str, **kwargs):
        return self.client.delete(url, headers=self.headers, **kwargs)


@pytest.fixture
def api(client, user) -> Api:
    """The API as `user` (Europe/Berlin) with a bearer token."""
    return Api(client, bearer(user))


def api_as(client, email: str, timezone: str) -> tuple[Api, User]:
    """The API as a new user in another time zone."""
    other = make_user(email, timezone=timezone)
    return Api(client, bearer(other)), other


def assert_error(response, status: int, field: str | None) -> dict:
    """An error answer: JSON `{"error", "field"}` with a message for people."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"error", "field"}
    assert isinstance(body["error"], str) and body["error"]
    assert body["field"] == field
    return body


# --- Auth ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/kinds"),
        ("get", LOGS),
        ("get", f"{LOGS}/5f0c2f4e-9d0e-4c3b-8a1e-2b7f6d1c9a00"),
    ],
)
def test_no_auth_answers_401_json(client, method, url):
    assert_error(getattr(client, method)(url), 401, None)


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_no_auth_state_change_answers_401_json(client, method):
    url = LOGS if method == "post" else f"{LOGS}/{uuid.uuid4()}"
    response = getattr(client, method)(url, json={"kind": "closeness"})
    assert_error(response, 401, None)
    assert Log.select().count() == 0


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer sb_not-a-real-token",
        "Bearer ",
        "Bearer",
        "Token {token}",
        "Basic dXNlcjpwYXNz",
        "Bearer " + "x" * 201,
    ],
)
def test_wrong_or_malformed_bearer_answers_401(client, user, authorization):
    token = bearer(user)["Authorization"].removeprefix("Bearer ")
    headers = {"Authorization": authorization.format(token=token)}
    assert_error(client.get(LOGS, headers=headers), 401, None)


def test_wrong_bearer_wins_over_a_valid_session(client, logged_in):
    response = client.get(LOGS, headers={"Authorization": "Bearer sb_wrong"})
    assert_error(response, 401, None)


def test_wrong_bearer_post_stores_nothing(client, user):
    headers = {"Authorization": "Bearer sb_wrong"}
    assert_error(client.post(LOGS, json={"kind": "closeness"}, headers=headers), 401, None)
    assert Log.select().count() == 0


def test_bearer_token_works_without_csrf_and_records_last_use(client, user, clock):
    headers = bearer(user)
    clock.now = FIXED_NOW + timedelta(hours=1)
    response = client.post(LOGS, json={"kind": "closeness"}, headers=headers)
    assert response.status_code == 201
    assert Log.get().user_id == user.id
    assert ApiToken.get().last_used_at == naive_utc(clock.now)


def test_last_use_is_written_at_most_hourly(client, user, clock):
    headers = bearer(user)
    client.get(LOGS, headers=headers)
    first = ApiToken.get().last_used_at
    clock.now += timedelta(minutes=59)
    client.get(LOGS, headers=headers)
    assert ApiToken.get().last_used_at == first
    clock.now += timedelta(minutes=1)
    client.get(LOGS, headers=headers)
    assert ApiToken.get().last_used_at == naive_utc(clock.now)


def test_bearer_token_acts_for_its_owner_only(client, user):
    other = make_user("ben@example.com")
    make_log(other, note="secret of Ben")
    mine = make_log(user, note="note of Ana")
    response = client.get(LOGS, headers=bearer(user))
    assert [log["id"] for log in response.get_json()["logs"]] == [str(mine.id)]
    assert "secret of Ben" not in response.get_data(as_text=True)


def test_cli_token_prints_a_token_and_stores_only_its_hash(app, runner, client, user):
    result = runner.invoke(args=["tracker", "token", "--email", "ANA@example.com", "--name", "shortcut"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert re.fullmatch(r"sb_[A-Za-z0-9_-]{40,}", token)
    stored = ApiToken.get()
    assert (stored.user_id, stored.name) == (user.id, "shortcut")
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash
    response = client.get("/api/v1/kinds", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_cli_token_for_an_unknown_email_fails(runner, user):
    result = runner.invoke(args=["tracker", "token", "--email", "nobody@example.com"])
    assert result.exit_code != 0
    assert "No account for nobody@example.com" in result.output
    assert ApiToken.select().count() == 0


def test_settings_create_a_token_shown_once_and_revoke_it(client, logged_in, user):
    page = logged_in.post("/settings/tokens", {"name": "phone shortcut"}).get_data(as_text=True)
    token = re.search(r'<code class="token">(sb_[^<]+)</code>', page).group(1)
    assert token not in ApiToken.get().token_hash
    assert token not in client.get("/settings").get_data(as_text=True)  # shown once
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(LOGS, headers=headers).status_code == 200

    response = logged_in.post(f"/settings/tokens/{ApiToken.get().id}/delete")
    assert response.status_code == 303
    assert ApiToken.select().count() == 0
    assert_error(client.get(LOGS, headers=headers), 401, None)


@pytest.mark.parametrize("name", ["", "   ", "x" * 61])
def test_settings_token_needs_a_name(client, logged_in, name):
    response = logged_in.post("/settings/tokens", {"name": name})
    assert response.status_code == 422
    assert "Name the token" in response.get_data(as_text=True)
    assert ApiToken.select().count() == 0


def test_session_post_without_csrf_header_is_400_json_and_stores_nothing(client, logged_in):
    response = client.post(LOGS, json={"kind": "closeness"})
    assert_error(response, 400, None)
    assert Log.select().count() == 0


def test_session_post_with_a_wrong_csrf_header_is_400(client, logged_in):
    response = client.post(LOGS, json={"kind": "closeness"}, headers={"X-CSRFToken": "forged"})
    assert_error(response, 400, None)
    assert Log.select().count() == 0


def test_session_with_csrf_header_can_create_patch_and_delete(client, logged_in, user):
    headers = {"X-CSRFToken": csrf_token(client)}
    response = client.post(LOGS, json={"kind": "confide"}, headers=headers)
    assert response.status_code == 201
    log_id = response.get_json()["id"]
    assert client.patch(f"{LOGS}/{log_id}", json={"after": 6}, headers=headers).get_json()["after"] == 6
    assert client.patch(f"{LOGS}/{log_id}", json={"after": 7}).status_code == 400  # header missing
    assert client.delete(f"{LOGS}/{log_id}").status_code == 400
    assert client.delete(f"{LOGS}/{log_id}", headers=headers).status_code == 204
    assert Log.select().count() == 0


def test_session_reads_need_no_csrf_header(client, logged_in, user):
    make_log(user)
    assert len(client.get(LOGS).get_json()["logs"]) == 1
    assert client.get("/api/v1/kinds").status_code == 200


def test_unknown_api_route_answers_json(api):
    assert_error(api.get("/api/v1/nothing"), 404, None)
    assert_error(api.get(f"{LOGS}/"), 404, None)


def test_wrong_method_with_a_bearer_token_answers_405_json(api):
    response = api.client.put(LOGS, json={"kind": "closeness"}, headers=api.headers)
    assert_error(response, 405, None)
    assert "POST" in response.headers["Allow"]


# --- Kinds --------------------------------------------------------------------------------------


def test_kinds_list_all_ten_with_label_group_and_ladder(api):
    response = api.get("/api/v1/kinds")
    assert response.status_code == 200
    kinds = response.get_json()["kinds"]
    assert [k["key"] for k in kinds] == [
        "closeness",
        "receive",
        "space",
        "trust_space",
        "support",
        "confide",
        "respond",
        "repair",
        "recall",
        "widen",
    ]
    for kind in kinds:
        assert set(kind) == {"key", "label", "group", "ladder"}
        assert kind["group"] in ("reach", "room", "neutral")
        assert len(kind["ladder"]) == 3 and all(isinstance(step, str) and step for step in kind["ladder"])
    by_key = {k["key"]: k for k in kinds}
    assert (by_key["closeness"]["label"], by_key["closeness"]["group"]) == ("Ask for closeness", "reach")
    assert by_key["trust_space"]["group"] == "room"
    assert by_key["repair"]["group"] == "neutral"


# --- Creating logs ------------------------------------------------------------------------------


def test_create_with_only_a_kind(api, user):
    response = api.post(LOGS, {"kind": "closeness"})
    assert response.status_code == 201
    body = response.get_json()
    assert uuid.UUID(body["id"])
    assert body == {
        "id": body["id"],
        "kind": "closeness",
        "step": None,
        "at": "2026-05-13T10:30:00+00:00",
        "local_date": "2026-05-13",
        "person": None,
        "before": None,
        "after": None,
        "response": None,
        "note": None,
        "bid": None,
    }
    log = Log.get()
    assert (str(log.id), log.user_id, log.at) == (body["id"], user.id, datetime(2026, 5, 13, 10, 30))


def test_create_with_every_field(api, user):
    log_id = str(uuid.uuid4())
    payload = {
        "id": log_id,
        "kind": "support",
        "at": "2026-05-13T08:15:00+02:00",
        "step": 3,
        "person": "Sam",
        "before": 2,
        "after": 8,
        "response": "welcomed",
        "note": "  Asked for comfort.  ",
    }
    response = api.post(LOGS, payload)
    assert response.status_code == 201
    body = response.get_json()
    assert body["id"] == log_id
    assert body["at"] == "2026-05-13T06:15:00+00:00"  # answered in UTC with an explicit offset
    assert body["local_date"] == "2026-05-13"
    assert (body["step"], body["person"], body["before"], body["after"]) == (3, "Sam", 2, 8)
    assert (body["response"], body["note"]) == ("welcomed", "Asked for comfort.")
    log = Log.get_by_id(uuid.UUID(log_id))
    assert (log.kind, log.step, log.before, log.after, log.response) == ("support", 3, 2, 8, "welcomed")
    assert log.at == datetime(2026, 5, 13, 6, 15)
    assert log.person.nickname == "Sam" and log.person.user_id == user.id


@pytest.mark.parametrize(
    ("field", "value"),
    [("step", None), ("before", None), ("after", None), ("response", None), ("note", ""), ("person", "")],
)
def test_create_with_empty_optional_fields(api, field, value):
    response = api.post(LOGS, {"kind": "respond", field: value})
    assert response.status_code == 201
    assert response.get_json()[field] is None
    assert Person.select().count() == 0


def test_numbers_may_come_as_strings(api):
    response = api.post(LOGS, {"kind": "repair", "step": "2", "before": " 0 ", "after": "10"})
    assert response.status_code == 201
    body = response.get_json()
    assert (body["step"], body["before"], body["after"]) == (2, 0, 10)


def test_form_only_fields_are_ignored(api, user):
    other = make_user("ben@example.com")
    bens = make_person(other, "Ben")
    response = api.post(LOGS, {"kind": "closeness", "person_id": bens.id, "user": other.id})
    assert response.status_code == 201
    log = Log.get()
    assert (log.user_id, log.person_id) == (user.id, None)


def test_unknown_person_is_created_as_a_friend(api, user):
    response = api.post(LOGS, {"kind": "closeness", "person": " Robin "})
    assert response.get_json()["person"] == "Robin"
    robin = Person.get()
    assert (robin.user_id, robin.nickname, robin.role, robin.archived) == (user.id, "Robin", "friend", False)


@pytest.mark.parametrize("nickname", ["sam", "SAM", "Sam", "  sAm "])
def test_person_nickname_matches_any_case(api, user, nickname):
    sam = make_person(user, "Sam")
    response = api.post(LOGS, {"kind": "closeness", "person": nickname})
    assert response.get_json()["person"] == "Sam"
    assert Person.select().count() == 1
    assert Log.get().person_id == sam.id


def test_archived_person_is_found_not_duplicated(api, user):
    sam = make_person(user, "Sam", archived=True)
    assert api.post(LOGS, {"kind": "closeness", "person": "sam"}).status_code == 201
    assert Log.get().person_id == sam.id
    assert Person.select().count() == 1


def test_another_users_person_is_never_used(api, user):
    other = make_user("ben@example.com")
    bens_sam = make_person(other, "Sam")
    api.post(LOGS, {"kind": "closeness", "person": "Sam"})
    log = Log.get()
    assert log.person_id != bens_sam.id
    assert log.person.user_id == user.id
    assert Person.select().where(Person.user == other).count() == 1


@pytest.mark.parametrize("nickname", ["Émile", "Zoë", "Ørjan", "李"])
def test_non_ascii_nickname_twice_is_one_person(api, user, nickname):
    for _ in range(2):
        response = api.post(LOGS, {"kind": "recall", "person": nickname})
        assert response.status_code == 201
        assert response.get_json()["person"] == nickname
    assert Person.select().count() == 1
    assert len({log.person_id for log in Log.select()}) == 1


def test_person_created_at_the_same_moment_elsewhere_is_reused(api, user, monkeypatch):
    # Another request stores "Sam" just after our lookup missed: the unique index decides, not a 500.
    original_first = peewee.ModelSelect.first
    raced = []

    def first(self, *args, **kwargs):
        if self.model is Person and not raced:
            raced.append(make_person(user, "Sam", role="family"))
            return None
        return original_first(self, *args, **kwargs)

    monkeypatch.setattr(peewee.ModelSelect, "first", first)
    response = api.post(LOGS, {"kind": "closeness", "person": "sam"})
    assert response.status_code == 201
    assert response.get_json()["person"] == "Sam"
    assert raced and Person.select().count() == 1
    assert Log.get().person_id == raced[0].id


@pytest.mark.parametrize(
    ("at", "expected_utc"),
    [
        ("2026-05-13T10:00:00Z", "2026-05-13T10:00:00+00:00"),
        ("2026-05-13T10:00:00+00:00", "2026-05-13T10:00:00+00:00"),
        ("2026-05-13T14:00:00+04:00", "2026-05-13T10:00:00+00:00"),
        ("2026-05-13T00:00:00-05:00", "2026-05-13T05:00:00+00:00"),
        ("2026-05-13T12:00:00.250000+02:00", "2026-05-13T10:00:00.250000+00:00"),
        ("2026-05-13T12:00", "2026-05-13T10:00:00+00:00"),  # no offset: the user's own zone (CEST)
        ("2026-01-13T12:00", "2026-01-13T11:00:00+00:00"),  # ... in winter (CET)
        ("2000-01-01T00:00:00Z", "2000-01-01T00:00:00+00:00"),  # the earliest allowed
        ("2026-05-13T10:35:00Z", "2026-05-13T10:35:00+00:00"),  # five minutes of clock skew
    ],
)
def test_at_is_stored_and_answered_in_utc(api, at, expected_utc):
    response = api.post(LOGS, {"kind": "closeness", "at": at})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["at"] == expected_utc
    stored = Log.get().at
    assert stored.isoformat() + "+00:00" == expected_utc


# Every bad field answers 400 naming the field and stores nothing.
BAD_FIELDS = [
    ({"kind": "hug_tree"}, "kind"),
    ({}, "kind"),
    ({"kind": ""}, "kind"),
    ({"kind": None}, "kind"),
    ({"kind": ["closeness"]}, "kind"),
    ({"kind": {"key": "closeness"}}, "kind"),
    ({"kind": 3}, "kind"),
    ({"kind": "Closeness"}, "kind"),
    ({"kind": "closeness", "step": 0}, "step"),
    ({"kind": "closeness", "step": 4}, "step"),
    ({"kind": "closeness", "step": "x"}, "step"),
    ({"kind": "closeness", "step": True}, "step"),
    ({"kind": "closeness", "step": 1.5}, "step"),
    ({"kind": "closeness", "step": 2.0}, "step"),
    ({"kind": "closeness", "step": [1]}, "step"),
    ({"kind": "closeness", "before": 11}, "before"),
    ({"kind": "closeness", "before": -1}, "before"),
    ({"kind": "closeness", "before": "-1"}, "before"),
    ({"kind": "closeness", "before": 10**30}, "before"),
    ({"kind": "closeness", "before": False}, "before"),
    ({"kind": "closeness", "after": "7.5"}, "after"),
    ({"kind": "closeness", "after": 7.5}, "after"),
    ({"kind": "closeness", "after": {"value": 7}}, "after"),
    ({"kind": "closeness", "response": "meh"}, "response"),
    ({"kind": "closeness", "response": "Welcomed"}, "response"),
    ({"kind": "closeness", "response": ["welcomed"]}, "response"),
    ({"kind": "closeness", "response": 1}, "response"),
    ({"kind": "closeness", "at": "yesterday"}, "at"),
    ({"kind": "closeness", "at": "2026-13-01T10:00:00Z"}, "at"),
    ({"kind": "closeness", "at": "2026-05-13T10:00:00+25:00"}, "at"),
    ({"kind": "closeness", "at": "0001-01-01T00:00:00+00:00"}, "at"),
    ({"kind": "closeness", "at": "0001-01-01T00:00:00+14:00"}, "at"),
    ({"kind": "closeness", "at": "1999-12-31T23:59:59Z"}, "at"),
    ({"kind": "closeness", "at": "9999-12-31T23:59:59-14:00"}, "at"),
    ({"kind": "closeness", "at": "2026-05-13T10:36:00Z"}, "at"),  # beyond five minutes of skew
    ({"kind": "closeness", "at": "2027-05-13T10:00:00Z"}, "at"),
    ({"kind": "closeness", "at": 1778668200}, "at"),
    ({"kind": "closeness", "at": "2026-05-13T10:00:00" + "0" * 100}, "at"),
    ({"kind": "closeness", "note": "x" * 2001}, "note"),
    ({"kind": "closeness", "note": 42}, "note"),
    ({"kind": "closeness", "note": ["a", "b"]}, "note"),
    ({"kind": "closeness", "note": True}, "note"),
    ({"kind": "closeness", "person": "x" * 41}, "person"),
    ({"kind": "closeness", "person": 7}, "person"),
    ({"kind": "closeness", "person": {"nickname": "Sam"}}, "person"),
    ({"kind": "closeness", "person": "Sam\nBen"}, "person"),
    ({"kind": "closeness", "id": "not-a-uuid"}, "id"),
    ({"kind": "closeness", "id": ""}, "id"),
    ({"kind": "closeness", "id": 12345}, "id"),
    ({"kind": "closeness", "id": ["5f0c2f4e-9d0e-4c3b-8a1e-2b7f6d1c9a00"]}, "id"),
    ({"kind": "closeness", "id": "5f0c2f4e-9d0e-4c3b-8a1e-2b7f6d1c9a0"}, "id"),
]


@pytest.mark.parametrize(("payload", "field"), BAD_FIELDS)
def test_bad_field_answers_400_and_stores_nothing(api, payload, field):
    assert_error(api.post(LOGS, payload), 400, field)
    assert Log.select().count() == 0
    assert Person.select().count() == 0


def test_the_first_bad_field_is_named_when_several_are_bad(api):
    body = assert_error(api.post(LOGS, {"kind": "nope", "before": 99, "note": 1}), 400, "kind")
    assert body["error"] == "Unknown kind of action."
    assert Log.select().count() == 0


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("{not json", "application/json"),
        ('{"kind": "closeness"', "application/json"),
        ('["closeness"]', "application/json"),
        ('[{"kind": "closeness"}]', "application/json"),
        ('"closeness"', "application/json"),
        ("null", "application/json"),
        ("42", "application/json"),
        ("", "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
        ('{"kind": "closeness"}', "text/plain"),
        ("kind=closeness", "application/x-www-form-urlencoded"),
        ('{"kind": "closeness"}', None),
    ],
)
def test_body_that_is_not_a_json_object_answers_400(api, data, content_type):
    kwargs = {"content_type": content_type} if content_type else {}
    response = api.client.post(LOGS, data=data, headers=api.headers, **kwargs)
    assert_error(response, 400, None)
    assert Log.select().count() == 0


def test_note_and_nickname_at_their_limits_are_accepted(api):
    note, nickname = "n" * 2000, "p" * 40
    response = api.post(LOGS, {"kind": "confide", "note": note, "person": nickname})
    assert response.status_code == 201
    assert (response.get_json()["note"], response.get_json()["person"]) == (note, nickname)


def test_note_keeps_its_text_but_never_a_nul_character(api):
    # PostgreSQL cannot store NUL in text; a stray one must not cost the whole note (or a 500).
    response = api.post(LOGS, {"kind": "confide", "note": "line one\nline\x00 two"})
    assert response.status_code == 201
    assert Log.get().note == "line one\nline two"


ODD_VALUES = [[], {}, True, 1.5, -(2**63), "\x00", "x" * 5000, {"$gt": ""}, "null", "☃"]


@pytest.mark.parametrize(
    "field", ["id", "kind", "at", "step", "person", "before", "after", "response", "note"]
)
def test_no_value_in_any_field_causes_a_500(api, field):
    for value in ODD_VALUES:
        stored = Log.select().count()
        response = api.post(LOGS, {"kind": "closeness", field: value})
        assert response.status_code in (201, 400), (value, response.get_data(as_text=True))
        if response.status_code == 400:
            assert response.get_json()["field"] == field
            assert Log.select().count() == stored


# --- Idempotent replay --------------------------------------------------------------------------


def full_payload(**changes) -> dict:
    payload = {
        "id": "5f0c2f4e-9d0e-4c3b-8a1e-2b7f6d1c9a00",
        "kind": "closeness",
        "at": "2026-05-13T09:00:00+02:00",
        "step": 2,
        "person": "Sam",
        "before": 3,
        "after": 7,
        "response": "neutral",
        "note": "Sent a message.",
    }
    return {**payload, **changes}


def test_same_id_again_answers_200_with_the_stored_log(api, clock):
    first = api.post(LOGS, full_payload())
    assert first.status_code == 201
    clock.now = FIXED_NOW + timedelta(hours=3)  # the offline queue replays later
    again = api.post(LOGS, full_payload())
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert Log.select().count() == 1
    assert Person.select().count() == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"at": "2026-05-13T07:00:00Z"},  # the same instant in another offset
        {"person": "SAM"},  # the same person in another case
        {"note": "  Sent a message.  "},  # the same note once stripped
        {"step": "2"},  # the same number as text
    ],
)
def test_replay_with_equivalent_content_is_not_a_conflict(api, changes):
    assert api.post(LOGS, full_payload()).status_code == 201
    assert api.post(LOGS, full_payload(**changes)).status_code == 200
    assert Log.select().count() == 1


def test_replay_without_at_matches_a_log_stored_at_now(api, clock):
    payload = {"id": str(uuid.uuid4()), "kind": "space"}
    first = api.post(LOGS, payload).get_json()
    clock.now = FIXED_NOW + timedelta(minutes=30)
    again = api.post(LOGS, payload)
    assert again.status_code == 200
    assert again.get_json()["at"] == first["at"] == "2026-05-13T10:30:00+00:00"


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": "space"},
        {"at": "2026-05-13T09:01:00+02:00"},
        {"step": 3},
        {"step": None},
        {"person": "Robin"},
        {"person": None},
        {"before": 4},
        {"after": None},
        {"response": "welcomed"},
        {"note": "Something else."},
        {"note": None},
    ],
)
def test_same_id_with_other_content_answers_409_and_changes_nothing(api, changes):
    first = api.post(LOGS, full_payload()).get_json()
    response = api.post(LOGS, full_payload(**changes))
    assert_error(response, 409, "id")
    log_id = first["id"]
    assert api.get(f"{LOGS}/{log_id}").get_json() == first
    assert Log.select().count() == 1
    assert Person.select().count() == 1  # a new nickname in a conflicting replay creates no one


def test_replayed_id_after_a_patch_is_a_conflict(api):
    first = api.post(LOGS, full_payload()).get_json()
    api.patch(f"{LOGS}/{first['id']}", {"after": 9})
    assert_error(api.post(LOGS, full_payload()), 409, "id")
    assert Log.get().after == 9


def test_another_users_id_is_a_conflict_without_their_data(client, api, user):
    other = make_user("ben@example.com")
    bens = make_log(other, note="secret of Ben", before=1)
    response = api.post(LOGS, {"id": str(bens.id), "kind": "closeness"})
    body = assert_error(response, 409, "id")
    assert "secret" not in str(body)
    stored = Log.get_by_id(bens.id)
    assert (stored.user_id, stored.note, stored.kind) == (other.id, "secret of Ben", "closeness")
    assert Log.select().count() == 1


@pytest.mark.parametrize(
    ("second", "status"),
    [(full_payload(), 200), (full_payload(note="a different note"), 409)],
)
def test_same_id_twice_at_once_never_500(api, monkeypatch, second, status):
    # Both requests look up the id before either stored it: only the primary key stops the second.
    assert api.post(LOGS, full_payload()).status_code == 201
    monkeypatch.setattr(Log, "get_or_none", classmethod(lambda cls, *args, **kwargs: None))
    response = api.post(LOGS, second)
    assert response.status_code == status
    assert Log.select().count() == 1
    assert Log.get().note == "Sent a message."
    assert Person.select().count() == 1


def test_racing_insert_with_a_new_person_rolls_the_person_back(api, monkeypatch):
    assert api.post(LOGS, full_payload()).status_code == 201
    monkeypatch.setattr(Log, "get_or_none", classmethod(lambda cls, *args, **kwargs: None))
    assert_error(api.post(LOGS, full_payload(person="Robin")), 409, "id")
    assert [p.nickname for p in Person.select()] == ["Sam"]


def test_server_makes_a_new_id_for_each_log_without_one(api):
    ids = {api.post(LOGS, {"kind": "closeness"}).get_json()["id"] for _ in range(3)}
    assert len(ids) == 3
    assert Log.select().count() == 3


@pytest.mark.parametrize(
    "spelling",
    [
        "5F0C2F4E-9D0E-4C3B-8A1E-2B7F6D1C9A00",
        "5f0c2f4e9d0e4c3b8a1e2b7f6d1c9a00",
        "{5f0c2f4e-9d0e-4c3b-8a1e-2b7f6d1c9a00}",
    ],
)
def test_id_spellings_are_one_log(api, spelling):
    assert api.post(LOGS, full_payload()).status_code == 201
    response = api.post(LOGS, full_payload(id=spelling))
    assert response.status_code == 200
    assert response.get_json()["id"] == "5f0c2f4e-9d0e-4c3b-8a1e-2b7f6d1c9a00"
    assert Log.select().count() == 1


# --- Local dates --------------------------------------------------------------------------------


def test_late_evening_utc_is_the_next_day_in_berlin(api, clock):
    clock.now = datetime(2026, 5, 14, 0, 0, tzinfo=UTC)
    body = api.post(LOGS, {"kind": "closeness", "at": "2026-05-13T23:30:00Z"}).get_json()
    assert body["at"] == "2026-05-13T23:30:00+00:00"
    assert body["local_date"] == "2026-05-14"
    assert Log.get().local_date == date(2026, 5, 14)


@pytest.mark.parametrize(
    ("timezone", "at", "local_date"),
    [
        ("Pacific/Kiritimati", "2026-05-13T10:00:00Z", "2026-05-14"),  # UTC+14
        ("Pacific/Kiritimati", "2026-05-13T09:59:59Z", "2026-05-13"),
        ("Pacific/Pago_Pago", "2026-05-13T10:00:00Z", "2026-05-12"),  # UTC−11
        ("Pacific/Pago_Pago", "2026-05-13T11:00:00Z", "2026-05-13"),
        ("Europe/Berlin", "2026-03-28T23:30:00Z", "2026-03-29"),  # the night the clocks go forward
        ("Europe/Berlin", "2026-10-24T22:30:00Z", "2026-10-25"),  # the night they go back
        ("America/Los_Angeles", "2026-05-13T06:59:00Z", "2026-05-12"),
    ],
)
def test_local_date_is_the_users_calendar_day(client, clock, timezone, at, local_date):
    clock.now = datetime(2026, 12, 1, tzinfo=UTC)
    api, _ = api_as(client, "far@example.com", timezone)
    body = api.post(LOGS, {"kind": "recall", "at": at}).get_json()
    assert body["local_date"] == local_date
    assert Log.get().local_date == date.fromisoformat(local_date)


def test_at_without_offset_is_read_in_the_users_zone(client):
    api, _ = api_as(client, "kiri@example.com", "Pacific/Kiritimati")
    body = api.post(LOGS, {"kind": "recall", "at": "2026-05-14T00:15"}).get_json()
    assert (body["at"], body["local_date"]) == ("2026-05-13T10:15:00+00:00", "2026-05-14")


def test_default_at_is_now_on_the_users_day(client):
    kiri, _ = api_as(client, "kiri@example.com", "Pacific/Kiritimati")
    pago, _ = api_as(client, "pago@example.com", "Pacific/Pago_Pago")
    assert kiri.post(LOGS, {"kind": "recall"}).get_json()["local_date"] == "2026-05-14"
    assert pago.post(LOGS, {"kind": "recall"}).get_json()["local_date"] == "2026-05-12"


# --- Listing logs -------------------------------------------------------------------------------


def test_list_between_local_dates_inclusive_newest_first(api, user):
    def at(day: int, hour: int) -> datetime:
        return datetime(2026, 5, day, hour, tzinfo=UTC)

    make_log(user, "closeness", at(1, 9))
    inside = [make_log(user, "space", at(2, 9)), make_log(user, "repair", at(4, 21))]
    late = make_log(user, "confide", at(4, 23))  # 01:00 on the 5th in Berlin
    response = api.get(f"{LOGS}?from=2026-05-02&to=2026-05-04")
    assert response.status_code == 200
    logs = response.get_json()["logs"]
    assert [log["id"] for log in logs] == [str(inside[1].id), str(inside[0].id)]
    assert str(late.id) not in response.get_data(as_text=True)
    late_day = api.get(f"{LOGS}?from=2026-05-05&to=2026-05-05").get_json()["logs"]
    assert [(log["id"], log["local_date"]) for log in late_day] == [(str(late.id), "2026-05-05")]


def test_list_with_one_bound_or_none(api, user):
    old = make_log(user, at=datetime(2026, 1, 5, 12, tzinfo=UTC))
    new = make_log(user, at=datetime(2026, 5, 10, 12, tzinfo=UTC))
    assert [x["id"] for x in api.get(f"{LOGS}?from=2026-05-01").get_json()["logs"]] == [str(new.id)]
    assert [x["id"] for x in api.get(f"{LOGS}?to=2026-01-31").get_json()["logs"]] == [str(old.id)]
    assert [x["id"] for x in api.get(LOGS).get_json()["logs"]] == [str(new.id), str(old.id)]
    assert api.get(f"{LOGS}?from=&to=").get_json()["logs"] != []


def test_list_uses_each_users_own_calendar(client):
    kiri, kiri_user = api_as(client, "kiri@example.com", "Pacific/Kiritimati")
    pago, pago_user = api_as(client, "pago@example.com", "Pacific/Pago_Pago")
    instant = datetime(2026, 5, 13, 10, 30, tzinfo=UTC)
    make_log(kiri_user, at=instant)
    make_log(pago_user, at=instant)
    assert len(kiri.get(f"{LOGS}?from=2026-05-14&to=2026-05-14").get_json()["logs"]) == 1
    assert kiri.get(f"{LOGS}?from=2026-05-13&to=2026-05-13").get_json()["logs"] == []
    assert len(pago.get(f"{LOGS}?from=2026-05-12&to=2026-05-12").get_json()["logs"]) == 1
    assert pago.get(f"{LOGS}?from=2026-05-13&to=2026-05-13").get_json()["logs"] == []


def test_list_from_after_to_is_empty(api, user):
    make_log(user)
    assert api.get(f"{LOGS}?from=2026-05-14&to=2026-05-12").get_json() == {"logs": []}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=yesterday", "from"),
        ("from=2026-02-30", "from"),
        ("from=2026-5-1", "from"),
        ("from=20260501", "from"),
        ("from=2026-W19-1", "from"),
        ("from=2026-05-01T00:00", "from"),
        ("from=%00", "from"),
        ("to=2026-13-01", "to"),
        ("from=2026-05-01&to=never", "to"),
        ("from=2026-05-01&to=2026-05-01x", "to"),
        ("from=bad&to=2026-05-01", "from"),
        ("from=2024-01-01&to=2026-05-13", "to"),  # more than 400 days at once
    ],
)
def test_list_with_a_bad_date_answers_400_naming_it(api, query, field):
    assert_error(api.get(f"{LOGS}?{query}"), 400, field)


def test_list_range_of_400_days_is_allowed(api, user):
    make_log(user)
    response = api.get(f"{LOGS}?from=2025-04-08&to=2026-05-13")
    assert response.status_code == 200
    assert len(response.get_json()["logs"]) == 1


# --- One log: GET, PATCH, DELETE ----------------------------------------------------------------


def test_get_one_log(api, user):
    sam = make_person(user, "Sam")
    log = make_log(user, "confide", person=sam, step=2, before=4, after=6, response="welcomed", note="hi")
    response = api.get(f"{LOGS}/{log.id}")
    assert response.status_code == 200
    assert response.get_json() == {
        "id": str(log.id),
        "kind": "confide",
        "step": 2,
        "at": "2026-05-13T10:30:00+00:00",
        "local_date": "2026-05-13",
        "person": "Sam",
        "before": 4,
        "after": 6,
        "response": "welcomed",
        "note": "hi",
        "bid": None,
    }


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_unknown_or_malformed_id_answers_404(api, user, method):
    make_log(user)
    kwargs = {"json": {"after": 5}} if method == "patch" else {}
    for log_id in ["not-a-uuid", "1", "0" * 33, "x" * 500, "%00", "5f0c2f4e-9d0e-4c3b-8a1e-2b7f6d1c9a00"]:
        assert_error(getattr(api, method)(f"{LOGS}/{log_id}", **kwargs), 404, None)
    assert Log.get().after is None
    assert Log.select().count() == 1


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_another_users_log_answers_404_and_never_their_data(api, method):
    other = make_user("ben@example.com")
    bens = make_log(other, "repair", note="secret of Ben", after=2)
    kwargs = {"json": {"after": 9, "note": "mine now"}} if method == "patch" else {}
    response = getattr(api, method)(f"{LOGS}/{bens.id}", **kwargs)
    body = assert_error(response, 404, None)
    assert "secret" not in str(body) and "repair" not in str(body)
    stored = Log.get_by_id(bens.id)
    assert (stored.user_id, stored.after, stored.note) == (other.id, 2, "secret of Ben")


def test_patch_changes_only_the_given_fields(api, user, clock):
    log = make_log(user, "closeness", step=1, before=3, note="first")
    clock.now = FIXED_NOW + timedelta(minutes=10)
    response = api.patch(f"{LOGS}/{log.id}", {"after": 8, "response": "welcomed", "person": "Sam"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["kind"], body["step"], body["before"], body["note"]) == ("closeness", 1, 3, "first")
    assert (body["after"], body["response"], body["person"]) == (8, "welcomed", "Sam")
    stored = Log.get_by_id(log.id)
    assert (stored.after, stored.response, stored.person.nickname) == (8, "welcomed", "Sam")
    assert stored.updated_at == naive_utc(clock.now)


def test_patch_with_null_clears_a_field(api, user):
    sam = make_person(user, "Sam")
    log = make_log(user, person=sam, note="old", step=2, response="neutral")
    body = api.patch(f"{LOGS}/{log.id}", {"note": None, "person": None, "step": None, "response": ""})
    assert body.get_json()["note"] is None
    stored = Log.get_by_id(log.id)
    assert (stored.note, stored.person_id, stored.step, stored.response) == (None, None, None, None)
    assert Person.select().count() == 1  # the person stays


def test_patch_at_moves_the_local_date(api, user, clock):
    log = make_log(user)
    clock.now = datetime(2026, 5, 14, 0, 0, tzinfo=UTC)
    body = api.patch(f"{LOGS}/{log.id}", {"at": "2026-05-13T23:30:00Z"}).get_json()
    assert (body["at"], body["local_date"]) == ("2026-05-13T23:30:00+00:00", "2026-05-14")
    assert Log.get_by_id(log.id).local_date == date(2026, 5, 14)


def test_patch_cannot_change_the_id_or_owner(api, user):
    other = make_user("ben@example.com")
    log = make_log(user)
    new_id = str(uuid.uuid4())
    response = api.patch(f"{LOGS}/{log.id}", {"id": new_id, "user": other.id, "kind": "space"})
    assert response.status_code == 200
    assert response.get_json()["id"] == str(log.id)
    stored = Log.get_by_id(log.id)
    assert (stored.user_id, stored.kind) == (user.id, "space")
    assert Log.get_or_none(Log.id == uuid.UUID(new_id)) is None


# A PATCH may leave out the kind (or send it empty) and never changes the id.
PATCH_BAD_FIELDS = [
    ({k: v for k, v in payload.items() if k == field}, field)
    for payload, field in BAD_FIELDS
    if field != "id" and payload.get(field) not in (None, "")
]


def test_patch_with_a_bad_field_answers_400_and_changes_nothing(api, user):
    log = make_log(user, "confide", before=5, note="keep")
    for payload, field in PATCH_BAD_FIELDS:
        response = api.patch(f"{LOGS}/{log.id}", payload)
        answer = (response.status_code, response.get_json()["field"])
        assert (payload, answer) == (payload, (400, field))
    assert len(PATCH_BAD_FIELDS) > 40
    stored = Log.get_by_id(log.id)
    assert (stored.kind, stored.before, stored.note, stored.person_id) == ("confide", 5, "keep", None)
    assert Person.select().count() == 0


@pytest.mark.parametrize("data", ["{oops", "[]", "", '"x"'])
def test_patch_with_a_body_that_is_not_an_object_answers_400(api, user, data):
    log = make_log(user, note="keep")
    response = api.client.patch(
        f"{LOGS}/{log.id}", data=data, headers=api.headers, content_type="application/json"
    )
    assert_error(response, 400, None)
    assert Log.get_by_id(log.id).note == "keep"


def test_patch_with_an_empty_object_changes_nothing(api, user):
    log = make_log(user, "space", note="keep")
    response = api.patch(f"{LOGS}/{log.id}", {})
    assert response.status_code == 200
    assert (response.get_json()["kind"], response.get_json()["note"]) == ("space", "keep")


def test_delete_removes_the_log_once(api, user):
    keep, gone = make_log(user), make_log(user)
    response = api.delete(f"{LOGS}/{gone.id}")
    assert response.status_code == 204 and response.get_data() == b""
    assert [log.id for log in Log.select()] == [keep.id]
    assert_error(api.delete(f"{LOGS}/{gone.id}"), 404, None)
    assert_error(api.get(f"{LOGS}/{gone.id}"), 404, None)


def test_deleted_id_can_be_sent_again_as_new(api):
    payload = full_payload()
    api.post(LOGS, payload)
    api.delete(f"{LOGS}/{payload['id']}")
    assert api.post(LOGS, payload).status_code == 201
    assert Log.select().count() == 1


def test_person_with_the_same_nickname_as_the_patch_is_reused(api, user):
    robin = make_person(user, "Robin", role="mentor")
    log = make_log(user)
    api.patch(f"{LOGS}/{log.id}", {"person": "robin"})
    assert Log.get_by_id(log.id).person_id == robin.id
    assert Person.select().count() == 1


# --- Values the OpenAPI description does not allow (found by Schemathesis's negative tests) -----


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "closeness", "step": "\u0662"}, "step"),  # an Arabic-Indic two: int() took it
        ({"kind": "closeness", "step": "\t2"}, "step"),  # str.strip() took any whitespace
        ({"kind": "closeness", "before": "010"}, "before"),
        ({"kind": "closeness", "at": "2026-05-01"}, "at"),  # fromisoformat took a bare date
        ({"kind": "closeness", "at": "20260501T1830"}, "at"),
        ({"kind": "closeness", "at": " 2026-05-01T18:30:00Z"}, "at"),
        ({"kind": "closeness", "id": "urn:uuid:5f0c2f4e-9d0e-4c3b-8a1e-2b7f6d1c9a00"}, "id"),
        ({"kind": "closeness", "person": "Sam\x00"}, "person"),  # the NUL was dropped, Sam stored
        ({"kind": "closeness", "note": "x" * 2000 + " "}, "note"),  # over the limit before stripping
    ],
)
def test_a_value_of_a_shape_the_description_refuses_is_a_400(api, payload, field):
    assert_error(api.post(LOGS, payload), 400, field)
    assert Log.select().count() == Person.select().count() == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"days": ["mon"], "time": " 09:30"}, "time"),
        ({"days": ["mon"], "time": "\u0660\u0669:\u0663\u0660"}, "time"),  # 09:30 in Arabic-Indic digits
    ],
)
def test_a_reminder_time_of_another_shape_is_a_400(api, payload, field):
    assert_error(api.post("/api/v1/reminders", payload), 400, field)


@pytest.mark.parametrize(
    "data",
    [
        '{"kind": "closeness", "note": "\\ud800"}',  # valid JSON, no text: no database can store it
        '{"kind": "closeness", "person": "\\udc00x"}',
        '{"\\ud800": 1, "kind": "closeness"}',
        "[" * 100_000 + "]" * 100_000,  # json raises RecursionError, not ValueError
        '{"kind": "closeness", "note": ' + "[" * 50_000 + "]" * 50_000 + "}",
    ],
)
@pytest.mark.parametrize("method", ["post", "patch"])
def test_lone_surrogates_and_deep_nesting_are_a_400(api, user, data, method):
    url = LOGS if method == "post" else f"{LOGS}/{make_log(user, note='kept').id}"
    response = getattr(api, method)(url, data=data, content_type="application/json")
    assert_error(response, 400, None)
    assert Log.select().where(Log.note != "kept").count() == 0


def test_a_surrogate_pair_is_text(api):
    response = api.post(
        LOGS, data='{"kind": "closeness", "note": "\\ud83d\\ude42"}', content_type="application/json"
    )
    assert response.status_code == 201 and response.get_json()["note"] == "\U0001f642"
