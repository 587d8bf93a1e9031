"""The progressive ladder on Today: the offer, accept / not now / step down, and the step a log records."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.conftest import FIXED_NOW, make_log, make_person
from tracker.models import LadderStep, Log

OFFER = "Ready for a bigger step?"


def welcomed(user, kind="closeness", n=3, step=None, person=None, days_ago=0):
    for i in range(n):
        make_log(
            user,
            kind,
            at=FIXED_NOW - timedelta(days=days_ago, minutes=i),
            response="welcomed",
            step=step,
            person=person,
        )


def test_no_offer_without_practice(client, logged_in):
    html = client.get("/").get_data(as_text=True)
    assert OFFER not in html


def test_offer_after_three_welcomed_logs_names_the_next_step(client, logged_in, user):
    welcomed(user)
    html = client.get("/").get_data(as_text=True)
    assert OFFER in html and "Share something and invite a reply" in html
    assert "A smaller step" not in html  # nothing below step 1


def test_no_offer_when_the_logs_were_with_an_unsafe_person(client, logged_in, user):
    sam = make_person(user, not_safe=True)
    welcomed(user, person=sam)
    assert OFFER not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("htmx", [True, False])
def test_accept_moves_the_step_and_new_logs_record_it(client, logged_in, user, htmx):
    welcomed(user)
    response = logged_in.post("/ladder/closeness/accept", htmx=htmx)
    if htmx:
        assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
        assert "Share something and invite a reply" in response.get_data(as_text=True)
    else:
        assert response.status_code == 303
    assert LadderStep.get(user=user, kind="closeness").step == 2
    html = client.get("/").get_data(as_text=True)
    assert OFFER not in html  # step 2 has no logs yet
    assert "Step 2: Share something and invite a reply" in html
    logged_in.post("/logs", {"kind": "closeness"})
    assert Log.select().where(Log.step == 2).count() == 1  # a new log takes the current step
    logged_in.post("/logs", {"kind": "space"})
    assert Log.get(Log.kind == "space").step is None  # no ladder row: read as step 1, API unchanged


def test_not_now_snoozes_the_offer_for_two_weeks(client, logged_in, user, clock):
    welcomed(user)
    assert logged_in.post("/ladder/closeness/later", htmx=True).status_code == 200
    assert OFFER not in client.get("/").get_data(as_text=True)
    row = LadderStep.get(user=user, kind="closeness")
    assert row.step == 1 and row.snoozed_until.isoformat() == "2026-05-27"
    clock.now = FIXED_NOW + timedelta(days=14)
    welcomed(user, days_ago=-14)
    assert OFFER in client.get("/").get_data(as_text=True)


def test_step_down_from_the_offer_and_the_ladder_page(client, logged_in, user):
    LadderStep.create(user=user, kind="closeness", step=2)
    welcomed(user, step=2)
    html = client.get("/").get_data(as_text=True)
    assert OFFER in html and "Propose a regular ritual together" in html and "A smaller step" in html
    response = logged_in.post("/ladder/closeness/down", {"next": "/ladder"})
    assert response.status_code == 303 and response.headers["Location"] == "/ladder"
    assert LadderStep.get(user=user, kind="closeness").step == 1
    page = client.get("/ladder").get_data(as_text=True)
    assert page.count('aria-current="step"') == 10
    logged_in.post("/ladder/closeness/down")
    assert LadderStep.get(user=user, kind="closeness").step == 1  # never below 1
    for _ in range(4):
        logged_in.post("/ladder/space/accept")
    assert LadderStep.get(user=user, kind="space").step == 3  # never above 3


@pytest.mark.parametrize("path", ["/ladder/nope/accept", "/ladder/x%00/later", f"/ladder/{'a' * 300}/down"])
def test_unknown_kinds_are_404(client, logged_in, path):
    assert logged_in.post(path).status_code == 404


def test_ladder_needs_login(client):
    assert client.get("/ladder").status_code == 302


def test_log_confirmation_offers_a_reflection(client, logged_in):
    html = logged_in.post("/logs", {"kind": "repair"}, htmx=True).get_data(as_text=True)
    assert "What part of the repair felt most like you?" in html


def test_welcome_back_after_a_week_away_and_not_before(client, logged_in, user):
    make_log(user, "space", at=FIXED_NOW - timedelta(days=6))
    assert "Welcome back" not in client.get("/").get_data(as_text=True)
    Log.delete().execute()
    make_log(user, "space", at=FIXED_NOW - timedelta(days=9))
    html = client.get("/").get_data(as_text=True)
    assert "Welcome back" in html and "9 days" in html
    # Days are never "missed"; the one use of the word is the "I missed a bid" button (issue 16).
    assert "missed" not in re.sub(r'<form class="missed-bid".*?</form>', "", html, flags=re.S).lower()


def test_month_page_shows_the_step_each_kind_reached(client, logged_in, user):
    make_log(user, "closeness", step=1)
    make_log(user, "closeness", step=2)
    make_log(user, "space")
    make_log(user, "repair", step=3, at=FIXED_NOW - timedelta(days=40))
    html = client.get("/month/2026-05").get_data(as_text=True)
    assert "Ladder steps this month" in html
    assert (
        "<strong>Ask for closeness</strong>: step 2 of 3" in html
        and "<strong>Ask for space</strong>: step 1" in html
    )
    assert "Repair after conflict</strong>" not in html
    assert "<strong>Repair after conflict</strong>: step 3" in client.get("/month/2026-04").get_data(
        as_text=True
    )


def test_a_double_tap_on_the_offer_climbs_one_step(client, logged_in, user):
    welcomed(user)
    for _ in range(2):
        logged_in.post("/ladder/closeness/accept", {"to": "2"}, htmx=True)
    assert LadderStep.get(user=user, kind="closeness").step == 2
    logged_in.post("/ladder/closeness/accept", {"to": "9"})  # not a step: one up from the current one
    assert LadderStep.get(user=user, kind="closeness").step == 3


REPAIR_NOTE = "Repair is for conflicts where you both feel safe."


def test_the_repair_ladder_is_for_conflicts_where_both_feel_safe(client, logged_in, user):
    """Issue 17, item 8: the ladder page and the repair offer say for whom repair is meant, and step 2
    owns only one's own part."""
    html = client.get("/ladder").get_data(as_text=True)
    card = html[html.index('id="ladder-repair"') : html.index('id="ladder-recall"')]
    assert REPAIR_NOTE in card and "owe a repair: your safety comes first" in card
    assert "Own your part, and only your part" in card
    assert html.count(REPAIR_NOTE) == 1  # said on repair's ladder, not on every one
    welcomed(user, "repair")
    today = client.get("/").get_data(as_text=True)
    assert OFFER in today and "Own your part, and only your part" in today and REPAIR_NOTE in today
