"""Pages show every change at once: they are computed afresh on every request (issue 14 removed the
page cache), so nothing a write forgets to invalidate can go stale."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.conftest import make_log, make_person, make_user
from tracker.models import Log, Pause, Person, User

TOKEN = re.compile(r'(name="csrf[-_]token" (?:content|value)=")[^"]+"')


def page(client, path: str) -> str:
    """The page without its CSRF tokens, which carry the second they were signed in."""
    return TOKEN.sub(r'\1-"', client.get(path).get_data(as_text=True))


PAGES = ["/", "/history", "/month", "/month/2026-05", "/day/2026-05-13", "/year"]


@pytest.mark.parametrize("path", PAGES)
def test_a_new_log_shows_at_once(client, logged_in, user, path):
    before = page(client, path)
    logged_in.post("/logs", {"kind": "repair"})
    assert page(client, path) != before


def test_every_change_the_pages_show_is_seen(client, logged_in, user):
    sam = make_person(user, "Sam")
    log = make_log(user, "confide", person=sam)
    assert "Sam" in client.get("/history").get_data(as_text=True)
    Person.update(nickname="Samira").where(Person.id == sam.id).execute()
    assert "Samira" in client.get("/history").get_data(as_text=True)
    Log.delete().where(Log.id == log.id).execute()
    assert "No logs yet" in client.get("/history").get_data(as_text=True)
    User.update(created_at=user.created_at - timedelta(days=12)).where(User.id == user.id).execute()
    before = page(client, "/month")
    assert before.count("missed") > 3  # nothing logged for twelve days
    Pause.create(user=user, start_date=date(2026, 5, 1), end_date=date(2026, 5, 12), reason="flu")
    assert page(client, "/month").count("missed") < before.count("missed")


def test_a_changed_setting_of_the_user_is_seen(client, logged_in, user):
    make_log(user, "confide")
    before = page(client, "/history")
    User.update(timezone="Pacific/Auckland").where(User.id == user.id).execute()
    assert page(client, "/history") != before  # times shown in the new zone


def test_a_new_day_renders_afresh(client, logged_in, user, clock):
    make_log(user, "confide", note="said it out loud")
    assert "said it out loud" in client.get("/").get_data(as_text=True)
    clock.now += timedelta(days=1)
    assert "said it out loud" not in client.get("/").get_data(as_text=True)


def test_a_one_time_message_is_shown_once_and_never_replayed(client, logged_in, user):
    client.get("/")
    logged_in.post("/logs", {"kind": "hug_tree"})  # flashes "Unknown kind" and redirects to Today
    assert "Unknown kind" in client.get("/").get_data(as_text=True)
    assert "Unknown kind" not in client.get("/").get_data(as_text=True)


def test_one_user_never_gets_another_users_page(app, client, logged_in, user):
    make_log(user, "confide", note="only mine")
    assert "only mine" in client.get("/history").get_data(as_text=True)
    make_user("bo@example.com")
    other = app.test_client()
    from tests.conftest import Auth

    Auth(other).login("bo@example.com")
    assert "only mine" not in other.get("/history").get_data(as_text=True)


def test_fragments_and_whole_pages_are_kept_apart(client, logged_in, user):
    whole = client.get("/history").get_data(as_text=True)
    fragment = client.get("/history", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" in whole and "<html" not in fragment
    assert "<html" in client.get("/history").get_data(as_text=True)


def test_the_summary_api_shows_a_new_log_at_once(client, user, app):
    from tracker.models import ApiToken
    from tracker.security import new_api_token

    secret, digest = new_api_token()
    ApiToken.create(user=user, name="t", token_hash=digest)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/summary", headers=headers).get_json()["by_kind"].get("confide", 0) == 0
    make_log(user, "confide")
    assert client.get("/api/v1/summary", headers=headers).get_json()["by_kind"]["confide"] == 1
