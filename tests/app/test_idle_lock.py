"""The idle lock (issue 17, DOMAIN.md "Care"): after the chosen quiet time a session asks for the
password again on every way in, brings the person back where they were, and never loses (nor saves
unasked) a form sent just after the lock came on. Time moves with the injected clock, never a sleep."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.conftest import PASSWORD, Auth, csrf_token, make_person
from tracker.models import ApiToken, Log, User, UserSession
from tracker.security import new_api_token

MINUTE = timedelta(minutes=1)


def choose(user: User, minutes: int | None) -> None:
    User.update(idle_lock=minutes).where(User.id == user.id).execute()


def session_row(user: User) -> UserSession:
    return UserSession.get(UserSession.user == user.id)


def locked_at(response) -> str | None:
    """Where a locked answer sends the person (a page's redirect, or htmx's HX-Redirect)."""
    return response.headers.get("HX-Redirect") or response.headers.get("Location")


def unlock(client, password: str = PASSWORD, next_: str | None = None):
    token = csrf_token(client)  # the unlock page's own token (its form)
    url = "/unlock" + (f"?next={next_}" if next_ else "")
    return client.post(url, data={"password": password, "csrf_token": token})


def test_without_a_choice_and_nobody_marked_there_is_no_lock(client, logged_in, user, clock):
    clock.now += timedelta(days=2)
    assert client.get("/settings").status_code == 200


def test_after_the_chosen_minutes_every_page_asks_again_and_comes_back(client, logged_in, user, clock):
    choose(user, 15)
    clock.now += 15 * MINUTE  # exactly the limit: still open, and this request is use
    assert client.get("/history?kind=closeness").status_code == 200
    clock.now += 15 * MINUTE + timedelta(seconds=1)
    response = client.get("/history?kind=closeness")
    assert response.status_code == 303
    assert locked_at(response) == "/unlock?next=/history?kind%3Dcloseness"
    page = client.get(locked_at(response))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Enter your password" in html and "15 minutes without use" in html
    # Nothing of the account: no address, no tabs, no offline account tag.
    assert user.email not in html and 'aria-label="Main"' not in html and "data-account=" not in html
    assert client.get("/month").status_code == 303  # still locked: looking at the lock is no use

    wrong = unlock(client, "not the password", next_="/history?kind%3Dcloseness")
    assert wrong.status_code == 401 and "the password of this account" in wrong.get_data(as_text=True)
    assert client.get("/settings").status_code == 303
    right = unlock(client, next_="/history?kind%3Dcloseness")
    assert right.status_code == 303 and right.headers["Location"] == "/history?kind=closeness"
    assert client.get("/settings").status_code == 200


def test_while_anyone_is_marked_not_safe_the_lock_is_on_by_default(client, logged_in, user, clock):
    make_person(user, "Alex", not_safe=True)
    clock.now += 5 * MINUTE
    assert client.get("/").status_code == 200
    clock.now += 5 * MINUTE + timedelta(seconds=1)
    assert locked_at(client.get("/")) == "/unlock?next=/"


def test_an_explicit_never_holds_even_while_someone_is_marked(client, logged_in, user, clock):
    make_person(user, "Alex", not_safe=True)
    choose(user, 0)
    clock.now += timedelta(hours=3)
    assert client.get("/").status_code == 200


def test_use_is_written_at_most_once_a_minute_and_only_by_real_use(client, logged_in, user, clock):
    choose(user, 5)
    start = session_row(user).last_seen_at
    clock.now += timedelta(seconds=30)
    client.get("/settings")
    assert session_row(user).last_seen_at == start  # within the minute: no write
    clock.now += timedelta(seconds=40)
    client.get("/settings")
    assert session_row(user).last_seen_at == start + timedelta(seconds=70)
    # What opening the app from the home screen fetches by itself is no use: it never keeps it open.
    for _ in range(3):
        clock.now += 2 * MINUTE
        for url in ("/manifest.webmanifest", "/sw.js", "/pwa/session", "/offline"):
            assert client.get(url).status_code == 200
    assert session_row(user).last_seen_at == start + timedelta(seconds=70)
    assert locked_at(client.get("/")) is not None


def test_htmx_requests_are_sent_to_the_lock_and_back_to_their_page(client, logged_in, user, clock):
    choose(user, 5)
    clock.now += 6 * MINUTE
    here = {"HX-Request": "true", "HX-Current-URL": "http://localhost/month/2026-05"}
    fragment = client.get("/today/logs", headers=here)
    assert fragment.status_code == 401 and fragment.get_data() == b""
    assert fragment.headers["HX-Redirect"] == "/unlock?next=/month/2026-05"
    # A boosted link goes where it was going; a page on another site is never a way back.
    boosted = client.get("/people", headers={**here, "HX-Boosted": "true"})
    assert boosted.headers["HX-Redirect"] == "/unlock?next=/people"
    elsewhere = client.get(
        "/today/logs", headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/x"}
    )
    assert elsewhere.headers["HX-Redirect"] == "/unlock?next=/"


def test_the_api_answers_401_to_a_locked_session_but_not_to_a_token(client, logged_in, user, clock):
    choose(user, 5)
    token, digest = new_api_token()
    ApiToken.create(user=user.id, name="script", token_hash=digest)
    clock.now += 6 * MINUTE
    body = {"kind": "closeness"}
    locked = client.post("/api/v1/logs", json=body, headers={"X-CSRFToken": csrf_token(client)})
    assert locked.status_code == 401 and "password" in locked.get_json()["error"]
    assert client.get("/api/v1/summary").status_code == 401
    assert Log.select().count() == 0
    # The offline queue asks who is signed in before replaying: nobody, so its taps wait.
    assert client.get("/pwa/session").get_json() == {"account": None, "csrf_token": None}
    scripted = client.get("/api/v1/summary", headers={"Authorization": f"Bearer {token}"})
    assert scripted.status_code == 200


def test_a_tap_sent_while_locked_is_kept_and_saved_only_when_asked(client, logged_in, user, clock):
    choose(user, 5)
    form_token = csrf_token(client)
    tapped_at = clock.now + 6 * MINUTE
    clock.now = tapped_at
    sent = client.post(
        "/logs",
        data={"csrf_token": form_token, "kind": "closeness", "tap": "tap-1"},
        headers={"Referer": "http://localhost/"},
    )
    assert locked_at(sent) == "/unlock?next=/"
    assert Log.select().count() == 0  # nothing saved behind the lock
    held = json.loads(session_row(user).held)
    assert held["path"] == "/logs" and ["kind", "closeness"] in held["fields"]
    assert all(name != "csrf_token" for name, _ in held["fields"])
    assert "What you were saving is kept" in client.get("/unlock?next=/").get_data(as_text=True)

    clock.now += 3 * MINUTE  # typing the password takes a while: the log keeps the tap's minute
    back = unlock(client, next_="/")
    assert back.headers["Location"] == "/unlock/kept?next=/"
    offer = client.get("/unlock/kept?next=/").get_data(as_text=True)
    assert "Save what you were sending?" in offer and "Ask for closeness" in offer
    assert Log.select().count() == 0  # looking at the offer saves nothing
    # The offer's form: the kept fields, a fresh token and the choice.
    fields = {**dict(held["fields"]), "csrf_token": csrf_token(client), "kept": "save"}
    saved = client.post("/unlock/kept?next=/", data=fields)
    assert saved.status_code == 307 and saved.headers["Location"] == "/logs"
    assert session_row(user).held is None
    assert client.post("/logs", data=fields).status_code == 303  # what the browser does with the 307
    log = Log.get()
    assert log.kind == "closeness" and log.at == tapped_at.replace(second=0, tzinfo=None)


def test_a_kept_form_can_be_dropped(client, logged_in, user, clock):
    choose(user, 5)
    form_token = csrf_token(client)
    clock.now += 6 * MINUTE
    client.post("/logs", data={"csrf_token": form_token, "kind": "space"}, headers={"HX-Request": "true"})
    unlock(client)
    dropped = client.post("/unlock/kept?next=/month", data={"csrf_token": csrf_token(client), "kept": "drop"})
    assert dropped.status_code == 303 and dropped.headers["Location"] == "/month"
    assert session_row(user).held is None and Log.select().count() == 0
    assert client.get("/unlock/kept").status_code == 302  # nothing kept: straight on


def test_a_password_is_never_kept(client, logged_in, user, clock):
    choose(user, 5)
    form_token = csrf_token(client)
    clock.now += 6 * MINUTE
    data = {"csrf_token": form_token, "current_password": PASSWORD, "new_password": "x" * 12}
    assert client.post("/settings/password", data=data).status_code == 303
    assert session_row(user).held is None


def test_a_forged_form_is_refused_before_the_lock_keeps_anything(client, logged_in, user, clock):
    choose(user, 5)
    clock.now += 6 * MINUTE
    assert client.post("/logs", data={"kind": "closeness"}).status_code == 400
    assert session_row(user).held is None


def test_the_lock_holds_for_a_remembered_browser_too(app, client, auth, user, clock):
    choose(user, 15)
    auth.login(remember=True)
    remembered = app.test_client()
    remembered.set_cookie("remember_token", client.get_cookie("remember_token").value)
    clock.now += 16 * MINUTE
    assert locked_at(remembered.get("/settings")) == "/unlock?next=/settings"


def test_signing_out_and_email_links_pass_the_lock(client, logged_in, user, clock):
    choose(user, 5)
    clock.now += 6 * MINUTE
    assert client.get("/reset").status_code == 200  # a forgotten password can be reset from the lock
    token = csrf_token(client)
    assert client.post("/logout", data={"csrf_token": token}).headers["Location"] == "/login"
    assert client.get("/settings").status_code == 302  # signed out: the sign-in page, not the lock
    assert client.get("/unlock").headers["Location"].startswith("/login")


def test_a_notifications_buttons_pass_the_lock_as_email_links_do(client, logged_in, user, clock):
    """The service worker's POST of "I did it" carries the session's cookie: the lock must not take it
    to the unlock page, where the tap would be lost; the token alone decides (a bad one: its own page)."""
    choose(user, 5)
    clock.now += 6 * MINUTE
    for path in ("/push/done/not-a-token", "/push/snooze/not-a-token"):
        for answer in (client.get(path), client.post(path)):
            assert "Location" not in answer.headers, path
            assert answer.status_code in (400, 404, 410) and "password" not in answer.get_data(as_text=True)
    assert client.get("/settings").headers["Location"].startswith("/unlock")  # still locked


def test_an_unlocked_session_passes_the_unlock_page_by(client, logged_in, user):
    response = client.get("/unlock?next=/people")
    assert response.status_code == 303 and response.headers["Location"] == "/people"
    assert client.get("/unlock?next=https://evil.example/").headers["Location"] == "/"


@pytest.mark.parametrize("minutes", [5, 15, 60])
def test_each_choice_locks_after_its_own_minutes(app, user, clock, minutes):
    choose(user, minutes)
    client = app.test_client()
    Auth(client).login()
    clock.now += minutes * MINUTE
    assert client.get("/").status_code == 200
    clock.now += minutes * MINUTE + timedelta(seconds=1)
    assert locked_at(client.get("/")) is not None


def test_wrong_unlock_passwords_are_limited_per_account(database_url, tmp_path, clock, monkeypatch):
    from argon2 import PasswordHasher

    from tests.conftest import build_app, make_user
    from tracker import security
    from tracker.models import database

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # the test counts tries
    monkeypatch.setattr(security, "_hasher", cheap)
    app = build_app(database_url, tmp_path, clock, RATELIMIT_ENABLED="1")
    try:
        user = make_user(idle_lock=5)
        User.update(password_hash=cheap.hash(PASSWORD)).where(User.id == user.id).execute()
        client = app.test_client()
        Auth(client).login()
        clock.now += 6 * MINUTE
        codes = [unlock(client, "a wrong guess").status_code for _ in range(10)]
        assert codes == [401] * 10
        blocked = unlock(client)  # even the right one waits now
        assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
        assert locked_at(client.get("/settings")) is not None
        assert session_row(user).last_seen_at < (clock.now - 5 * MINUTE).replace(tzinfo=None)
    finally:
        database.close()


def test_an_offer_sent_after_a_second_quiet_while_keeps_the_first_form(client, logged_in, user, clock):
    choose(user, 5)
    form_token = csrf_token(client)
    clock.now += 6 * MINUTE
    client.post("/logs", data={"csrf_token": form_token, "kind": "confide", "note": "typed"})
    unlock(client)
    offer_token = csrf_token(client)
    clock.now += 6 * MINUTE  # the offer sat on the screen: locked again before "Save it"
    sent = client.post("/unlock/kept", data={"csrf_token": offer_token, "kind": "confide", "kept": "save"})
    assert locked_at(sent).startswith("/unlock")
    held = json.loads(session_row(user).held)
    assert held["path"] == "/logs" and ["note", "typed"] in held["fields"]
