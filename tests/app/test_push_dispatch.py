"""Nudges by Web Push (issue 15), on both databases, to a real push service on loopback that decrypts
every message and checks its VAPID signature and headers (tests/push_receiver.py): the payload, the
channels, "I did it" and "Later" from a notification, 404/410 and retries, and where the server refuses
to send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from tests.conftest import make_log, make_person
from tests.push_receiver import LOOPBACK, SUBJECT, PushServer
from tracker import forms, nudges, push, rules, tokens
from tracker.models import Log, Nudge, PushSubscription, ReminderRule, User, naive_utc
from tracker.tokens import TokenError

WED_1231_BERLIN = datetime(2026, 5, 13, 10, 31, tzinfo=UTC)  # conftest's FIXED_NOW is 10:30 UTC
pytestmark = pytest.mark.app_settings(**LOOPBACK)


@pytest.fixture
def receiver(ctx):
    with PushServer() as served:
        served.now = WED_1231_BERLIN
        yield served


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    """Push services' names resolve to a public address, network or not (tests that need otherwise say)."""
    monkeypatch.setattr(push, "resolve", lambda host: ["142.250.185.74"])


def account(email: str = "ana@example.com", verified: bool = True) -> User:
    stamp = datetime(2026, 1, 1) if verified else None
    return User.create(
        email=email,
        password_hash="-",
        timezone="Europe/Berlin",
        created_at=datetime(2026, 5, 1),
        email_verified_at=stamp,
    )


def rule_for(user: User, channels: list[str], kind: str | None = "closeness") -> ReminderRule:
    values = rules.parse_rule({"days": ["wed"], "time": "12:31", "kind": kind, "channels": channels})
    return rules.create_rule(user, values, WED_1231_BERLIN - timedelta(minutes=1))


def device(user: User, receiver, name: str) -> PushSubscription:
    """A browser of the user's, subscribed at the receiver's /push/<name>."""
    endpoint, browser = receiver.browser(name)
    values = forms.parse_subscription(browser.subscription(endpoint), ("127.0.0.1",))
    return push.subscribe(user, values, "Chrome on Android", WED_1231_BERLIN)[0]


def push_only_rule(receiver, browser: str = "phone") -> ReminderRule:
    """A verified user's push-only rule, due at WED_1231_BERLIN, and their one browser at the receiver's
    /push/<browser>."""
    user = account()
    rule = rule_for(user, ["push"])
    device(user, receiver, browser)
    return rule


def nudge_of(rule: ReminderRule) -> Nudge:
    return Nudge.select().where(Nudge.rule == rule.id).order_by(Nudge.id.desc()).first()


def test_a_push_only_rule_sends_one_checked_notification_and_no_email(outbox, receiver):
    rule = push_only_rule(receiver)
    tally = nudges.dispatch(WED_1231_BERLIN)
    assert (tally.due, tally.sent) == (1, 1) and outbox == []
    assert receiver.problems == []
    (delivery,) = receiver.to("phone")
    body = delivery.payload
    assert body["title"] == "Your Secure Base check-in"
    assert body["body"] == "A small step for today, if it fits: Ask for closeness"
    assert body["tag"] == "secure-base-nudge" and body["url"] == "http://127.0.0.1:5000/"
    assert body["actions"] == [
        {"action": "done", "title": "I did it"},
        {"action": "snooze", "title": "Later"},
    ]
    assert body["done_url"].startswith("http://127.0.0.1:5000/push/done/")
    assert body["snooze_url"].startswith("http://127.0.0.1:5000/push/snooze/")
    assert set(body) == {"title", "body", "tag", "url", "actions", "done_url", "snooze_url"}
    # RFC 8292: signed with the key browsers subscribe with, for this push service, for under a day.
    assert delivery.vapid_key == push.public_key()
    assert delivery.claims["aud"] == receiver.origin and delivery.claims["sub"] == SUBJECT
    assert delivery.claims["exp"] == int((WED_1231_BERLIN + timedelta(hours=12)).timestamp())
    assert delivery.headers["ttl"] == "7200" and delivery.headers["urgency"] == "normal"
    assert delivery.headers["content-encoding"] == "aes128gcm"
    assert (nudge_of(rule).status, nudge_of(rule).delivered) == ("sent", None)


def test_each_device_gets_it_and_email_and_push_go_together(outbox, receiver):
    user = account()
    rule_for(user, ["email", "push"], kind=None)
    device(user, receiver, "phone")
    device(user, receiver, "tablet")
    other = account("bo@example.com")
    device(other, receiver, "bos-phone")  # Bo has no rule due: nothing for Bo
    assert nudges.dispatch(WED_1231_BERLIN).sent == 1
    assert len(outbox) == 1 and outbox[0]["To"] == "ana@example.com"
    assert len(receiver.to("phone")) == len(receiver.to("tablet")) == 1 and receiver.to("bos-phone") == []
    phone, tablet = receiver.to("phone")[0].payload, receiver.to("tablet")[0].payload
    assert phone["body"].startswith("A small step for today, whichever fits. One idea: ")
    assert phone["done_url"] == tablet["done_url"]  # one nudge, one "I did it"
    assert receiver.problems == []


