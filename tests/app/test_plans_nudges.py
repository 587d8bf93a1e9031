"""If-then plans in nudges (issue 16, item 1): a reminder for a kind with an active plan says "Your plan:
When …, I will …" in both parts of its email and in its notification, escaped in the HTML part, never in
the discreet mode, and read for a whole batch in one query."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from tests.app.test_nudges import WED_1231_BERLIN, make_rule, verified
from tests.app.test_push_dispatch import device, rule_for
from tests.conftest import FIXED_NOW
from tests.push_receiver import LOOPBACK, PushServer
from tracker import nudges, push
from tracker.models import User
from tracker.queries import save_plan

pytestmark = pytest.mark.app_settings(**LOOPBACK)


@pytest.fixture
def receiver(outbox, monkeypatch):
    monkeypatch.setattr(push, "resolve", lambda host: ["142.250.185.74"])
    with PushServer() as served:
        served.now = WED_1231_BERLIN
        yield served


PLAN = "Your plan: When I want to text again, I will wait 30 minutes and take a walk."


def parts(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def test_the_nudge_email_shows_the_kinds_plan(outbox):
    user = verified()
    save_plan(user.id, "trust_space", "I want to text again", "wait 30 minutes and take a walk")
    save_plan(user.id, "closeness", "I get home", "ask for a hug")
    make_rule(user, FIXED_NOW, kind="trust_space")
    assert nudges.dispatch(WED_1231_BERLIN).sent == 1
    text, html = parts(outbox[0])
    assert PLAN in text and PLAN in html
    assert "ask for a hug" not in text + html  # only the suggested kind's plan


def test_a_kind_without_a_plan_says_nothing_of_plans(outbox):
    user = verified()
    save_plan(user.id, "space", "I feel crowded", "ask for ten minutes")
    make_rule(user, FIXED_NOW, kind="closeness")
    nudges.dispatch(WED_1231_BERLIN)
    text, html = parts(outbox[0])
    assert "Your plan" not in text and "Your plan" not in html


def test_the_discreet_mode_never_shows_a_plan(outbox):
    user = verified(discreet=True)
    save_plan(user.id, "trust_space", "I want to text again", "wait 30 minutes and take a walk")
    make_rule(user, FIXED_NOW, kind="trust_space")
    assert nudges.dispatch(WED_1231_BERLIN).sent == 1
    text, html = parts(outbox[0])
    for part in (text, html, outbox[0]["Subject"]):
        assert "plan" not in part.lower() and "text again" not in part and "walk" not in part


def test_the_users_words_are_escaped_in_the_html_part_and_kept_out_of_links(outbox):
    user = verified()
    save_plan(user.id, "confide", '<script>alert("x")</script> & <b>I feel low</b>', "tell Sam")
    make_rule(user, FIXED_NOW, kind="confide")
    nudges.dispatch(WED_1231_BERLIN)
    text, html = parts(outbox[0])
    assert "<script>" not in html and "<b>I feel" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;I feel low&lt;/b&gt;" in html
    assert 'When <script>alert("x")</script> & <b>I feel low</b>, I will tell Sam.' in text  # plain text
    assert "feel" not in " ".join(line for line in text.splitlines() if "http" in line)


def test_plans_are_read_once_per_batch_not_per_rule(outbox, caplog):
    for n in range(6):
        user = verified(f"u{n}@example.com")
        save_plan(user.id, "closeness", f"cue {n}", f"step {n}")
        make_rule(user, FIXED_NOW, kind="closeness")
    caplog.set_level(logging.DEBUG, logger="peewee")
    assert nudges.dispatch(WED_1231_BERLIN).sent == 6
    reads = [
        r.getMessage() for r in caplog.records if r.name == "peewee" and 'FROM "plans"' in r.getMessage()
    ]
    assert len(reads) == 1, reads
    assert sorted(parts(m)[0].split("Your plan: ")[1].split("\n")[0] for m in outbox) == [
        f"When cue {n}, I will step {n}." for n in range(6)
    ]


@pytest.mark.parametrize("discreet", [False, True])
def test_the_notification_shows_the_plan_except_in_the_discreet_mode(outbox, receiver, discreet):
    user = User.create(
        email="ana@example.com", password_hash="-", timezone="Europe/Berlin", discreet=discreet
    )
    save_plan(user.id, "closeness", "I get home", "ask for a hug")
    rule_for(user, ["push"])
    device(user, receiver, "phone")
    nudges.dispatch(WED_1231_BERLIN + timedelta(seconds=1))
    body = receiver.to("phone")[0].payload["body"]
    if discreet:
        assert body == "Your reminder for today, if it fits." and "hug" not in str(
            receiver.to("phone")[0].payload
        )
    else:
        intro = "A small step for today, if it fits: Ask for closeness"
        assert body == f"{intro}\nYour plan: When I get home, I will ask for a hug."
