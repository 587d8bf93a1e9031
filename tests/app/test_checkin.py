"""The monthly check-in: the form, once per month and editable, results, the ±0.5 rule, the charts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from markupsafe import escape

from tests.conftest import FIXED_NOW, make_user
from tracker import practice
from tracker.models import CHECKIN_ITEMS, CheckIn, naive_utc

ALL_THREE = dict.fromkeys(CHECKIN_ITEMS, "3")
DISCLAIMER = "A reflection aid, not a psychological test or a diagnosis. Scores move with life events."


def test_form_has_nine_fieldsets_with_legends_and_the_disclaimer(client, logged_in):
    html = client.get("/checkin").get_data(as_text=True)
    assert html.count("<fieldset") == 9 and html.count("<legend>") == 9
    assert html.count('type="radio"') == 45
    assert DISCLAIMER in html
    for n, item in enumerate(practice.ITEMS, 1):  # wording 2, one question each
        assert f"<legend>{n}. {escape(item.text)}</legend>" in html
    assert "I could ask for space, or give it" not in html  # wording 1's A3, which asked three things


def settled_in(user, auth, days: int = 7) -> None:
    """An account `days` old with the welcome skipped: Today's one note can be the check-in."""
    user.created_at = naive_utc(FIXED_NOW - timedelta(days=days))
    user.save()
    auth.post("/welcome/skip")


def test_today_offers_the_checkin_until_it_is_done(client, logged_in, user):
    settled_in(user, logged_in)
    assert "take the two-minute check-in" in client.get("/").get_data(as_text=True)
    logged_in.post("/checkin", ALL_THREE)
    assert "take the two-minute check-in" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("htmx", [False, True])
def test_save_shows_three_scores_and_editing_keeps_one_per_month(client, logged_in, user, htmx):
    response = logged_in.post("/checkin", ALL_THREE, htmx=htmx)
    assert response.status_code == 303 and response.headers["Location"] == "/checkin?saved=1"
    html = client.get("/checkin?saved=1").get_data(as_text=True)
    assert "Comfort with closeness" in html and "Calm about connection" in html
    assert html.count("<strong>somewhat true</strong>") == 3  # every answer 3: the scale's words
    assert "of 100" not in html
    assert html.count("checked") == 9
    answers = {**ALL_THREE, "a1": "5", "a2": "5", "a3": "1"}  # anxious month: calm goes to 0
    logged_in.post("/checkin", answers)
    assert CheckIn.select().count() == 1
    row = CheckIn.get()
    assert (row.month, row.a1, row.a3) == ("2026-05", 5, 1)
    assert "Calm about connection:</span> <strong>not at all true</strong>" in client.get(
        "/checkin"
    ).get_data(as_text=True)


@pytest.mark.parametrize(
    "bad",
    [{"c1": ""}, {"c1": "6"}, {"c1": "0"}, {"c1": "٣"}, {"c1": "3.0"}, {"c1": "x" * 5000}, {"c1": "\x00"}],
)
def test_invalid_answers_rerender_with_messages(client, logged_in, bad):
    response = logged_in.post("/checkin", {**ALL_THREE, **bad})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Choose an answer from 1 to 5." in html and 'aria-describedby="c1-error"' in html
    assert html.count("checked") == 8  # the other answers are kept
    assert logged_in.post("/checkin", {**ALL_THREE, **bad}, htmx=True).status_code == 200
    assert CheckIn.select().count() == 0


def test_change_is_called_out_only_at_half_a_point(client, logged_in, user, clock):
    CheckIn.create(user=user, month="2026-04", **dict.fromkeys(CHECKIN_ITEMS, 3))
    logged_in.post("/checkin", {**ALL_THREE, "c1": "4"})  # closeness mean +1/3: not called out
    html = client.get("/checkin").get_data(as_text=True)
    assert "since April" not in html and "About the same as April" in html
    logged_in.post("/checkin", {**ALL_THREE, "c1": "4", "c2": "4", "a1": "4", "a2": "4"})
    html = client.get("/checkin").get_data(as_text=True)
    assert "— up since April" in html and "— down since April" in html