def test_the_notification_holds_no_note_person_or_address(outbox, receiver):
    user = account("private.person@example.com")
    make_log(user, "closeness", at=WED_1231_BERLIN - timedelta(days=1), note="my secret worry", step=2)
    rule_for(user, ["push"])
    device(user, receiver, "phone")
    nudges.dispatch(WED_1231_BERLIN)
    raw = str(receiver.to("phone")[0].payload)
    assert "secret worry" not in raw and "private.person" not in raw and "Sam" not in raw


def test_no_notification_steers_toward_a_person_marked_not_safe(outbox, receiver):
    user = account()
    make_person(user, "Sam", not_safe=True)
    rule_for(user, ["push"], kind="repair")
    device(user, receiver, "phone")
    nudges.dispatch(WED_1231_BERLIN)
    assert "Repair" not in receiver.to("phone")[0].payload["body"]


def test_push_needs_no_confirmed_address_but_a_device(outbox, receiver):
    user = account(verified=False)
    pushed = rule_for(user, ["push"])
    emailed = rule_for(user, ["email", "push"], kind="confide")
    tally = nudges.dispatch(WED_1231_BERLIN)
    assert (tally.skipped, tally.sent) == (2, 0)
    assert (nudge_of(pushed).error, nudge_of(emailed).error) == ("no device", "unverified")
    other = account("bo@example.com", verified=False)
    rule = rule_for(other, ["email", "push"])
    device(other, receiver, "phone")
    assert nudges.dispatch(WED_1231_BERLIN).sent == 1
    assert outbox == [] and len(receiver.to("phone")) == 1 and nudge_of(rule).status == "sent"


def test_i_did_it_from_the_notification_logs_once_without_a_session(app, outbox, receiver):
    user = account()
    rule = rule_for(user, ["email", "push"])
    device(user, receiver, "phone")
    nudges.dispatch(WED_1231_BERLIN)
    done_url = receiver.to("phone")[0].payload["done_url"]
    client = app.test_client()  # no session, no CSRF token: the service worker's POST
    page = client.get(done_url)  # a GET (a preview, the offline fallback) only shows the button
    assert page.status_code == 200 and "Yes, I did it" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store" and Log.select().count() == 0
    first = client.post(done_url)
    assert first.status_code == 200 and "Logged: Ask for closeness" in first.get_data(as_text=True)
    assert client.post(done_url).status_code == 410  # a second press changes nothing
    (log,) = Log.select()
    assert (log.user_id, log.kind, log.step) == (user.id, "closeness", 1)
    assert nudge_of(rule).response == "done"
    email_done = next(
        line.split(": ", 1)[1].strip()
        for line in outbox[0].get_body(("plain",)).get_content().splitlines()
        if line.startswith("I did it:")
    )
    with pytest.raises(TokenError) as caught:  # the email's "I did it" for the same nudge is spent too
        tokens.read(urlsplit(email_done).path.rsplit("/", 1)[1], "done", WED_1231_BERLIN)
    assert caught.value.reason == "used"


def test_later_from_the_notification_pushes_again_in_an_hour(app, outbox, receiver):
    rule = push_only_rule(receiver)
    nudges.dispatch(WED_1231_BERLIN)
    snooze_url = receiver.to("phone")[0].payload["snooze_url"]
    client = app.test_client()
    assert "Later: in an hour" in client.get(snooze_url).get_data(as_text=True)
    assert "Later, then" in client.post(snooze_url).get_data(as_text=True)
    assert client.post(snooze_url).status_code == 410
    again = naive_utc(app.config["CLOCK"]() + timedelta(hours=1)).replace(second=0, microsecond=0)
    snoozed = nudge_of(rule)
    assert (snoozed.status, snoozed.due_at) == ("snoozed", again)
    receiver.now = again.replace(tzinfo=UTC)
    assert nudges.dispatch(again.replace(tzinfo=UTC)).sent == 1
    assert len(receiver.to("phone")) == 2 and receiver.problems == []


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_browser_loses_its_subscription(outbox, receiver, status):
    rule = push_only_rule(receiver, "gone")
    kept = device(rule.user, receiver, "phone")
    receiver.answer("gone", status)
    tally = nudges.dispatch(WED_1231_BERLIN)
    assert tally.sent == 1 and tally.retrying == 0
    assert [d.id for d in PushSubscription.select()] == [kept.id]
    assert nudge_of(rule).status == "sent" and str(status) in nudge_of(rule).error


def test_a_push_only_nudge_whose_only_browser_is_gone_fails_and_stops_there(outbox, receiver):
    rule = push_only_rule(receiver, "gone")
    receiver.answer("gone", 410)
    assert nudges.dispatch(WED_1231_BERLIN).failed == 1
    assert nudge_of(rule).status == "failed" and PushSubscription.select().count() == 0
    assert nudges.dispatch(WED_1231_BERLIN + timedelta(minutes=20)).due == 0


