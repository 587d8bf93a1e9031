"""Web Push (issue 15) through the API, the Reminders page, the export, import and account deletion, and
its settings, on both databases: what may be subscribed (only browsers' push services, public addresses,
ten devices), idempotent adds and removes, each rule's channels."""

from __future__ import annotations

import base64
import io
import json
from datetime import UTC, datetime

import pytest

from tests.app.test_api import bearer
from tests.conftest import PASSWORD, build_app, csrf_token, make_user
from tests.push_receiver import Browser
from tracker import config, push
from tracker.models import PushSubscription, ReminderRule, User, database

FCM = "https://fcm.googleapis.com/fcm/send/"
SUBSCRIPTIONS = "/api/v1/push/subscriptions"
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile"
)


pytestmark = pytest.mark.app_settings(VAPID_SUBJECT="mailto:care@example.org")


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    """Push services' names resolve to a public address, network or not."""
    monkeypatch.setattr(push, "resolve", lambda host: ["142.250.185.74"])


def subscription(endpoint: str = FCM + "abc") -> dict:
    return Browser().subscription(endpoint)


def as_browser(client) -> dict:
    """The headers a signed-in page's script sends: its CSRF token and a phone's User-Agent."""
    return {"X-CSRFToken": csrf_token(client), "User-Agent": ANDROID}


def test_the_public_key_is_the_vapid_key_as_an_uncompressed_point(client, logged_in, app):
    answer = client.get("/api/v1/push/key")
    assert answer.status_code == 200
    key = answer.get_json()["public_key"]
    raw = base64.urlsafe_b64decode(key + "=")
    assert len(key) == 87 and len(raw) == 65 and raw[0] == 4
    with app.app_context():
        assert key == push.public_key()
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    assert client.get("/api/v1/push/key").status_code == 401


def test_subscribe_is_201_then_200_for_the_same_endpoint(client, logged_in, user):
    body = subscription()
    first = client.post(SUBSCRIPTIONS, json=body, headers=as_browser(client))
    assert first.status_code == 201
    device = first.get_json()
    assert (device["endpoint"], device["label"], device["expires_at"]) == (
        FCM + "abc",
        "Chrome on Android",
        None,
    )
    assert "keys" not in device and "p256dh" not in json.dumps(device)
    body["keys"] = subscription()["keys"]  # the browser renewed its keys: the device is updated
    again = client.post(SUBSCRIPTIONS, json=body, headers=as_browser(client))
    assert again.status_code == 200 and again.get_json()["id"] == device["id"]
    (stored,) = PushSubscription.select()
    assert (stored.user_id, stored.p256dh) == (user.id, body["keys"]["p256dh"])


@pytest.mark.parametrize(
    ("endpoint", "why"),
    [
        ("https://evil.example.org/push/1", "not a push service"),
        ("https://fcm.googleapis.com.evil.example.org/x", "only ends like one"),
        ("http://fcm.googleapis.com/fcm/send/abc", "plain http"),
        ("https://fcm.googleapis.com:8443/fcm/send/abc", "another port"),
        ("https://user:pw@fcm.googleapis.com/fcm/send/abc", "credentials in the URL"),
        ("https://142.250.185.74/fcm/send/abc", "an address, not a name"),
        ("https://[::1]/x", "loopback by address"),
        ("http://127.0.0.1:9/push", "loopback, not named in PUSH_ALLOWED_HOSTS"),
        ("http://localhost/push", "localhost, not named"),
        ("ftp://fcm.googleapis.com/x", "another scheme"),
        ("https://fcm.googleapis.com/" + "x" * 2000, "too long"),
        ("https://fcm.googleapis.com/a b", "a space"),
        ("", "empty"),
        (42, "not text"),
    ],
)
def test_an_endpoint_outside_push_allowed_hosts_is_400_naming_it(client, logged_in, endpoint, why):
    answer = client.post(
        SUBSCRIPTIONS, json=subscription() | {"endpoint": endpoint}, headers=as_browser(client)
    )
    assert answer.status_code == 400, why
    assert answer.get_json()["field"] == "endpoint", why
    assert PushSubscription.select().count() == 0


@pytest.mark.parametrize(
    "address",
    ["10.0.0.7", "192.168.1.2", "172.16.0.1", "127.0.0.1", "169.254.169.254", "::1", "fe80::1", "100.64.0.1"],
)
def test_a_push_service_name_that_resolves_to_a_private_address_is_refused(
    client, logged_in, monkeypatch, address
):
    monkeypatch.setattr(push, "resolve", lambda host: ["142.250.185.74", address])
    answer = client.post(SUBSCRIPTIONS, json=subscription(), headers=as_browser(client))
    assert answer.status_code == 400 and answer.get_json()["field"] == "endpoint"
    assert "not a public address" in answer.get_json()["error"]


