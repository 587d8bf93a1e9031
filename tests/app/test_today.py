"""The Today flow, with and without htmx: one tap, details in place, undo, edit, delete."""

from __future__ import annotations

import re

from tests.conftest import make_log, make_person
from tracker.kinds import KINDS
from tracker.models import Log, Person


def test_a_first_visitor_learns_what_this_is_and_can_create_an_account_first(client):
    """Issue 13: never "Welcome back" to someone who has never been; two lines, then Create account
    first and signing in one tap away."""
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    main = html.split('id="main"', 1)[1].split("</main>", 1)[0]
    assert "Welcome back" not in html
    assert len(re.findall(r"<p[ >]", main)) == 2
    assert main.index('href="/register"') < main.index('href="/login"')
    assert ">Create account</a>" in main and ">Log in</a>" in main
    login = client.get("/login").get_data(as_text=True)
    assert "Welcome back" not in login and "<h1>Log in</h1>" in login


def test_today_shows_every_kind_as_a_tap_target(client, logged_in):
    html = client.get("/").get_data(as_text=True)
    assert html.count("data-offline-kind=") == 10  # the tiles ("I missed a bid" is no tile)
    assert "Ask for closeness" in html and "Widen your circle" in html
    assert 'name="csrf-token"' in html


def test_tiles_keep_their_order_whatever_is_logged(client, logged_in, user):
    """Issue 13: tiles that move between visits break muscle memory; use never reorders them."""
    before = re.findall(r'data-offline-kind="(\w+)"', client.get("/").get_data(as_text=True))
    assert before == [kind.key for kind in KINDS]
    for _ in range(3):
        make_log(user, "repair")
    make_log(user, "recall")
    after = re.findall(r'data-offline-kind="(\w+)"', client.get("/").get_data(as_text=True))
    assert after == before


