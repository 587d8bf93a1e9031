"""Sessions live on the server: signing out ends them for every copy of their cookies, a sign-in starts
a fresh cookie session (a new CSRF secret), and the remember-me cookie is there only when asked for."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD, Auth, build_app, csrf_token, make_user
from tracker.models import User, UserSession, database


def replay(app, name: str, value: str):
    """A browser that has nothing but a copy of one cookie."""
    thief = app.test_client()
    thief.set_cookie(name, value)
    return thief


def test_a_session_cookie_copied_before_logout_opens_nothing_after_it(app, client, logged_in):
    copied = client.get_cookie("session").value
    assert replay(app, "session", copied).get("/settings").status_code == 200
    assert logged_in.logout().status_code == 303
    response = replay(app, "session", copied).get("/settings")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_remember_cookie_copied_before_logout_opens_nothing_after_it(app, client, auth, user):
    auth.login(remember=True)
    copied = client.get_cookie("remember_token").value
    assert replay(app, "remember_token", copied).get("/settings").status_code == 200
    auth.logout()
    response = replay(app, "remember_token", copied).get("/settings")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_logout_ends_only_this_browsers_session(app, client, logged_in, user):
    other = app.test_client()
    Auth(other).login()
    assert UserSession.select().where(UserSession.user == user.id).count() == 2
    logged_in.logout()
    assert UserSession.select().where(UserSession.user == user.id).count() == 1
    assert other.get("/settings").status_code == 200
    assert client.get("/settings").status_code == 302


def test_the_session_cookie_names_a_random_session_not_the_account(app, client, logged_in, user):
    with client.session_transaction() as session:
        key = session["_user_id"]
    assert key == UserSession.get(UserSession.user == user.id).key
    assert str(user.id) != key and User.get_by_id(user.id).session_key != key and len(key) >= 40


def test_a_csrf_token_from_before_sign_in_is_refused_after_it(client, auth, user):
    before = csrf_token(client)
    assert auth.login().status_code == 303
    refused = client.post("/settings", data={"csrf_token": before, "timezone": "UTC", "weekly_target": "3"})
    assert refused.status_code == 400
    assert User.get_by_id(user.id).timezone == "Europe/Berlin"
    assert csrf_token(client) != before


def test_nothing_of_the_anonymous_session_survives_sign_in(client, auth, user):
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    auth.login()
    with client.session_transaction() as session:
        assert "planted" not in session


def test_sign_up_does_not_set_a_remember_cookie(client, auth):
    response = auth.register(email="new@example.com")
    assert response.status_code == 303
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))
    assert client.get("/settings").status_code == 200


def test_a_reset_ends_every_session_and_starts_one(app, client, logged_in, user):
    from tracker import security

    security.replace_password(User.get_by_id(user.id), "another good password")
    assert UserSession.select().count() == 0
    assert client.get("/settings").status_code == 302


def test_deleting_the_account_deletes_its_sessions(client, logged_in, user):
    assert UserSession.select().count() == 1
    logged_in.post("/account/delete", {"password": PASSWORD})
    assert UserSession.select().count() == 0


def test_a_login_prunes_the_accounts_sessions_older_than_a_remember_cookie(app, client, auth, user, clock):
    from datetime import timedelta

    auth.login()
    auth.logout()
    Auth(app.test_client()).login()  # a session left open on another device
    clock.now += timedelta(days=91)
    Auth(app.test_client()).login()
    assert UserSession.select().count() == 1


def test_a_session_key_past_any_length_is_no_one(app):
    with app.app_context():
        assert User.by_session_key("x" * 100) is None
        assert User.by_session_key("no such key") is None


@pytest.fixture
def https_app(database_url, tmp_path, clock):
    app = build_app(database_url, tmp_path, clock, BASE_URL="https://tracker.example")
    yield app
    database.close()


def test_over_https_both_cookies_are_host_only(https_app):
    make_user()
    client = https_app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"  # Secure cookies go back only over https
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)
    data = {"email": "ana@example.com", "password": PASSWORD, "remember": "on", "csrf_token": token}
    response = client.post("/login", data=data)
    assert response.status_code == 303
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    assert set(cookies) == {"__Host-session", "__Host-remember_token"}
    for cookie in cookies.values():
        attributes = [part.strip().lower() for part in cookie.split(";")]
        assert "secure" in attributes and "path=/" in attributes
        assert not any(part.startswith("domain=") for part in attributes)
    assert client.get("/settings").status_code == 200


def test_over_http_the_cookies_keep_their_plain_names(app):
    assert (app.config["SESSION_COOKIE_NAME"], app.config.get("REMEMBER_COOKIE_NAME")) == ("session", None)
