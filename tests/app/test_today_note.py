"""Issue 13: Today shows at most one note, by priority (welcome, ladder offer, welcome back, check-in)."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import FIXED_NOW, make_log
from tracker.models import naive_utc

NOTES = {
    "welcome": "A short welcome (about two minutes)",
    "offer": "Ready for a bigger step?",
    "away": "Welcome back. It has been",
    "checkin": "take the two-minute check-in",
}


def notes_on_today(client) -> list[str]:
    html = client.get("/").get_data(as_text=True)
    return [name for name, text in NOTES.items() if text in html]


def welcomed(user, days_ago: int = 0) -> None:
    for i in range(3):
        make_log(user, "closeness", at=FIXED_NOW - timedelta(days=days_ago, minutes=i), response="welcomed")


def test_a_new_account_sees_only_the_welcome(client, logged_in, user):
    assert notes_on_today(client) == ["welcome"]


def test_one_note_at_a_time_in_priority_order(client, logged_in, user, clock):
    user.created_at = naive_utc(FIXED_NOW - timedelta(days=60))
    user.save()
    welcomed(user, days_ago=10)  # an offer (within 28 days), ten days away, and this month's check-in due
    assert notes_on_today(client) == ["offer"]
    logged_in.post("/ladder/closeness/later")
    assert notes_on_today(client) == ["away"]
    clock.now = FIXED_NOW + timedelta(days=1)
    make_log(user, "space", at=FIXED_NOW)  # came back yesterday: no longer away
    assert notes_on_today(client) == ["checkin"]
    logged_in.post("/welcome/skip")
    html = client.get("/").get_data(as_text=True)
    assert html.count('class="card banner') == 1
