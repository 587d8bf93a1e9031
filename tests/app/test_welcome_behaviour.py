"""The welcome's private safety step asks about behaviour too (issue 17, DOMAIN.md "Care"): any "yes"
leads to help and the offer to keep someone out of suggestions, gently and without a label; the
answers are acted on, never stored."""

from __future__ import annotations

import pytest

from tests.conftest import make_person
from tracker.models import Person, PracticeProfile, database

QUESTIONS = (
    "Does anyone close to you check your phone or messages?",
    "Does anyone control your money, or who you see?",
    "Does anyone make you afraid to disagree?",
)
LABELS = ("abuse", "abusive", "coercive", "controlling", "victim", "toxic", "red flag")


def every_row() -> dict[str, list]:
    """Every row of every table, to show an answer left nothing behind."""
    names = sorted(name for name in database.get_tables() if name != "schema_version")
    rows = {}
    for name in names:
        query = f'SELECT * FROM "{name}"'  # noqa: S608 (the database's own table names)
        rows[name] = sorted(map(repr, database.execute_sql(query).fetchall()))
    return rows


def test_the_safety_step_asks_the_three_behaviour_questions_with_no_answer_chosen(client, logged_in, user):
    html = client.get("/welcome/6").get_data(as_text=True)
    for question in QUESTIONS:
        assert question in html
    for name in ("checks", "controls", "afraid"):
        assert f'name="{name}" value="yes">' in html and f'name="{name}" value="no">' in html  # unticked
    assert "Your answers to the next three are not saved" in html


@pytest.mark.parametrize("question", ["checks", "controls", "afraid"])
def test_any_yes_leads_to_help_and_the_offer_gently(client, logged_in, user, question):
    sam = make_person(user, "Sam")
    answers = {f"safe-{sam.id}": "yes", "checks": "no", "controls": "no", "afraid": "no", question: "yes"}
    response = logged_in.post("/welcome/6", answers)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "findahelpline.com" in html and "in confidence" in html
    assert f'name="keep-{sam.id}" value="1"' in html and "Keep Sam out of suggestions" in html
    lowered = html.lower()
    assert not [label for label in LABELS if label in lowered]
    # Not finished: leaving now resumes at this step.
    assert PracticeProfile.get().onboarding_step == 5
    assert Person.get_by_id(sam.id).not_safe is False  # nothing marked unasked


def test_keeping_someone_out_from_the_care_screen_marks_only_them(client, logged_in, user):
    sam, ida = make_person(user, "Sam"), make_person(user, "Ida", role="friend")
    logged_in.post("/welcome/6", {f"safe-{sam.id}": "yes", f"safe-{ida.id}": "yes", "afraid": "yes"})
    response = logged_in.post("/welcome/6", {"seen_help": "1", f"keep-{sam.id}": "1"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/welcome/7")
    assert Person.get_by_id(sam.id).not_safe is True and Person.get_by_id(ida.id).not_safe is False
    html = client.get("/").get_data(as_text=True)
    assert "data-quick-exit" in html  # the care that follows a mark is on at once


def test_the_care_screen_cannot_mark_another_accounts_person(app, client, logged_in, user):
    from tests.conftest import make_user

    other = make_person(make_user("bo@example.com"), "Sam")
    logged_in.post("/welcome/6", {"seen_help": "1", f"keep-{other.id}": "1"})
    assert Person.get_by_id(other.id).not_safe is False


def test_no_yes_goes_straight_on(client, logged_in, user):
    sam = make_person(user, "Sam")
    answers = {f"safe-{sam.id}": "yes", "checks": "no", "controls": "no"}  # one left blank
    response = logged_in.post("/welcome/6", answers)
    assert response.status_code == 303 and response.headers["Location"].endswith("/welcome/7")


def test_without_people_a_yes_still_leads_to_help(client, logged_in, user):
    html = logged_in.post("/welcome/6", {"safe-all": "yes", "controls": "yes"}).get_data(as_text=True)
    assert "findahelpline.com" in html and "you can keep them out of suggestions from their page" in html


def test_the_answers_are_never_stored(client, logged_in, user):
    make_person(user, "Sam")
    logged_in.post("/welcome/5")  # the profile exists before, so only the answers could add anything
    before = every_row()
    logged_in.post("/welcome/6", {"checks": "yes", "controls": "yes", "afraid": "yes"})
    after = every_row()
    changed = {name for name in before if before[name] != after[name]}
    assert changed <= {"practice_profiles", "user_sessions"}  # progress, and the session's last use
    profile_rows = after["practice_profiles"]
    assert not any(word in row for row in profile_rows for word in ("checks", "controls", "afraid", "yes"))
