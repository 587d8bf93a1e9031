"""Bids over the API (issue 16, item 2): a respond log's `bid` (default toward), 400s that change
nothing, a kind changed away from respond dropping its bid, another user's log as 404, and the
summary's month of bids."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest

from tests.app.test_api import Api, api_as, assert_error, bearer
from tests.conftest import make_log
from tracker.models import Log

LOGS = "/api/v1/logs"


@pytest.fixture
def api(client, user) -> Api:
    return Api(client, bearer(user))


def test_a_respond_log_is_toward_by_default_and_other_kinds_have_no_bid(api):
    responded = api.post(LOGS, {"kind": "respond"})
    assert responded.status_code == 201 and responded.get_json()["bid"] == "toward"
    other = api.post(LOGS, {"kind": "closeness"}).get_json()
    assert other["bid"] is None
    assert Log.get_by_id(other["id"]).bid is None


@pytest.mark.parametrize("bid", ["toward", "away", "against"])
def test_a_respond_log_keeps_the_way_it_met_the_bid(api, bid):
    created = api.post(LOGS, {"kind": "respond", "bid": bid}).get_json()
    assert created["bid"] == bid
    assert api.get(f"{LOGS}/{created['id']}").get_json()["bid"] == bid
    assert [log["bid"] for log in api.get(LOGS).get_json()["logs"]] == [bid]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"kind": "closeness", "bid": "away"}, "Only a respond log"),
        ({"kind": "respond", "bid": "sideways"}, "toward, away or against"),
        ({"kind": "respond", "bid": 1}, "toward, away or against"),
        ({"kind": "respond", "bid": ["toward"]}, "toward, away or against"),
    ],
)
def test_a_bad_bid_is_a_400_naming_it_and_stores_nothing(api, body, message):
    answer = assert_error(api.post(LOGS, body), 400, "bid")
    if message:
        assert message in answer["error"]
    assert Log.select().count() == 0


def test_patch_changes_the_bid_and_refuses_one_for_another_kind_changing_nothing(api):
    log = api.post(LOGS, {"kind": "respond", "note": "kept"}).get_json()
    url = f"{LOGS}/{log['id']}"
    assert api.patch(url, {"bid": "against"}).get_json()["bid"] == "against"
    assert api.patch(url, {"note": "edited"}).get_json()["bid"] == "against"  # unsaid: kept
    assert_error(api.patch(url, {"kind": "closeness", "bid": "away", "note": "no"}), 400, "bid")
    stored = Log.get_by_id(log["id"])
    assert (stored.kind, stored.bid, stored.note) == ("respond", "against", "edited")
    other = api.post(LOGS, {"kind": "space"}).get_json()
    assert_error(api.patch(f"{LOGS}/{other['id']}", {"bid": "toward", "note": "no"}), 400, "bid")
    assert Log.get_by_id(other["id"]).note is None


def test_changing_the_kind_away_from_respond_drops_the_bid_and_back_is_toward(api):
    log = api.post(LOGS, {"kind": "respond", "bid": "away"}).get_json()
    url = f"{LOGS}/{log['id']}"
    assert api.patch(url, {"kind": "confide"}).get_json()["bid"] is None
    assert Log.get_by_id(log["id"]).bid is None
    assert api.patch(url, {"kind": "respond"}).get_json()["bid"] == "toward"
    assert api.patch(url, {"bid": None}).get_json()["bid"] == "toward"  # null is the default


def test_a_replay_with_another_bid_is_a_conflict(api):
    body = {"id": "5f0c2f4e-9d0e-4c3b-8a1e-2b7f6d1c9a00", "kind": "respond", "bid": "away"}
    assert api.post(LOGS, body).status_code == 201
    assert api.post(LOGS, body).status_code == 200
    assert_error(api.post(LOGS, {**body, "bid": "toward"}), 409, "id")
    assert Log.get().bid == "away"


def test_another_users_log_is_404_and_keeps_its_bid(client, api, user):
    theirs = make_log(user, "respond", bid="away")
    stranger, _ = api_as(client, "bo@example.com", "UTC")
    assert stranger.patch(f"{LOGS}/{theirs.id}", {"bid": "against"}).status_code == 404
    assert Log.get_by_id(theirs.id).bid == "away"


def test_the_summary_counts_the_months_bids_with_the_rate(client, api, user, clock):
    for day, bid in ((2, "toward"), (5, "toward"), (6, "away"), (12, "against")):
        make_log(user, "respond", at=datetime(2026, 5, day, 9, tzinfo=UTC), bid=bid)
    make_log(user, "respond", at=datetime(2026, 4, 30, 9, tzinfo=UTC), bid="away")  # April
    make_log(user, "closeness", at=datetime(2026, 5, 3, 9, tzinfo=UTC))
    body = api.get("/api/v1/summary").get_json()
    assert body["bids"] == {"toward": 2, "away": 1, "against": 1, "rate": 0.5}
    april = api.get("/api/v1/summary?month=2026-04").get_json()
    assert april["bids"] == {"toward": 0, "away": 1, "against": 0, "rate": 0.0}
    march = api.get("/api/v1/summary?month=2026-03").get_json()
    assert march["bids"] == {"toward": 0, "away": 0, "against": 0, "rate": None}


def test_the_summary_rounds_the_rate_to_three_places(api, user):
    for bid in ("toward", "toward", "away"):
        make_log(user, "respond", bid=bid)
    assert api.get("/api/v1/summary").get_json()["bids"]["rate"] == 0.667


def test_export_and_import_carry_each_logs_bid_and_an_old_file_means_toward(client, logged_in, user):
    """The export holds each log's bid (null for other kinds); the import reads it with the same parser,
    and a file from before bids imports its respond logs as turned toward."""
    from tests.app.test_your_data import upload

    away = make_log(user, "respond", bid="away")
    make_log(user, "closeness")
    exported = client.get("/export.json").get_json()
    assert sorted((log["kind"], log["bid"]) for log in exported["logs"]) == [
        ("closeness", None),
        ("respond", "away"),
    ]
    assert ",away\r\n" in client.get("/export.csv").get_data(as_text=True)
    Log.delete().execute()
    assert upload(logged_in, json.dumps(exported)).status_code == 303
    assert Log.get_by_id(away.id).bid == "away"
    again = client.get("/export.json").get_json()["logs"]
    assert sorted((log["id"], log["bid"]) for log in again) == sorted(
        (log["id"], log["bid"]) for log in exported["logs"]
    )

    Log.delete().execute()
    old = {"id": str(uuid.uuid4()), "kind": "respond", "at": "2026-05-01T10:00:00Z"}  # before bids
    assert upload(logged_in, json.dumps({"version": 1, "logs": [old]})).status_code == 303
    assert Log.get_by_id(old["id"]).bid == "toward"


@pytest.mark.parametrize(
    "log", [{"kind": "respond", "bid": "sideways"}, {"kind": "closeness", "bid": "away"}]
)
def test_an_import_with_a_bad_bid_imports_nothing_and_names_it(client, logged_in, user, log):
    from tests.app.test_your_data import upload

    good = {"id": str(uuid.uuid4()), "kind": "respond", "at": "2026-05-01T10:00:00Z"}
    bad = {**log, "id": str(uuid.uuid4()), "at": "2026-05-01T11:00:00Z"}
    refused = upload(logged_in, json.dumps({"version": 1, "logs": [good, bad]}))
    assert refused.status_code == 422 and "bid" in refused.get_data(as_text=True)
    assert Log.select().count() == 0
