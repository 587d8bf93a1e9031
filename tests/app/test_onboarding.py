"""Onboarding: a gentle, skippable, resumable welcome whose choices shape Today; never a trap."""

from __future__ import annotations

import re

from tests.conftest import make_log, make_person
from tracker.models import Person, PracticeProfile, User

BANNER = "New here? A short welcome"


def kinds_on_today(client) -> list[str]:
    return re.findall(r'data-offline-kind="(\w+)"', client.get("/").get_data(as_text=True))


def test_a_new_account_sees_a_banner_not_a_wall(client, auth, app):
    response = auth.register()
    assert response.status_code in (302, 303)
    html = client.get("/").get_data(as_text=True)
    assert BANNER in html and "What did you practise?" in html  # Today still works
    assert client.get("/people").status_code == 200 and client.get("/month").status_code == 200


def test_existing_users_with_logs_see_no_banner(client, logged_in, user):
    make_log(user)
    assert BANNER not in client.get("/").get_data(as_text=True)


def test_skip_from_today(client, logged_in, user):
    response = logged_in.post("/welcome/skip")
    assert response.status_code == 303
    assert BANNER not in client.get("/").get_data(as_text=True)
    assert PracticeProfile.get().onboarding_done_at is not None


def test_the_whole_welcome_shapes_today(client, logged_in, user):
    assert client.get("/welcome").headers["Location"].endswith("/welcome/1")
    for number in (1, 2, 3):
        assert "Skip the welcome" in client.get(f"/welcome/{number}").get_data(as_text=True)
        assert logged_in.post(f"/welcome/{number}").headers["Location"].endswith(f"/welcome/{number + 1}")
    logged_in.post("/welcome/4", {"focus": ["repair", "widen"]})
    logged_in.post("/welcome/5", {"nickname1": "Sam", "role1": "partner", "nickname2": "", "role2": "friend"})
    sam = Person.get(Person.nickname == "Sam")
    assert sam.role == "partner"
    logged_in.post("/welcome/6", {f"safe-{sam.id}": "yes"})
    response = logged_in.post("/welcome/7", {"weekly_target": "3"})
    assert response.status_code == 303 and response.headers["Location"] == "/plans?welcome=1"
    offer = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "a plan" in offer and 'href="/">Skip for now</a>' in offer
    assert User.get().weekly_target == 3
    assert kinds_on_today(client)[:2] == ["repair", "widen"]
    html = client.get("/").get_data(as_text=True)
    assert BANNER not in html and "halfway" not in html


def test_resumable_banner_and_redirect(client, logged_in, user):
    logged_in.post("/welcome/1")
    logged_in.post("/welcome/2")
    assert "halfway" in client.get("/").get_data(as_text=True)
    assert client.get("/welcome").headers["Location"].endswith("/welcome/3")


def test_more_than_three_focus_kinds_is_refused_gently(client, logged_in):
    response = logged_in.post("/welcome/4", {"focus": ["repair", "widen", "space", "confide"]})
    assert response.status_code == 422
    assert "Choose up to three" in response.get_data(as_text=True)
    assert (
        logged_in.post("/welcome/4", {"focus": ["nope", "\x00"]}).status_code == 303
    )  # unknown keys dropped


def test_bad_people_and_target_rerender(client, logged_in):
    response = logged_in.post("/welcome/5", {"nickname1": "x" * 41})
    assert response.status_code == 422 and 'id="nickname1-error"' in response.get_data(as_text=True)
    for bad in ("0", "8", "", "٣", "x" * 999):
        assert logged_in.post("/welcome/7", {"weekly_target": bad}).status_code == 422


def test_not_feeling_safe_shows_help_and_is_respected(client, logged_in, user):
    rex = make_person(user, "Rex")
    response = logged_in.post("/welcome/6", {f"safe-{rex.id}": "no"})
    html = response.get_data(as_text=True)
    assert (
        response.status_code == 200
        and "findahelpline.com" in html
        and "never suggest reaching toward" in html
    )
    assert Person.get_by_id(rex.id).not_safe is True
    assert logged_in.post("/welcome/6", {f"safe-{rex.id}": "no", "seen_help": "1"}).status_code == 303
    assert "Rex" not in client.get("/recall").get_data(as_text=True)


def test_general_safety_question_without_people(client, logged_in):
    html = client.get("/welcome/6").get_data(as_text=True)
    assert "Do you feel safe with the people you will track here?" in html
    assert "findahelpline.com" in logged_in.post("/welcome/6", {"safe-all": "no"}).get_data(as_text=True)


def test_out_of_range_steps_are_404(client, logged_in):
    for path in ("/welcome/0", "/welcome/8", "/welcome/99999999999999999999", "/welcome/x"):
        assert client.get(path).status_code == 404
    assert logged_in.post("/welcome/9").status_code == 404