def test_a_name_that_does_not_resolve_now_is_kept_for_the_send_to_check(client, logged_in, monkeypatch):
    def offline(host):
        raise OSError("no network")

    monkeypatch.setattr(push, "resolve", offline)
    assert client.post(SUBSCRIPTIONS, json=subscription(), headers=as_browser(client)).status_code == 201


def test_every_default_push_service_is_allowed(client, logged_in):
    endpoints = [
        FCM + "a",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
        "https://web.push.apple.com/QGuQyavXutnMH",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
        "https://android.googleapis.com/gcm/send/b",
    ]
    for endpoint in endpoints:
        answer = client.post(SUBSCRIPTIONS, json=subscription(endpoint), headers=as_browser(client))
        assert answer.status_code == 201, endpoint
    assert PushSubscription.select().count() == len(endpoints)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"keys": {"p256dh": "AAAA", "auth": "m21mq8HxtRB_O4zuH9QaOw"}}, "keys"),
        ({"keys": {"p256dh": "B" + "A" * 86, "auth": "m21mq8HxtRB_O4zuH9QaOw"}}, "keys"),  # not on the curve
        ({"keys": {"auth": "m21mq8HxtRB_O4zuH9QaOw"}}, "keys"),
        ({"keys": "text"}, "keys"),
        ({"expirationTime": "tomorrow"}, "expirationTime"),
        ({"expirationTime": -1}, "expirationTime"),
        ({"expirationTime": True}, "expirationTime"),
    ],
)
def test_bad_keys_or_expiry_are_400_naming_the_field(client, logged_in, change, field):
    body = subscription() | change
    answer = client.post(SUBSCRIPTIONS, json=body, headers=as_browser(client))
    assert answer.status_code == 400 and answer.get_json()["field"] == field


def test_an_auth_secret_of_the_wrong_size_is_refused(client, logged_in):
    body = subscription()
    body["keys"]["auth"] = base64.urlsafe_b64encode(b"x" * 15).decode().rstrip("=")
    answer = client.post(SUBSCRIPTIONS, json=body, headers=as_browser(client))
    assert answer.status_code == 400 and answer.get_json()["field"] == "keys"


def test_at_most_ten_devices(client, logged_in):
    for n in range(10):
        assert (
            client.post(SUBSCRIPTIONS, json=subscription(f"{FCM}{n}"), headers=as_browser(client)).status_code
            == 201
        )
    eleventh = client.post(SUBSCRIPTIONS, json=subscription(f"{FCM}10"), headers=as_browser(client))
    assert eleventh.status_code == 400 and eleventh.get_json()["field"] == "subscriptions"
    assert "up to 10" in eleventh.get_json()["error"] and PushSubscription.select().count() == 10
    again = client.post(SUBSCRIPTIONS, json=subscription(f"{FCM}3"), headers=as_browser(client))
    assert again.status_code == 200  # one it has already is no new device


def test_a_browser_belongs_to_the_account_that_last_turned_it_on(client, user):
    ana = bearer(user)
    bo = bearer(make_user("bo@example.com"))
    body = subscription()
    assert client.post(SUBSCRIPTIONS, json=body, headers=ana).status_code == 201
    assert client.post(SUBSCRIPTIONS, json=body, headers=bo).status_code == 201
    (device,) = PushSubscription.select()
    assert device.user.email == "bo@example.com"


def test_delete_forgets_only_my_device_and_is_204_either_way(client, user):
    ana, bo = bearer(user), bearer(make_user("bo@example.com"))
    client.post(SUBSCRIPTIONS, json=subscription(FCM + "ana"), headers=ana)
    client.post(SUBSCRIPTIONS, json=subscription(FCM + "bo"), headers=bo)
    assert client.delete(SUBSCRIPTIONS, json={"endpoint": FCM + "bo"}, headers=ana).status_code == 204
    assert PushSubscription.select().count() == 2
    assert client.delete(SUBSCRIPTIONS, json={"endpoint": FCM + "ana"}, headers=ana).status_code == 204
    assert [d.endpoint for d in PushSubscription.select()] == [FCM + "bo"]
    assert client.delete(SUBSCRIPTIONS, json={"endpoint": FCM + "ana"}, headers=ana).status_code == 204
    assert client.delete(SUBSCRIPTIONS, json={"endpoint": "a\x00b"}, headers=ana).status_code == 204
    for bad in ({}, {"endpoint": 7}, {"endpoint": ""}, {"endpoint": "x" * 2001}):
        answer = client.delete(SUBSCRIPTIONS, json=bad, headers=ana)
        assert answer.status_code == 400 and answer.get_json()["field"] == "endpoint"


def test_a_session_needs_the_csrf_header_to_subscribe(client, logged_in):
    assert client.post(SUBSCRIPTIONS, json=subscription()).status_code == 400
    assert PushSubscription.select().count() == 0


