"""Settings: time zone and weekly target, changing the password, personal access tokens."""

from __future__ import annotations

import hashlib
import re

import pytest

from tests.conftest import PASSWORD, Auth, make_user
from tracker.models import ApiToken, User
from tracker.security import new_api_token, verify_password

NEW_PASSWORD = "a brand new passphrase"


def test_settings_page_shows_the_current_values(client, logged_in, user):
    html = client.get("/settings").get_data(as_text=True)
    assert 'value="Europe/Berlin"' in html
    assert '<option value="4" selected>' in html
    assert "the first 3 unlogged days of each week are rest days" in html


def test_settings_save_time_zone_and_weekly_target(client, logged_in, user):
    response = logged_in.post("/settings", {"timezone": "Pacific/Kiritimati", "weekly_target": "7"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/settings"
    saved = User.get_by_id(user.id)
    assert (saved.timezone, saved.weekly_target) == ("Pacific/Kiritimati", 7)
    assert "Settings saved." in client.get("/settings").get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"timezone": "Mars/Olympus_Mons", "weekly_target": "5"}, "Choose a time zone from the list"),
        ({"timezone": "", "weekly_target": "5"}, "Choose a time zone from the list"),
        ({"timezone": "Asia/Tokyo", "weekly_target": "0"}, "The weekly target is 1 to 7 days."),
        ({"timezone": "Asia/Tokyo", "weekly_target": "8"}, "The weekly target is 1 to 7 days."),
        ({"timezone": "Asia/Tokyo", "weekly_target": "four"}, "The weekly target is 1 to 7 days."),
        ({"timezone": "Asia/Tokyo", "weekly_target": "2.5"}, "The weekly target is 1 to 7 days."),
        ({"timezone": "Asia/Tokyo"}, "The weekly target is 1 to 7 days."),
    ],
    ids=["unknown-zone", "blank-zone", "target-0", "target-8", "target-word", "target-fraction", "no-target"],
)
def test_bad_settings_rerender_with_a_message_and_change_nothing(client, logged_in, user, fields, message):
    response = logged_in.post("/settings", fields)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and "<html" in html
    saved = User.get_by_id(user.id)
    assert (saved.timezone, saved.weekly_target) == ("Europe/Berlin", 4)


def test_bad_settings_by_htmx_answer_200_so_the_messages_swap_in(client, logged_in, user):
    response = logged_in.post("/settings", {"timezone": "Nowhere", "weekly_target": "3"}, htmx=True)
    assert response.status_code == 200
    assert "Choose a time zone from the list" in response.get_data(as_text=True)
    assert User.get_by_id(user.id).weekly_target == 4


