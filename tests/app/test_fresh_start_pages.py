"""Fresh starts on the pages (issue 16, item 3): the Settings switch, and the same small step in
Today's welcome back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import (
    FIXED_NOW,
    make_log,
    make_person,
    post_without_login_then_without_token,
    save_in_settings,
    settings_card,
)
from tracker.models import Plan, User


def banner(html: str) -> str:
    """Today's welcome back."""
    start = html.index('class="card banner welcome-back"')
    return html[start : html.index("</p>", start)]


def test_the_switch_is_on_by_default_saves_and_says_so(client, logged_in, user):
    block = settings_card(client, "fresh")
    assert 'name="fresh_start" value="1" checked' in block and "after a quiet week" in block
    block = save_in_settings(client, logged_in, "/settings/fresh", {"fresh_start": "0"}, "fresh")
    assert User.get_by_id(user.id).fresh_start is False
    assert "Saved: no fresh-start email." in block and 'value="0" checked' in block
    logged_in.post("/settings/fresh", {"fresh_start": "1"})
    assert User.get_by_id(user.id).fresh_start is True


@pytest.mark.parametrize(
    "bad", [{"fresh_start": "on"}, {}, {"fresh_start": "2"}, {"fresh_start": "1" * 5000}]
)
def test_a_bad_value_says_what_to_do_and_changes_nothing(client, logged_in, user, bad):
    User.update(fresh_start=False).where(User.id == user.id).execute()
    response = logged_in.post("/settings/fresh", bad)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="fresh_start-error">Choose whether to get the fresh-start email.' in html
    assert User.get_by_id(user.id).fresh_start is False


def test_htmx_gets_the_same_message_with_a_200(client, logged_in, user):
    response = logged_in.post("/settings/fresh", {"fresh_start": "x"}, htmx=True)
    assert (
        response.status_code == 200
        and "Choose whether to get the fresh-start email." in response.get_data(as_text=True)
    )


def test_the_switch_needs_a_login_and_a_csrf_token(app, client, user):
    post_without_login_then_without_token(client, "/settings/fresh", {"fresh_start": "0"})
    assert User.get_by_id(user.id).fresh_start is True


def test_get_head_and_options_change_nothing(client, logged_in, user):
    for method in ("get", "head", "options"):
        response = getattr(client, method)("/settings/fresh")
        assert response.status_code in (200, 405), method
    assert User.get_by_id(user.id).fresh_start is True


def test_the_welcome_back_offers_the_same_fresh_step(client, logged_in, user):
    make_log(user, "space", at=FIXED_NOW - timedelta(days=9))
    html = banner(client.get("/").get_data(as_text=True))
    assert "Welcome back" in html and "A fresh start, if you'd like one:" in html
    assert 'href="/log/confide">Confide</a>: Name today&#39;s feeling.' in html
    Plan.create(user=user, kind="widen", cue="I feel alone", action="text one friend")
    html = banner(client.get("/").get_data(as_text=True))
    assert 'href="/log/widen">Widen your circle</a>: When I feel alone, I will text one friend.' in html


def test_the_welcome_back_never_offers_a_couples_step_while_anyone_is_not_safe(client, logged_in, user):
    make_log(user, "space", at=FIXED_NOW - timedelta(days=9))
    Plan.create(user=user, kind="repair", cue="we argue", action="send a softening message")
    assert "softening" in banner(client.get("/").get_data(as_text=True))
    make_person(user, "Lee", not_safe=True)
    html = banner(client.get("/").get_data(as_text=True))
    assert "A fresh start" in html and "softening" not in html and "/log/repair" not in html


def test_no_fresh_step_without_a_lapse(client, logged_in, user):
    make_log(user, "space", at=FIXED_NOW - timedelta(days=6))
    assert "A fresh start" not in client.get("/").get_data(as_text=True)
