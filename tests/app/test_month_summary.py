"""A month worth bringing (issue 16, item 5): /month/YYYY-MM/summary, one printable page in words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conftest import make_log, make_person, make_user
from tracker.models import CHECKIN_ITEMS, CheckIn
from tracker.queries import save_plan

URL = "/month/2026-05/summary"
DISCLAIMER = "is a self-reflection tool, not therapy and not a diagnosis"


@pytest.fixture
def may(user):
    """A May with Sam, a check-in and a private note."""
    sam = make_person(user, "Sam")
    make_log(user, person=sam, response="welcomed", before=3, after=7, note="Told Sam about the worry.")
    make_log(user, "space", at=datetime(2026, 5, 12, 9, tzinfo=UTC), before=5, after=6)
    CheckIn.create(user=user, month="2026-05", **dict.fromkeys(CHECKIN_ITEMS, 4) | {"c3": 2})
    return user


def test_the_month_page_links_to_its_summary(client, logged_in, may):
    html = client.get("/month/2026-05").get_data(as_text=True)
    assert f'href="{URL}"' in html and "Print or save as PDF" in html


def test_the_summary_says_the_month_in_words(client, logged_in, may):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for part in (
        "May 2026: a month of practice",
        "The month, day by day",
        "Streak at the month&#39;s end",
        "Showing up",
        "What I practised",
        "Ask for closeness",
        "What I feared vs. what happened",
        "Where safety lives",
        "<strong>Sam</strong>",
        "The month's check-in",
        "Comfort with closeness</dt><dd>mostly true",
        DISCLAIMER,
        "made on Wed 13 May 2026",
        "css/print",
    ):
        assert part in html, part
    assert "Told Sam about the worry." not in html  # notes are off unless ticked in
    assert "Your plans" not in html  # none yet: the section is left out


def test_the_summary_lists_the_active_plans(client, logged_in, may):
    save_plan(may.id, "closeness", "I get home", "ask for a hug")
    save_plan(may.id, "closeness", "we sit down to dinner", "ask about their day")  # replaces the first
    html = client.get(URL).get_data(as_text=True)
    assert "Your plans" in html and "When we sit down to dinner, I will ask about their day." in html
    assert "I get home" not in html


def test_names_can_be_hidden_and_notes_ticked_in(client, logged_in, may):
    html = client.get(URL + "?names=hide&notes=show").get_data(as_text=True)
    assert "<strong>Sam</strong>" not in html and "<strong>Person A</strong>" in html
    assert "Told Sam about the worry." in html  # the note's own words are the person's
    assert "· Person A</span>" in html and 'name="notes" value="show" checked' in html


@pytest.mark.parametrize(
    "url", ["/month/2026-13/summary", "/month/0000-01/summary", "/month/99999-01/summary", "/month/x/summary"]
)
def test_bad_months_are_404(client, logged_in, url):
    assert client.get(url).status_code == 404


def test_login_required_and_scoped_to_the_user(client, auth, may):
    assert client.get(URL).status_code in (302, 303)
    make_user("bo@example.com")
    auth.login(email="bo@example.com")
    html = client.get(URL + "?notes=show").get_data(as_text=True)
    assert "Sam" not in html and "Told Sam" not in html and "No check-in for this month." in html


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS"])
def test_safe_methods_answer(client, logged_in, may, method):
    assert client.open(URL, method=method).status_code in (200, 204)


def test_hidden_numbers_print_words(client, logged_in, may):
    may.hide_numbers = True
    may.save()
    html = client.get(URL).get_data(as_text=True)
    assert "Before: " not in html and "Welcomed 1" not in html


def test_discreet_mode_names_the_app_neutrally(client, logged_in, may):
    may.discreet = True
    may.save()
    html = client.get(URL).get_data(as_text=True)
    assert "Notes · made on" in html and "Notes is a self-reflection tool" in html
