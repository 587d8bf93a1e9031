"""Issue 17, item 3: a response can be hurtful or frightening. The form, the API, export and import
take it; saving it in the app opens the care flow at once (help for the user's region, the private
choice to keep the person out of suggestions), with and without JavaScript; the person page counts it
with care, never as a grade."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.app.test_api import LOGS, bearer
from tests.app.test_email_links import email, form_post  # noqa: F401
from tests.app.test_nudges import WED_1231_BERLIN
from tests.app.test_your_data import upload
from tests.conftest import PASSWORD, make_log, make_person, make_user
from tracker.models import Log, Person

BERLIN_HELP = ('href="tel:08001110111"', "0800 111 0 111", 'href="tel:116016"')
# Words that label a person or the user: the care flow never uses them.
LABELS = ("abuser", "abusive", "toxic", "victim", "narciss", "red flag")


def care_of(html: str) -> str:
    """The care flow's section of a page or fragment ('' when there is none)."""
    found = re.search(r'<section class="card care care-flow".*?</section>', html, re.S)
    return found.group(0) if found else ""


def assert_gentle_care(care: str, person: Person | None) -> None:
    """Help for Berlin's region, and for a named person the one-tap keep-out form with its CSRF token."""
    assert "Thank you for noting how that felt" in care
    for line in BERLIN_HELP:
        assert line in care
    assert not any(word in care.lower() for word in LABELS)
    if person is None:
        assert "/safety" not in care
        return
    form = re.search(rf'<form[^>]+action="/people/{person.id}/safety".*?</form>', care, re.S).group(0)
    assert 'method="post"' in form and 'name="csrf_token"' in form
    assert 'name="not_safe" value="1"' in form
    assert f"Keep {person.nickname} out of suggestions" in form


def test_the_details_form_offers_hurtful_or_frightening(client, logged_in, user):
    log = make_log(user, response="hurtful")
    html = client.get(f"/logs/{log.id}/edit").get_data(as_text=True)
    assert re.findall(r'name="response" value="(\w*)"', html) == [
        "welcomed",
        "neutral",
        "dismissed",
        "hurtful",
        "",
    ]
    assert re.search(r'value="hurtful"\s+checked>Hurtful or frightening</label>', html)


