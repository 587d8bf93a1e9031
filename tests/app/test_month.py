"""The month page, the day page and the year page: true calendars, streaks, charts, htmx and bounds."""

from __future__ import annotations

import logging
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest

from tests.conftest import make_log, make_person, make_user, practise_since_april
from tracker.models import Log, Pause, naive_utc

CELL = re.compile(r'<(?:a|span) class="day day-(\w+)"[^>]*>\s*<span class="day-number">(\d+)</span>')


def may(day: int, hour: int = 9) -> datetime:
    """An instant on a May 2026 day, mid-morning in Berlin (UTC+2)."""
    return datetime(2026, 5, day, hour - 2, 0, tzinfo=UTC)


def cells(html: str) -> dict[int, str]:
    """Day of month → status class, read off the calendar."""
    return {int(day): status for status, day in CELL.findall(html)}


@pytest.fixture
def may_user(user):
    """Created Mon 4 May 2026 with T = 5: logs Mon, Tue, Thu (twice), Fri, then the next Monday.

    Week 1: Wed and Sat are the two free days (rest) and Sun is missed. Week 2: Tue is rest, and
    today (Wed 13, the test clock) is pending.
    """
    user.weekly_target = 5
    user.created_at = naive_utc(may(4, 8))
    user.save()
    for day in (4, 5, 7, 7, 8, 11):
        make_log(user, at=may(day))
    return user


def test_the_calendar_tells_each_days_status(client, logged_in, may_user):
    html = client.get("/month/2026-05").get_data(as_text=True)
    days = cells(html)
    assert [days[d] for d in (1, 2, 3)] == ["none"] * 3
    assert [days[d] for d in range(4, 14)] == [
        "active",
        "active",
        "rest",
        "active",
        "active",
        "rest",
        "missed",
        "active",
        "rest",
        "pending",
    ]
    assert {days[d] for d in range(14, 32)} == {"future"}
    assert len(days) == 31


def test_days_link_to_their_logs_with_counts_for_screen_readers(client, logged_in, may_user):
    html = client.get("/month/2026-05").get_data(as_text=True)
    assert 'href="/day/2026-05-07"' in html
    assert 'data-hx-get="/day/2026-05-07?panel=month"' in html and 'data-hx-target="#day-panel"' in html
    assert "May: active, 2 logs" in html
    assert 'class="day-count" aria-hidden="true">2<' in html
    assert 'href="/day/2026-05-20"' not in html  # the future has nothing to show
    assert 'aria-current="date"' in html


def test_streak_badges_and_day_counts(client, logged_in, may_user):
    html = client.get("/month/2026-05").get_data(as_text=True)
    stats = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)", html))
    assert stats == {
        "Current streak": "2",  # Mon 11 and Tue 12 (rest); the missed Sunday ended the first run
        "This week": "1",  # Monday 11, of the five the user aims for
        "Longest streak": "6",  # Mon 4 to Sat 9
        "Active days": "5",
        "Rest days": "3",
        "Open days": "1",  # DOMAIN.md: a missed day is an "open day" on every page
    }
    assert "<dt>This week</dt><dd>1 <span>of 5 days</span>" in html
    # The month leads with the streak, this week and the calendar; the rhythm comes after.
    assert (
        html.index("Current streak") < html.index('<table class="calendar">') < html.index("practice rhythm")
    )


def test_the_domain_example_streak_of_eight(client, logged_in, user, clock):
    user.created_at = naive_utc(may(4, 8))
    user.save()
    for day in (4, 5, 7, 8, 11):
        make_log(user, at=may(day))
    clock.now = may(11, 20)
    html = client.get("/month").get_data(as_text=True)
    assert re.search(r"<dt>Current streak</dt><dd>8 ", html)


def test_month_without_a_value_is_the_current_month_in_the_users_zone(client, logged_in, user, clock):
    user.timezone = "Pacific/Kiritimati"  # UTC+14: already 1 June there
    user.save()
    clock.now = datetime(2026, 5, 31, 12, 0, tzinfo=UTC)
    html = client.get("/month").get_data(as_text=True)
    assert '<h1 id="month-heading">June 2026</h1>' in html
    assert 'aria-current="page">Month</a>' in html


