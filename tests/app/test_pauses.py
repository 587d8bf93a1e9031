"""Pauses in settings: add and remove date ranges, validated, scoped to the user; paused days are rest."""

from __future__ import annotations

from datetime import date, datetime
from html import unescape

import pytest
from flask import render_template
from flask_login import login_user

from tests.conftest import FIXED_NOW, make_log, make_user
from tracker.models import Pause, naive_utc
from tracker.views.pauses import date_range

ADD = "/settings/pauses"


def add(auth, start: str, end: str, reason: str = "", htmx: bool = False):
    return auth.post(ADD, {"start": start, "end": end, "reason": reason}, htmx=htmx)


def test_adding_a_pause_with_htmx_swaps_the_card(client, logged_in, user):
    response = add(logged_in, "2026-05-04", "2026-05-08", "flu", htmx=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert html.count('id="pauses"') == 1
    assert "4–8 May 2026" in html and "5 days" in html and "flu" in html
    assert 'data-hx-swap-oob="true"' in html and "those days are rest" in html
    pause = Pause.get()
    assert (pause.user_id, pause.start_date, pause.end_date, pause.reason) == (
        user.id,
        date(2026, 5, 4),
        date(2026, 5, 8),
        "flu",
    )


def test_adding_a_pause_without_javascript_redirects_to_settings(client, logged_in):
    response = add(logged_in, "2026-05-10", "2026-05-10")
    assert response.status_code == 303
    assert response.headers["Location"] == "/settings"
    assert Pause.get().reason is None


@pytest.mark.parametrize(
    ("start", "end", "reason", "field", "message"),
    [
        ("2026-05-08", "2026-05-04", "", "pause_end", "The last day can't be before the first day."),
        ("", "2026-05-04", "", "pause_start", "Choose the first day."),
        ("2026-05-04", "", "", "pause_end", "Choose the last day."),
        ("2026-02-30", "2026-03-02", "", "pause_start", "The first day must be a date like 2026-03-09."),
        ("04/05/2026", "2026-05-08", "", "pause_start", "The first day must be a date like 2026-03-09."),
        ("20260504", "2026-05-08", "", "pause_start", "The first day must be a date like 2026-03-09."),
        ("1999-12-31", "2000-01-02", "", "pause_start", "The first day must be in the year 2000 or later."),
        ("2026-01-01", "2027-01-02", "", "pause_end", "A pause can last up to 366 days"),
        (
            "2026-05-04",
            "2026-05-08",
            "x" * 201,
            "pause_reason",
            "Keep the reason to 200 characters or fewer.",
        ),
    ],
)
def test_invalid_pauses_store_nothing_and_say_why(client, logged_in, start, end, reason, field, message):
    response = add(logged_in, start, end, reason, htmx=True)
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    assert "<html" not in html and message in html
    assert f'id="{field}-error"' in html and 'aria-invalid="true"' in html
    assert "Nothing was saved" in html
    plain = add(logged_in, start, end, reason)
    assert plain.status_code == 422
    assert "<html" in plain.get_data(as_text=True) and message in unescape(plain.get_data(as_text=True))
    assert Pause.select().count() == 0


def test_the_form_keeps_what_was_typed_after_an_error(client, logged_in):
    html = add(logged_in, "2026-05-08", "2026-05-04", "travel", htmx=True).get_data(as_text=True)
    assert 'value="2026-05-08"' in html and 'value="2026-05-04"' in html and 'value="travel"' in html


def test_a_whole_leap_year_is_allowed(client, logged_in):
    assert add(logged_in, "2028-01-01", "2028-12-31").status_code == 303
    assert Pause.get().end_date == date(2028, 12, 31)


def test_removing_a_pause(client, logged_in, user):
    pause = Pause.create(user=user, start_date=date(2026, 5, 1), end_date=date(2026, 5, 3))
    response = logged_in.post(f"/settings/pauses/{pause.id}/delete", htmx=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Removed the pause 1–3 May 2026" in html and 'id="pauses"' in html
    assert Pause.select().count() == 0


def test_removing_without_javascript_redirects(client, logged_in, user):
    pause = Pause.create(user=user, start_date=date(2026, 5, 1), end_date=date(2026, 5, 3))
    response = logged_in.post(f"/settings/pauses/{pause.id}/delete")
    assert response.status_code == 303 and response.headers["Location"] == "/settings"
    assert Pause.select().count() == 0


def test_another_users_pause_is_a_404_and_stays(client, logged_in):
    other = make_user("bo@example.com")
    pause = Pause.create(user=other, start_date=date(2026, 5, 1), end_date=date(2026, 5, 3))
    assert logged_in.post(f"/settings/pauses/{pause.id}/delete").status_code == 404
    assert logged_in.post("/settings/pauses/99999999999/delete").status_code == 404
    assert Pause.select().count() == 1
    html = logged_in.client.get("/settings/pauses").get_data(as_text=True)
    assert "1–3 May 2026" not in html


def test_pauses_need_a_login(client):
    assert client.get("/settings/pauses").status_code == 302


def test_the_partial_loads_its_own_pauses_so_any_page_can_include_it(app, user):
    Pause.create(user=user, start_date=date(2026, 4, 28), end_date=date(2026, 5, 2), reason="travel")
    Pause.create(user=make_user("bo@example.com"), start_date=date(2026, 1, 1), end_date=date(2026, 1, 2))
    with app.test_request_context("/settings"):
        login_user(user)
        html = render_template("partials/_pauses.html")
    assert html.count('id="pauses"') == 1
    assert "28 Apr – 2 May 2026" in html and "travel" in html
    assert "Jan 2026" not in html


def test_deleting_the_user_deletes_their_pauses(app, user):
    Pause.create(user=user, start_date=date(2026, 5, 1), end_date=date(2026, 5, 3))
    user.delete_instance()
    assert Pause.select().count() == 0


def test_paused_days_are_rest_across_a_month_boundary(client, logged_in, user, clock):
    # T = 7: no free days, so without the pause the unlogged days would be missed.
    user.weekly_target = 7
    user.created_at = naive_utc(datetime(2026, 4, 27, 8, 0, tzinfo=FIXED_NOW.tzinfo))
    user.save()
    for day in (27, 28):
        make_log(user, at=datetime(2026, 4, day, 9, 0, tzinfo=FIXED_NOW.tzinfo))
    add(logged_in, "2026-04-29", "2026-05-12")
    make_log(user, at=FIXED_NOW)  # Wed 13 May
    april = client.get("/api/v1/summary?month=2026-04").get_json()
    may = client.get("/api/v1/summary?month=2026-05").get_json()
    assert [april["days"][f"2026-04-{d}"]["status"] for d in (28, 29, 30)] == ["active", "rest", "rest"]
    assert {may["days"][f"2026-05-{d:02d}"]["status"] for d in range(1, 13)} == {"rest"}
    assert (may["rest_days"], may["missed_days"], may["current_streak"]) == (12, 0, 17)


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (date(2026, 3, 3), date(2026, 3, 3), "3 Mar 2026"),
        (date(2026, 3, 3), date(2026, 3, 9), "3–9 Mar 2026"),
        (date(2026, 2, 28), date(2026, 3, 3), "28 Feb – 3 Mar 2026"),
        (date(2025, 12, 28), date(2026, 1, 3), "28 Dec 2025 – 3 Jan 2026"),
    ],
)
def test_date_ranges_read_like_people_write_them(start, end, text):
    assert date_range(start, end) == text
