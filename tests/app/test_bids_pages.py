"""Bids in the HTML (issue 16, item 2): the details form's choice of how a bid was met (a radio group
with a legend, on respond logs only), "I missed a bid" beside the respond tile (one tap, once, CSRF as
every form), and the turn-toward sentence on the month and the person page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tests.conftest import FIXED_NOW, make_log, make_person
from tracker.models import Log

MISSED = {"kind": "respond", "bid": "away"}


def tap_id(html: str) -> str:
    """The tap id of the "I missed a bid" form on Today."""
    form = html.split('class="missed-bid"', 1)[1].split("</form>", 1)[0]
    return re.search(r'name="id" value="([^"]+)"', form).group(1)


def test_a_respond_logs_form_asks_how_the_bid_was_met_with_a_legend(client, logged_in, user):
    log = make_log(user, "respond", bid="toward")
    html = client.get(f"/logs/{log.id}/edit").get_data(as_text=True)
    assert "<legend>How did you meet their bid?</legend>" in html
    assert re.findall(r'name="bid" value="(\w+)"', html) == ["toward", "away", "against"]
    assert re.search(r'name="bid" value="toward"\s+checked', html)
    assert "Noticing a bid, even one you missed, is the practice." in html
    other = make_log(user, "closeness")
    assert 'name="bid"' not in client.get(f"/logs/{other.id}/edit").get_data(as_text=True)


def test_saving_the_bid_without_javascript_redirects_and_with_htmx_answers_the_partial(
    client, logged_in, user
):
    log = make_log(user, "respond", bid="toward")
    plain = logged_in.post(f"/logs/{log.id}", {"kind": "respond", "bid": "against"})
    assert plain.status_code == 303 and Log.get_by_id(log.id).bid == "against"
    partial = logged_in.post(f"/logs/{log.id}", {"kind": "respond", "bid": "away"}, htmx=True)
    assert partial.status_code == 200 and "<html" not in partial.get_data(as_text=True)
    assert Log.get_by_id(log.id).bid == "away"


def test_a_bad_bid_re_renders_the_form_with_its_message_and_changes_nothing(client, logged_in, user):
    log = make_log(user, "respond", bid="toward", note="kept")
    plain = logged_in.post(f"/logs/{log.id}", {"kind": "respond", "bid": "sideways", "note": "x"})
    assert plain.status_code in (400, 422)
    assert "toward, away or against" in plain.get_data(as_text=True)
    partial = logged_in.post(f"/logs/{log.id}", {"kind": "respond", "bid": "sideways"}, htmx=True)
    assert partial.status_code == 200 and "toward, away or against" in partial.get_data(as_text=True)
    stored = Log.get_by_id(log.id)
    assert (stored.bid, stored.note) == ("toward", "kept")


def test_changing_the_kind_in_the_form_drops_the_bid(client, logged_in, user):
    log = make_log(user, "respond", bid="away")
    assert logged_in.post(f"/logs/{log.id}", {"kind": "confide", "bid": "away"}).status_code == 303
    stored = Log.get_by_id(log.id)
    assert (stored.kind, stored.bid) == ("confide", None)


def test_the_form_needs_its_csrf_token(client, logged_in, user):
    log = make_log(user, "respond", bid="toward")
    refused = client.post(f"/logs/{log.id}", data={"kind": "respond", "bid": "against"})
    assert refused.status_code == 400
    assert Log.get_by_id(log.id).bid == "toward"
    assert client.post("/logs", data=MISSED).status_code == 400
    assert Log.select().count() == 1


def test_i_missed_a_bid_logs_a_respond_turned_away_today_in_one_tap(client, logged_in, user):
    today = client.get("/").get_data(as_text=True)
    assert today.count('class="missed-bid"') == 1 and "I missed a bid" in today
    answer = logged_in.post("/logs", {**MISSED, "id": tap_id(today)})
    assert answer.status_code == 303
    log = Log.get()
    assert (log.kind, log.bid, log.local_date.isoformat()) == ("respond", "away", "2026-05-13")
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "a bid you missed" in page and "Noticing it is the practice" in page


def test_i_missed_a_bid_with_htmx_answers_the_gentle_partial(client, logged_in):
    today = client.get("/").get_data(as_text=True)
    answer = logged_in.post("/logs", {**MISSED, "id": tap_id(today)}, htmx=True)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<html" not in html
    assert "a bid you missed" in html and answer.headers["HX-Trigger"] == "log-changed"
    assert "A thought to sit with" not in html  # its prompt asks about turning toward: not for this


def test_a_double_tap_on_i_missed_a_bid_logs_it_once(client, logged_in, clock):
    tap = tap_id(client.get("/").get_data(as_text=True))
    first = logged_in.post("/logs", {**MISSED, "id": tap})
    clock.now += timedelta(seconds=1)
    second = logged_in.post("/logs", {**MISSED, "id": tap}, htmx=True)
    assert first.status_code == 303 and second.status_code == 200
    assert Log.select().count() == 1
    clock.now += timedelta(seconds=5)  # the page left open, tapped again later: another missed bid
    logged_in.post("/logs", {**MISSED, "id": tap})
    assert [log.bid for log in Log.select()] == ["away", "away"]


def test_a_crafted_bid_on_another_kind_from_a_form_is_dropped(client, logged_in):
    logged_in.post("/logs", {"kind": "closeness", "bid": "away"})
    assert Log.get().bid is None


def bids(user, toward: int, away: int = 0, person=None, day: datetime = FIXED_NOW) -> None:
    for n in range(toward + away):
        make_log(
            user,
            "respond",
            at=day - timedelta(minutes=n),
            bid="toward" if n < toward else "away",
            person=person,
        )


SENTENCE = "You turned toward 9 of 11 bids you noticed in the last 30 days."


def test_the_month_page_says_the_turn_toward_count_as_practice(client, logged_in, user):
    bids(user, 8, 2)
    bids(user, 1, day=datetime(2026, 4, 14, 12, tzinfo=UTC))  # the window's first day
    bids(user, 0, 3, day=datetime(2026, 4, 13, 12, tzinfo=UTC))  # a day before it: not counted
    html = client.get("/month/2026-05").get_data(as_text=True)
    assert SENTENCE in html
    line = html.split('<p class="bids-line">', 1)[1].split("</p>", 1)[0]
    assert "%" not in line and "86" not in line and "class=" not in line.split("<span", 1)[0]


def test_the_sentence_is_in_words_when_numbers_are_hidden(client, logged_in, user):
    user.hide_numbers = True
    user.save()
    bids(user, 9, 2)
    html = client.get("/month/2026-05").get_data(as_text=True)
    assert "You turned toward most of the bids you noticed in the last 30 days." in html
    assert "9 of 11" not in html


def test_nothing_is_said_without_bids(client, logged_in, user):
    make_log(user, "closeness")
    assert "bids you noticed" not in client.get("/month/2026-05").get_data(as_text=True)
    sam = make_person(user)
    assert "bids you noticed" not in client.get(f"/people/{sam.id}").get_data(as_text=True)


def test_the_person_page_says_it_for_that_person_and_never_for_someone_not_safe(client, logged_in, user):
    sam, alex = make_person(user), make_person(user, "Alex", "friend")
    bids(user, 9, 2, person=sam)
    bids(user, 0, 4, person=alex)
    assert SENTENCE in client.get(f"/people/{sam.id}").get_data(as_text=True)
    alex.not_safe = True
    alex.save()
    assert "bids you noticed" not in client.get(f"/people/{alex.id}").get_data(as_text=True)
    # Nor do their bids count on the month: turning toward them is never framed as practice.
    assert SENTENCE in client.get("/month/2026-05").get_data(as_text=True)


def test_a_missed_bid_reads_as_one_in_todays_list_and_history(client, logged_in, user):
    make_log(user, "respond", bid="away")
    make_log(user, "respond", bid="toward", at=FIXED_NOW - timedelta(hours=1))
    for path in ("/", "/history"):
        html = client.get(path).get_data(as_text=True)
        assert html.count("missed it, or turned away") == 1, path


def test_a_past_month_counts_the_30_days_to_its_last_day(client, logged_in, user):
    bids(user, 2, 1, day=datetime(2026, 4, 20, 12, tzinfo=UTC))
    bids(user, 5, day=datetime(2026, 5, 2, 12, tzinfo=UTC))  # after April: not in its 30 days
    html = client.get("/month/2026-04").get_data(as_text=True)
    assert "You turned toward 2 of 3 bids you noticed in the 30 days to 30 April." in html
    assert "in the last 30 days" not in html


def test_early_in_a_month_the_30_days_reach_past_what_the_rhythm_reads(client, logged_in, user, clock):
    """On 2 May the window starts on 3 April, a day before the 28 days the rhythm reads for May: the
    page's one query of logs reaches that far too (no query more)."""
    clock.now = datetime(2026, 5, 2, 10, tzinfo=UTC)
    bids(user, 1, day=datetime(2026, 4, 3, 10, tzinfo=UTC))
    bids(user, 0, 1, day=datetime(2026, 4, 2, 10, tzinfo=UTC))  # 31 days back: outside
    html = client.get("/month/2026-05").get_data(as_text=True)
    assert "You turned toward 1 of 1 bid you noticed in the last 30 days." in html
