"""Password reset by email: the same answer for any address, a one-hour single-use link, and
every session and API token of the account ended when the password changes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.conftest import PASSWORD, Auth, csrf_token, make_user
from tracker.models import ApiToken, UsedToken, User, UserSession
from tracker.security import new_api_token, verify_password

NEW_PASSWORD = "a brand new sentence"


def ask(client, email: str):
    return client.post("/reset", data={"email": email, "csrf_token": csrf_token(client)})


def reset_path(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(r"http://127\.0\.0\.1:5000(/reset/\S+)", text).group(1)


def choose(client, path: str, password: str = NEW_PASSWORD):
    return client.post(path, data={"password": password, "csrf_token": csrf_token(client)})


def _body(response) -> str:
    return re.sub(r'(name="csrf[-_]token" (?:content|value)=")[^"]+', r"\1", response.get_data(as_text=True))


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client, user, sent):
    known, unknown, junk = ask(client, "ana@example.com"), ask(client, "nobody@example.com"), ask(client, "x")
    assert known.status_code == unknown.status_code == junk.status_code == 200
    assert _body(known) == _body(unknown) == _body(junk)
    assert "we&#39;ve emailed it a link" in known.get_data(as_text=True)
    assert len(sent) == 1 and sent[0]["To"] == "ana@example.com"


def test_login_page_links_to_the_reset_form(client):
    assert 'href="/reset"' in client.get("/login").get_data(as_text=True)


def test_the_link_sets_a_new_password_and_ends_every_session_and_token(app, client, user, sent):
    other = app.test_client()  # another device, signed in before the reset
    Auth(other).login()
    ApiToken.create(user=user, name="phone", token_hash=new_api_token()[1])
    ask(client, "ana@example.com")
    path = reset_path(sent[0])
    assert "ana" not in path
    page = client.get(path)
    assert page.status_code == 200 and "Choose a new password" in page.get_data(as_text=True)
    done = choose(client, path)
    assert done.status_code == 303 and done.headers["Location"] == "/"
    fresh = User.get_by_id(user.id)
    assert verify_password(fresh.password_hash, NEW_PASSWORD)
    assert fresh.session_key != user.session_key
    assert ApiToken.select().count() == 0
    assert client.get("/").status_code == 200  # this browser is signed in with the new password
    assert other.get("/settings").status_code == 302  # the other device is signed out


def test_a_used_link_is_refused_and_changes_nothing(client, user, sent):
    ask(client, "ana@example.com")
    path = reset_path(sent[0])
    choose(client, path)
    again = choose(client, path, "someone else's idea")
    assert again.status_code == 410 and "already used" in again.get_data(as_text=True)
    assert client.get(path).status_code == 410
    # It says what is true: this link did set the password a moment ago (issue 13).
    page = again.get_data(as_text=True)
    assert "hasn't changed" not in page and "has set a password" in page and 'href="/login"' in page
    assert verify_password(User.get_by_id(user.id).password_hash, NEW_PASSWORD)


def test_a_link_expires_after_an_hour(client, user, sent, clock):
    ask(client, "ana@example.com")
    path = reset_path(sent[0])
    clock.now += timedelta(minutes=59)
    assert client.get(path).status_code == 200
    clock.now += timedelta(minutes=2)
    page = choose(client, path)
    assert page.status_code == 410 and "expired" in page.get_data(as_text=True)
    assert verify_password(User.get_by_id(user.id).password_hash, PASSWORD)


def test_a_link_dies_when_the_password_changes_another_way(client, user, sent):
    ask(client, "ana@example.com")
    first = reset_path(sent[0])
    ask(client, "ana@example.com")
    second = reset_path(sent[1])
    assert choose(client, second).status_code == 303
    assert choose(client, first, "yet another sentence").status_code == 410
    assert verify_password(User.get_by_id(user.id).password_hash, NEW_PASSWORD)


@pytest.mark.parametrize("token", ["nonsense", "x" * 700, "eyJwIjoicmVzZXQifQ.forged"])
def test_a_broken_link_says_so(client, user, token):
    page = client.get(f"/reset/{token}")
    assert page.status_code == 404 and "doesn&#39;t work" in page.get_data(as_text=True)


def test_a_short_password_re_renders_and_keeps_the_link_usable(client, user, sent):
    ask(client, "ana@example.com")
    path = reset_path(sent[0])
    short = choose(client, path, "short")
    assert short.status_code == 422 and "Use at least 10 characters." in short.get_data(as_text=True)
    assert choose(client, path).status_code == 303


def test_changing_the_password_in_settings_revokes_api_tokens(client, logged_in, user):
    ApiToken.create(user=user, name="phone", token_hash=new_api_token()[1])
    data = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert logged_in.post("/settings/password", data).status_code == 303
    assert ApiToken.select().count() == 0


def test_reset_for_another_account_does_not_touch_mine(client, user, sent):
    make_user("bo@example.com")
    ask(client, "bo@example.com")
    choose(client, reset_path(sent[0]))
    assert verify_password(User.get_by_id(user.id).password_hash, PASSWORD)


def test_head_on_the_reset_form_with_an_address_sends_nothing(client, user, sent):
    response = client.open(
        "/reset", method="HEAD", data={"email": "ana@example.com", "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 200 and sent == []


def test_head_on_a_reset_link_with_a_new_password_changes_nothing(app, client, user, sent):
    ask(client, "ana@example.com")
    path = reset_path(sent[0])
    head = client.open(path, method="HEAD", data={"password": NEW_PASSWORD, "csrf_token": csrf_token(client)})
    assert head.status_code == 200
    assert verify_password(User.get_by_id(user.id).password_hash, PASSWORD)
    assert UsedToken.select().count() == 0 and UserSession.select().count() == 0
    assert client.get("/settings").status_code == 302
    assert choose(client, path).status_code == 303  # the link still works, once


@pytest.mark.parametrize("what", ["request", "new password"])
def test_reset_posts_without_csrf_are_refused(client, user, sent, what):
    ask(client, "ana@example.com")
    path = "/reset" if what == "request" else reset_path(sent[0])
    response = client.post(path, data={"email": "ana@example.com", "password": NEW_PASSWORD})
    assert response.status_code == 400 and len(sent) == 1
    assert verify_password(User.get_by_id(user.id).password_hash, PASSWORD)


def test_reset_pages_are_never_cached(client, user, sent):
    assert client.get("/reset").headers["Cache-Control"] == "no-store"
    assert ask(client, "ana@example.com").headers["Cache-Control"] == "no-store"
    path = reset_path(sent[0])
    assert client.get(path).headers["Cache-Control"] == "no-store"
    assert choose(client, path, "short").headers["Cache-Control"] == "no-store"
    assert client.get("/reset/not-a-token").headers["Cache-Control"] == "no-store"
