"""GET /api/v1/summary: the month's review as JSON, by session or bearer token, with 400s for bad months."""

from __future__ import annotations

import logging
import math
from datetime import UTC, date, datetime

import pytest

from tests.conftest import FIXED_NOW, SUMMARY_KEYS, make_log, make_person, make_user
from tracker.kinds import KINDS
from tracker.models import ApiToken, Log, Pause, naive_utc
from tracker.security import new_api_token

URL = "/api/v1/summary"
KEYS = set(SUMMARY_KEYS)


def bearer(user) -> dict[str, str]:
    token, digest = new_api_token()
    ApiToken.create(user=user, name="script", token_hash=digest, created_at=naive_utc(FIXED_NOW))
    return {"Authorization": f"Bearer {token}"}


def at(day: date, hour: int = 10) -> datetime:
    """An instant on a day, in Berlin daytime (UTC+2 in May)."""
    return datetime(day.year, day.month, day.day, hour - 2, tzinfo=UTC)


@pytest.fixture
def history(user):
    """Created Mon 4 May 2026, T = 4; logs Mon, Tue, Thu, Fri and the next Monday (DOMAIN.md's example)."""
    user.created_at = naive_utc(at(date(2026, 5, 4), 8))
    user.save()
    sam = make_person(user)
    make_log(user, "closeness", at=at(date(2026, 5, 4)), person=sam, after=8, response="welcomed")
    make_log(user, "space", at=at(date(2026, 5, 5)), person=sam, response="neutral")
    make_log(user, "recall", at=at(date(2026, 5, 7)))
    make_log(user, "recall", at=at(date(2026, 5, 8)))
    make_log(user, "closeness", at=at(date(2026, 5, 11)))
    make_log(user, "closeness", at=at(date(2026, 5, 11), 18))
    return user


def test_the_current_month_by_default(client, logged_in, history):
    body = client.get(URL).get_json()
    assert set(body) == KEYS
    assert body["month"] == "2026-05"
    assert (body["active_days"], body["rest_days"], body["missed_days"]) == (5, 4, 0)
    assert (body["current_streak"], body["longest_streak"]) == (9, 9)  # 4 to 12 May; today is pending
    assert body["by_kind"]["closeness"] == 3 and body["by_kind"]["recall"] == 2
    assert set(body["by_kind"]) == {kind.key for kind in KINDS}
    assert len(body["days"]) == 31
    assert body["days"]["2026-05-11"] == {"status": "active", "logs": 2}
    assert body["days"]["2026-05-06"] == {"status": "rest", "logs": 0}
    assert body["days"]["2026-05-13"] == {"status": "pending", "logs": 0}
    assert body["days"]["2026-05-14"]["status"] == "future"
    assert body["days"]["2026-05-01"]["status"] == "none"
    assert body["balance"] == 1.0  # one reach-or-room log of each: min(1, 4·1/2)
    assert body["safety"] == pytest.approx((0.5 * 1 + 0.5 * 0.8 + 0.5) / 2, abs=0.001)
    assert 0 < body["consistency"] < 1 and isinstance(body["score"], int)


def test_the_score_is_the_practice_rhythm(client, logged_in, history):
    """`score` is 100 × (2/3·C + 1/3·B), without S (DOMAIN.md, "The practice rhythm")."""
    body = client.get(URL).get_json()
    c, b = body["consistency"], body["balance"]
    assert body["score"] == math.floor(100 * (2 * c + b) / 3 + 0.5)
    assert body["safety"] is not None  # reported beside it, and still in the API


def test_how_others_responded_never_moves_the_score(client, logged_in, history):
    """The same practice, with every response turned dismissive and every after-feeling low: the same
    score, a lower S."""
    before = client.get(URL).get_json()
    Log.update(response="dismissed", after=1).where(
        Log.user == history.id, Log.person.is_null(False)
    ).execute()
    after = client.get(URL).get_json()
    assert after["safety"] < before["safety"]
    assert (after["score"], after["consistency"], after["balance"]) == (
        before["score"],
        before["consistency"],
        before["balance"],
    )


def test_an_explicit_month(client, logged_in, history):
    april = client.get(f"{URL}?month=2026-04").get_json()
    assert april["month"] == "2026-04"
    assert {day["status"] for day in april["days"].values()} == {"none"}
    assert april["score"] is None and april["consistency"] is None
    assert (april["current_streak"], april["longest_streak"]) == (0, 0)


def test_balance_and_safety_are_null_when_unknown(client, logged_in, user):
    make_log(user, "recall")  # neutral, no response, no feelings
    body = client.get(URL).get_json()
    assert body["balance"] is None and body["safety"] is None
    assert body["score"] == round(100 * body["consistency"])  # C carries all the weight


@pytest.mark.parametrize(
    "month", ["2026-13", "2026-00", "May", "2026-5", "", "1999-12", "10000-01", "2026-05-01"]
)
def test_a_bad_month_is_a_400_naming_the_field(client, logged_in, month):
    response = client.get(URL, query_string={"month": month})
    assert response.status_code == 400
    body = response.get_json()
    assert body["field"] == "month" and "2026-05" in body["error"]


def test_a_bearer_token_works_and_the_zone_decides_the_month(client, app, clock):
    user = make_user("kiri@example.com", timezone="Pacific/Kiritimati")  # UTC+14
    clock.now = datetime(2026, 5, 31, 12, 0, tzinfo=UTC)  # already 1 June 02:00 there
    make_log(user, at=clock.now)
    body = client.get(URL, headers=bearer(user)).get_json()
    assert body["month"] == "2026-06"
    assert body["days"]["2026-06-01"] == {"status": "active", "logs": 1}


def test_another_users_data_never_counts(client, logged_in, user):
    other = make_user("bo@example.com")
    for _ in range(4):
        make_log(other)
    Pause.create(user=other, start_date=date(2026, 5, 1), end_date=date(2026, 5, 31))
    body = client.get(URL).get_json()
    assert body["active_days"] == 0 and body["days"]["2026-05-13"]["status"] == "pending"


def test_pauses_count_as_rest(client, logged_in, history):
    history.weekly_target = 7
    history.save()
    Pause.create(user=history, start_date=date(2026, 5, 6), end_date=date(2026, 5, 6))
    body = client.get(URL).get_json()
    assert body["days"]["2026-05-06"]["status"] == "rest"
    assert body["days"]["2026-05-09"]["status"] == "missed"  # T = 7: no free days


def test_without_credentials_it_is_a_401(client):
    response = client.get(URL)
    assert response.status_code == 401 and "error" in response.get_json()
    assert client.get(URL, headers={"Authorization": "Bearer nope"}).status_code == 401


def test_a_bounded_number_of_queries(client, logged_in, history, caplog):
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        client.get(URL)
    few = sum(record.name == "peewee" for record in caplog.records)
    for n in range(40):
        make_log(history, at=at(date(2026, 4, 1 + n % 28)))
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        client.get(URL)
    assert sum(record.name == "peewee" for record in caplog.records) == few <= 5
