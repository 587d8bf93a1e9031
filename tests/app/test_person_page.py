"""People as safe havens: the person page, the list sorted by where safety lives, the private flag."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import FIXED_NOW, make_log, make_person, make_user
from tracker.models import Person

WIDEN = "Safety can live in more than one place"


def test_person_page_shows_kinds_responses_safety_and_feelings(client, logged_in, user):
    sam = make_person(user)
    make_log(user, "closeness", person=sam, response="welcomed", before=3, after=8)
    make_log(user, "repair", person=sam, response="neutral", at=FIXED_NOW - timedelta(days=40))
    make_log(user, "space")  # solo, not Sam's
    html = client.get(f"/people/{sam.id}").get_data(as_text=True)
    assert (
        "Ask for closeness: 1" in html and "Repair after conflict: 1" in html and "Ask for space" not in html
    )
    assert "May 2026" in html and "Apr 2026" in html
    assert "often felt safe" in html  # (0.5·1 + 0.5·0.8 + 0.5) / 2 = 0.7
    assert "Before: 3.0 · after: 8.0" in html
    assert WIDEN not in html


def test_people_list_links_to_the_page_and_sorts_by_where_safety_lives(client, logged_in, user):
    ann = make_person(user, "Ann")
    zoe = make_person(user, "Zoe")
    make_person(user, "Bo")
    make_log(user, person=ann, response="dismissed")
    make_log(user, person=zoe, response="welcomed")
    html = client.get("/people").get_data(as_text=True)
    assert f'href="/people/{zoe.id}"' in html
    assert (
        html.index("person-" + str(zoe.id)) < html.index("person-" + str(ann.id)) < html.index("Bo</strong>")
    )
    assert "felt hard lately" in html and "0.0" not in html


def test_mostly_dismissed_suggests_widening_the_circle_gently(client, logged_in, user):
    sam = make_person(user)
    for i in range(5):
        make_log(
            user, person=sam, response="dismissed" if i < 4 else "welcomed", at=FIXED_NOW - timedelta(days=i)
        )
    html = client.get(f"/people/{sam.id}").get_data(as_text=True)
    assert WIDEN in html and "widen your circle" in html
    assert "try harder" not in html.replace("not yours to fix by trying harder", "")


@pytest.mark.parametrize("htmx", [False, True])
def test_not_safe_flag_is_private_and_shows_help(client, logged_in, user, htmx):
    sam = make_person(user)
    response = logged_in.post(f"/people/{sam.id}/safety", {"not_safe": "1"}, htmx=htmx)
    assert response.status_code == 303
    assert Person.get_by_id(sam.id).not_safe is True
    html = client.get(f"/people/{sam.id}").get_data(as_text=True)
    assert "The app won't suggest steps with Sam" in html and "findahelpline.com" in html
    logged_in.post(f"/people/{sam.id}/safety", {"not_safe": "0"})
    assert Person.get_by_id(sam.id).not_safe is False


def test_another_users_person_is_404(client, logged_in, user):
    other = make_person(make_user("bo@example.com"), "Kim")
    assert client.get(f"/people/{other.id}").status_code == 404
    assert logged_in.post(f"/people/{other.id}/safety", {"not_safe": "1"}).status_code == 404
    assert Person.get_by_id(other.id).not_safe is False
    for bad in ("0", "99999999999", "abc", "-1"):
        assert client.get(f"/people/{bad}").status_code in (404, 405)  # never a 500


def test_empty_person_page(client, logged_in, user):
    sam = make_person(user)
    html = client.get(f"/people/{sam.id}").get_data(as_text=True)
    assert "Nothing logged with Sam yet" in html


def test_the_safety_choice_is_a_neutral_setting_and_a_bad_one_changes_nothing(client, logged_in, user):
    """Issue 13, item 10: among the person's settings, not a lone "I don't feel safe with …" button."""
    sam = make_person(user)
    html = client.get(f"/people/{sam.id}").get_data(as_text=True)
    assert "I don't feel safe with" not in html
    settings = html[html.index('id="person-settings"') :]
    assert '<input type="radio" name="not_safe" value="0" checked> Suggest steps with Sam' in settings
    assert '<input type="radio" name="not_safe" value="1" > Keep Sam out of suggestions' in settings
    for bad in ({}, {"not_safe": "yes"}, {"not_safe": "1\x00"}):
        response = logged_in.post(f"/people/{sam.id}/safety", bad)
        assert response.status_code == 422 and 'id="not_safe-error"' in response.get_data(as_text=True)
        assert Person.get_by_id(sam.id).not_safe is False
    logged_in.post(f"/people/{sam.id}/safety", {"not_safe": "1"})
    html = client.get(f"/people/{sam.id}").get_data(as_text=True)
    assert "data-quick-exit" in html and "Your safety comes first" in html
    assert '<input type="radio" name="not_safe" value="1" checked> Keep Sam out of suggestions' in html
