"""Accounts: register, log in (remember me, safe `next`), log out, and the answers that reveal nothing."""

from __future__ import annotations

import html
import re

import pytest

from tests.conftest import PASSWORD, Auth, csrf_token, make_user
from tracker.models import User, UserSession
from tracker.security import verify_password


def _text(response) -> str:
    """The response body with HTML entities decoded, so messages read as written."""
    return html.unescape(response.get_data(as_text=True))


def _without_csrf(page: str) -> str:
    """A page with its CSRF tokens blanked: they are signed with a timestamp, so they may differ."""
    return re.sub(r'(name="csrf[-_]token" (?:content|value)=")[^"]+', r"\1", page)


def test_register_creates_an_account_and_signs_in(client, auth):
    response = auth.register(email="  Ana@Example.COM ", timezone="America/Los_Angeles")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    user = User.get()
    assert user.email == "ana@example.com"
    assert user.timezone == "America/Los_Angeles"
    assert verify_password(user.password_hash, PASSWORD)
    assert "What did you practise?" in client.get("/").get_data(as_text=True)


def test_register_page_has_labelled_email_and_password(client):
    html = client.get("/register").get_data(as_text=True)
    assert '<label for="email">Email</label>' in html
    assert '<label for="password">Password</label>' in html
    assert "data-browser-timezone" in html


@pytest.mark.parametrize("password", ["", "short", "123456789"])
def test_register_rejects_a_password_under_ten_characters(client, auth, password):
    response = auth.register(password=password)
    assert response.status_code == 422
    assert "Use at least 10 characters." in response.get_data(as_text=True)
    assert User.select().count() == 0
    assert client.get("/settings").status_code == 302  # still anonymous


def test_register_rejects_an_invalid_email(client, auth):
    response = auth.register(email="not-an-email")
    assert response.status_code == 422
    assert "Enter a valid email address." in response.get_data(as_text=True)
    assert User.select().count() == 0


@pytest.mark.parametrize("email", ["ana\x00@example.com", "ana@exam\x07ple.com"])
def test_register_rejects_control_characters_in_the_email(auth, email):
    response = auth.register(email=email)
    assert response.status_code == 422
    assert "Enter a valid email address." in response.get_data(as_text=True)
    assert User.select().count() == 0


def test_register_with_a_taken_email_in_any_case_stores_nothing(client, auth, user):
    response = auth.register(email="ANA@example.com", password="another long password")
    assert response.status_code == 422
    assert "be used for a new account. Log in instead?" in response.get_data(as_text=True)
    assert User.select().count() == 1
    assert verify_password(User.get().password_hash, PASSWORD)  # the owner's password is untouched


@pytest.mark.parametrize("timezone", ["Mars/Olympus_Mons", "", "../../etc/passwd"])
def test_register_with_an_unknown_time_zone_falls_back_to_utc(auth, timezone):
    assert auth.register(timezone=timezone).status_code == 303
    assert User.get().timezone == "UTC"


def test_login_and_the_session_it_starts(client, auth, user):
    response = auth.login(email="ANA@example.com ")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert client.get("/settings").status_code == 200


def test_remember_me_sets_a_remember_cookie(client, auth, user):
    response = auth.login(remember=True)
    assert response.status_code == 303
    cookies = response.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("remember_token=")]
    assert remember and "HttpOnly" in remember[0]


def test_without_remember_me_no_remember_cookie(client, auth, user):
    response = auth.login(remember=False)
    assert response.status_code == 303
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


def test_remember_cookie_alone_restores_the_session(app, client, auth, user):
    auth.login(remember=True)
    remember = client.get_cookie("remember_token")
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember.value)
    assert fresh.get("/settings").status_code == 200


def test_wrong_password_and_unknown_email_answer_exactly_alike(app, user):
    """Each attempt from a fresh browser, so neither inherits the other's session."""

    def attempt(email: str, password: str):
        client = app.test_client()
        response = Auth(client).login(email=email, password=password)
        return response, client

    wrong_password, first = attempt("ana@example.com", "not the password")
    unknown_email, second = attempt("bob@example.com", PASSWORD)
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert _without_csrf(_text(wrong_password)) == _without_csrf(
        _text(unknown_email).replace("bob@example.com", "ana@example.com")
    )
    assert "That email and password don't match an account." in _text(wrong_password)

    def cookie_names(response) -> list[str]:
        return sorted(c.split("=", 1)[0] for c in response.headers.getlist("Set-Cookie"))

    assert cookie_names(wrong_password) == cookie_names(unknown_email)
    assert first.get("/settings").status_code == second.get("/settings").status_code == 302  # both signed out


