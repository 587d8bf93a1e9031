"""Discretion on a shared phone (issue 17, DOMAIN.md "Care"): "remember me" only when ticked, the
Settings for the idle lock and the discreet mode (a neutral name and plain icon for the installed app,
emails without action labels or numbers), carried by export and import."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime

import pytest

from tests.conftest import Auth, make_log, make_person
from tracker import emails, nudges, rules
from tracker.models import User

REMEMBER = "remember_token"


def cookie_names(client) -> set[str]:
    """What the browser keeps after the answers it was given."""
    return {cookie.key for cookie in client._cookies.values()}


def discreet(user: User, on: bool = True) -> None:
    User.update(discreet=on).where(User.id == user.id).execute()


# --- Remember me -------------------------------------------------------------------------------------


def test_sign_up_and_sign_in_keep_no_remember_cookie_unless_it_is_ticked(app):
    browser = app.test_client()
    auth = Auth(browser)
    assert auth.register(email="new@example.com").status_code == 303
    assert REMEMBER not in cookie_names(browser) and "session" in cookie_names(browser)
    auth.logout()
    assert auth.login(email="new@example.com").status_code == 303
    assert REMEMBER not in cookie_names(browser)
    auth.logout()
    assert auth.login(email="new@example.com", remember=True).status_code == 303
    assert REMEMBER in cookie_names(browser)  # ticked: kept on this device
    auth.logout()
    assert REMEMBER not in cookie_names(browser)  # and signing out takes it away
    page = browser.get("/login").get_data(as_text=True)
    assert '<input type="checkbox" name="remember">' in page  # unticked until the person ticks it


# --- Settings ----------------------------------------------------------------------------------------


def test_settings_offer_the_idle_lock_and_the_discreet_mode(client, logged_in, user):
    html = client.get("/settings").get_data(as_text=True)
    assert "On a shared phone" in html and 'name="idle_lock"' in html and 'name="discreet"' in html
    assert "Automatic (now: never)" in html
    response = logged_in.post("/settings/discretion", {"idle_lock": "15", "discreet": "on"})
    assert response.status_code == 303 and response.headers["Location"] == "/settings#discretion"
    saved = User.get_by_id(user.id)
    assert (saved.idle_lock, saved.discreet) == (15, True)
    html = client.get("/settings").get_data(as_text=True)
    assert '<option value="15" selected>' in html and 'name="discreet" checked' in html
    logged_in.post("/settings/discretion", {"idle_lock": "auto"})
    saved = User.get_by_id(user.id)
    assert (saved.idle_lock, saved.discreet) == (None, False)


@pytest.mark.parametrize("value", ["7", "-5", "05x", "", "auto ", "999", None])
def test_a_lock_time_not_offered_gets_a_message_and_changes_nothing(client, logged_in, user, value):
    logged_in.post("/settings/discretion", {"idle_lock": "60", "discreet": "on"})
    response = logged_in.post("/settings/discretion", {} if value is None else {"idle_lock": value})
    assert response.status_code == 422
    assert 'id="idle_lock-error">Choose one of the times in the list.' in response.get_data(as_text=True)
    saved = User.get_by_id(user.id)
    assert (saved.idle_lock, saved.discreet) == (60, True)


# --- The installed app's name and icon ----------------------------------------------------------------


def manifest(client) -> dict:
    response = client.get("/manifest.webmanifest")
    assert response.headers["Cache-Control"] == "private, no-cache" and "Cookie" in response.vary
    return json.loads(response.get_data(as_text=True))


def test_the_discreet_mode_gives_the_installed_app_a_neutral_name_and_a_plain_icon(client, logged_in, user):
    usual = manifest(client)
    assert usual["name"] == "Secure Base" and usual["shortcuts"]
    logged_in.post("/settings/discretion", {"idle_lock": "auto", "discreet": "on"})
    plain = manifest(client)
    assert plain["name"] == plain["short_name"] == "Notes"
    assert plain["id"] == usual["id"] and plain["start_url"] == usual["start_url"]  # the same app
    assert plain["shortcuts"] == []  # a long press would list the actions by name
    assert {icon["purpose"] for icon in plain["icons"]} == {"any", "maskable"}
    for icon in plain["icons"]:
        assert "/icons/plain" in icon["src"]
        with client.get(icon["src"]) as response:
            assert response.status_code == 200 and response.mimetype == icon["type"]
            data = response.get_data()
        if icon["type"] == "image/png":  # the PNG header's IHDR chunk holds the real pixel size
            width, height = (int(n) for n in icon["sizes"].split("x"))
            assert (int.from_bytes(data[16:20]), int.from_bytes(data[20:24])) == (width, height)
    text = json.dumps(plain)
    assert "attachment" not in text and "Secure" not in text and "closeness" not in text.lower()
    page = client.get("/").get_data(as_text=True)
    assert "<title>Today · Notes</title>" in page
    assert '<meta name="apple-mobile-web-app-title" content="Notes">' in page
    assert "icons/plain-apple-touch-icon" in page and "icons/plain-" in page


def test_the_device_keeps_the_neutral_name_while_signed_out(client, logged_in, user):
    logged_in.post("/settings/discretion", {"idle_lock": "auto", "discreet": "on"})
    assert client.get_cookie("look").value == "plain"
    logged_in.logout()
    assert manifest(client)["name"] == "Notes"  # the sign-in page must not rename the installed app
    assert "<title>Log in · Notes</title>" in client.get("/login").get_data(as_text=True)
    logged_in.login()
    logged_in.post("/settings/discretion", {"idle_lock": "auto"})
    assert client.get_cookie("look") is None
    assert manifest(client)["name"] == "Secure Base"


def test_another_devices_choice_reaches_this_one_at_its_next_page(client, logged_in, user):
    discreet(user)  # chosen elsewhere
    client.get("/")
    assert client.get_cookie("look").value == "plain"
    assert client.get_cookie("look").http_only


def test_a_visitor_without_the_cookie_sees_the_usual_app(app):
    assert manifest(app.test_client())["name"] == "Secure Base"


# --- Emails ------------------------------------------------------------------------------------------


def verified(**fields) -> User:
    return User.create(
        email="ana@example.com",
        password_hash="-",
        timezone="Europe/Berlin",
        created_at=datetime(2026, 5, 1),
        email_verified_at=datetime(2026, 1, 1),
        **fields,
    )


def parts(message) -> list[str]:
    return [message.get_body((kind,)).get_content() for kind in ("plain", "html")]


def test_a_discreet_nudge_names_no_action_and_no_step(outbox, clock):
    user = verified(discreet=True)
    rules.create_rule(
        user, rules.parse_rule({"days": ["wed"], "time": "12:31", "kind": "closeness"}), clock.now
    )
    assert nudges.dispatch(datetime(2026, 5, 13, 10, 31, 5, tzinfo=UTC)).sent == 1
    message = outbox[0]
    assert message["Subject"] == "Your reminder" and message["From"] == "Notes <reminders@localhost>"
    for part in parts(message):
        assert "I did it" in part and "Snooze 1 hour" in part and "Not today" in part
        for word in ("closeness", "Closeness", "ladder", "of 3", "Secure Base", "thinking of you"):
            assert word not in part
    # The link still logs the suggestion: its page says what, once opened.
    done = next(line for line in parts(message)[0].splitlines() if line.startswith("I did it:"))
    assert "/email/done/" in done


def test_a_discreet_digest_has_no_numbers(outbox, clock):
    user = verified(discreet=True)
    for day in (4, 5, 6):
        make_log(user, "closeness", at=datetime(2026, 5, day, 9, tzinfo=UTC), after=7, response="welcomed")
    rules.set_digest(user, True, clock.now)
    assert nudges.dispatch(datetime(2026, 6, 1, 7, 0, 30, tzinfo=UTC)).sent == 1
    message = outbox[0]
    assert message["Subject"] == "Your month: May 2026"
    text, html = parts(message)
    assert "/month/2026-05" in text and "See the whole month" in html
    words = re.sub(r"<[^>]*>", " ", html)  # what a mail app shows of the HTML (no tags, no styles)
    for part in (text.split("http")[0], words):  # the links' own digits aside
        assert not any(ch.isdigit() for ch in part), part
        assert "streak" not in part and "score" not in part and "Secure Base" not in part


def test_without_the_discreet_mode_the_emails_are_as_before(outbox, clock):
    user = verified()
    message = emails.reset_message(user, clock.now).parsed()
    assert message["Subject"] == "Reset your Secure Base password"
    discreet(user)
    plain = emails.reset_message(User.get_by_id(user.id), clock.now).parsed()
    assert plain["Subject"] == "Reset your password" and "Secure Base" not in plain.as_string()


# --- Export and import -------------------------------------------------------------------------------


def test_both_settings_go_out_with_the_export_and_come_back_with_the_import(client, logged_in, user):
    logged_in.post("/settings/discretion", {"idle_lock": "5", "discreet": "on"})
    exported = client.get("/export.json").get_json()
    assert (exported["profile"]["idle_lock"], exported["profile"]["discreet"]) == (5, True)
    logged_in.post("/settings/discretion", {"idle_lock": "0"})
    raw = json.dumps(exported).encode()
    response = logged_in.post(
        "/settings/import", {"file": (io.BytesIO(raw), "export.json")}, content_type="multipart/form-data"
    )
    assert response.status_code in (200, 303)
    saved = User.get_by_id(user.id)
    assert (saved.idle_lock, saved.discreet) == (5, True)


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ({"idle_lock": 7}, "profile.idle_lock: null (automatic) or one of 0, 5, 15, 60"),
        ({"idle_lock": "5"}, "profile.idle_lock"),
        ({"idle_lock": True}, "profile.idle_lock"),
        ({"discreet": "yes"}, "profile.discreet: true or false."),
    ],
)
def test_a_bad_discretion_setting_in_a_file_changes_nothing(client, logged_in, user, profile, message):
    raw = json.dumps({"version": 1, "profile": profile}).encode()
    response = logged_in.post(
        "/settings/import", {"file": (io.BytesIO(raw), "export.json")}, content_type="multipart/form-data"
    )
    assert message in response.get_data(as_text=True)
    saved = User.get_by_id(user.id)
    assert (saved.idle_lock, saved.discreet) == (None, False)


def test_a_file_without_them_leaves_them_as_they_are(client, logged_in, user):
    logged_in.post("/settings/discretion", {"idle_lock": "60", "discreet": "on"})
    raw = json.dumps({"version": 1, "profile": {"weekly_target": 3}}).encode()
    logged_in.post(
        "/settings/import", {"file": (io.BytesIO(raw), "export.json")}, content_type="multipart/form-data"
    )
    saved = User.get_by_id(user.id)
    assert (saved.idle_lock, saved.discreet, saved.weekly_target) == (60, True, 3)


# --- The person page and the note -------------------------------------------------------------------


def test_the_person_pages_safety_marker_reads_as_a_plain_setting(client, logged_in, user):
    sam = make_person(user, "Sam", not_safe=True)
    html = client.get(f"/people/{sam.id}").get_data(as_text=True)
    marker = html[html.index('id="care-heading"') : html.index("</section>", html.index('id="care-heading"'))]
    assert "Kept out of suggestions" in marker and "The app won't suggest steps with Sam" in marker
    for words in ("safe", "afraid", "abuse", "You noted"):
        assert words not in marker.replace("Support, if you want it", "")
    # Support stays one tap away, folded: a glance over the shoulder reads a plain setting.
    assert "<summary>Support, if you want it</summary>" in marker and "findahelpline.com" in marker


def test_the_note_field_says_honestly_who_could_read_it(client, logged_in, user):
    log = make_log(user)
    html = client.get(f"/logs/{log.id}/edit").get_data(as_text=True)
    assert 'Private note <span class="label-aside">· exported, never emailed</span>' in html
    assert ">Anyone who opens this app could read it.</p>" in html and "Only you see it" not in html
