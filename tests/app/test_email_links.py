"""The links in a reminder email, followed as a person would: from the email, without logging in."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.app.test_nudges import WED_1231_BERLIN, make_rule, nudge_of, verified
from tests.conftest import csrf_token
from tracker import nudges, rules, tokens
from tracker.emails import verification_message
from tracker.models import Log, Nudge, ReminderRule, UsedToken, User


@pytest.fixture
def email(ctx, outbox, clock):
    """A reminder email for a verified Berlin user, with its links by name."""
    user = verified()
    rule = make_rule(user, clock.now)
    nudges.dispatch(WED_1231_BERLIN)
    text = outbox[0].get_body(("plain",)).get_content()
    found = dict(re.findall(r"^(I did it|Snooze 1 hour|Not today|Stop this reminder):\s+(\S+)$", text, re.M))
    paths = {name: url.removeprefix("http://127.0.0.1:5000") for name, url in found.items()}
    return {"user": user, "rule": rule, "message": outbox[0], **paths}


def form_post(client, path: str):
    """Press the page's one button, as a browser would (with the page's CSRF token)."""
    html = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    return client.post(path, data={"csrf_token": token})


def test_links_carry_no_personal_content(email):
    for name in ("I did it", "Snooze 1 hour", "Not today", "Stop this reminder"):
        assert email[name].startswith("/email/")
        assert "ana" not in email[name] and "closeness" not in email[name]


def test_i_did_it_asks_on_open_then_logs_for_that_day_with_a_details_form(client, email, clock):
    clock.now = WED_1231_BERLIN + timedelta(minutes=20)
    page = client.get(email["I did it"])
    assert page.status_code == 200 and "Yes, I did it" in page.get_data(as_text=True)
    assert Log.select().count() == 0  # opening the link (or a mail scanner opening it) logs nothing
    done = form_post(client, email["I did it"])
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and "Logged: Ask for closeness" in html and "Add details" in html
    log = Log.get()
    assert (log.user_id, log.kind, log.step, log.local_date) == (
        email["user"].id,
        "closeness",
        1,
        date(2026, 5, 13),
    )
    assert nudge_of(email["rule"]).response == "done"
    details = re.search(r'action="(/email/details/[^"]+)"', html).group(1)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    bad = client.post(details, data={"csrf_token": csrf, "after": "11"})
    bad_html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "How settled after?" in bad_html
    assert "After must be a whole number from 0 to 10." in bad_html
    form = {"csrf_token": csrf, "kind": "confide", "step": "2", "after": "8", "response": "welcomed"}
    saved = client.post(details, data=form)
    assert saved.status_code == 200 and "Saved" in saved.get_data(as_text=True)
    log = Log.get()
    assert (log.kind, log.step, log.after, log.response) == ("confide", 2, 8, "welcomed")
    assert client.post(details, data={"csrf_token": csrf, "after": "3"}).status_code == 410
    assert Log.get().after == 8


def test_i_did_it_on_a_later_day_files_it_under_the_reminders_day(client, email, clock):
    clock.now = WED_1231_BERLIN + timedelta(days=2)
    form_post(client, email["I did it"])
    assert Log.get().local_date == date(2026, 5, 13)


def test_a_reused_link_gets_a_friendly_page_and_does_nothing(client, email):
    assert form_post(client, email["I did it"]).status_code == 200
    again = client.get(email["I did it"])
    assert again.status_code == 410 and "already used" in again.get_data(as_text=True)
    replay = form_post(client, email["Snooze 1 hour"])
    assert replay.status_code == 200
    html = client.get(email["I did it"]).get_data(as_text=True)
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    second = client.post(email["I did it"], data={"csrf_token": csrf})
    assert second.status_code == 410 and "Nothing changed" in second.get_data(as_text=True)
    assert Log.select().count() == 1


def test_an_expired_link_gets_a_friendly_page_and_does_nothing(client, email, clock):
    clock.now = WED_1231_BERLIN + tokens.LIFETIMES["done"] + timedelta(minutes=1)
    response = client.get(email["I did it"])
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    html = client.get("/about").get_data(as_text=True)
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    assert client.post(email["I did it"], data={"csrf_token": csrf}).status_code == 410
    assert Log.select().count() == 0 and UsedToken.select().count() == 0


def test_a_tampered_link_is_refused(client, email):
    response = client.get(email["I did it"][:-3] + "abc")
    assert response.status_code == 404 and "This link doesn&#39;t work" in response.get_data(as_text=True)


def test_snooze_sends_the_reminder_again_an_hour_later(client, email, clock, outbox):
    clock.now = WED_1231_BERLIN + timedelta(minutes=1)
    response = form_post(client, email["Snooze 1 hour"])
    assert "Snoozed" in response.get_data(as_text=True)
    assert nudges.dispatch(clock.now + timedelta(minutes=59)).due == 0
    assert nudges.dispatch(clock.now + timedelta(hours=1)).sent == 1
    assert len(outbox) == 2


def test_not_today_cancels_a_waiting_snooze(client, email, clock, outbox):
    form_post(client, email["Snooze 1 hour"])
    response = form_post(client, email["Not today"])
    assert "Rest days are part of it" in response.get_data(as_text=True)
    assert nudges.dispatch(WED_1231_BERLIN + timedelta(hours=2)).sent == 0
    assert len(outbox) == 1


def test_one_click_unsubscribe_post_without_a_session_pauses_the_rule(app, email):
    assert email["message"]["List-Unsubscribe"] == f"<http://127.0.0.1:5000{email['Stop this reminder']}>"
    mail_app = app.test_client()  # a mail provider: no cookie, no CSRF token, just the RFC 8058 body
    response = mail_app.post(
        email["Stop this reminder"],
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200 and "Reminder stopped" in response.get_data(as_text=True)
    rule = ReminderRule.get_by_id(email["rule"].id)
    assert (rule.enabled, rule.next_due_at) == (False, None)
    again = mail_app.post(email["Stop this reminder"], data="List-Unsubscribe=One-Click")
    assert again.status_code == 410


def test_the_unsubscribe_link_in_the_body_confirms_on_a_page(client, email):
    page = client.get(email["Stop this reminder"])
    assert page.status_code == 200 and "Stop this reminder?" in page.get_data(as_text=True)
    assert ReminderRule.get_by_id(email["rule"].id).enabled
    form_post(client, email["Stop this reminder"])
    assert not ReminderRule.get_by_id(email["rule"].id).enabled


def test_other_endpoints_still_need_csrf(app, email):
    response = app.test_client().post(email["I did it"])
    assert response.status_code == 400
    assert Log.select().count() == 0


def test_unsubscribing_from_the_digest_turns_it_off(app, ctx, outbox, clock):
    user = verified("digest@example.com")
    rules.set_digest(user, True, clock.now)
    nudges.dispatch(datetime(2026, 6, 1, 7, 0, tzinfo=UTC))
    url = outbox[0]["List-Unsubscribe"].strip("<>").removeprefix("http://127.0.0.1:5000")
    response = app.test_client().post(url, data="List-Unsubscribe=One-Click")
    assert "Monthly summary stopped" in response.get_data(as_text=True)
    assert not User.get_by_id(user.id).digest_opt_in


def test_the_verification_link_confirms_the_address_once(client, ctx, clock):
    user = User.create(email="new@example.com", password_hash="-", timezone="UTC")
    message = verification_message(user, clock.now).parsed()
    assert message["Subject"] == "Confirm your email for Secure Base"
    path = re.search(
        r"http://127\.0\.0\.1:5000(/verify/\S+)", message.get_body(("plain",)).get_content()
    ).group(1)
    assert "new@example.com" not in path
    page = client.get(path)  # opening it (or a mail scanner opening it) asks first
    assert page.status_code == 200 and "Confirm my email" in page.get_data(as_text=True)
    assert User.get_by_id(user.id).email_verified_at is None
    response = form_post(client, path)
    assert response.status_code == 200 and "confirmed" in response.get_data(as_text=True)
    assert User.get_by_id(user.id).email_verified_at == clock.now.replace(tzinfo=None)
    assert "confirmed" in client.get(path).get_data(as_text=True)  # opened twice: still fine
    assert "confirmed" in client.post(path, data={"csrf_token": csrf_token(client)}).get_data(as_text=True)


def test_a_verification_link_for_an_old_address_does_nothing(client, ctx, clock):
    user = User.create(email="old@example.com", password_hash="-", timezone="UTC")
    message = verification_message(user, clock.now).parsed()
    path = re.search(r"(/verify/\S+)", message.get_body(("plain",)).get_content()).group(1)
    User.update(email="changed@example.com").where(User.id == user.id).execute()
    assert client.get(path).status_code == 200  # the page asks; the press finds the address changed
    assert client.post(path, data={"csrf_token": csrf_token(client)}).status_code == 404
    assert User.get_by_id(user.id).email_verified_at is None


def counts() -> tuple:
    return Log.select().count(), UsedToken.select().count(), Nudge.select().count()


@pytest.mark.parametrize("name", ["I did it", "Snooze 1 hour", "Not today", "Stop this reminder"])
def test_a_scanners_head_on_a_link_changes_nothing(app, client, email, name):
    before = counts()
    data = {"csrf_token": csrf_token(client), "List-Unsubscribe": "One-Click"}
    for method in ("HEAD", "GET", "OPTIONS"):
        assert client.open(email[name], method=method, data=data).status_code == 200
    assert counts() == before and ReminderRule.get_by_id(email["rule"].id).enabled
    assert Nudge.select().where(Nudge.response.is_null(False)).count() == 0
    assert form_post(client, email[name]).status_code == 200  # the link is still good, once


@pytest.mark.parametrize("name", ["Snooze 1 hour", "Not today"])
def test_link_posts_without_csrf_are_refused(app, email, name):
    before = counts()
    assert app.test_client().post(email[name]).status_code == 400
    assert counts() == before


def test_a_scanners_head_on_the_verification_link_confirms_nothing(app, client, ctx, clock):
    user = User.create(email="new@example.com", password_hash="-", timezone="UTC")
    message = verification_message(user, clock.now).parsed()
    path = re.search(r"(/verify/\S+)", message.get_body(("plain",)).get_content()).group(1)
    for method in ("HEAD", "GET", "OPTIONS"):
        assert client.open(path, method=method, data={"csrf_token": csrf_token(client)}).status_code == 200
    assert app.test_client().post(path).status_code == 400  # and the press needs the page's CSRF token
    assert User.get_by_id(user.id).email_verified_at is None and UsedToken.select().count() == 0


def test_link_pages_are_never_cached(client, email):
    for name in ("I did it", "Snooze 1 hour", "Not today", "Stop this reminder"):
        assert client.get(email[name]).headers["Cache-Control"] == "no-store"
    assert form_post(client, email["I did it"]).headers["Cache-Control"] == "no-store"
