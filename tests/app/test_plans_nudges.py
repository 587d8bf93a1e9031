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


WAIT_AND_WALK = ("trust_space", "I want to text again", "wait 30 minutes and take a walk")
PLAN = "Your plan: When I want to text again, I will wait 30 minutes and take a walk."


def parts(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def nudge_email(outbox, kind: str, *plans: tuple[str, str, str], **user_fields) -> tuple[str, str]:
    """A verified user with these (kind, cue, action) plans and a rule for `kind` due now: one dispatch
    sends its one email, whose plain and HTML parts are returned."""
    user = verified(**user_fields)
    for plan in plans:
        save_plan(user.id, *plan)
    make_rule(user, FIXED_NOW, kind=kind)
    assert nudges.dispatch(WED_1231_BERLIN).sent == 1
    return parts(outbox[0])


def test_the_nudge_email_shows_the_kinds_plan(outbox):
    hug = ("closeness", "I get home", "ask for a hug")
    text, html = nudge_email(outbox, "trust_space", WAIT_AND_WALK, hug)
    assert PLAN in text and PLAN in html
    assert "ask for a hug" not in text + html  # only the suggested kind's plan


def test_a_kind_without_a_plan_says_nothing_of_plans(outbox):
    text, html = nudge_email(outbox, "closeness", ("space", "I feel crowded", "ask for ten minutes"))
    assert "Your plan" not in text and "Your plan" not in html


def test_the_discreet_mode_never_shows_a_plan(outbox):
    text, html = nudge_email(outbox, "trust_space", WAIT_AND_WALK, discreet=True)
    for part in (text, html, outbox[0]["Subject"]):
        assert "plan" not in part.lower() and "text again" not in part and "walk" not in part


def test_the_users_words_are_escaped_in_the_html_part_and_kept_out_of_links(outbox):
    text, html = nudge_email(
        outbox, "confide", ("confide", '<script>alert("x")</script> & <b>I feel low</b>', "tell Sam")
    )
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