def test_one_tap_with_htmx_logs_and_confirms_in_place(client, logged_in, user):
    response = logged_in.post("/logs", {"kind": "closeness"}, htmx=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert "Logged:" in html and "Ask for closeness" in html and "undo" in html
    assert response.headers["HX-Trigger"] == "log-changed"
    assert "HX-Request" in response.headers["Vary"]
    log = Log.get()
    assert (log.user_id, log.kind, log.local_date.isoformat()) == (user.id, "closeness", "2026-05-13")


def test_one_tap_without_javascript_redirects_to_a_confirmation(client, logged_in):
    response = logged_in.post("/logs", {"kind": "space"})
    assert response.status_code == 303
    log = Log.get()
    assert f"logged={log.id}" in response.headers["Location"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Logged:" in html and "Ask for space" in html
    assert "Today, Wed 13 May 2026" in html


def test_unknown_kind_stores_nothing(client, logged_in):
    response = logged_in.post("/logs", {"kind": "hug_tree"}, htmx=True)
    assert response.status_code == 200
    assert "Unknown kind" in response.get_data(as_text=True)
    assert Log.select().count() == 0
    response = logged_in.post("/logs", {"kind": "hug_tree"})
    assert response.status_code == 303
    assert Log.select().count() == 0


def test_details_step_with_a_new_person(client, logged_in, user):
    logged_in.post("/logs", {"kind": "closeness"}, htmx=True)
    log = Log.get()
    response = logged_in.post(
        f"/logs/{log.id}?next=/",
        {
            "kind": "closeness",
            "at": "2026-05-13T12:15",
            "step": "2",
            "person_id": "new",
            "new_person": "Sam",
            "new_person_role": "partner",
            "before": "3",
            "after": "7",
            "response": "welcomed",
            "note": "Asked Sam for a walk tonight.",
        },
        htmx=True,
    )
    assert response.status_code == 200
    assert "Saved:" in response.get_data(as_text=True)
    log = Log.get_by_id(log.id)
    sam = Person.get(Person.nickname == "Sam")
    assert (sam.user_id, sam.role) == (user.id, "partner")
    assert (log.step, log.person_id, log.before, log.after, log.response) == (2, sam.id, 3, 7, "welcomed")
    assert log.note == "Asked Sam for a walk tonight."
    assert log.at.isoformat() == "2026-05-13T10:15:00"  # 12:15 in Berlin (CEST) is 10:15 UTC


def test_details_with_an_invalid_value_rerender_and_change_nothing(client, logged_in, user):
    log = make_log(user)
    for htmx, status in ((True, 200), (False, 422)):
        response = logged_in.post(f"/logs/{log.id}", {"kind": "closeness", "before": "11"}, htmx=htmx)
        assert response.status_code == status
        assert "Before must be a whole number from 0 to 10." in response.get_data(as_text=True)
    assert Log.get_by_id(log.id).before is None


def test_existing_person_is_picked_when_logging(client, logged_in, user):
    sam = make_person(user)
    log = make_log(user)
    logged_in.post(f"/logs/{log.id}", {"person_id": str(sam.id)})
    assert Log.get_by_id(log.id).person_id == sam.id


def test_undo_removes_the_log(client, logged_in, user):
    logged_in.post("/logs", {"kind": "closeness"}, htmx=True)
    log = Log.get()
    response = logged_in.post(f"/logs/{log.id}/delete", htmx=True)
    assert "Removed:" in response.get_data(as_text=True)
    assert response.headers["HX-Trigger"] == "log-changed"
    assert Log.select().count() == 0


def test_todays_logs_are_listed_with_edit_and_delete(client, logged_in, user, clock):
    make_log(user, "confide", note="about the move")
    html = client.get("/today/logs", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in html
    assert "Confide" in html and "about the move" in html
    assert "Edit" in html and "Delete" in html


def test_edit_page_without_javascript(client, logged_in, user):
    log = make_log(user)
    html = client.get(f"/logs/{log.id}/edit").get_data(as_text=True)
    assert "<html" in html and "Save details" in html
    fragment = client.get(f"/logs/{log.id}/edit", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "Save details" in fragment
    response = logged_in.post(f"/logs/{log.id}?next=/history", {"kind": "repair", "after": "8"})
    assert response.status_code == 303 and response.headers["Location"] == "/history"
    assert Log.get_by_id(log.id).kind == "repair"


def test_next_never_leaves_the_site(client, logged_in, user):
    log = make_log(user)
    response = logged_in.post(f"/logs/{log.id}?next=//evil.example/x", {"after": "5"})
    assert response.headers["Location"] == "/"


def test_a_failed_save_keeps_what_was_typed(client, logged_in, user):
    log = make_log(user)
    response = logged_in.post(
        f"/logs/{log.id}",
        {"kind": "repair", "person_id": "new", "new_person": "", "after": "6", "note": "kept text"},
        htmx=True,
    )
    html = response.get_data(as_text=True)
    assert "Give them a nickname." in html
    assert '<option value="new" selected>' in html
    assert re.search(r'name="after" value="6"\s+checked', html) and "kept text" in html
    assert '<option value="repair" selected>' in html
    stored = Log.get_by_id(log.id)
    assert (stored.kind, stored.after, stored.note) == ("closeness", None, None)
    assert Person.select().count() == 0


def test_settings_focus_refuses_kinds_it_does_not_offer_and_keeps_the_order(client, logged_in):
    """A focus list naming no kind Settings offers (a stale or tampered form) must not wipe the order
    with "Saved", nor keep part of it: it is refused with a message and changes nothing."""
    assert logged_in.post("/settings/focus", {"focus": ["widen", "repair"]}).status_code == 303
    for focus in (["nope"], ["space", "nope"], ["space"] * 20 + ["confide"], ["x" * 10_000]):
        refused = logged_in.post("/settings/focus", {"focus": focus})
        assert refused.status_code in (400, 422), focus
        assert "Choose from the list" in refused.get_data(as_text=True)
        keys = re.findall(r'data-offline-kind="(\w+)"', client.get("/").get_data(as_text=True))
        assert keys[:2] == ["widen", "repair"], focus


def test_settings_choose_the_tiles_that_lead_today(client, logged_in, user):
    """Issue 13: only the user changes the order, in the welcome or here; the rest keep DOMAIN.md's."""
    page = client.get("/settings").get_data(as_text=True)
    assert "Today's tiles" in page and page.count('name="focus"') == 10
    response = logged_in.post("/settings/focus", {"focus": ["widen", "repair", "widen"]})
    assert response.status_code == 303
    keys = re.findall(r'data-offline-kind="(\w+)"', client.get("/").get_data(as_text=True))
    assert keys[:2] == ["widen", "repair"] and sorted(keys) == sorted(kind.key for kind in KINDS)
    assert "halfway" not in client.get("/").get_data(as_text=True)  # not a welcome left halfway
    refused = logged_in.post("/settings/focus", {"focus": ["space", "confide", "repair", "widen"]})
    assert refused.status_code in (400, 422) and "Choose up to three" in refused.get_data(as_text=True)
    assert re.findall(r'data-offline-kind="(\w+)"', client.get("/").get_data(as_text=True))[:2] == [
        "widen",
        "repair",
    ]