def test_month_and_year_pages_chart_the_checkins(client, logged_in, user):
    CheckIn.create(user=user, month="2026-03", **dict.fromkeys(CHECKIN_ITEMS, 3))
    logged_in.post("/checkin", {**ALL_THREE, "c1": "5", "c2": "5"})
    month = client.get("/month/2026-05").get_data(as_text=True)
    assert "Your monthly check-ins" in month and "chart-checkin-closeness" in month and DISCLAIMER in month
    assert "Comfort with closeness moved up" in month
    partial = client.get("/month/2026-05", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Your monthly check-ins" in partial
    assert "Your monthly check-ins" in client.get("/year/2026").get_data(as_text=True)
    assert "Your monthly check-ins" not in client.get("/year/2025").get_data(as_text=True)
    assert "Your monthly check-ins" not in client.get("/month/2025-01").get_data(as_text=True)


def test_no_checkin_offer_in_an_accounts_first_week(client, logged_in, user, clock):
    """Issue 13: a new account's first day (or week) has nothing to reflect on yet."""
    settled_in(user, logged_in, days=0)
    clock.now = FIXED_NOW + timedelta(days=6, hours=11)  # 23:30 in Berlin on the sixth day
    assert "take the two-minute check-in" not in client.get("/").get_data(as_text=True)
    clock.now = FIXED_NOW + timedelta(days=7)
    assert "take the two-minute check-in" in client.get("/").get_data(as_text=True)


def test_a_new_month_opens_a_new_checkin(client, logged_in, user, clock):
    settled_in(user, logged_in)
    logged_in.post("/checkin", ALL_THREE)
    clock.now = FIXED_NOW + timedelta(days=19)  # 1 June
    assert "take the two-minute check-in" in client.get("/").get_data(as_text=True)
    logged_in.post("/checkin", ALL_THREE)
    assert [row.month for row in CheckIn.select().order_by(CheckIn.month)] == ["2026-05", "2026-06"]


def test_checkins_are_private(client, logged_in, user):
    other = make_user("bo@example.com")
    CheckIn.create(user=other, month="2026-05", **dict.fromkeys(CHECKIN_ITEMS, 5))
    html = client.get("/checkin").get_data(as_text=True)
    assert "checked" not in html
    assert "Your monthly check-ins" not in client.get("/month/2026-05").get_data(as_text=True)


def test_checkin_needs_login(client):
    assert client.get("/checkin").status_code == 302


# --- wordings (issue 17) ------------------------------------------------------------------------------

V1 = {item.key: str(escape(item.text)) for item in practice.ITEMS_V1}
V2 = {item.key: str(escape(item.text)) for item in practice.ITEMS}
CHANGED = [key for key in CHECKIN_ITEMS if V1[key] != V2[key]]


def test_the_wordings_differ_where_wording_1_asked_more_than_one_thing():
    assert {"d2", "d3", "a2", "a3"} <= set(CHANGED)


def test_a_new_save_stores_wording_2_and_resaving_a_wording_1_month_makes_it_2(client, logged_in, user):
    logged_in.post("/checkin", ALL_THREE)
    assert CheckIn.get().wording == 2
    CheckIn.update(wording=1).execute()
    logged_in.post("/checkin", {**ALL_THREE, "c1": "5"})
    row = CheckIn.get()
    assert (row.wording, row.c1) == (2, 5) and CheckIn.select().count() == 1


def test_this_month_answered_in_wording_1_shows_it_and_the_form_asks_wording_2(client, logged_in, user):
    CheckIn.create(user=user, month="2026-05", wording=1, **dict.fromkeys(CHECKIN_ITEMS, 4))
    html = client.get("/checkin").get_data(as_text=True)
    assert "Your answers" in html and "as they were worded when you answered them" in html
    answers, form = html.split('<form class="stack checkin"')
    for key in CHANGED:
        assert V1[key] in answers and V2[key] not in answers
        assert V2[key] in form and V1[key] not in form
    assert answers.count("<strong>Mostly true</strong>") == 9
    assert "checked" not in form  # old answers are not put under the new statements
    # Its results stay, in the scale's words: closeness (4 + 4 + (6 − 4)) / 3 ≈ 3.3.
    assert "Comfort with closeness:</span> <strong>somewhat true</strong>" in answers


def test_this_month_in_wording_2_fills_in_the_form_without_a_second_list(client, logged_in, user):
    logged_in.post("/checkin", ALL_THREE)
    html = client.get("/checkin").get_data(as_text=True)
    assert html.count("checked") == 9 and "Your answers" not in html


@pytest.mark.parametrize("wording", [1, 2])
def test_a_past_months_page_shows_its_statements_in_their_wording(client, logged_in, user, wording):
    CheckIn.create(user=user, month="2026-03", wording=wording, c1=5, d3=1, a2=2)
    html = client.get("/checkin/2026-03").get_data(as_text=True)
    assert "Your check-in for March 2026" in html and DISCLAIMER in html
    shown, hidden = (V1, V2) if wording == 1 else (V2, V1)
    for key in CHANGED:
        assert shown[key] in html and hidden[key] not in html
    assert ("as they were worded when you answered them" in html) == (wording == 1)
    assert "<strong>Very true</strong>" in html and "<strong>A little true</strong>" in html
    assert html.count("Left open") == 6
    assert "of 100" not in html


def test_the_month_table_links_each_checkin_month_to_its_page(client, logged_in, user):
    CheckIn.create(user=user, month="2026-03", wording=1, **dict.fromkeys(CHECKIN_ITEMS, 3))
    logged_in.post("/checkin", ALL_THREE)
    html = client.get("/month/2026-05").get_data(as_text=True)
    assert 'href="/checkin/2026-03">March 2026</a>' in html
    assert client.get("/checkin/2026-05").headers["Location"] == "/checkin"  # this month: the form
    previous = client.get("/checkin").get_data(as_text=True)
    assert 'href="/checkin/2026-03">Your March answers</a>' in previous


@pytest.mark.parametrize("month", ["2026-04", "2026-13", "26-04", "2026-4", "abcd-ef", "1999-12"])
def test_a_past_month_without_my_checkin_is_not_found(client, logged_in, user, month):
    CheckIn.create(user=make_user("bo@example.com"), month="2026-04", **dict.fromkeys(CHECKIN_ITEMS, 5))
    assert client.get(f"/checkin/{month}").status_code == 404


def test_a_past_months_page_needs_login(client):
    assert client.get("/checkin/2026-04").status_code == 302
