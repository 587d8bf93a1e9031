"""Issue 13, item 11: the details form's "how settled" is a labelled 0–10 scale of radio buttons with
words at both ends, and saving details never moves the log's time."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.conftest import FIXED_NOW, make_log
from tracker.models import Log, naive_utc


def test_settled_is_a_labelled_scale_with_words_at_both_ends(client, logged_in, user):
    log = make_log(user, before=4)
    html = client.get(f"/logs/{log.id}/edit").get_data(as_text=True)
    assert "<select" not in html.split('name="before"')[0].rsplit("<fieldset", 1)[-1]
    for field, legend in (("before", "How settled before?"), ("after", "How settled after?")):
        assert f"<legend>{legend}</legend>" in html
        values = re.findall(rf'name="{field}" value="(\d*)"', html)
        assert values == [str(n) for n in range(11)] + [""]
        assert f'aria-describedby="f-{log.id.hex[:8]}-{field}-ends"' in html
    assert html.count("0 not at all") == 2 and html.count("10 fully settled") == 2
    assert re.search(r'name="before" value="4"\s+checked', html)
    assert re.search(r'name="after" value=""\s+checked', html)  # not rated yet


def test_saving_details_never_changes_the_logs_time(client, logged_in, user, clock):
    at = FIXED_NOW.replace(second=45, microsecond=123000)
    log = make_log(user, at=at)
    form = client.get(f"/logs/{log.id}/edit").get_data(as_text=True)
    shown = re.search(r'name="at" type="datetime-local" value="([^"]+)"', form).group(1)
    assert shown == "2026-05-13T12:30"  # Berlin, to the minute
    clock.now += timedelta(minutes=20)
    for htmx in (False, True):
        response = logged_in.post(
            f"/logs/{log.id}", {"kind": "closeness", "at": shown, "after": "7", "note": "a walk"}, htmx=htmx
        )
        assert response.status_code in (200, 303)
        stored = Log.get_by_id(log.id)
        assert (stored.at, stored.after, stored.note) == (naive_utc(at), 7, "a walk")


def test_changing_the_time_on_purpose_still_moves_it(client, logged_in, user):
    log = make_log(user)
    logged_in.post(f"/logs/{log.id}", {"kind": "closeness", "at": "2026-05-13T09:05"})
    assert Log.get_by_id(log.id).at == naive_utc(FIXED_NOW.replace(hour=7, minute=5))


def test_the_dash_clears_a_rating(client, logged_in, user):
    log = make_log(user, before=3, after=8)
    logged_in.post(f"/logs/{log.id}", {"kind": "closeness", "before": "", "after": "8"})
    stored = Log.get_by_id(log.id)
    assert (stored.before, stored.after) == (None, 8)


def test_what_and_when_wait_behind_a_disclosure_after_a_tap_and_open_on_the_edit_page(client, logged_in):
    logged_in.post("/logs", {"kind": "space"})
    log = Log.get()
    today = client.get(f"/?logged={log.id}").get_data(as_text=True)
    assert '<details class="what-when">' in today
    edit = client.get(f"/logs/{log.id}/edit").get_data(as_text=True)
    assert '<details class="what-when" open>' in edit
