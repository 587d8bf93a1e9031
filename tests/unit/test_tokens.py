"""tokens.py: sealed, expiring, single-use email tokens bound to their account, spent through the
database (both engines)."""

from __future__ import annotations

import base64
import json
import threading
from datetime import timedelta

import pytest

from tests.conftest import make_user
from tracker import tokens
from tracker.models import UsedToken, database
from tracker.tokens import TokenError


def test_email_token_round_trips_ids_and_extras(ctx, user, clock):
    token = tokens.make("done", user.id, 42, clock.now, k="repair", s=2, d="2026-05-13")
    found = tokens.read(token, "done", clock.now)
    assert (found.purpose, found.user_id, found.subject) == ("done", user.id, 42)
    assert found.extra == {"k": "repair", "s": 2, "d": "2026-05-13"}
    assert user.email not in token and "repair" not in token  # nothing readable at a glance
    same = tokens.make("done", user, 42, clock.now, found.jti, k="repair", s=2, d="2026-05-13")
    assert tokens.read(same, "done", clock.now) == found  # a User does as well as its id


def _decoded(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def test_email_token_is_opaque(ctx, user, clock):
    """Issue 12: the token was itsdangerous' base64 JSON, so anyone could read the ids in a link."""
    token = tokens.make("done", user, 123456, clock.now, "done:0123456789abcdef", k="repair", s=2)
    assert "." not in token  # no payload.signature
    raw = _decoded(token)
    for visible in (b"123456", b"0123456789abcdef", b"repair", user.token_key[:8].encode()):
        assert visible not in raw
    with pytest.raises(ValueError):
        json.loads(raw)
    # Short enough for a mail app not to wrap it, with everything a reminder's link carries.
    assert len(token) <= 200
    fuller = tokens.make(
        "done", user, 2**40, clock.now, "done:" + "f" * 20, k="closeness", s=3, d="2026-05-13"
    )
    assert len(fuller) <= 200


def test_a_token_of_one_purpose_opens_for_no_other(ctx, user, clock):
    token = tokens.make("unsubscribe", user, 1, clock.now)
    for purpose in tokens.LIFETIMES:
        if purpose != "unsubscribe":
            with pytest.raises(TokenError):
                tokens.read(token, purpose, clock.now)


def test_a_token_dies_with_its_account_even_when_its_id_comes_back(ctx, clock):
    gone = make_user("gone@example.com")
    token = tokens.make("done", gone, 1, clock.now)
    gone.delete_instance()
    with pytest.raises(TokenError) as caught:
        tokens.read(token, "done", clock.now)
    assert caught.value.reason == "invalid"
    make_user("twin@example.com", id=gone.id)  # another account with the very same id
    with pytest.raises(TokenError) as caught:
        tokens.read(token, "done", clock.now)
    assert caught.value.reason == "invalid"


def test_making_a_token_for_no_account_fails(ctx, clock):
    with pytest.raises(LookupError):
        tokens.make("done", 987654, 1, clock.now)


def test_email_tokens_expired_tampered_or_misused_are_refused(ctx, user, clock):
    token = tokens.make("snooze", user.id, 1, clock.now)
    clock.now += tokens.LIFETIMES["snooze"] + timedelta(seconds=1)
    with pytest.raises(TokenError) as caught:
        tokens.read(token, "snooze", clock.now)
    assert caught.value.reason == "expired"
    fresh = tokens.make("snooze", user.id, 1, clock.now)
    altered = "yy" if fresh.endswith("xx") else "xx"
    for bad, purpose in (
        (fresh[:-2] + altered, "snooze"),
        (fresh[:-1], "snooze"),
        (fresh + "A", "snooze"),
        (fresh, "done"),
        ("nonsense", "snooze"),
        ("", "snooze"),
        ("é" * 40, "snooze"),
        ("a" * 700, "snooze"),
    ):
        with pytest.raises(TokenError) as caught:
            tokens.read(bad, purpose, clock.now)
        assert caught.value.reason == "invalid"


def test_email_token_from_another_secret_key_does_not_verify(app, user, clock):
    with app.app_context():
        token = tokens.make("done", user.id, 1, clock.now)
        app.config["SECRET_KEY"] = "another"
        with pytest.raises(TokenError):
            tokens.read(token, "done", clock.now)


def test_email_token_is_spent_once(ctx, user, clock):
    found = tokens.read(tokens.make("not_today", user.id, 7, clock.now), "not_today", clock.now)
    tokens.spend(found, clock.now)
    with pytest.raises(TokenError) as caught:
        tokens.spend(found, clock.now)
    assert caught.value.reason == "used"
    assert UsedToken.select().count() == 1


def test_email_token_survives_a_rolled_back_action(ctx, user, clock):
    token = tokens.make("done", user.id, 1, clock.now)
    found = tokens.read(token, "done", clock.now)
    with pytest.raises(RuntimeError), database.atomic():
        tokens.spend(found, clock.now)
        raise RuntimeError("the action failed")
    assert tokens.read(token, "done", clock.now).jti == found.jti


def test_email_token_clicked_twice_at_once_is_spent_once(ctx, user, clock):
    found = tokens.read(tokens.make("snooze", user.id, 1, clock.now), "snooze", clock.now)
    results, barrier = [], threading.Barrier(4)

    def click():
        barrier.wait()
        try:  # each thread has its own connection (peewee's are per thread)
            with database.connection_context(), database.atomic():
                tokens.spend(found, clock.now)
            results.append("ok")
        except TokenError:
            results.append("used")

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "used", "used", "used"]


def test_email_tokens_of_a_deleted_account_stop_working(ctx, clock):
    other = make_user("gone@example.com")
    found = tokens.read(tokens.make("done", other.id, 1, clock.now), "done", clock.now)
    other.delete_instance()
    with pytest.raises(TokenError):
        tokens.spend(found, clock.now)