def test_no_rhythm_before_two_weeks_of_history(client, logged_in, may_user):
    sam = make_person(may_user)
    make_log(may_user, "closeness", at=may(12), person=sam, before=3, after=7, response="welcomed")
    make_log(may_user, "space", at=may(12, 12), person=sam, before=4, after=6, response="neutral")
    html = unescape(client.get("/month/2026-05").get_data(as_text=True))  # 4 to 13 May: 10 days
    assert "Your rhythm appears after two weeks, on Sun 17 May 2026." in html
    assert 'role="img"' not in html and "chart-score" not in html and "The numbers, day by day" not in html
    assert "of 100" not in html
    assert "What I feared vs. what happened" in html and "3.5" in html and "6.5" in html
    assert "Where safety lives" in html and "Welcomed 1 · neutral 1 · dismissed 0" in html
    assert "never a grade" in html
    assert "Reaching in" in html and "Making room" in html


@pytest.fixture
def april_user(user):
    """Created Mon 6 April 2026 with T = 4, logging on three or four days a week since: by 13 May the
    rhythm has been shown since 19 April and has been building."""
    return practise_since_april(user)


def test_rhythm_charts_have_axes_and_say_what_changed(client, logged_in, april_user):
    html = unescape(client.get("/month/2026-05").get_data(as_text=True))
    for part in ("score", "consistency", "balance", "safety"):
        assert f'aria-labelledby="chart-{part}-caption"' in html
        assert f'id="chart-{part}-caption"' in html
    assert html.count('role="img"') == 4
    assert re.search(r'<path class="chart-line" d="M[\d. LMh]+"/>', html)
    caption = re.search(r'id="chart-score-caption"[^>]*>(.*?)</figcaption>', html, re.S)[1]
    assert re.fullmatch(r"<strong>Building:</strong> up from \d+ to \d+ since 1 May", caption.strip())
    score_svg = html[html.index('aria-labelledby="chart-score-caption"') :].split("</svg>")[0]
    days = re.findall(
        r'<text class="chart-tick" [^>]*text-anchor="(?:start|middle)">([^<]+)</text>', score_svg
    )
    assert days == ["1 May", "8", "15", "22", "29"]
    scale = re.findall(r'text-anchor="end" dominant-baseline="middle">(\d+)</text>', score_svg)
    assert len(scale) == 3 and int(scale[0]) < int(scale[1]) < int(scale[2]) <= 100
    assert "Showing up <strong>" in html and "How connections felt:" in html
    assert "not known: no responses or after-feelings in the last 28 days" in html
    assert '<details class="disclosure">' in html
    assert "<summary>Its parts, and how connections felt, over the month</summary>" in html
    assert "The numbers, day by day" in html
    assert len(re.findall(r'<tr><th scope="row">\w{3} \d+</th>', html)) == 13  # 1 to 13 May
    assert "of 100" not in html

    sam = make_person(april_user)
    make_log(april_user, "closeness", at=may(12, 12), person=sam, after=9, response="welcomed")
    html = unescape(client.get("/month/2026-05").get_data(as_text=True))
    felt = re.search(r'id="chart-safety-caption"[^>]*>(.*?)</figcaption>', html, re.S)[1]
    assert felt.endswith("mostly felt safe since 12 May")  # in words, never a number
    assert "How connections felt lately: <strong>mostly felt safe</strong>" in html


def test_the_rhythm_starts_on_its_fourteenth_day(client, logged_in, april_user):
    april = unescape(client.get("/month/2026-04").get_data(as_text=True))
    rows = re.findall(r'<tr><th scope="row">\w{3} (\d+)</th>', april)
    assert rows[0] == "19" and rows[-1] == "30"  # 6 April + 13 days


def test_the_suggestion_is_shown(client, logged_in, may_user):
    html = unescape(client.get("/month/2026-05").get_data(as_text=True))
    assert "A gentle next step" in html
    assert re.search(r'class="card suggestion".*?<p>[^<]{20,}</p>', html, re.S)


def test_coming_back_after_a_gap_is_celebrated(client, logged_in, user):
    user.created_at = naive_utc(may(1, 8) - timedelta(days=30))
    user.save()
    make_log(user, at=may(1) - timedelta(days=30))
    make_log(user, at=may(12))
    html = unescape(client.get("/month/2026-05").get_data(as_text=True))
    assert "Welcome back" in html and "Coming back is the practice itself" in html


