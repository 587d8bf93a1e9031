"""History: past logs newest first, 20 a page with Older/Newer, filters by kind and person."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.conftest import FIXED_NOW, make_log, make_person, make_user


def _log_ids(html: str) -> list[str]:
    """The ids of the log rows, in the order shown."""
    return re.findall(r'<li id="log-([0-9a-f-]{36})"', html)


def _pager(html: str) -> set[str]:
    """Which pager links a page offers."""
    return set(re.findall(r'rel="(prev|next)"', html))


def test_history_lists_logs_newest_first(client, logged_in, user):
    middle = make_log(user, "repair", at=FIXED_NOW - timedelta(days=1))
    newest = make_log(user, "recall", at=FIXED_NOW - timedelta(hours=1))
    oldest = make_log(user, "confide", at=FIXED_NOW - timedelta(days=30), note="about the move")
    html = client.get("/history").get_data(as_text=True)
    assert _log_ids(html) == [str(newest.id), str(middle.id), str(oldest.id)]
    assert "<html" in html and "about the move" in html
    assert "Mon 13 Apr 2026" in html  # shown with its date in the user's zone


def test_history_is_empty_at_first(client, logged_in):
    html = client.get("/history").get_data(as_text=True)
    assert "No logs yet." in html and _pager(html) == set()


def test_history_pages_by_twenty_with_older_and_newer(client, logged_in, user):
    logs = [make_log(user, at=FIXED_NOW - timedelta(hours=i)) for i in range(45)]
    expected = [str(log.id) for log in logs]

    first = client.get("/history").get_data(as_text=True)
    assert _log_ids(first) == expected[:20]
    assert _pager(first) == {"next"}
    assert 'href="/history?page=2"' in first and ">Older</a>" in first

    second = client.get("/history?page=2").get_data(as_text=True)
    assert _log_ids(second) == expected[20:40]
    assert _pager(second) == {"prev", "next"}
    assert ">Newer</a>" in second and 'href="/history?page=3"' in second

    third = client.get("/history?page=3").get_data(as_text=True)
    assert _log_ids(third) == expected[40:]
    assert _pager(third) == {"prev"}


def test_exactly_twenty_logs_make_one_page(client, logged_in, user):
    for i in range(20):
        make_log(user, at=FIXED_NOW - timedelta(minutes=i))
    html = client.get("/history").get_data(as_text=True)
    assert len(_log_ids(html)) == 20 and _pager(html) == set()


def test_logs_at_the_same_instant_page_without_repeats_or_gaps(client, logged_in, user):
    ids = {str(make_log(user).id) for _ in range(45)}
    shown = []
    for page in (1, 2, 3):
        shown += _log_ids(client.get(f"/history?page={page}").get_data(as_text=True))
    assert len(shown) == 45 and set(shown) == ids


def test_a_page_past_the_end_offers_the_way_back(client, logged_in, user):
    make_log(user)
    html = client.get("/history?page=9").get_data(as_text=True)
    assert _log_ids(html) == []
    assert "No more logs." in html and 'href="/history"' in html


def test_filter_by_kind(client, logged_in, user):
    repair = make_log(user, "repair", at=FIXED_NOW - timedelta(hours=1))
    make_log(user, "closeness", at=FIXED_NOW - timedelta(hours=2))
    html = client.get("/history?kind=repair").get_data(as_text=True)
    assert _log_ids(html) == [str(repair.id)]
    assert '<option value="repair" selected>' in html


def test_filter_by_person(client, logged_in, user):
    sam, maya = make_person(user, "Sam"), make_person(user, "Maya", "friend")
    with_sam = make_log(user, person=sam, at=FIXED_NOW - timedelta(hours=1))
    make_log(user, person=maya, at=FIXED_NOW - timedelta(hours=2))
    make_log(user, at=FIXED_NOW - timedelta(hours=3))
    html = client.get(f"/history?person={sam.id}").get_data(as_text=True)
    assert _log_ids(html) == [str(with_sam.id)]
    assert f'<option value="{sam.id}" selected>Sam</option>' in html


def test_filters_combine_and_pages_keep_them(client, logged_in, user):
    sam = make_person(user, "Sam")
    repairs = [make_log(user, "repair", person=sam, at=FIXED_NOW - timedelta(hours=i)) for i in range(22)]
    make_log(user, "repair", at=FIXED_NOW)  # nobody
    make_log(user, "recall", person=sam, at=FIXED_NOW)
    html = client.get(f"/history?kind=repair&person={sam.id}").get_data(as_text=True)
    assert _log_ids(html) == [str(log.id) for log in repairs[:20]]
    assert f'href="/history?kind=repair&amp;person={sam.id}&amp;page=2"' in html
    second = client.get(f"/history?kind=repair&person={sam.id}&page=2").get_data(as_text=True)
    assert _log_ids(second) == [str(log.id) for log in repairs[20:]]


def test_a_filter_that_matches_nothing_says_so(client, logged_in, user):
    make_log(user, "repair")
    html = client.get("/history?kind=widen").get_data(as_text=True)
    assert _log_ids(html) == [] and "No logs match these filters." in html


@pytest.mark.parametrize(
    "query",
    [
        "kind=hug_tree",
        "kind=",
        "person=abc",
        "person=-1",
        "person=²",
        "person=١",
        "person=99999999999999999999",
        "page=0",
        "page=-2",
        "page=abc",
        "page=²",
        "page=1.5",
        "page=99999999999999999999",
        "kind[]=repair&person=%00&page=%FF",
    ],
)
def test_bad_filter_values_are_ignored(client, logged_in, user, query):
    log = make_log(user)
    response = client.get(f"/history?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _log_ids(html) in ([str(log.id)], [])  # ignored filter shows all; a valid far page shows none
    if "page" not in query:
        assert _log_ids(html) == [str(log.id)]


def test_history_only_shows_the_users_own_logs(client, logged_in, user):
    other = make_user("bo@example.com")
    theirs = make_person(other, "Kim")
    make_log(other, person=theirs, note="their secret")
    mine = make_log(user)
    html = client.get(f"/history?person={theirs.id}").get_data(as_text=True)
    assert _log_ids(html) == [] and "Kim" not in html and "their secret" not in html
    assert _log_ids(client.get("/history").get_data(as_text=True)) == [str(mine.id)]


def test_history_by_htmx_is_the_list_fragment(client, logged_in, user):
    log = make_log(user)
    response = client.get("/history?kind=closeness", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="history"')
    assert _log_ids(html) == [str(log.id)]
    assert 'data-hx-trigger="log-changed from:body"' in html
    assert "HX-Request" in response.headers["Vary"]


def test_history_rows_can_be_edited_and_deleted_and_return_here(client, logged_in, user):
    log = make_log(user)
    html = client.get("/history?page=1&kind=closeness").get_data(as_text=True)
    assert f"/logs/{log.id}/edit?next=/history?kind%3Dcloseness" in html
    assert f'action="/logs/{log.id}/delete?next=/history?kind%3Dcloseness"' in html


def test_history_needs_a_login(client, user):
    assert client.get("/history").status_code == 302
