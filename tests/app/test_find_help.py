"""Issue 17, item 7: help is never locked. "Find a therapist or a group" (/help, directories for the
user's region, each saying what it is) is offered from the widen ladder at every step, from every care
flow, and on Today after three recalls that felt worse or three heavy check-ins in a row."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.app.test_email_links import email, form_post  # noqa: F401
from tests.app.test_nudges import WED_1231_BERLIN
from tests.conftest import FIXED_NOW, make_log, make_person
from tracker import care
from tracker.models import CHECKIN_ITEMS, CheckIn, LadderStep

FIND_HELP = '<a href="/help">find a therapist or a group</a>'
HEAVY = dict.fromkeys(CHECKIN_ITEMS, 2) | {"c3": 4, "d3": 4, "a1": 4, "a2": 4, "a3": 2}


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


@pytest.mark.parametrize("region", list(care.HELP))
def test_every_region_lists_real_directories_that_say_what_they_are(client, region):
    lines = care.therapy_lines(region)
    assert lines and all(line.about and line.href.startswith(("https://", "tel:")) for line in lines)
    html = page(client, f"/help?region={region}")
    assert f"Where to start {care.REGION_IN[region]}</h2>" in html
    for line in lines:
        assert f'href="{line.href}"' in html and line.about.replace("'", "&#39;") in html
    # The crisis lines of that region too, for a moment that can't wait.
    for line in care.help_lines(region):
        assert f'href="{line.href}"' in html


def test_the_page_is_open_to_everyone_and_picks_the_users_region(client, logged_in, user):
    logged_in.logout()
    signed_out = page(client, "/help")
    assert "Where to start wherever you are" in signed_out and "psychologytoday.com" in signed_out
    assert "NHS Talking Therapies" in page(client, "/help?region=uk")
    for unknown in ("mars", "", "%00", "UK", "x" * 500):  # not a region we list: the default, no error
        assert "Where to start wherever you are" in page(client, f"/help?region={unknown}")
    logged_in.login()
    assert "Where to start in Germany" in page(client, "/help")  # Europe/Berlin
    assert 'href="tel:116117"' in page(client, "/help") and "nakos.de" in page(client, "/help")
    user.help_region = "uk"
    user.save()
    assert "Where to start in the United Kingdom" in page(client, "/help")
    assert '<a href="/help?region=de">Germany</a>' in page(client, "/help")


@pytest.mark.parametrize("step", [1, 2, 3])
def test_the_widen_ladder_offers_it_at_every_step(client, logged_in, user, step):
    LadderStep.create(user=user, kind="widen", step=step)
    html = page(client, "/ladder")
    card = html[html.index('id="ladder-widen"') :]
    assert FIND_HELP in card and "Help is there at every step, not only the last" in card
    assert html.count(FIND_HELP) == 1  # on widen's ladder, not on every one
    tapped = logged_in.post("/logs", {"kind": "widen"}, htmx=True).get_data(as_text=True)
    assert "More support, at any step: " + FIND_HELP in tapped


def test_a_widen_offer_says_help_need_not_wait(client, logged_in, user):
    for i in range(3):
        make_log(user, "widen", at=FIXED_NOW - timedelta(minutes=i))
    html = page(client, "/")
    assert "Ready for a bigger step?" in html and "You don't have to wait for a step" in html
    assert FIND_HELP in html


def test_every_care_flow_offers_it(client, logged_in, user):
    sam = make_person(user, "Sam")
    hurt = make_log(user, person=sam, response="hurtful")
    assert FIND_HELP in page(client, f"/logs/{hurt.id}/care")  # the hurtful-response care flow
    partial = logged_in.post(f"/logs/{hurt.id}", {"kind": "closeness", "response": "hurtful"}, htmx=True)
    assert FIND_HELP in partial.get_data(as_text=True)  # the same flow inside the confirmation
    worse = make_log(user, "recall", before=6, after=3)
    assert FIND_HELP in page(client, f"/recall/done/{worse.id}")  # a recall that felt worse
    better = make_log(user, "recall", before=3, after=6)
    assert FIND_HELP not in page(client, f"/recall/done/{better.id}")
    rex = make_person(user, "Rex")
    welcome = logged_in.post("/welcome/6", {f"safe-{rex.id}": "no"}).get_data(as_text=True)
    assert FIND_HELP in welcome  # the welcome's private safety question
    assert FIND_HELP in page(client, f"/people/{rex.id}")  # a person marked not safe
    dismissive = make_person(user, "Kim")
    for i in range(5):
        make_log(user, person=dismissive, response="dismissed", at=FIXED_NOW - timedelta(days=i))
    assert '<a href="/help">find a therapist or a group</a>.' in page(client, f"/people/{dismissive.id}")
    assert FIND_HELP not in page(client, f"/people/{sam.id}")


def test_the_email_care_flow_offers_it(client, email, clock):  # noqa: F811
    clock.now = WED_1231_BERLIN + timedelta(minutes=20)
    html = form_post(client, email["I did it"]).get_data(as_text=True)
    details = re.search(r'action="(/email/details/[^"]+)"', html).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    saved = client.post(details, data={"csrf_token": token, "response": "hurtful"}).get_data(as_text=True)
    assert "When a response hurts or frightens you" in saved and FIND_HELP in saved


TODAY_NOTE = 'class="card banner help-note"'


def test_today_offers_it_after_three_recalls_that_felt_worse(client, logged_in, user, clock):
    for days, (before, after) in enumerate([(6, 3), (5, 4)]):
        make_log(user, "recall", at=FIXED_NOW - timedelta(days=days), before=before, after=after)
    make_log(user, "recall", at=FIXED_NOW - timedelta(days=3), after=1)  # no before: not "worse"
    assert TODAY_NOTE not in page(client, "/")
    make_log(user, "recall", at=FIXED_NOW - timedelta(days=4), before=7, after=2)
    html = page(client, "/")
    note = html[html.index(TODAY_NOTE) : html.index("</p>", html.index(TODAY_NOTE))]
    assert "Recalling has left you less settled lately" in note and FIND_HELP in note
    assert html.count('class="card banner') == 1  # one note at a time
    clock.now = FIXED_NOW + timedelta(days=14)  # two weeks on, the note has had its time
    assert TODAY_NOTE not in page(client, "/")
    clock.now = FIXED_NOW + timedelta(hours=1)
    make_log(user, "recall", at=clock.now, before=3, after=5)  # the latest felt better
    assert TODAY_NOTE not in page(client, "/")


def test_today_offers_it_after_three_heavy_checkins_in_a_row(client, logged_in, user):
    logged_in.post("/welcome/skip")
    for month in ("2026-02", "2026-04"):
        CheckIn.create(user=user, month=month, wording=2, **HEAVY)
    assert TODAY_NOTE not in page(client, "/")
    CheckIn.create(user=user, month="2026-05", wording=2, **HEAVY)
    html = page(client, "/")
    assert TODAY_NOTE in html and "Your last three check-ins describe heavy months" in html
    assert FIND_HELP in html and "score" not in html[html.index(TODAY_NOTE) :][:400].lower()
    steady = dict.fromkeys(CHECKIN_ITEMS, 4) | {"c3": 2, "d3": 2, "a1": 2, "a2": 2}
    CheckIn.update(**steady).where(CheckIn.month == "2026-04").execute()
    assert TODAY_NOTE not in page(client, "/")


def test_the_help_note_comes_before_a_ladder_offer(client, logged_in, user):
    logged_in.post("/welcome/skip")
    for i in range(3):
        make_log(user, "closeness", at=FIXED_NOW - timedelta(minutes=i), response="welcomed")
        make_log(user, "recall", at=FIXED_NOW - timedelta(days=i + 1), before=6, after=2)
    html = page(client, "/")
    assert TODAY_NOTE in html and "Ready for a bigger step?" not in html