@pytest.mark.parametrize("status", [429, 500, 503])
def test_429_and_5xx_are_retried_like_smtp_failures_sending_only_what_failed(outbox, receiver, status):
    user = account()
    rule = rule_for(user, ["email", "push"])
    device(user, receiver, "flaky")
    device(user, receiver, "phone")
    receiver.answer("flaky", status, status)
    at = WED_1231_BERLIN
    for attempt, wait in enumerate((1, 5), start=1):
        receiver.now = at
        tally = nudges.dispatch(at)
        assert (tally.due, tally.retrying) == (1, 1)
        saved = nudge_of(rule)
        assert (saved.status, saved.attempts) == ("retry", attempt)
        assert saved.next_attempt_at == naive_utc(at + timedelta(minutes=wait))
        assert f"push service answered {status}" in saved.error
        phone = PushSubscription.get(PushSubscription.endpoint.endswith("/phone"))
        assert set(saved.delivered.split()) == {"email", str(phone.id)}
        at += timedelta(minutes=wait)
    receiver.now = at
    assert nudges.dispatch(at).sent == 1
    assert len(outbox) == 1 and len(receiver.to("phone")) == 1 and len(receiver.to("flaky")) == 1
    assert (nudge_of(rule).status, nudge_of(rule).delivered) == ("sent", None)
    assert PushSubscription.select().count() == 2 and receiver.problems == []


def test_a_push_service_that_keeps_failing_is_given_up_after_the_last_attempt(outbox, receiver):
    rule = push_only_rule(receiver, "down")
    receiver.answer("down", *[503] * 10)
    at = WED_1231_BERLIN
    for wait in (1, 5, 15, 0):
        receiver.now = at
        nudges.dispatch(at)
        at += timedelta(minutes=wait)
    assert (nudge_of(rule).status, nudge_of(rule).attempts) == ("failed", 4)
    assert len(receiver.requests) == 4 and PushSubscription.select().count() == 1


def test_other_refusals_fail_that_delivery_without_a_retry(outbox, receiver):
    rule = push_only_rule(receiver)
    receiver.answer("phone", 403)
    assert nudges.dispatch(WED_1231_BERLIN).failed == 1
    assert nudge_of(rule).status == "failed" and PushSubscription.select().count() == 1


def test_a_redirect_is_never_followed(outbox, receiver):
    rule = push_only_rule(receiver, "moved")
    receiver.answer("moved", 307)
    receiver.headers["/push/moved"] = {"Location": f"{receiver.origin}/push/elsewhere"}
    assert nudges.dispatch(WED_1231_BERLIN).failed == 1
    assert receiver.requests == ["/push/moved"] and "307" in nudge_of(rule).error


def test_an_endpoint_that_now_resolves_to_a_private_address_is_dropped_unsent(outbox, monkeypatch, receiver):
    user = account()
    rule = rule_for(user, ["push"])
    _, browser = receiver.browser("unused")
    values = forms.parse_subscription(
        browser.subscription("https://fcm.googleapis.com/fcm/send/abc"), ("fcm.googleapis.com",)
    )
    push.subscribe(user, values, "Chrome on Android", WED_1231_BERLIN)
    monkeypatch.setattr(push, "resolve", lambda host: ["10.1.2.3"])
    assert nudges.dispatch(WED_1231_BERLIN).failed == 1
    assert "private address" in nudge_of(rule).error and PushSubscription.select().count() == 0


def test_a_host_taken_off_push_allowed_hosts_gets_nothing(ctx, outbox, receiver):
    rule = push_only_rule(receiver)
    ctx.config["PUSH_ALLOWED_HOSTS"] = ("fcm.googleapis.com",)
    assert nudges.dispatch(WED_1231_BERLIN).failed == 1
    assert receiver.requests == [] and "PUSH_ALLOWED_HOSTS" in nudge_of(rule).error


def test_an_expired_subscription_is_not_pushed_to(outbox, receiver):
    user = account()
    rule = rule_for(user, ["push"])
    endpoint, browser = receiver.browser("old")
    expired = int((WED_1231_BERLIN - timedelta(days=1)).timestamp() * 1000)
    values = forms.parse_subscription(browser.subscription(endpoint, expired), ("127.0.0.1",))
    push.subscribe(user, values, "Firefox on Linux", WED_1231_BERLIN - timedelta(days=30))
    assert nudges.dispatch(WED_1231_BERLIN).skipped == 1
    assert nudge_of(rule).error == "no device" and receiver.requests == []


def test_a_digest_never_goes_by_push(outbox, receiver):
    user = account()
    User.update(digest_opt_in=True).where(User.id == user.id).execute()
    rules.set_digest(User.get_by_id(user.id), True, datetime(2026, 5, 20, tzinfo=UTC))
    device(user, receiver, "phone")
    first = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # 09:00 in Berlin
    receiver.now = first
    assert nudges.dispatch(first).sent == 1
    assert len(outbox) == 1 and receiver.requests == []
