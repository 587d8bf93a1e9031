"""Issue 13: a double tap stores one log. A tap's id (a hidden field per rendered tile, or one per tap
with JavaScript) repeated within 3 seconds is the same tap; later, or with a new id, it is a new log."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from tests.conftest import make_log, make_user
from tracker.models import Log


def tile_ids(html: str) -> dict[str, str]:
    """Each tile's tap id on a rendered Today, by kind."""
    forms = re.findall(
        r'name="kind" value="(\w+)">\s*<input type="hidden" name="id" value="([0-9a-f-]{36})"', html
    )
    return dict(forms)


def test_every_tile_carries_its_own_tap_id_fresh_each_render(client, logged_in):
    first = tile_ids(client.get("/").get_data(as_text=True))
    second = tile_ids(client.get("/").get_data(as_text=True))
    assert len(first) == 10 and len(set(first.values())) == 10
    assert set(first.values()).isdisjoint(second.values())


def test_a_repeat_within_three_seconds_stores_nothing_and_answers_as_the_first(client, logged_in, clock):
    tap = tile_ids(client.get("/").get_data(as_text=True))["closeness"]
    first = logged_in.post("/logs", {"kind": "closeness", "id": tap})
    clock.now += timedelta(seconds=3)
    again = logged_in.post("/logs", {"kind": "closeness", "id": tap})
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"] == f"/?logged={tap}"
    assert [str(log.id) for log in Log.select()] == [tap]


def test_a_repeat_with_htmx_gets_the_same_partial(client, logged_in, clock):
    tap = str(uuid.uuid4())
    first = logged_in.post("/logs", {"kind": "space", "id": tap}, htmx=True)
    clock.now += timedelta(milliseconds=90)
    again = logged_in.post("/logs", {"kind": "space", "id": tap}, htmx=True)
    assert first.status_code == again.status_code == 200
    assert f"/logs/{tap}/delete" in again.get_data(as_text=True)
    assert Log.select().count() == 1


def test_the_same_tap_id_after_three_seconds_is_a_new_log(client, logged_in, clock):
    tap = str(uuid.uuid4())
    logged_in.post("/logs", {"kind": "closeness", "id": tap})
    clock.now += timedelta(seconds=3, milliseconds=1)
    later = logged_in.post("/logs", {"kind": "closeness", "id": tap})
    ids = {str(log.id) for log in Log.select()}
    assert len(ids) == 2 and tap in ids
    newer = (ids - {tap}).pop()
    assert later.headers["Location"] == f"/?logged={newer}"


def test_a_new_render_id_is_a_new_log_at_once(client, logged_in):
    logged_in.post("/logs", {"kind": "closeness", "id": str(uuid.uuid4())})
    logged_in.post("/logs", {"kind": "closeness", "id": str(uuid.uuid4())})
    assert Log.select().count() == 2


def test_another_kind_with_the_same_id_is_its_own_log(client, logged_in):
    tap = str(uuid.uuid4())
    logged_in.post("/logs", {"kind": "closeness", "id": tap})
    logged_in.post("/logs", {"kind": "space", "id": tap})
    assert sorted(log.kind for log in Log.select()) == ["closeness", "space"]


def test_someone_elses_log_id_is_never_answered_nor_touched(client, logged_in, user):
    other = make_user("bo@example.com")
    theirs = make_log(other, "closeness")
    response = logged_in.post("/logs", {"kind": "closeness", "id": str(theirs.id)})
    mine = Log.get(Log.user == user.id)
    assert mine.id != theirs.id
    assert response.headers["Location"] == f"/?logged={mine.id}"
    assert Log.select().where(Log.user == other.id).count() == 1


def test_a_bad_tap_id_is_refused_and_stores_nothing(client, logged_in):
    response = logged_in.post("/logs", {"kind": "closeness", "id": "not-a-uuid"}, htmx=True)
    assert "The id must be a UUID." in response.get_data(as_text=True)
    assert Log.select().count() == 0


def test_today_and_history_agree_after_a_double_tap(client, logged_in, clock):
    tap = tile_ids(client.get("/").get_data(as_text=True))["repair"]
    logged_in.post("/logs", {"kind": "repair", "id": tap}, htmx=True)
    clock.now += timedelta(milliseconds=300)
    logged_in.post("/logs", {"kind": "repair", "id": tap}, htmx=True)
    today = client.get("/today/logs", headers={"HX-Request": "true"}).get_data(as_text=True)
    history = client.get("/history").get_data(as_text=True)
    assert today.count('class="log-row') == 1 and f'id="log-{tap}"' in today
    assert history.count('class="log-row') == 1 and f'id="log-{tap}"' in history
    assert Log.select().count() == 1


def test_the_api_keeps_exactly_once_for_a_replayed_tap_however_late(client, logged_in, clock):
    """The offline queue replays to the API, whose ids never expire: a late replay is still one log."""
    tap = str(uuid.uuid4())
    logged_in.post("/logs", {"kind": "closeness", "id": tap}, htmx=True)
    clock.now += timedelta(hours=2)
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    response = client.post(
        "/api/v1/logs",
        json={"id": tap, "kind": "closeness", "at": "2026-05-13T12:30:00+02:00"},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code in (200, 409)
    assert Log.select().count() == 1
