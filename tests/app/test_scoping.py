"""Every route that takes an id is scoped to its owner, and every state change needs a CSRF token.

Ana (`user`, logged in) pokes at Ben's log, person and token: each answer is a 404 that shows none of
Ben's data, never a 500, and Ben's rows are byte for byte the same afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import FIXED_NOW, Auth, csrf_token, make_log, make_person, make_user
from tracker.models import ApiToken, Log, Person, User, naive_utc
from tracker.security import new_api_token

BENS_NOTE = "private note of Ben"
BENS_PERSON = "Bettina"


@dataclass
class Ben:
    """The other user and what he owns."""

    user: User
    log: Log
    person: Person
    token: ApiToken


def rows_of(user: User) -> tuple:
    """Everything a user owns, as plain tuples, to compare before and after."""
    return tuple(
        list(model.select().where(model.user == user).order_by(model.id).tuples())
        for model in (Log, Person, ApiToken)
    )


@pytest.fixture
def ben(app) -> Ben:
    user = make_user("ben@example.com", timezone="America/New_York")
    person = make_person(user, BENS_PERSON, role="family")
    log = make_log(user, "repair", person=person, step=2, after=3, response="dismissed", note=BENS_NOTE)
    _, digest = new_api_token()
    token = ApiToken.create(
        user=user, name="phone of Ben", token_hash=digest, created_at=naive_utc(FIXED_NOW)
    )
    return Ben(user, log, person, token)


def assert_nothing_of_bens(response, ben: Ben) -> None:
    """A 404 that names nothing of Ben's."""
    assert response.status_code == 404, response.get_data(as_text=True)[:300]
    text = response.get_data(as_text=True)
    for secret in (BENS_NOTE, BENS_PERSON, "ben@example.com", "phone of Ben"):
        assert secret not in text


# (method, url, form data); {log}, {person} and {token} are Ben's ids.
FORM_ROUTES = [
    ("get", "/logs/{log}/edit", None),
    ("post", "/logs/{log}", {"kind": "space", "after": "9", "note": "mine now"}),
    ("post", "/logs/{log}?next=/history", {"person_id": "none"}),
    ("post", "/logs/{log}/delete", {}),
    ("post", "/people/{person}", {"nickname": "Renamed", "role": "friend"}),
    ("post", "/people/{person}/archive", {}),
    ("post", "/settings/tokens/{token}/delete", {}),
]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize(("method", "url", "data"), FORM_ROUTES)
def test_bens_ids_answer_404_on_every_page_route(client, logged_in, ben, method, url, data, htmx):
    before = rows_of(ben.user)
    url = url.format(log=ben.log.id, person=ben.person.id, token=ben.token.id)
    if method == "get":
        response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
    else:
        response = logged_in.post(url, data, htmx=htmx)
    assert_nothing_of_bens(response, ben)
    assert rows_of(ben.user) == before


@pytest.mark.parametrize(
    ("method", "json"),
    [("get", None), ("patch", {"after": 9, "note": "mine now", "person": "Ana-made"}), ("delete", None)],
)
@pytest.mark.parametrize("auth_by", ["session", "bearer"])
def test_bens_log_answers_404_in_the_api(client, logged_in, user, ben, method, json, auth_by):
    if auth_by == "bearer":
        token, digest = new_api_token()
        ApiToken.create(user=user, name="script of Ana", token_hash=digest, created_at=naive_utc(FIXED_NOW))
        headers = {"Authorization": f"Bearer {token}"}
    else:
        headers = {"X-CSRFToken": csrf_token(client)}
    before = rows_of(ben.user)
    kwargs = {"json": json} if json is not None else {}
    response = getattr(client, method)(f"/api/v1/logs/{ben.log.id}", headers=headers, **kwargs)
    assert_nothing_of_bens(response, ben)
    assert response.get_json() == {"error": "No such log.", "field": None}
    assert rows_of(ben.user) == before
    assert Person.select().where(Person.user == user).count() == 0  # the PATCH created no one


@pytest.mark.parametrize(
    "url",
    [
        "/logs/not-a-uuid/edit",
        "/logs/12345/edit",
        "/logs/%00/edit",
        "/logs/" + "f" * 300 + "/edit",
        "/api/v1/logs/not-a-uuid",
    ],
)
def test_malformed_log_ids_answer_404(client, logged_in, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/logs/not-a-uuid",
        "/logs/not-a-uuid/delete",
        "/people/0",
        "/people/99999999999/archive",
        "/people/-1",
        "/settings/tokens/99999999999999999999/delete",
        "/settings/tokens/abc/delete",
    ],
)
def test_malformed_ids_in_posts_answer_404_not_500(client, logged_in, ben, url):
    before = rows_of(ben.user)
    assert logged_in.post(url, {"nickname": "X", "role": "friend"}).status_code == 404
    assert rows_of(ben.user) == before


def test_bens_token_still_works_after_anas_attempt_to_revoke_it(client, logged_in, ben):
    token, digest = new_api_token()
    ApiToken.update(token_hash=digest).where(ApiToken.id == ben.token.id).execute()
    assert logged_in.post(f"/settings/tokens/{ben.token.id}/delete").status_code == 404
    response = client.get("/api/v1/logs", headers={"Authorization": f"Bearer {token}"})
    assert [log["note"] for log in response.get_json()["logs"]] == [BENS_NOTE]


