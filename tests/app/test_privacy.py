"""Issue 17, item 10: the privacy page says what is stored, where, who can see it, and how to take it
away, true to the code: every table is named on it, and it is linked from every page and from sign-up."""

from __future__ import annotations

import re

import pytest

from tests.conftest import make_person
from tracker.models import MODELS

# Each table → words the page uses for it. A new table fails here until the page says what it holds.
TABLE_WORDS = {
    "users": ("email address", "Argon2id hash", "time zone", "fresh-start email switches"),
    "user_sessions": ("a random key for each browser that is signed in", "remember me"),
    "people": ("nicknames and roles", "never contact details", "keep someone out of suggestions"),
    "logs": ("how settled", "how they responded", "how you met it (toward, away or against)", "private note"),
    "log_days": ("each date you logged on with its sums", "how many reached in or made room"),
    "api_tokens": ("API tokens you create, kept only as a hash",),
    "pauses": ("pauses (dates and an optional reason)",),
    "reminder_rules": ("days, time and kind of each one",),
    "nudges": ("a record of each reminder email", "never its content"),
    "used_tokens": ("one-time email links once used",),
    "ladder_steps": ("your step on each ladder",),
    "checkins": ("monthly check-in answers",),
    "practice_profiles": ("the kinds that lead Today", "how far the welcome got"),
    "plans": ("your if-then plans in your own words",),
    "push_subscriptions": ("Your devices for notifications", "the keys that encrypt"),
}


def privacy_page(client) -> str:
    response = client.get("/privacy")
    assert response.status_code == 200
    return " ".join(response.get_data(as_text=True).split())  # line breaks in the source read as spaces


def test_every_table_is_named_on_the_page(client):
    html = privacy_page(client).replace("&#34;", '"')
    assert set(TABLE_WORDS) == {model._meta.table_name for model in MODELS}
    for table, words in TABLE_WORDS.items():
        for word in words:
            assert word in html, (table, word)


@pytest.mark.parametrize(
    ("section", "words"),
    [
        ("stored", ("What is stored",)),
        ("where", ("On the server", "until the browser closes", "lasts 90 days", "never kept")),
        (
            "who",
            (
                "Anyone who can open Secure Base on your device",
                "not encrypted",
                "network address",
                "Your email provider",
                "never hold a name",
            ),
        ),
        ("export", ("JSON", "CSV", "holds your notes")),
        ("delete", ("your password confirms", "every row that is yours", "backups")),
    ],
)
def test_it_says_what_where_who_and_how_to_take_it_away(client, section, words):
    html = privacy_page(client)
    assert f'id="{section}"' in html
    for word in words:
        assert word in html, word


def test_the_export_leaves_out_what_the_page_says_it_leaves_out(client, logged_in, user):
    """The page says the file holds no ladder steps, focus kinds, sign-ins, tokens or safety marker."""
    make_person(user, "Rex", not_safe=True)
    data = client.get("/export.json").get_json()
    assert set(data) == {
        "version",
        "app",
        "exported_at",
        "profile",
        "people",
        "logs",
        "pauses",
        "reminders",
        "checkins",
        "push_subscriptions",
        "plans",
    }
    assert data["people"] == [
        {
            "nickname": "Rex",
            "role": "partner",
            "archived": False,
            "created_at": data["people"][0]["created_at"],
        }
    ]


def test_linked_from_every_page_and_from_sign_up(client, logged_in):
    for path in ("/", "/more", "/settings", "/help"):
        footer = client.get(path).get_data(as_text=True).split("<footer", 1)[1]
        assert '<a href="/privacy">Privacy</a>' in footer, path
    logged_in.logout()
    register = client.get("/register").get_data(as_text=True)
    form_end = register.index("</form>")
    assert '<a href="/privacy">Privacy</a>' in register[form_end : register.index("<footer")]
    assert re.search(r'<a href="/privacy">Privacy</a>', privacy_page(client).split("<footer", 1)[1])