def test_channels_in_the_api(client, user):
    headers = bearer(user)
    default = client.post("/api/v1/reminders", json={"days": ["mon"], "time": "09:00"}, headers=headers)
    assert default.status_code == 201 and default.get_json()["channels"] == ["email"]
    both = client.post(
        "/api/v1/reminders",
        json={"days": ["mon"], "time": "10:00", "channels": ["push", "email"]},
        headers=headers,
    )
    assert both.get_json()["channels"] == ["email", "push"]
    rule_id = both.get_json()["id"]
    changed = client.patch(f"/api/v1/reminders/{rule_id}", json={"channels": ["push"]}, headers=headers)
    assert changed.get_json()["channels"] == ["push"]
    assert ReminderRule.get_by_id(rule_id).channels == "push"
    for bad in ([], ["sms"], "email", ["email", "push", "email"], [None]):
        answer = client.patch(f"/api/v1/reminders/{rule_id}", json={"channels": bad}, headers=headers)
        assert answer.status_code == 400 and answer.get_json()["field"] == "channels", bad
    assert client.get("/api/v1/reminders", headers=headers).get_json()["reminders"][1]["channels"] == ["push"]


def test_channels_on_the_page_without_javascript(client, logged_in):
    data = {"days": ["mon"], "time": "18:30", "kind": "any", "channels": ["", "push"]}
    assert logged_in.post("/reminders", data).status_code == 303
    rule = ReminderRule.get()
    assert rule.channels == "push"
    html = client.get("/reminders").get_data(as_text=True)
    assert 'value="push" checked' in html and "No device has notifications on yet" in html
    none = logged_in.post(f"/reminders/{rule.id}", {"days": ["mon"], "time": "18:30", "channels": [""]})
    assert none.status_code == 422 and "Choose email, notifications or both." in none.get_data(as_text=True)
    assert ReminderRule.get_by_id(rule.id).channels == "push"
    legacy = logged_in.post("/reminders", {"days": ["tue"], "time": "08:00"})  # a form without the boxes
    assert legacy.status_code == 303
    assert ReminderRule.select().order_by(ReminderRule.id.desc()).first().channels == "email"


def test_the_page_lists_devices_and_removes_one_without_javascript(client, logged_in, user):
    client.post(SUBSCRIPTIONS, json=subscription(FCM + "one"), headers=as_browser(client))
    other = PushSubscription.create(
        user=make_user("bo@example.com"), endpoint=FCM + "bo", p256dh="x", auth="y", label="Firefox on Linux"
    )
    html = client.get("/reminders").get_data(as_text=True)
    assert "Also on this phone" in html and "Chrome on Android" in html and "Firefox on Linux" not in html
    assert (
        "add Secure Base to your Home Screen first" in html
        and "no notes, no names" in html
        and "Turn on for this phone" in html
    )
    assert "needs JavaScript" in html  # in a <noscript>
    mine = PushSubscription.get(PushSubscription.user == user.id)
    assert logged_in.post(f"/reminders/devices/{other.id}/delete").status_code == 404
    removed = logged_in.post(f"/reminders/devices/{mine.id}/delete")
    assert removed.status_code == 303
    assert [d.id for d in PushSubscription.select()] == [other.id]
    assert "Notifications are off for that device." in client.get("/reminders").get_data(as_text=True)


def test_removing_with_htmx_swaps_the_block(client, logged_in, user):
    client.post(SUBSCRIPTIONS, json=subscription(), headers=as_browser(client))
    device = PushSubscription.get()
    answer = logged_in.post(f"/reminders/devices/{device.id}/delete", htmx=True)
    html = answer.get_data(as_text=True)
    assert (
        answer.status_code == 200 and "<html" not in html and 'id="reminders"' in html and "None yet." in html
    )


def test_the_export_lists_devices_without_keys_and_import_asks_to_turn_them_on_again(client, logged_in, user):
    body = subscription()
    client.post(SUBSCRIPTIONS, json=body, headers=as_browser(client))
    exported = client.get("/export.json")
    data = exported.get_json()
    (listed,) = data["push_subscriptions"]
    assert set(listed) == {"endpoint", "label", "created_at", "expires_at"}
    text = exported.get_data(as_text=True)
    assert body["keys"]["p256dh"] not in text and body["keys"]["auth"] not in text
    assert logged_in.post("/account/delete", {"password": PASSWORD}).status_code == 303
    assert PushSubscription.select().count() == 0  # account deletion takes the devices along
    logged_in.register()
    upload = {"file": (io.BytesIO(exported.get_data()), "export.json")}
    assert logged_in.post("/settings/import", upload, content_type="multipart/form-data").status_code == 303
    assert "turn them on again on each one" in client.get("/settings").get_data(as_text=True)
    assert PushSubscription.select().count() == 0