def test_history_filtered_by_bens_person_shows_none_of_his_logs(client, logged_in, user, ben):
    make_log(user, "confide", note="own note of Ana")
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(f"/history?person={ben.person.id}", headers=headers)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert BENS_NOTE not in html and BENS_PERSON not in html
        assert "own note of Ana" not in html  # none of Ana's logs is with Ben's person either
    unfiltered = client.get("/history").get_data(as_text=True)
    assert "own note of Ana" in unfiltered
    assert BENS_NOTE not in unfiltered and BENS_PERSON not in unfiltered


def test_today_never_shows_bens_log(client, logged_in, ben):
    html = client.get(f"/?logged={ben.log.id}").get_data(as_text=True)
    assert "Logged:" not in html
    assert BENS_NOTE not in html and BENS_PERSON not in html
    fragment = client.get("/today/logs", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert BENS_NOTE not in fragment


def test_people_page_lists_only_anas_people(client, logged_in, user, ben):
    make_person(user, "Sam")
    html = client.get("/people").get_data(as_text=True)
    assert "Sam" in html and BENS_PERSON not in html


@pytest.mark.parametrize(("htmx", "status"), [(False, 422), (True, 200)])
def test_picking_bens_person_when_editing_is_rejected(client, logged_in, user, ben, htmx, status):
    mine = make_log(user, "confide", note="keep me", after=4)
    before = rows_of(ben.user)
    data = {"kind": "confide", "person_id": str(ben.person.id), "note": "changed", "after": "9"}
    response = logged_in.post(f"/logs/{mine.id}", data, htmx=htmx)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert "Choose a person from the list." in html
    assert BENS_PERSON not in html
    stored = Log.get_by_id(mine.id)
    assert (stored.person_id, stored.note, stored.after) == (None, "keep me", 4)
    assert rows_of(ben.user) == before


@pytest.mark.parametrize("htmx", [False, True])
def test_picking_bens_person_when_logging_stores_nothing(client, logged_in, user, ben, htmx):
    before = rows_of(ben.user)
    response = logged_in.post("/logs", {"kind": "closeness", "person_id": str(ben.person.id)}, htmx=htmx)
    assert response.status_code == (200 if htmx else 303)
    if htmx:
        assert "Choose a person from the list." in response.get_data(as_text=True)
    else:
        assert "Choose a person from the list." in client.get("/").get_data(as_text=True)
    assert Log.select().where(Log.user == user).count() == 0
    assert rows_of(ben.user) == before


def test_a_new_person_named_like_bens_is_anas_own(client, logged_in, user, ben):
    logged_in.post(
        "/logs",
        {"kind": "closeness", "person_id": "new", "new_person": BENS_PERSON, "new_person_role": "friend"},
    )
    log = Log.get(Log.user == user)
    assert log.person.user_id == user.id and log.person_id != ben.person.id
    assert Person.get_by_id(ben.person.id).role == "family"


# --- CSRF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/logs", {"kind": "closeness"}),
        ("/people", {"nickname": "Sam", "role": "friend"}),
        ("/settings/tokens", {"name": "script"}),
        ("/settings", {"timezone": "Asia/Tokyo", "weekly_target": "2"}),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_form_post_without_a_csrf_token_is_400_and_stores_nothing(client, logged_in, user, url, data, htmx):
    response = client.post(url, data=data, headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code == 400
    assert "Reload the page" in response.get_data(as_text=True)
    assert Log.select().count() == 0
    assert Person.select().count() == 0
    assert ApiToken.select().count() == 0
    assert User.get_by_id(user.id).timezone == "Europe/Berlin"


def test_delete_without_a_csrf_token_keeps_the_log(client, logged_in, user):
    log = make_log(user)
    assert client.post(f"/logs/{log.id}/delete").status_code == 400
    assert client.post(f"/logs/{log.id}", data={"note": "x"}).status_code == 400
    assert Log.get_by_id(log.id).note is None


def test_logout_without_a_csrf_token_keeps_the_session(client, logged_in):
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_htmx_post_with_the_token_in_the_header_works(client, logged_in, user):
    headers = {"HX-Request": "true", "X-CSRFToken": csrf_token(client)}
    response = client.post("/logs", data={"kind": "support"}, headers=headers)
    assert response.status_code == 200
    assert "Logged:" in response.get_data(as_text=True)
    assert Log.get().kind == "support"


@pytest.mark.parametrize("token", ["forged", "", "x" * 500])
def test_a_wrong_csrf_header_is_rejected(client, logged_in, token):
    response = client.post(
        "/logs", data={"kind": "support"}, headers={"HX-Request": "true", "X-CSRFToken": token}
    )
    assert response.status_code == 400
    assert Log.select().count() == 0


def test_a_csrf_token_from_another_session_is_rejected(app, client, logged_in, ben):
    other = app.test_client()
    Auth(other).login("ben@example.com")
    bens_token = csrf_token(other)
    response = client.post("/logs", data={"kind": "support", "csrf_token": bens_token})
    assert response.status_code == 400
    assert Log.select().count() == 1  # only Ben's log from the fixture
