"""Rate limits: per IP and per account on sign-in, sign-up, reset and the address check; per token
on API writes; a friendly 429 with Retry-After; and a limiter of each app's own."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from argon2 import PasswordHasher

from tests.conftest import PASSWORD, csrf_token, make_user
from tracker import create_app, security
from tracker.limits import enabled
from tracker.models import ApiToken, database
from tracker.security import new_api_token


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """Argon2 is slow on purpose; these tests count attempts, so they hash cheaply."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(security, "_hasher", cheap)
    monkeypatch.setattr(security, "_DUMMY_HASH", cheap.hash("not a password of anyone"))


@pytest.fixture
def user(app):
    """Ana, with the test password hashed cheaply."""
    return cheap_user("ana@example.com")


def cheap_user(email: str):
    user = make_user(email)
    user.password_hash = security.hash_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def app(database_url, tmp_path, clock):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "MAIL_URL": f"file://{tmp_path / 'outbox'}",
            "CLOCK": clock,
            "RATELIMIT_ENABLED": "1",
        }
    )
    yield app
    database.close()


def post(client, path: str, data: dict, ip: str = "10.0.0.1"):
    return client.post(
        path, data={**data, "csrf_token": csrf_token(client)}, environ_base={"REMOTE_ADDR": ip}
    )


def test_wrong_passwords_for_one_account_are_limited_from_any_address(client, user):
    for n in range(10):
        assert (
            post(
                client, "/login", {"email": "ana@example.com", "password": "wrong"}, f"10.0.1.{n}"
            ).status_code
            == 401
        )
    blocked = post(client, "/login", {"email": " ANA@example.com", "password": PASSWORD}, "10.0.2.1")
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert "Take a breath" in blocked.get_data(as_text=True) and "<html" in blocked.get_data(as_text=True)
    # Another account is not affected.
    make_user("bo@example.com")
    assert (
        post(client, "/login", {"email": "bo@example.com", "password": PASSWORD}, "10.0.2.1").status_code
        == 303
    )


def test_successful_logins_do_not_count(app, user):
    for _ in range(12):
        client = app.test_client()
        assert post(client, "/login", {"email": "ana@example.com", "password": PASSWORD}).status_code == 303


def test_registration_is_limited_per_address(client):
    for n in range(10):
        post(client, "/register", {"email": f"u{n}@example.com", "password": "x"})
    assert post(client, "/register", {"email": "late@example.com", "password": "x"}).status_code == 429
    other_ip = post(client, "/register", {"email": "late@example.com", "password": "x"}, "10.9.9.9")
    assert other_ip.status_code == 422


def test_reset_requests_are_limited_per_account(client, user):
    for n in range(3):
        assert post(client, "/reset", {"email": "ana@example.com"}, f"10.0.3.{n}").status_code == 200
    assert post(client, "/reset", {"email": "ana@example.com"}, "10.0.4.1").status_code == 429
    assert post(client, "/reset", {"email": "bo@example.com"}, "10.0.4.1").status_code == 200


def test_verification_resend_is_limited_per_account(client, logged_in):
    codes = [logged_in.post("/reminders/verify").status_code for _ in range(4)]
    assert codes[:3] == [303, 303, 303] and codes[3] == 429


def test_api_writes_are_limited_per_token_and_answer_json(client, user):
    secret, digest = new_api_token()
    ApiToken.create(user=user, name="script", token_hash=digest)
    headers = {"Authorization": f"Bearer {secret}"}
    codes = [client.delete(f"/api/v1/logs/{n:032x}", headers=headers).status_code for n in range(121)]
    assert codes[:120] == [404] * 120 and codes[120] == 429
    answer = client.delete("/api/v1/logs/" + "0" * 32, headers=headers)
    assert answer.status_code == 429 and answer.is_json and "Retry-After" in answer.headers
    assert client.get("/api/v1/kinds", headers=headers).status_code == 200  # reads are not limited


def test_each_app_has_its_own_counts(app, database_url, tmp_path, user):
    client = app.test_client()
    for _ in range(10):
        post(client, "/login", {"email": "ana@example.com", "password": "wrong"})
    assert post(client, "/login", {"email": "ana@example.com", "password": PASSWORD}).status_code == 429
    fresh = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t", "RATELIMIT_ENABLED": "1"}
    )
    assert (
        post(fresh.test_client(), "/login", {"email": "ana@example.com", "password": PASSWORD}).status_code
        == 303
    )


def test_limits_switch_off(database_url, user):
    off = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t", "RATELIMIT_ENABLED": "0"}
    )
    client = off.test_client()
    for _ in range(12):
        assert post(client, "/reset", {"email": "ana@example.com"}).status_code == 200


@pytest.mark.parametrize(
    ("value", "on"), [("1", True), ("0", False), ("false", False), (False, False), (True, True)]
)
def test_enabled_reads_the_setting(value, on):
    assert enabled(SimpleNamespace(config={"RATELIMIT_ENABLED": value})) is on


def test_redis_storage_works(database_url):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    config = {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t", "RATELIMIT_ENABLED": "1"}
    config["RATELIMIT_STORAGE_URL"] = "redis://127.0.0.1:6379/15"
    email = f"{uuid.uuid4().hex}@example.com"  # Redis is shared by parallel runs: a key of our own
    client = create_app(config).test_client()
    net = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"  # per-IP counts outlive a run too
    for n in range(3):
        assert post(client, "/reset", {"email": email}, f"{net}.{n}").status_code == 200
    # A second app (another worker process) sees the same counts.
    again = create_app(config).test_client()
    assert post(again, "/reset", {"email": email}, f"{net}.9").status_code == 429
