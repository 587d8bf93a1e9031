"""The practice rhythm on the pages (issue 17): a trend in words after two weeks, never "of 100", how
connections felt beside it in words, and Settings' choice to hide every number."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path

import pytest

from tests.conftest import (
    PASSWORD,
    Auth,
    make_log,
    make_person,
    post_without_login_then_without_token,
    practise_since_april,
    save_in_settings,
    section,
    settings_card,
)
from tracker.models import User, naive_utc

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
TREND = re.compile(r"<strong>(Building|Steady|Quieter lately|Starting):</strong> ")


def visible_text(html: str) -> str:
    """What a reader sees: no charts (their day labels are dates), no tags."""
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def figures(text: str) -> list[str]:
    """The numbers in a text, dates ("since 3 May", "13 May 2026") left out."""
    text = re.sub(rf"\b\d{{1,2}} (?:{MONTHS})(?: \d{{4}})?\b", "", text)
    text = re.sub(rf"\b(?:{MONTHS}) \d{{4}}\b", "", text)
    return re.findall(r"\d+", text)


def hide_numbers(user: User) -> None:
    User.update(hide_numbers=True).where(User.id == user.id).execute()


@pytest.fixture
def practising(user):
    """Created Mon 6 April 2026 (T = 4), logging three or four days a week, with Sam who mostly
    welcomes: by Wed 13 May the rhythm has been shown since 19 April."""
    return practise_since_april(user, person=make_person(user), before=4, after=7, response="welcomed")


def test_the_month_shows_the_rhythm_as_a_trend_with_how_connections_felt_beside_it(
    client, logged_in, practising
):
    html = client.get("/month/2026-05").get_data(as_text=True)
    rhythm = section(html, "score-heading")
    assert TREND.search(rhythm)
    assert "Two thirds is showing up, one third is balance" in rhythm
    assert "a quarter" not in rhythm and "Half is showing up" not in rhythm
    assert "How connections felt lately: <strong>mostly felt safe</strong>" in rhythm
    assert "never part of it" in rhythm
    assert "of 100" not in html and "Secure Pattern" not in html


def test_words_only_the_month_shows_no_figure_at_all(client, logged_in, practising):
    hide_numbers(practising)
    html = client.get("/month/2026-05").get_data(as_text=True)
    rhythm = section(html, "score-heading")
    assert re.search(r"<strong>Building</strong> since \d+ (?:April|May)", rhythm)
    assert "Showing up <strong>" in rhythm and "Balance <strong>in balance</strong>" in rhythm
    assert "The numbers, day by day" not in html
    assert 'text-anchor="end" dominant-baseline="middle">' not in html.split('id="chart-safety')[0]
    article = html[html.index('<article id="month"') : html.index("</article>")]
    # The calendar and its key (dates, and each day's logs), and the years in links, are not measures.
    article = re.sub(
        r'<table class="calendar">.*?</table>|<ul class="legend".*?</ul>', "", article, flags=re.S
    )
    # A ladder's step is a place, not a measure; the neighbouring months and the year are dates.
    page = re.sub(r"step \d of 3|\b(?:Apr|Jun)\s+2026|of 2026", "", visible_text(article))
    assert figures(page) == [], page
    assert "Current streak" in page and ("a week or more" in page or "under a week" in page)


def test_words_only_year_and_person_pages_show_no_figures(client, logged_in, practising):
    hide_numbers(practising)
    year = client.get("/year/2026").get_data(as_text=True)
    assert "In numbers" not in year and 'class="mini-counts"' not in year
    assert re.search(r"<strong>Building</strong> since (?:April|May)", year)
    main = year[year.index("<main") : year.index("</main>")]
    assert figures(visible_text(main).replace("2026", "").replace("2025", "").replace("2027", "")) == []
    person = client.get(f"/people/{practising.people.get().id}").get_data(as_text=True)
    main = person[person.index("<main") : person.index("</main>")]
    # The idle lock's time (issue 17, item 6) is a setting, not a measure.
    text = re.sub(r"after \d+ quiet minutes", "", visible_text(main))
    assert figures(text) == [], text
    assert "Most of the responses you noted welcomed you." in person
    assert "You felt more settled after than before, on average." in person


def test_numbers_come_back_when_chosen_again(client, logged_in, practising):
    hide_numbers(practising)
    logged_in.post("/settings/numbers", {"hide_numbers": "0"})
    html = client.get("/month/2026-05").get_data(as_text=True)
    assert TREND.search(section(html, "score-heading")) and "The numbers, day by day" in html


def test_a_one_day_old_account_shows_no_rhythm_number(client, logged_in, user, clock):
    user.created_at = naive_utc(clock.now - timedelta(hours=2))
    user.save()
    make_log(user, "closeness", at=clock.now - timedelta(hours=1), after=8, response="welcomed")
    html = client.get("/month").get_data(as_text=True)
    rhythm = section(html, "score-heading")
    assert "Your rhythm appears after two weeks" in rhythm
    assert figures(visible_text(rhythm)) == []
    assert "chart-score" not in html and "Showing up" not in html and "of 100" not in html
    year = client.get("/year").get_data(as_text=True)
    assert "Your rhythm appears after two weeks" in year
    table = year[year.index('class="year-table"') : year.index("</table>")]
    assert re.search(r"<td>—</td>", table) and "chart-year" not in year
    assert isinstance(client.get("/api/v1/summary").get_json()["score"], int)  # the API always has it


def test_the_settings_choice_is_saved_and_a_bad_one_changes_nothing(client, logged_in, user):
    block = settings_card(client, "numbers")
    assert 'name="hide_numbers" value="0" checked' in block and "In words only" in block
    block = save_in_settings(client, logged_in, "/settings/numbers", {"hide_numbers": "1"}, "numbers")
    assert User.get_by_id(user.id).hide_numbers is True
    assert "Saved: words only, no numbers." in block and 'value="1" checked' in block
    for bad in ({"hide_numbers": "yes"}, {}, {"hide_numbers": "2"}):
        response = logged_in.post("/settings/numbers", bad)
        assert response.status_code == 422
        assert 'id="hide_numbers-error">Choose whether to show numbers or words only.' in response.get_data(
            as_text=True
        )
        assert User.get_by_id(user.id).hide_numbers is True


def test_the_setting_needs_a_csrf_token_and_a_login(app, client, user):
    post_without_login_then_without_token(client, "/settings/numbers", {"hide_numbers": "1"})
    assert User.get_by_id(user.id).hide_numbers is False


def test_the_demo_month_shows_a_trend_in_words_and_never_of_100(app, client, runner):
    result = runner.invoke(args=["tracker", "demo", "--email", "demo@example.com", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    Auth(client).login(email="demo@example.com", password=PASSWORD)
    html = client.get("/month").get_data(as_text=True)
    rhythm = section(html, "score-heading")
    assert TREND.search(rhythm), rhythm[:400]
    assert re.search(
        r"How connections felt lately: <strong>(?:mostly felt safe|often felt safe|sometimes felt safe|"
        r"felt hard lately)</strong>",
        rhythm,
    )
    for path in ("/month", "/year", "/about", "/"):
        assert "of 100" not in client.get(path).get_data(as_text=True), path
    people = section(html, "people-heading")
    assert not re.search(r"felt safe \d|\d+ ?%", visible_text(people))  # never a number on a person


def test_the_about_page_claims_what_the_evidence_shows(client):
    html = unescape(client.get("/about").get_data(as_text=True))
    assert html.count("86%") == 1  # Gottman's finding, once, as a finding
    assert "not a target" in html
    studies = re.findall(r"<li>(.*?)</li>", html[html.index("The research behind it") :], re.S)
    assert len(studies) >= 12 and all(re.search(r"\(\d{4}\)", study) for study in studies), studies
    priming = html[html.index("security priming") :]
    priming = priming[: priming.index("</p>")]
    assert "lab" in priming and "short-lived" in priming and "not as a promise of change" in priming
    assert "practice rhythm" in html and "never how other people respond" in html
    assert "nothing resets" not in html and "Secure Pattern" not in html


def test_no_copy_says_nothing_resets_or_names_the_old_score():
    """Streak copy is honest (DOMAIN.md): a streak ends on an open day; the score is the practice rhythm."""
    root = Path(__file__).resolve().parents[2]
    files = [
        *root.glob("templates/**/*.html"),
        *root.glob("templates/**/*.txt"),
        *root.glob("tracker/**/*.py"),
    ]
    files += [root / "README.md", *root.glob("docs/*.md")]
    said = {path.relative_to(root).as_posix(): path.read_text(encoding="utf-8").lower() for path in files}
    assert [path for path, text in said.items() if "nothing resets" in text] == []
    assert [path for path, text in said.items() if "secure pattern" in text] == []
    assert [path for path, text in said.items() if "of 100" in text and path.startswith("templates/")] == []


def test_a_streak_that_ended_on_an_open_day_is_said_plainly(client, logged_in, user):
    """With a target of 7 every unlogged day is open: the streak of 4 May ended on 5 May."""
    user.weekly_target = 7
    user.created_at = naive_utc(datetime(2026, 5, 4, 6, 0, tzinfo=UTC))
    user.save()
    make_log(user, at=datetime(2026, 5, 4, 7, 0, tzinfo=UTC))
    html = unescape(client.get("/month/2026-05").get_data(as_text=True))
    assert "Your streak ended on an open day. What you built still counts: any log starts a new one." in html
    assert "<dt>Open days</dt><dd>8</dd>" in html  # 5 to 12 May; today is pending
    make_log(user)  # today
    html = unescape(client.get("/month/2026-05").get_data(as_text=True))
    assert "streak ended on an open day" not in html