def test_change_password_with_the_wrong_current_password_is_refused(client, logged_in, user):
    response = logged_in.post(
        "/settings/password", {"current_password": "not my password", "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 422
    assert "That is not your current password." in response.get_data(as_text=True)
    saved = User.get_by_id(user.id)
    assert verify_password(saved.password_hash, PASSWORD)
    assert saved.session_key == user.session_key


def test_change_password_to_a_short_one_is_refused(client, logged_in, user):
    response = logged_in.post("/settings/password", {"current_password": PASSWORD, "new_password": "short"})
    assert response.status_code == 422
    assert "Use at least 10 characters." in response.get_data(as_text=True)
    assert verify_password(User.get_by_id(user.id).password_hash, PASSWORD)


def test_change_password_signs_out_other_sessions_and_the_new_one_works(app, client, logged_in, user):
    other = app.test_client()
    Auth(other).login(remember=True)
    assert other.get("/settings").status_code == 200

    response = logged_in.post(
        "/settings/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 303
    saved = User.get_by_id(user.id)
    assert saved.session_key != user.session_key
    assert verify_password(saved.password_hash, NEW_PASSWORD)

    assert client.get("/settings").status_code == 200  # this browser stays signed in
    assert other.get("/settings").status_code == 302  # the other one, remember cookie and all, is out

    fresh = Auth(app.test_client())
    assert fresh.login(password=PASSWORD).status_code == 401
    assert fresh.login(password=NEW_PASSWORD).status_code == 303


@pytest.mark.parametrize("remember", [True, False])
def test_change_password_keeps_this_browser_remembered_only_if_it_was(client, auth, user, remember):
    auth.login(remember=remember)
    response = auth.post("/settings/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 303
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("remember_token=") for c in cookies) is remember
    if remember:  # the new cookie names the new session, which opens pages on its own
        fresh = client.application.test_client()
        fresh.set_cookie("remember_token", client.get_cookie("remember_token").value)
        assert fresh.get("/settings").status_code == 200


def test_creating_an_access_token_shows_it_once_and_stores_only_its_hash(client, logged_in, user):
    response = logged_in.post("/settings/tokens", {"name": "phone shortcut"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    token = re.search(r'<code class="token">([^<]+)</code>', html).group(1)
    assert token.startswith("sb_") and len(token) > 40
    stored = ApiToken.get()
    assert (stored.user_id, stored.name) == (user.id, "phone shortcut")
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ApiToken.select().dicts().get())
    later = client.get("/settings").get_data(as_text=True)
    assert token not in later and "phone shortcut" in later
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/kinds", headers=bearer).status_code == 200


@pytest.mark.parametrize("name", ["", "   ", "x" * 61, "bad\x00name", "tab\tname"])
def test_an_access_token_needs_a_plain_name(client, logged_in, name):
    response = logged_in.post("/settings/tokens", {"name": name})
    assert response.status_code == 422
    assert "Name the token" in response.get_data(as_text=True)
    assert ApiToken.select().count() == 0


def test_revoking_an_access_token_stops_it_at_once(client, logged_in, user):
    token, digest = new_api_token()
    stored = ApiToken.create(user=user, name="script", token_hash=digest)
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/kinds", headers=bearer).status_code == 200
    response = logged_in.post(f"/settings/tokens/{stored.id}/delete")
    assert response.status_code == 303
    assert ApiToken.select().count() == 0
    assert "Token revoked." in client.get("/settings").get_data(as_text=True)
    assert client.get("/api/v1/kinds", headers=bearer).status_code == 401


def test_another_users_token_cannot_be_revoked(client, logged_in):
    other = make_user("bo@example.com")
    _, digest = new_api_token()
    theirs = ApiToken.create(user=other, name="theirs", token_hash=digest)
    assert logged_in.post(f"/settings/tokens/{theirs.id}/delete").status_code == 404
    assert ApiToken.get_by_id(theirs.id).name == "theirs"
    assert "theirs" not in client.get("/settings").get_data(as_text=True)


@pytest.mark.parametrize("token_id", ["0", "2147483648", "99999999999999999999999"])
def test_revoking_an_unknown_token_id_is_404(client, logged_in, token_id):
    assert logged_in.post(f"/settings/tokens/{token_id}/delete").status_code == 404


def test_settings_need_a_login(client, user):
    assert client.get("/settings").status_code == 302
    assert client.post("/settings", data={"timezone": "UTC", "weekly_target": "7"}).status_code == 400
    assert User.get_by_id(user.id).weekly_target == 4


def test_settings_pages_are_never_cached(client, logged_in):
    assert client.get("/settings").headers["Cache-Control"] == "no-store"
    shown_once = logged_in.post("/settings/tokens", {"name": "phone"})
    assert "sb_" in shown_once.get_data(as_text=True) and shown_once.headers["Cache-Control"] == "no-store"
    refused = logged_in.post("/account/delete", {"password": "not it"})
    assert refused.status_code == 422 and refused.headers["Cache-Control"] == "no-store"


def _footer(html: str) -> str:
    return html[html.index('<footer class="foot">') :]


def test_help_lines_follow_the_time_zone_until_a_region_is_chosen(client, logged_in, user):
    """Issue 13, item 7: Berlin shows Germany's lines; choosing Ireland shows Ireland's everywhere."""
    html = client.get("/settings").get_data(as_text=True)
    assert '<option value="auto" selected>Germany (from my time zone)</option>' in html
    for region in ("us", "ca", "uk", "ie", "au", "de", "elsewhere"):
        assert f'<option value="{region}" >' in html
    response = logged_in.post("/settings/help", {"help_region": "ie"})
    assert response.status_code == 303 and response.headers["Location"] == "/settings#help"
    assert User.get_by_id(user.id).help_region == "ie"
    html = client.get("/settings").get_data(as_text=True)
    section = html[html.index('id="help"') : html.index('id="digest"')]
    assert "Help lines saved: Ireland." in section and '<option value="ie" selected>' in section
    for path in ("/", "/people", "/recall"):
        footer = _footer(client.get(path).get_data(as_text=True))
        assert 'href="tel:116123"' in footer and 'href="tel:1800341900"' in footer, path
        assert "TelefonSeelsorge" not in footer, path
    logged_in.post("/settings/help", {"help_region": "auto"})
    assert User.get_by_id(user.id).help_region is None
    assert "TelefonSeelsorge" in _footer(client.get("/").get_data(as_text=True))


def test_a_chosen_region_stays_when_the_time_zone_changes(client, logged_in, user):
    logged_in.post("/settings/help", {"help_region": "au"})
    logged_in.post("/settings", {"timezone": "America/Chicago", "weekly_target": "4"})
    footer = _footer(client.get("/").get_data(as_text=True))
    assert "Lifeline" in footer and "988" not in footer


@pytest.mark.parametrize(
    "value", ["mars", "", "US", "de ", None], ids=["unknown", "blank", "case", "space", "none"]
)
def test_an_unknown_help_region_gets_a_message_and_changes_nothing(client, logged_in, user, value):
    logged_in.post("/settings/help", {"help_region": "uk"})
    response = logged_in.post("/settings/help", {} if value is None else {"help_region": value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="help_region-error">Choose a place from the list, or the one your time zone suggests.' in html
    assert User.get_by_id(user.id).help_region == "uk"