@pytest.mark.parametrize(
    "fields",
    [
        {"email": "ana\x00@example.com", "password": PASSWORD},
        {"email": "x" * 300 + "@example.com", "password": PASSWORD},
        {"email": "ana@example.com", "password": "x" * 5000},
        {"password": PASSWORD},
        {},
    ],
    ids=["nul", "long-email", "long-password", "no-email", "nothing"],
)
def test_odd_login_input_is_a_plain_failure(client, auth, user, fields):
    response = auth.post("/login", fields)
    assert response.status_code == 401
    assert "That email and password don't match an account." in _text(response)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/settings", "/settings"),
        ("/history?kind=repair", "/history?kind=repair"),
        ("//evil.example/steal", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("evil.example", "/"),
    ],
)
def test_login_follows_next_only_within_the_site(client, auth, user, target, expected):
    response = auth.post("/login", {"email": "ana@example.com", "password": PASSWORD, "next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == expected


def test_backslash_next_cannot_become_another_host(client, auth, user):
    response = auth.post(
        "/login", {"email": "ana@example.com", "password": PASSWORD, "next": "/\\evil.example"}
    )
    location = response.headers["Location"]
    assert not location.startswith("//") and not location.startswith("/\\")


def test_a_protected_page_sends_to_login_and_back(client, auth, user):
    response = client.get("/settings")
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url.startswith("/login?next=")
    form = client.get(login_url).get_data(as_text=True)
    assert 'action="/login?next=/settings"' in form
    response = auth.post(login_url, {"email": "ana@example.com", "password": PASSWORD})
    assert response.headers["Location"] == "/settings"


def test_logged_in_user_is_sent_from_login_and_register_to_today(client, logged_in):
    assert client.get("/login").headers["Location"] == "/"
    assert client.get("/register").headers["Location"] == "/"


def test_logout_signs_out(client, logged_in):
    response = logged_in.logout()
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert client.get("/settings").status_code == 302
    assert "You are logged out." in client.get("/login").get_data(as_text=True)


def test_logout_by_get_is_not_allowed(client, logged_in):
    assert client.get("/logout").status_code == 405
    assert client.get("/settings").status_code == 200


def test_logout_without_the_csrf_token_is_refused(client, logged_in):
    response = client.post("/logout")
    assert response.status_code == 400
    assert "This form expired" in response.get_data(as_text=True)
    assert client.get("/settings").status_code == 200


def test_login_without_the_csrf_token_is_refused(client, user):
    response = client.post("/login", data={"email": "ana@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/settings").status_code == 302


def test_register_form_echoes_the_email_but_never_the_password(auth):
    html = auth.register(email="new@example.com", password="short pw").get_data(as_text=True)
    assert 'value="new@example.com"' in html
    assert "short pw" not in html


def test_accounts_are_separate(client, auth):
    make_user("bo@example.com")
    auth.register(email="ana@example.com")
    assert {u.email for u in User.select()} == {"ana@example.com", "bo@example.com"}
    assert (
        User.get(User.email == "ana@example.com").session_key
        != User.get(User.email == "bo@example.com").session_key
    )


def _form(client, **fields) -> dict:
    """A complete, valid form with the session's CSRF token: all a POST would need."""
    return {
        "password": PASSWORD,
        "timezone": "UTC",
        "remember": "on",
        "csrf_token": csrf_token(client),
        **fields,
    }


def test_head_on_the_login_page_with_a_valid_form_signs_no_one_in(client, user):
    response = client.open("/login", method="HEAD", data=_form(client, email="ana@example.com"))
    assert response.status_code == 200
    assert not any("remember_token=" in c for c in response.headers.getlist("Set-Cookie"))
    assert UserSession.select().count() == 0
    assert client.get("/settings").status_code == 302


def test_head_on_the_sign_up_page_with_a_valid_form_creates_nothing(app, client, tmp_path):
    response = client.open("/register", method="HEAD", data=_form(client, email="new@example.com"))
    assert response.status_code == 200
    assert User.select().count() == 0 and UserSession.select().count() == 0
    assert not (tmp_path / "outbox").exists() or not any((tmp_path / "outbox").iterdir())
    assert client.get("/settings").status_code == 302


@pytest.mark.parametrize("path", ["/login", "/register"])
def test_sign_in_and_sign_up_without_csrf_are_refused(client, user, path):
    response = client.post(path, data={"email": "ana@example.com", "password": PASSWORD, "timezone": "UTC"})
    assert response.status_code == 400
    assert User.select().count() == 1 and UserSession.select().count() == 0


@pytest.mark.parametrize("path", ["/login", "/register"])
def test_account_pages_are_never_cached(client, user, path):
    assert client.get(path).headers["Cache-Control"] == "no-store"
    assert Auth(client).post(path, {"email": "x", "password": "y"}).headers["Cache-Control"] == "no-store"