def test_import_adds_a_device_given_with_its_keys_through_the_apis_checks(client, logged_in, user):
    good = subscription(FCM + "imported") | {"label": "Safari on iPhone"}
    bad = subscription("https://evil.example.org/push")

    def send(devices):
        raw = json.dumps({"version": 1, "push_subscriptions": devices}).encode()
        upload = {"file": (io.BytesIO(raw), "export.json")}
        return logged_in.post("/settings/import", upload, content_type="multipart/form-data")

    refused = send([good, bad])
    assert refused.status_code == 422 and "push_subscriptions[1].endpoint" in refused.get_data(as_text=True)
    assert PushSubscription.select().count() == 0
    assert send([good]).status_code == 303
    (device,) = PushSubscription.select()
    assert (device.user_id, device.label, device.p256dh) == (
        user.id,
        "Safari on iPhone",
        good["keys"]["p256dh"],
    )
    assert send([good]).status_code == 303 and PushSubscription.select().count() == 1  # twice: nothing new
    too_many = send([subscription(f"{FCM}{n}") for n in range(11)])
    assert too_many.status_code == 422 and PushSubscription.select().count() == 1


def test_import_never_takes_a_device_from_another_account(client, logged_in, user):
    body = subscription()
    client.post(SUBSCRIPTIONS, json=body, headers=bearer(make_user("bo@example.com")))
    raw = json.dumps({"version": 1, "push_subscriptions": [body]}).encode()
    upload = {"file": (io.BytesIO(raw), "export.json")}
    assert logged_in.post("/settings/import", upload, content_type="multipart/form-data").status_code == 303
    (device,) = PushSubscription.select()
    assert device.user.email == "bo@example.com"


# --- Settings --------------------------------------------------------------------------------------


def test_the_vapid_key_is_generated_once_into_the_instance_folder(tmp_path):
    first = config._vapid_key(tmp_path)
    assert config._vapid_key(tmp_path) == first
    assert (tmp_path / "vapid_private_key").stat().st_mode & 0o777 == 0o600
    assert 0 < int.from_bytes(base64.urlsafe_b64decode(first + "="), "big") < config.P256_ORDER
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vapid_private_key"]


def test_vapid_private_key_from_the_environment_is_used(database_url, tmp_path, clock, monkeypatch):
    (tmp_path / "elsewhere").mkdir()
    key = config._vapid_key(tmp_path / "elsewhere")
    monkeypatch.setenv("VAPID_PRIVATE_KEY", key)
    app = build_app(database_url, tmp_path, clock)
    assert app.config["VAPID_PRIVATE_KEY"] == key
    with app.app_context():
        assert len(push.public_key()) == 87
    database.close()


@pytest.mark.parametrize(
    ("settings", "subject"),
    [
        ({}, None),  # the default sender is localhost, the default site http: kept as it is
        ({"MAIL_FROM": "Secure Base <hello@securebase.example.org>"}, "mailto:hello@securebase.example.org"),
        ({"BASE_URL": "https://securebase.example.org"}, "https://securebase.example.org"),
        ({"VAPID_SUBJECT": "mailto:me@example.org"}, "mailto:me@example.org"),
    ],
)
def test_the_vapid_subject(database_url, tmp_path, clock, settings, subject):
    app = build_app(database_url, tmp_path, clock, **settings)
    assert app.config["VAPID_SUBJECT"] == (subject or "mailto:reminders@localhost")
    database.close()


@pytest.mark.parametrize(
    "subject", ["mailto:me@localhost", "https://localhost", "me@example.org", "http://x.org"]
)
def test_a_vapid_subject_push_services_refuse_stops_the_start(database_url, tmp_path, clock, subject):
    with pytest.raises(ValueError, match="VAPID_SUBJECT"):
        build_app(database_url, tmp_path, clock, VAPID_SUBJECT=subject)


def test_push_allowed_hosts_from_text_or_a_list():
    assert config._push_hosts("FCM.googleapis.com, 127.0.0.1  localhost.") == (
        "fcm.googleapis.com",
        "127.0.0.1",
        "localhost",
    )
    assert config._push_hosts(["push.apple.com"]) == ("push.apple.com",)
    assert "push.apple.com" in config._push_hosts(config.PUSH_HOSTS)


def test_subscriptions_expire_by_their_expiration_time(client, user):
    later = int(datetime(2026, 6, 1, tzinfo=UTC).timestamp() * 1000)
    body = subscription() | {"expirationTime": later}
    answer = client.post(SUBSCRIPTIONS, json=body, headers=bearer(user))
    assert answer.get_json()["expires_at"] == "2026-06-01T00:00:00+00:00"
    assert User.get_by_id(user.id).push_subscriptions.count() == 1
