"""The year page's outcome loop (issue 16, item 4): each finished month's check-in beside that month's
practice, from 3 check-ins on, with the sentence and the caveat; before that, one quiet line."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import make_log, make_user
from tracker.models import CHECKIN_ITEMS, CheckIn, naive_utc

CAVEAT = "This shows a pattern, not a cause"


def practise(user, month: int, days: int) -> None:
    """One log on each of the first `days` days of `month` 2026."""
    for day in range(1, days + 1):
        make_log(user, at=datetime(2026, month, day, 10, tzinfo=UTC))


def check_in(user, month: str, closeness: int) -> None:
    answers = dict.fromkeys(CHECKIN_ITEMS, 3) | {"c1": closeness, "c2": closeness, "c3": 6 - closeness}
    CheckIn.create(user=user, month=month, **answers)


def test_the_loop_appears_at_three_checkins_with_its_sentence_and_caveat(client, logged_in, user):
    user.created_at = naive_utc(datetime(2026, 1, 1, tzinfo=UTC))
    user.save()
    practise(user, 1, 6)
    practise(user, 2, 20)
    practise(user, 3, 18)
    check_in(user, "2026-01", 2)
    check_in(user, "2026-02", 4)
    html = client.get("/year/2026").get_data(as_text=True)
    assert "Your check-ins beside your practice" not in html
    assert "Once three finished months have a check-in" in html
    check_in(user, "2026-03", 4)
    check_in(user, "2026-05", 1)  # the month still under way: not paired
    html = client.get("/year/2026").get_data(as_text=True)
    assert "Your check-ins beside your practice" in html and CAVEAT in html
    assert (
        "In months with 18 or more active days, comfort with closeness was 2.0 higher than in the others."
        in html
    )
    assert 'id="chart-outcome-caption"' in html and 'aria-labelledby="chart-outcome-caption"' in html
    assert '<th scope="row">May</th>' not in html
    assert "Once three finished months" not in html


def test_hidden_numbers_keep_the_sentence_in_words(client, logged_in, user):
    user.created_at = naive_utc(datetime(2026, 1, 1, tzinfo=UTC))
    user.hide_numbers = True
    user.save()
    for month, days, closeness in ((1, 6, 2), (2, 20, 4), (3, 18, 4)):
        practise(user, month, days)
        check_in(user, f"2026-{month:02d}", closeness)
    html = client.get("/year/2026").get_data(as_text=True)
    assert "In months with more active days, comfort with closeness was higher" in html
    assert "18 or more" not in html and "31 days" not in html


def test_nothing_is_said_to_someone_who_has_never_checked_in(client, logged_in, user):
    html = client.get("/year/2026").get_data(as_text=True)
    assert "Once three finished months" not in html and "beside your practice" not in html


def test_another_users_checkins_stay_theirs(client, logged_in, user):
    other = make_user("bo@example.com", created_at=naive_utc(datetime(2026, 1, 1, tzinfo=UTC)))
    for month, closeness in (("2026-01", 2), ("2026-02", 4), ("2026-03", 4)):
        check_in(other, month, closeness)
    html = client.get("/year/2026").get_data(as_text=True)
    assert "beside your practice" not in html and "Once three finished months" not in html
