"""Recall a safe person: the guided exercise without JavaScript, its log, and the month's average change."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import FIXED_NOW, make_log, make_person, make_user
from tracker.models import Log


def test_today_links_to_the_exercise(client, logged_in):
    assert 'href="/recall"' in client.get("/").get_data(as_text=True)


def test_start_lists_safe_people_only_and_the_past(client, logged_in, user):
    make_person(user, "Sam")
    make_person(user, "Rex", not_safe=True)
    html = client.get("/recall").get_data(as_text=True)
    assert "Sam" in html and "Rex" not in html and "Someone from my past" in html


SOURCES = {
    "past": ("Someone from my past", "Bring someone from your past to mind", "this person was there for you"),
    "figure": ("An imagined caring figure", "Bring a caring figure to mind", "fully on your side"),
    "pet": ("A pet", "Bring a pet to mind", "an animal you love"),
    "place": ("A place where I feel safe", "Bring a safe place to mind", "a place where you feel safe"),
}


def test_recall_works_without_a_safe_person(client, logged_in, user):
    """Issue 17, item 8: without anyone to bring to mind (or with only people marked not safe), an
    imagined caring figure, a pet or a place, each with its own prompts; nothing about them is stored."""
    make_person(user, "Rex", not_safe=True)
    start = client.get("/recall").get_data(as_text=True)
    assert "Rex" not in start and "An imagined caring figure, a pet or a place works just as well" in start
    for key, (choice, _, _) in SOURCES.items():
        assert f'value="{key}" required' in start and choice in start
    assert start.count("checked") == 1 and 'value="past" required checked' in start
    for key, (_, heading, prompt) in SOURCES.items():
        guide = client.get(f"/recall/guide?who={key}&before=").get_data(as_text=True)
        assert f"<h1>{heading}</h1>" in guide and prompt in guide and f'name="who" value="{key}"' in guide
        assert guide.count("data-recall-prompt") == 3
        assert logged_in.post("/recall", {"who": key, "before": "", "after": "6"}).status_code == 303
    assert [(log.person_id, log.after) for log in Log.select()] == [(None, 6)] * 4


def test_the_guide_says_eyes_may_stay_open_and_it_can_stop_at_any_time(client, logged_in, user):
    sam = make_person(user, "Sam")
    html = client.get(f"/recall/guide?who={sam.id}&before=").get_data(as_text=True)
    assert "with your eyes open or closed" in html and "you can stop at any time" in html
    assert '<a class="button" href="/">Stop here</a>' in html and "Nothing is saved." in html
    assert "you can stop at any time" in client.get("/recall").get_data(as_text=True)


def test_the_whole_exercise_without_javascript(client, logged_in, user):
    sam = make_person(user, "Sam")
    page = client.get(f"/recall/guide?who={sam.id}&before=3")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Bring Sam to mind" in html
    assert html.count("data-recall-prompt") == 3 and "Done" in html
    assert 'src="/static/js/recall-' in html and "<script>" not in html  # no inline script
    response = logged_in.post("/recall", {"who": str(sam.id), "before": "3", "after": "7"})
    assert response.status_code == 303
    log = Log.get()
    assert (log.kind, log.step, log.person_id, log.before, log.after) == ("recall", 2, sam.id, 3, 7)
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Before: 3 · now: 7" in done and "a little more settled" in done


def test_done_tapped_twice_logs_one_recall_and_a_new_exercise_logs_again(client, logged_in, user, clock):
    html = client.get("/recall/guide?who=past&before=3").get_data(as_text=True)
    tap = html.split('name="id" value="', 1)[1].split('"', 1)[0]
    form = {"id": tap, "who": "past", "before": "3", "after": "7"}
    first = logged_in.post("/recall", form)
    clock.now += timedelta(milliseconds=300)
    again = logged_in.post("/recall", form)
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"] and Log.select().count() == 1
    clock.now += timedelta(seconds=5)
    assert logged_in.post("/recall", form).status_code == 303 and Log.select().count() == 2
    assert logged_in.post("/recall", {**form, "id": "not-a-tap"}).status_code == 400
    assert Log.select().count() == 2


def test_someone_from_the_past_logs_without_a_person(client, logged_in, user):
    logged_in.post("/recall", {"who": "past", "before": "6", "after": "4"})
    log = Log.get()
    assert (log.person_id, log.before, log.after) == (None, 6, 4)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "before=3",
        "who=past&before=11",
        "who=past&before=-1",
        "who=999&before=3",
        "who=past&before=%D9%A3",
        "who=%00&before=3",
        "who=past&before=" + "9" * 500,
    ],
)
def test_bad_guide_input_goes_back_to_the_start_with_messages(client, logged_in, query):
    response = client.get(f"/recall/guide?{query}")
    assert response.status_code == 422
    assert "Begin" in response.get_data(as_text=True)


def test_unsafe_or_other_users_people_cannot_be_used(client, logged_in, user):
    rex = make_person(user, "Rex", not_safe=True)
    kim = make_person(make_user("bo@example.com"), "Kim")
    for who in (rex.id, kim.id):
        assert client.get(f"/recall/guide?who={who}&before=3").status_code == 422
        assert logged_in.post("/recall", {"who": str(who), "before": "3", "after": "5"}).status_code == 303
    assert Log.select().count() == 0


def test_missing_after_rerenders_the_guide(client, logged_in):
    response = logged_in.post("/recall", {"who": "past", "before": "3", "after": ""})
    assert response.status_code == 422
    assert "how settled you feel now" in response.get_data(as_text=True)
    assert Log.select().count() == 0


def test_done_page_is_private_and_only_for_recalls(client, logged_in, user):
    other = make_log(make_user("bo@example.com"), "recall", before=1, after=2)
    assert client.get(f"/recall/done/{other.id}").status_code == 404
    mine = make_log(user, "space")
    assert client.get(f"/recall/done/{mine.id}").status_code == 404
    assert client.get("/recall/done/not-a-uuid").status_code == 404


def test_month_page_shows_the_average_change(client, logged_in, user):
    make_log(user, "recall", before=2, after=6)
    make_log(user, "recall", before=4, after=6, at=FIXED_NOW - timedelta(hours=1))
    make_log(user, "recall", before=4)  # no after: not paired
    make_log(user, "recall", before=0, after=10, at=FIXED_NOW - timedelta(days=40))  # another month
    html = client.get("/month/2026-05").get_data(as_text=True)
    assert "Recalling a safe person" in html and "2 times" in html and "3.0 points more settled" in html
    assert "Recalling a safe person" not in client.get("/month/2026-02").get_data(as_text=True)


def test_recall_needs_login(client):
    assert client.get("/recall").status_code == 302


def test_the_before_rating_is_optional(client, logged_in, user):
    """Issue 13, item 13: offered, never required; the log then has an after value only."""
    start = client.get("/recall").get_data(as_text=True)
    assert '<select id="recall-before" name="before">' in start and "Skip this" in start
    for query in ("who=past", "who=past&before="):
        page = client.get(f"/recall/guide?{query}")
        assert page.status_code == 200 and "Bring someone from your past to mind" in page.get_data(
            as_text=True
        )
        assert 'name="before" value=""' in page.get_data(as_text=True)
    response = logged_in.post("/recall", {"who": "past", "before": "", "after": "5"})
    assert response.status_code == 303
    log = Log.get()
    assert (log.before, log.after) == (None, 5)
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Now: 5." in done and "carry today" in done


def test_feeling_worse_brings_help_and_a_gentle_close_not_a_question(client, logged_in, user):
    user.timezone = "Europe/London"
    user.save()
    response = logged_in.post("/recall", {"who": "past", "before": "6", "after": "3"})
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    main = done[done.index("<main") : done.index("</main>")]
    assert "carry today" not in main and "?" not in main.split("</h1>", 1)[1]
    assert 'href="tel:116123"' in main  # the region's lines, in the page itself
    assert "Be gentle with yourself" in main and ">Close</a>" in main


def test_feeling_the_same_or_better_keeps_the_reflection(client, logged_in, user):
    for before, after in (("4", "4"), ("2", "6")):
        response = logged_in.post("/recall", {"who": "past", "before": before, "after": after})
        done = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "carry today" in done and 'class="card care"' not in done