def test_saving_hurtful_without_javascript_opens_the_care_flow_at_once(client, logged_in, user):
    sam = make_person(user, "Sam")
    log = make_log(user, kind="support")
    saved = logged_in.post(
        f"/logs/{log.id}?next=/history", {"kind": "support", "person_id": str(sam.id), "response": "hurtful"}
    )
    assert saved.status_code == 303
    assert saved.headers["Location"] == f"/logs/{log.id}/care?next=/history"
    assert Log.get_by_id(log.id).response == "hurtful"
    page = client.get(saved.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Saved: Ask for support." in html
    assert '<h1 id="care-' in html
    assert_gentle_care(care_of(html), sam)
    assert re.search(r'<a class="button" href="/history">Continue</a>', html)


def test_saving_hurtful_with_htmx_shows_the_care_flow_in_the_confirmation(client, logged_in, user):
    sam = make_person(user, "Sam")
    log = make_log(user)
    saved = logged_in.post(
        f"/logs/{log.id}", {"kind": "closeness", "person_id": str(sam.id), "response": "hurtful"}, htmx=True
    )
    html = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "Saved:</strong> Ask for closeness with Sam." in html
    assert '<h2 id="care-' in html
    assert_gentle_care(care_of(html), sam)


def test_a_one_tap_log_with_hurtful_opens_the_care_flow_too(client, logged_in, user):
    tapped = logged_in.post("/logs", {"kind": "space", "response": "hurtful"})
    log = Log.get()
    assert tapped.status_code == 303 and tapped.headers["Location"].startswith(f"/logs/{log.id}/care")
    assert_gentle_care(care_of(client.get(tapped.headers["Location"]).get_data(as_text=True)), None)
    Log.delete().execute()
    tapped = logged_in.post("/logs", {"kind": "space", "response": "hurtful"}, htmx=True)
    assert_gentle_care(care_of(tapped.get_data(as_text=True)), None)


def test_other_responses_go_straight_on_without_a_care_flow(client, logged_in, user):
    log = make_log(user)
    for response in ("welcomed", "neutral", "dismissed", ""):
        saved = logged_in.post(f"/logs/{log.id}", {"kind": "closeness", "response": response})
        assert saved.status_code == 303 and saved.headers["Location"] == "/"
        partial = logged_in.post(f"/logs/{log.id}", {"kind": "closeness", "response": response}, htmx=True)
        assert care_of(partial.get_data(as_text=True)) == ""


def test_keeping_the_person_out_from_the_care_flow(client, logged_in, user):
    sam = make_person(user, "Sam")
    log = make_log(user, person=sam, response="hurtful")
    care = care_of(client.get(f"/logs/{log.id}/care").get_data(as_text=True))
    action = re.search(r'<form[^>]+action="([^"]+/safety)"', care).group(1)
    refused = client.post(action, data={"not_safe": "1"})  # no CSRF token: nothing changes
    assert refused.status_code == 400 and not Person.get_by_id(sam.id).not_safe
    kept = logged_in.post(action, {"not_safe": "1"})
    assert kept.status_code == 303 and Person.get_by_id(sam.id).not_safe
    again = care_of(client.get(f"/logs/{log.id}/care").get_data(as_text=True))
    assert "Sam is already kept out of suggestions." in again and "/safety" not in again


def test_the_care_page_is_the_users_own(client, logged_in, user):
    other = make_user("bo@example.com")
    theirs = make_log(other, response="hurtful", person=make_person(other, "Kim"))
    assert client.get(f"/logs/{theirs.id}/care").status_code == 404
    assert client.get("/logs/not-an-id/care").status_code == 404
    logged_in.logout()
    mine = make_log(user, response="hurtful")
    assert client.get(f"/logs/{mine.id}/care").status_code in (302, 303)


def test_the_api_stores_hurtful_and_refuses_other_words(client, user):
    headers = bearer(user)
    created = client.post(
        LOGS, json={"kind": "support", "person": "Sam", "response": "hurtful"}, headers=headers
    )
    assert created.status_code == 201 and created.get_json()["response"] == "hurtful"
    log_id = created.get_json()["id"]
    assert client.get(f"{LOGS}/{log_id}", headers=headers).get_json()["response"] == "hurtful"
    assert "care" not in created.get_data(as_text=True)  # the API just stores it
    patched = client.patch(f"{LOGS}/{log_id}", json={"response": "dismissed"}, headers=headers)
    assert patched.get_json()["response"] == "dismissed"
    bad = client.post(LOGS, json={"kind": "support", "response": "frightening"}, headers=headers)
    assert bad.status_code == 400 and bad.get_json()["field"] == "response"
    assert "hurtful" in bad.get_json()["error"]


def test_export_and_import_keep_a_hurtful_response(client, logged_in, user):
    sam = make_person(user, "Sam")
    make_log(user, person=sam, response="hurtful", note="it scared me")
    assert ",hurtful," in client.get("/export.csv").get_data(as_text=True)
    exported = client.get("/export.json").get_data()
    assert [log["response"] for log in client.get("/export.json").get_json()["logs"]] == ["hurtful"]
    assert logged_in.post("/account/delete", {"password": PASSWORD}).status_code == 303
    logged_in.register()
    assert upload(logged_in, exported).status_code == 303
    (log,) = Log.select()
    assert (log.response, log.person.nickname, log.note) == ("hurtful", "Sam", "it scared me")


def test_the_person_page_counts_hurtful_responses_with_care(client, logged_in, user, clock):
    sam = make_person(user, "Sam")
    make_log(user, person=sam, response="welcomed")
    html = client.get(f"/people/{sam.id}").get_data(as_text=True)
    assert "hurt or frightened" not in html.lower()  # no column and no note while there is none
    make_log(user, person=sam, response="hurtful", at=clock.now - timedelta(hours=1))
    html = client.get(f"/people/{sam.id}").get_data(as_text=True)
    assert "You noted 1 time when a response hurt or frightened you. That matters" in html
    assert (
        '<th scope="col">Hurt or frightened</th>' in html
        and "<td>1</td><td>0</td><td>0</td><td>1</td>" in html
    )
    assert (
        'href="tel:08001110111"' in html
        and '<a href="#person-settings">keep Sam out of suggestions</a>' in html
    )
    assert not any(word in care_of(html).lower() for word in LABELS)


def test_history_rows_say_hurtful_or_frightening(client, logged_in, user):
    make_log(user, response="hurtful")
    assert "· hurtful or frightening" in client.get("/history").get_data(as_text=True)


def test_the_month_names_hurtful_responses_beside_the_others(client, logged_in, user):
    sam = make_person(user, "Sam")
    make_log(user, person=sam, response="hurtful")
    make_log(user, person=sam, response="welcomed")
    html = client.get("/month/2026-05").get_data(as_text=True)
    assert "Welcomed 1 · neutral 0 · dismissed 0 · hurt or frightened you 1" in html
    assert 'class="resp-hurtful"' in html


def test_email_details_with_hurtful_show_help_for_the_users_region(client, email, clock):  # noqa: F811
    clock.now = WED_1231_BERLIN + timedelta(minutes=20)
    html = form_post(client, email["I did it"]).get_data(as_text=True)
    details = re.search(r'action="(/email/details/[^"]+)"', html).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    saved = client.post(details, data={"csrf_token": token, "response": "hurtful"})
    page = saved.get_data(as_text=True)
    assert saved.status_code == 200 and Log.get().response == "hurtful"
    assert "Thank you for noting how that felt" in page and "When a response hurts or frightens you" in page
    for line in BERLIN_HELP:
        assert line in page
