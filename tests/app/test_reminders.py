"""The reminders page (plain forms and htmx) and its JSON API mirror, on both databases."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from tests.conftest import make_user
from tracker.mail import MemoryBackend
from tracker.models import ReminderRule, User
from tracker.schedule import days_mask
from tracker.security import new_api_token

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def add(auth, htmx: bool = False, **fields):
    data = {"days": WEEKDAYS, "time": "18:30", "kind": "any", **fields}
    return auth.post("/reminders", data, htmx=htmx)


def test_the_page_says_reminders_need_a_confirmed_address(client, logged_in, sent):
    html = client.get("/reminders").get_data(as_text=True)
    assert "Reminders go only to a confirmed address" in html and "Send the link again" in html
    assert 'href="/more" aria-current="page">More</a>' in html  # reminders live behind More
    response = logged_in.post("/reminders/verify")
    assert response.status_code == 303
    assert sent[0]["To"] == "ana@example.com" and "/verify/" in sent[0].get_body(("plain",)).get_content()
    assert "We sent a new link" in client.get("/reminders").get_data(as_text=True)


def test_add_a_reminder_without_javascript(client, logged_in, user):
    response = add(logged_in, kind="repair")
    assert response.status_code == 303 and response.headers["Location"] == "/reminders"
    rule = ReminderRule.get()
    assert (rule.user_id, rule.days, rule.local_time, rule.kind, rule.enabled) == (
        user.id,
        0b0011111,
        time(18, 30),
        "repair",
        True,
    )
    assert rule.next_due_at == datetime(2026, 5, 13, 16, 30)  # Wed 18:30 in Berlin
    html = client.get("/reminders").get_data(as_text=True)
    assert "Reminder added." in html and "Next: Wed 13 May, 18:30" in html


def test_add_with_htmx_swaps_the_block(client, logged_in):
    response = add(logged_in, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and 'id="reminders"' in html
    assert "Reminder added." in html and 'data-hx-swap-oob="true"' in html
    assert "HX-Request" in response.headers["Vary"]
    assert ReminderRule.get().kind is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"days": []}, "Choose at least one day."),
        ({"days": ["funday"]}, "Days must be a list"),
        ({"time": "25:00"}, "Set a time like 18:30."),
        ({"time": ""}, "Set a time like 18:30."),
        ({"kind": "hug_tree"}, "Choose an action from the list, or any."),
    ],
    ids=["no-days", "bad-day", "bad-time", "no-time", "bad-kind"],
)
def test_bad_input_rerenders_with_the_message(client, logged_in, fields, message):
    for htmx, status in ((False, 422), (True, 200)):
        response = add(logged_in, htmx=htmx, **fields)
        assert response.status_code == status
        assert message in response.get_data(as_text=True)
    assert ReminderRule.select().count() == 0


def test_edit_pause_and_delete(client, logged_in, user):
    add(logged_in)
    rule = ReminderRule.get()
    response = logged_in.post(
        f"/reminders/{rule.id}", {"days": ["sat", "sun"], "time": "09:15", "kind": "recall"}
    )
    assert response.status_code == 303
    rule = ReminderRule.get_by_id(rule.id)
    assert (rule.days, rule.local_time, rule.kind) == (days_mask(["sat", "sun"]), time(9, 15), "recall")
    assert rule.next_due_at == datetime(2026, 5, 16, 7, 15)
    bad = logged_in.post(f"/reminders/{rule.id}", {"days": [], "time": "09:15"}, htmx=True)
    assert "Choose at least one day." in bad.get_data(as_text=True)
    logged_in.post(f"/reminders/{rule.id}/toggle")
    assert (ReminderRule.get_by_id(rule.id).enabled, ReminderRule.get_by_id(rule.id).next_due_at) == (
        False,
        None,
    )
    assert "Paused." in client.get("/reminders").get_data(as_text=True)
    logged_in.post(f"/reminders/{rule.id}/toggle")
    assert ReminderRule.get_by_id(rule.id).next_due_at == datetime(2026, 5, 16, 7, 15)
    response = logged_in.post(f"/reminders/{rule.id}/delete", htmx=True)
    assert "Reminder deleted." in response.get_data(as_text=True)
    assert ReminderRule.select().count() == 0


def test_pause_all_reminders(client, logged_in, user):
    add(logged_in)
    logged_in.post("/reminders/pause")
    assert User.get_by_id(user.id).reminders_paused
    html = client.get("/reminders").get_data(as_text=True)
    assert "All reminders are paused." in html and "Resume reminders" in html
    logged_in.post("/reminders/pause", htmx=True)
    assert not User.get_by_id(user.id).reminders_paused


def test_another_users_reminder_is_404(client, logged_in):
    other = make_user("other@example.com")
    rule = ReminderRule.create(user=other, local_time=time(8), next_due_at=None)
    for path in (f"/reminders/{rule.id}", f"/reminders/{rule.id}/toggle", f"/reminders/{rule.id}/delete"):
        assert logged_in.post(path, {"days": WEEKDAYS, "time": "09:00"}).status_code == 404
    assert ReminderRule.get_by_id(rule.id).local_time == time(8)


def test_reminders_need_a_login(client):
    assert client.get("/reminders").status_code == 302


def bearer(user) -> dict:
    from tracker.models import ApiToken

    token, digest = new_api_token()
    ApiToken.create(user=user, name="script", token_hash=digest)
    return {"Authorization": f"Bearer {token}"}


def test_api_create_list_update_delete(client, user):
    headers = bearer(user)
    created = client.post(
        "/api/v1/reminders",
        json={"days": ["mon", "thu"], "time": "07:45", "kind": "confide"},
        headers=headers,
    )
    assert created.status_code == 201
    body = created.get_json()
    assert {k: body[k] for k in ("days", "time", "kind", "enabled")} == {
        "days": ["mon", "thu"],
        "time": "07:45",
        "kind": "confide",
        "enabled": True,
    }
    assert body["next_due_at"] == "2026-05-14T05:45:00+00:00"
    listed = client.get("/api/v1/reminders", headers=headers).get_json()
    assert listed == {"reminders": [body]}
    patched = client.patch(
        f"/api/v1/reminders/{body['id']}", json={"enabled": False, "kind": None}, headers=headers
    )
    assert patched.status_code == 200
    assert (patched.get_json()["enabled"], patched.get_json()["kind"], patched.get_json()["next_due_at"]) == (
        False,
        None,
        None,
    )
    assert client.delete(f"/api/v1/reminders/{body['id']}", headers=headers).status_code == 204
    assert client.delete(f"/api/v1/reminders/{body['id']}", headers=headers).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"days": "mon", "time": "07:45"}, "days"),
        ({"days": [], "time": "07:45"}, "days"),
        ({"days": ["mon"], "time": "7:45"}, "time"),
        ({"days": ["mon"]}, "time"),
        ({"days": ["mon"], "time": "07:45", "kind": 3}, "kind"),
        ({"days": ["mon"], "time": "07:45", "enabled": "yes"}, "enabled"),
    ],
)
def test_api_bad_input_is_400_with_the_field(client, user, body, field):
    response = client.post("/api/v1/reminders", json=body, headers=bearer(user))
    assert response.status_code == 400
    assert response.get_json()["field"] == field and response.get_json()["error"]
    assert ReminderRule.select().count() == 0


def test_api_not_json_and_other_users(client, user):
    headers = bearer(user)
    assert client.post("/api/v1/reminders", data="x", headers=headers).status_code == 400
    other = make_user("other@example.com")
    rule = ReminderRule.create(user=other, local_time=time(8))
    assert (
        client.patch(f"/api/v1/reminders/{rule.id}", json={"enabled": False}, headers=headers).status_code
        == 404
    )
    assert client.get("/api/v1/reminders", headers=headers).get_json() == {"reminders": []}
    assert client.get("/api/v1/reminders").status_code == 401


def test_api_limits_the_number_of_reminders(client, user):
    headers = bearer(user)
    for _ in range(20):
        assert (
            client.post(
                "/api/v1/reminders", json={"days": ["mon"], "time": "07:00"}, headers=headers
            ).status_code
            == 201
        )
    over = client.post("/api/v1/reminders", json={"days": ["mon"], "time": "07:00"}, headers=headers)
    assert over.status_code == 400 and over.get_json()["field"] == "reminders"


def test_registering_sends_a_verification_email(client, auth, sent):
    auth.register("zoe@example.com")
    assert sent[0]["To"] == "zoe@example.com"
    assert sent[0]["Subject"] == "Confirm your email for Secure Base"
    assert User.get(User.email == "zoe@example.com").email_verified_at is None


def test_the_digest_is_opt_in_from_settings(client, logged_in, user):
    html = client.get("/settings").get_data(as_text=True)
    assert "Email me last month's summary" in html and 'name="digest" checked' not in html
    response = logged_in.post("/reminders/digest", {"digest": "on"})
    assert response.status_code == 303 and response.headers["Location"] == "/settings"
    assert User.get_by_id(user.id).digest_opt_in
    rule = ReminderRule.get(ReminderRule.purpose == "digest")
    assert rule.next_due_at == datetime(2026, 6, 1, 7, 0)  # 1 June, 09:00 in Berlin
    assert 'name="digest" checked' in client.get("/settings").get_data(as_text=True)
    logged_in.post("/reminders/digest", {})
    assert not User.get_by_id(user.id).digest_opt_in


def test_changing_the_time_zone_moves_the_reminders(client, logged_in, user):
    add(logged_in, days=["thu"], time="09:00")
    assert ReminderRule.get().next_due_at == datetime(2026, 5, 14, 7, 0)
    logged_in.post("/settings", {"timezone": "America/New_York", "weekly_target": "4"})
    assert ReminderRule.get().next_due_at == datetime(2026, 5, 14, 13, 0)  # Thu 09:00 EDT


def test_dispatch_command_prints_the_counts(runner, app):
    app.extensions["mail"] = MemoryBackend()
    with app.app_context():
        other = User.create(
            email="cli@example.com", password_hash="-", timezone="UTC", email_verified_at=datetime(2026, 1, 1)
        )
        ReminderRule.create(user=other, local_time=time(10, 31), next_due_at=datetime(2026, 5, 13, 10, 31))
    early = runner.invoke(args=["tracker", "dispatch", "--now", "2026-05-13T10:30:00Z"])
    assert early.exit_code == 0 and early.output.strip() == "due=0 sent=0 skipped=0 failed=0"
    result = runner.invoke(args=["tracker", "dispatch", "--now", "2026-05-13T12:31:00+02:00"])
    assert result.exit_code == 0 and result.output.strip() == "due=1 sent=1 skipped=0 failed=0"
    assert runner.invoke(args=["tracker", "dispatch", "--now", "yesterday"]).exit_code == 2
    assert "foreground" in runner.invoke(args=["tracker", "--help"]).output