def test_htmx_month_navigation_returns_the_content_only(client, logged_in, may_user):
    make_log(may_user, at=datetime(2026, 4, 20, 8, 0, tzinfo=UTC))
    page = client.get("/month/2026-05").get_data(as_text=True)
    assert (
        'data-hx-get="/month/2026-04"' in page
        and 'data-hx-push-url="true"' in page
        and 'href="/month/2026-04"' in page
    )
    assert 'rel="next"' not in page  # nothing after the current month
    response = client.get("/month/2026-04", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and html.count('id="month"') == 1
    assert "<title>April 2026 · Secure Base</title>" in html
    assert 'id="month-status"' in html and 'data-hx-swap-oob="true"' in html
    assert 'rel="prev"' not in html  # April holds the first log
    assert 'href="/month/2026-05"' in html
    assert "HX-Request" in response.headers["Vary"]


def test_back_button_history_restore_gets_the_whole_page(client, logged_in, may_user):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    html = client.get("/month/2026-05", headers=headers).get_data(as_text=True)
    assert "<html" in html and 'id="month"' in html


def test_months_before_the_start_and_ahead(client, logged_in, may_user):
    before = unescape(client.get("/month/2026-03").get_data(as_text=True))
    assert "Nothing to show yet: your practice starts on Mon 4 May 2026." in before
    assert set(cells(before).values()) == {"none"}
    ahead = unescape(client.get("/month/2026-08").get_data(as_text=True))
    assert "This month is still ahead." in ahead and set(cells(ahead).values()) == {"future"}


@pytest.mark.parametrize(
    "url",
    [
        "/month/2026-13",
        "/month/2026-00",
        "/month/abcd",
        "/month/2026-5",
        "/month/1999-12",
        "/month/99999-01",
        "/month/٢٠٢٦-٠٥",
        "/month/2026-05-01",
        "/year/0",
        "/year/99999",
        "/year/1999",
        "/year/abcd",
        "/year/-2026",
        "/day/2026-02-30",
        "/day/2026-5-1",
        "/day/today",
        "/day/0000-01-01",
    ],
)
def test_bad_months_years_and_days_are_404_pages(client, logged_in, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "There's nothing here." in unescape(response.get_data(as_text=True))


def test_pages_need_a_login(client):
    for url in ("/month", "/month/2026-05", "/year/2026", "/day/2026-05-13"):
        assert client.get(url).status_code == 302


def test_the_day_page_lists_that_days_logs(client, logged_in, may_user):
    make_log(may_user, "confide", at=may(7, 18), note="told Maya about the move")
    html = unescape(client.get("/day/2026-05-07").get_data(as_text=True))
    assert "<html" in html and "<h1" in html and "Thu 7 May 2026" in html
    assert html.count('class="log-row') == 3 and "told Maya about the move" in html
    assert "3 logs: an active day." in html
    assert 'href="/month/2026-05"' in html
    assert "Edit" in html and "Delete" in html
    assert 'data-hx-target="this"' in html  # a change refreshes the day itself
    # The row's delete form names its own swap: inheriting a list's outerHTML would replace #confirmation.
    assert 'data-hx-target="#confirmation" data-hx-swap="innerHTML"' in html


def test_the_day_panel_in_the_month_refreshes_the_month_around_it(client, logged_in, may_user):
    response = client.get("/day/2026-05-07?panel=month", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and html.count('id="day-panel"') == 1
    assert 'data-hx-get="/month/2026-05?day=2026-05-07"' in html and 'data-hx-target="#month"' in html
    assert 'data-hx-disinherit="*"' in html
    page = client.get("/day/2026-05-07?panel=month").get_data(as_text=True)  # without htmx: the day page
    assert "<html" in page and '<h1 id="day-heading">' in page and 'data-hx-target="this"' in page
    assert (
        "next=/month/2026-05?day%3D2026-05-07" in html or "next=%2Fmonth%2F2026-05%3Fday%3D2026-05-07" in html
    )


def test_the_month_can_open_with_a_day(client, logged_in, may_user):
    html = unescape(client.get("/month/2026-05?day=2026-05-10").get_data(as_text=True))
    assert 'id="day-panel" class="day-panel card"' in html
    assert "that week's rest days were already used" in html
    other_month = client.get("/month/2026-05?day=2026-04-10").get_data(as_text=True)
    assert 'class="day-panel card"' not in other_month
    assert client.get("/month/2026-05?day=nonsense").status_code == 200


def test_another_users_logs_never_show(client, logged_in, may_user):
    other = make_user("bo@example.com")
    for _ in range(3):
        make_log(other, at=may(6), note="bo's secret")
    month = client.get("/month/2026-05").get_data(as_text=True)
    assert cells(month)[6] == "rest"
    day = client.get("/day/2026-05-06").get_data(as_text=True)
    assert "secret" not in day and "log-row" not in day


def test_paused_days_show_as_rest(client, logged_in, may_user):
    Pause.create(user=may_user, start_date=date(2026, 5, 10), end_date=date(2026, 5, 10))
    assert cells(client.get("/month/2026-05").get_data(as_text=True))[10] == "rest"


def test_the_year_page(client, logged_in, may_user):
    html = unescape(client.get("/year/2026").get_data(as_text=True))
    assert html.count('class="mini-month"') == 1  # May, the month the account began, and no month ahead
    assert html.count('<tr><th scope="row"><a href="/month/2026-') == 1
    assert "<span>5 active ·</span> <span>3 rest ·</span> <span>1 open</span>" in html
    assert '<th scope="col">Open</th>' in html
    assert "Your rhythm appears after two weeks" in html and "chart-year" not in html
    assert "Before you started" not in html and "Still ahead" not in html
    assert "Nothing to show for 2025" in client.get("/year/2025").get_data(as_text=True)
    assert "This year is still ahead" in client.get("/year/2027").get_data(as_text=True)
    assert client.get("/year").status_code == 200


def test_the_year_chart_names_its_months(client, logged_in, april_user):
    html = unescape(client.get("/year/2026").get_data(as_text=True))
    assert html.count('class="mini-month"') == 2  # April and May
    assert 'aria-labelledby="chart-year-caption"' in html and 'role="img"' in html
    svg = html[html.index('aria-labelledby="chart-year-caption"') :].split("</svg>")[0]
    assert re.findall(r'text-anchor="(?:start|middle)">([A-Z][a-z]{2})</text>', svg) == ["Apr", "May"]
    assert re.search(r"<strong>Building:</strong> up from \d+ to \d+ since April", html)


def _bulk_logs(user, count: int) -> None:
    """`count` logs, one a day going back from today, stored in one statement."""
    rows = []
    for n in range(count):
        at = may(13) - timedelta(days=n)
        rows.append(
            {
                "id": uuid.uuid4(),
                "user": user.id,
                "kind": ("closeness", "space", "recall")[n % 3],
                "at": naive_utc(at),
                "local_date": (at + timedelta(hours=2)).date(),
                "after": n % 11,
                "response": "welcomed",
                "created_at": naive_utc(at),
                "updated_at": naive_utc(at),
            }
        )
    Log.insert_many(rows).execute()


def _queries(client, caplog, url: str) -> int:
    """How many SQL statements one request runs (peewee logs each at DEBUG)."""
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        assert client.get(url).status_code == 200
    return sum(1 for record in caplog.records if record.name == "peewee")


@pytest.mark.parametrize("url", ["/month/2026-05", "/month/2026-05?day=2026-05-12", "/year/2026"])
def test_pages_make_the_same_few_queries_however_many_logs(client, logged_in, user, caplog, url):
    many_user = make_user("many@example.com")
    for who, count in ((user, 10), (many_user, 300)):
        who.created_at = naive_utc(may(13) - timedelta(days=400))
        who.save()
        _bulk_logs(who, count)
        Log.update(person=make_person(who)).where(
            Log.user == who
        ).execute()  # names must not cost a query each
    few = _queries(client, caplog, url)
    logged_in.logout()
    logged_in.login("many@example.com")
    many = _queries(client, caplog, url)
    assert few == many
    assert few <= 6
    assert Log.select().where(Log.user == many_user).count() == 300


def test_the_suggestion_never_names_a_person_marked_not_safe(client, logged_in, user):
    """Issue 13, item 14: Alex's dismissals would suggest widening the circle by name, until marked."""
    alex = make_person(user, "Alex")
    for day in (4, 5, 6, 7):
        make_log(user, "closeness", at=may(day), person=alex, response="dismissed")
    suggestion = re.compile(r'class="card suggestion".*?</section>', re.S)
    assert "Alex" in suggestion.search(unescape(client.get("/month/2026-05").get_data(as_text=True)))[0]
    alex.not_safe = True
    alex.save()
    html = unescape(client.get("/month/2026-05").get_data(as_text=True))
    assert "Alex" not in suggestion.search(html)[0]
