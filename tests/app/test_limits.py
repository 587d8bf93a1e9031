"""Rate limits: per IP and per account on sign-in, sign-up, reset and the address check; per token
on API writes; a friendly 429 with Retry-After; and a limiter of each app's own."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from argon2 import PasswordHasher

from tests.conftest import PASSWORD, build_app, csrf_token, make_user
from tracker import create_app, security
from tracker.limits import LIMITS, enabled
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
    app = build_app(database_url, tmp_path, clock, RATELIMIT_ENABLED="1")
    yield app
    database.close()


def post(client, path: str, data: dict, ip: str = "10.0.0.1"):
    return client.post(
        path, data={**data, "csrf_token": csrf_token(client)}, environ_base={"REMOTE_ADDR": ip}
    )


def test_wrong_passwords_for_one_account_are_limited_from_any_address(client, user):
    for n in range(50):  # a botnet: every try from an address of its own
        wrong = post(client, "/login", {"email": "ana@example.com", "password": "wrong"}, f"10.1.{n}.1")
        assert wrong.status_code == 401
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


def test_a_guesser_at_one_address_does_not_lock_the_owner_out(app, user):
    guesser = app.test_client()
    for _ in range(10):
        post(guesser, "/login", {"email": "ana@example.com", "password": "wrong"}, "10.0.0.66")
    assert (
        post(guesser, "/login", {"email": "ana@example.com", "password": PASSWORD}, "10.0.0.66").status_code
        == 429
    )
    owner = app.test_client()
    assert (
        post(owner, "/login", {"email": "ana@example.com", "password": PASSWORD}, "10.0.0.7").status_code
        == 303
    )


def proxied_app(database_url, clock, proxies: int):
    """An app with limits on, behind `proxies` trusted reverse proxies."""
    config = {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t", "CLOCK": clock}
    return create_app({**config, "RATELIMIT_ENABLED": "1", "TRUSTED_PROXIES": proxies})


def via_proxy(client, path: str, data: dict, client_ip: str):
    """A request as the proxy on 127.0.0.1 passes it on, naming the client in X-Forwarded-For."""
    data = {**data, "csrf_token": csrf_token(client)}
    headers = {"X-Forwarded-For": client_ip}
    return client.post(path, data=data, headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})


def test_behind_a_trusted_proxy_a_guesser_does_not_lock_out_another_address(database_url, clock, user):
    app = proxied_app(database_url, clock, 1)
    guesser, owner = app.test_client(), app.test_client()
    for _ in range(10):
        via_proxy(guesser, "/login", {"email": "ana@example.com", "password": "wrong"}, "203.0.113.9")
    again = via_proxy(guesser, "/login", {"email": "ana@example.com", "password": PASSWORD}, "203.0.113.9")
    assert again.status_code == 429
    mine = via_proxy(owner, "/login", {"email": "ana@example.com", "password": PASSWORD}, "198.51.100.4")
    assert mine.status_code == 303


def test_behind_a_trusted_proxy_sign_ups_are_limited_per_real_client(database_url, clock):
    app = proxied_app(database_url, clock, 1)
    client = app.test_client()
    for n in range(10):
        via_proxy(client, "/register", {"email": f"u{n}@example.com", "password": "x"}, "203.0.113.9")
    late = {"email": "late@example.com", "password": "x"}
    assert via_proxy(client, "/register", late, "203.0.113.9").status_code == 429
    assert via_proxy(client, "/register", late, "198.51.100.4").status_code == 422


def test_without_trusted_proxies_x_forwarded_for_is_ignored(database_url, clock, user):
    app = proxied_app(database_url, clock, 0)
    client = app.test_client()
    for n in range(10):  # a client naming a new address on every try gets nowhere
        via_proxy(client, "/login", {"email": "ana@example.com", "password": "wrong"}, f"203.0.113.{n}")
    spoofed = via_proxy(client, "/login", {"email": "ana@example.com", "password": PASSWORD}, "198.51.100.4")
    assert spoofed.status_code == 429


@pytest.mark.parametrize("value", ["-1", "two", "11", "1.5"])
def test_a_bad_trusted_proxies_setting_stops_the_start(database_url, value):
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        create_app(
            {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t", "TRUSTED_PROXIES": value}
        )


def test_every_limited_endpoint_exists_and_accepts_post(app):
    """A renamed view would silently lose its limit: every name in the table must be a POST view."""
    for endpoint in LIMITS:
        rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint]
        assert rules, endpoint
        assert all(rule.methods & {"POST", "PATCH", "PUT", "DELETE"} for rule in rules), endpoint
        assert not any("GET" in rule.methods for rule in rules), endpoint


def test_head_on_the_sign_in_page_is_not_limited_and_signs_no_one_in(client, user):
    data = {"email": "ana@example.com", "password": PASSWORD}
    for _ in range(30):
        head = client.open("/login", method="HEAD", data=data)
        assert head.status_code == 200
    assert client.get("/settings").status_code == 302


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
