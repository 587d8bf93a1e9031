"""People: add, rename, change role, archive and restore; with and without htmx."""

from __future__ import annotations

import re

import pytest

from tests.conftest import make_log, make_person, make_user
from tracker.models import Log, Person


def _person_choices(html: str) -> list[str]:
    """The names offered in a log form's "With" list."""
    select = re.search(r'<select [^>]*name="person_id">(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="\d+"[^>]*>([^<(]+?)(?: \(|<)', select)


def test_people_page_lists_active_and_archived(client, logged_in, user):
    make_person(user, "Sam")
    make_person(user, "Alex", "friend", archived=True)
    html = client.get("/people").get_data(as_text=True)
    assert "<html" in html and 'id="people"' in html
    sam, alex = Person.get(Person.nickname == "Sam"), Person.get(Person.nickname == "Alex")
    assert f'<a href="/people/{sam.id}"><strong>Sam</strong>' in html
    assert "<h2>Archived</h2>" in html and f'<a href="/people/{alex.id}"><strong>Alex</strong>' in html
    assert html.index("Sam</strong>") < html.index("<h2>Archived</h2>") < html.index("Alex</strong>")


def test_people_are_rows_not_open_forms(client, logged_in, user):
    """Issue 13, item 10: four people are four links, and editing is behind each person's "Edit"."""
    people = [make_person(user, name, "friend") for name in ("Sam", "Alex", "Maya", "Kim")]
    html = client.get("/people").get_data(as_text=True)
    assert html.count("<form") == 2  # adding someone, and signing out
    assert 'value="Sam"' not in html and "Archive" not in html
    page = client.get(f"/people/{people[0].id}").get_data(as_text=True)
    assert f'href="/people/{people[0].id}/edit" aria-label="Edit Sam">Edit</a>' in page
    edit = client.get(f"/people/{people[0].id}/edit").get_data(as_text=True)
    assert 'value="Sam"' in edit and '<option value="friend" selected>Friend</option>' in edit
    assert "Archive Sam" in edit


def test_the_role_has_no_default(client, logged_in):
    html = client.get("/people").get_data(as_text=True)
    select = re.search(r'<select id="new-role" name="role" required[^>]*>(.*?)</select>', html, re.S)[1]
    assert re.search(r'<option value="" selected>Choose a role</option>', select)
    assert select.count("selected") == 1
    response = logged_in.post("/people", {"nickname": "Maya", "role": ""})
    assert response.status_code == 422 and Person.select().count() == 0
    html = response.get_data(as_text=True)
    assert 'id="role-error">Choose a role from the list.' in html and 'value="Maya"' in html


def test_add_a_person(client, logged_in, user):
    response = logged_in.post("/people", {"nickname": "  Maya ", "role": "mentor"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/people"
    maya = Person.get()
    assert (maya.user_id, maya.nickname, maya.role, maya.archived) == (user.id, "Maya", "mentor", False)
    assert "Added Maya." in client.get("/people").get_data(as_text=True)


def test_add_a_person_by_htmx_answers_the_people_fragment(client, logged_in, user):
    response = logged_in.post("/people", {"nickname": "Maya", "role": "friend"}, htmx=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="people">')
    assert "<strong>Maya</strong>" in html
    assert 'data-hx-swap-oob="true"' in html and "Added Maya." in html
    assert "HX-Request" in response.headers["Vary"]


def test_people_page_by_htmx_is_the_fragment(client, logged_in, user):
    make_person(user, "Sam")
    html = client.get("/people", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in html and '<div id="people">' in html and "<strong>Sam</strong>" in html
    boosted = client.get("/people", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)


@pytest.mark.parametrize("nickname", ["Sam", "sam", "SAM", " sAm "])
def test_a_nickname_is_taken_whatever_its_case(client, logged_in, user, nickname):
    make_person(user, "Sam")
    response = logged_in.post("/people", {"nickname": nickname, "role": "friend"})
    assert response.status_code == 422
    assert "You already have someone with that nickname." in response.get_data(as_text=True)
    assert Person.select().count() == 1


def test_a_duplicate_by_htmx_rerenders_the_fragment_with_200(client, logged_in, user):
    make_person(user, "Sam")
    response = logged_in.post("/people", {"nickname": "sam", "role": "friend"}, htmx=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "You already have someone with that nickname." in html
    assert Person.select().count() == 1


def test_the_same_nickname_is_fine_for_another_user(client, logged_in, user):
    make_person(make_user("bo@example.com"), "Sam")
    assert logged_in.post("/people", {"nickname": "Sam", "role": "partner"}).status_code == 303
    assert Person.select().where(Person.user == user).count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"nickname": "", "role": "friend"}, "Give them a nickname."),
        ({"nickname": "x" * 41, "role": "friend"}, "A nickname is at most 40 characters."),
        ({"nickname": "Sam\x07", "role": "friend"}, "A nickname is at most 40 characters."),
        ({"nickname": "Sam", "role": "enemy"}, "Choose a role from the list."),
        ({"nickname": "Sam"}, "Choose a role from the list."),
    ],
    ids=["blank", "too-long", "control-character", "unknown-role", "no-role"],
)
def test_invalid_person_is_refused_with_a_message(client, logged_in, fields, message):
    response = logged_in.post("/people", fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert Person.select().count() == 0


def test_rename_and_change_role(client, logged_in, user):
    sam = make_person(user, "Sam", "friend")
    response = logged_in.post(f"/people/{sam.id}", {"nickname": "Samira", "role": "partner"})
    assert response.status_code == 303 and response.headers["Location"] == f"/people/{sam.id}"
    saved = Person.get_by_id(sam.id)
    assert (saved.nickname, saved.role) == ("Samira", "partner")
    assert "Saved Samira." in client.get("/people").get_data(as_text=True)


def test_changing_only_the_case_of_a_nickname_is_allowed(client, logged_in, user):
    sam = make_person(user, "sam")
    assert logged_in.post(f"/people/{sam.id}", {"nickname": "Sam", "role": "partner"}).status_code == 303
    assert Person.get_by_id(sam.id).nickname == "Sam"


@pytest.mark.parametrize("htmx", [False, True])
def test_rename_to_someone_elses_nickname_is_refused_in_place(client, logged_in, user, htmx):
    sam = make_person(user, "Sam")
    make_person(user, "Maya")
    response = logged_in.post(f"/people/{sam.id}", {"nickname": "MAYA", "role": "partner"}, htmx=htmx)
    assert response.status_code == (200 if htmx else 422)
    html = response.get_data(as_text=True)
    assert "Edit Sam</h1>" in html and 'value="MAYA"' in html
    assert f'id="{sam.id}-nickname-error"' in html
    assert "You already have someone with that nickname." in html
    assert Person.get_by_id(sam.id).nickname == "Sam"


def test_an_invalid_role_on_update_shows_its_message(client, logged_in, user):
    sam = make_person(user, "Sam")
    response = logged_in.post(f"/people/{sam.id}", {"nickname": "Sam", "role": "enemy"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{sam.id}-role-error"' in html and "Choose a role from the list." in html
    assert Person.get_by_id(sam.id).role == "partner"


def test_archive_and_restore_keep_the_logs(client, logged_in, user):
    sam = make_person(user, "Sam")
    log = make_log(user, person=sam)
    response = logged_in.post(f"/people/{sam.id}/archive")
    assert response.status_code == 303
    assert Person.get_by_id(sam.id).archived is True
    assert Log.get_by_id(log.id).person_id == sam.id
    assert "Archived Sam." in client.get("/people").get_data(as_text=True)

    history = client.get("/history").get_data(as_text=True)
    assert "with Sam" in history and "Sam (archived)" in history

    html = logged_in.post(f"/people/{sam.id}/archive", htmx=True).get_data(as_text=True)
    assert "<html" not in html and "Restored Sam." in html and "<h2>Archived</h2>" not in html
    assert Person.get_by_id(sam.id).archived is False


def test_archived_people_are_not_offered_when_logging(client, logged_in, user):
    make_person(user, "Sam")
    alex = make_person(user, "Alex", "friend")
    logged_in.post(f"/people/{alex.id}/archive")
    logged = logged_in.post("/logs", {"kind": "closeness"}, htmx=True).get_data(as_text=True)
    assert _person_choices(logged) == ["Sam"]
    log = Log.get()
    assert _person_choices(client.get(f"/logs/{log.id}/edit").get_data(as_text=True)) == ["Sam"]


def test_a_log_with_an_archived_person_still_shows_them_when_edited(client, logged_in, user):
    alex = make_person(user, "Alex", "friend", archived=True)
    log = make_log(user, person=alex)
    html = client.get(f"/logs/{log.id}/edit").get_data(as_text=True)
    assert f'<option value="{alex.id}" selected>Alex (archived)</option>' in html


@pytest.mark.parametrize("path", ["/people/{id}", "/people/{id}/archive"])
def test_another_users_person_is_404_and_unchanged(client, logged_in, path):
    theirs = make_person(make_user("bo@example.com"), "Kim")
    url = path.format(id=theirs.id)
    assert logged_in.post(url, {"nickname": "Mine now", "role": "friend"}).status_code == 404
    saved = Person.get_by_id(theirs.id)
    assert (saved.nickname, saved.archived) == ("Kim", False)


@pytest.mark.parametrize("person_id", ["0", "2147483648", "99999999999999999999999"])
def test_an_out_of_range_person_id_is_404(client, logged_in, person_id):
    assert logged_in.post(f"/people/{person_id}", {"nickname": "X", "role": "friend"}).status_code == 404
    assert logged_in.post(f"/people/{person_id}/archive").status_code == 404


def test_people_need_a_login(client, user):
    response = client.get("/people")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
