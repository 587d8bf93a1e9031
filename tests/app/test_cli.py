"""The `tracker` commands: init-db, token and demo."""

from __future__ import annotations

from datetime import timedelta

import pytest
from peewee import fn

from tests.app.test_migrations import drop_all_tables
from tests.conftest import PASSWORD, Auth, build_app
from tracker.insights import local_date_of
from tracker.kinds import HURTFUL, KINDS, RESPONSES
from tracker.migrations import current_version, discover, migrate
from tracker.models import ApiToken, CheckIn, Log, Person, User, database, init_database, naive_utc
from tracker.security import hash_token

LATEST = discover()[-1].version


@pytest.fixture
def bare_app(database_url, tmp_path, clock):
    """An app over a database with no tables, that does not migrate on start-up."""
    db = init_database(database_url)
    drop_all_tables(db)
    db.close()
    app = build_app(database_url, tmp_path, clock, MIGRATE_ON_START=False)
    yield app
    migrate(init_database(database_url))  # later tests expect the full schema
    database.close()


def test_init_db_creates_the_schema_and_is_idempotent(bare_app):
    runner = bare_app.test_cli_runner()
    assert not database.table_exists("users")
    first = runner.invoke(args=["tracker", "init-db"])
    assert first.exit_code == 0, first.output
    assert f"schema version {LATEST}" in first.output
    assert str([step.version for step in discover()]) in first.output
    second = runner.invoke(args=["tracker", "init-db"])
    assert second.exit_code == 0
    assert "applied nothing new" in second.output
    assert current_version(database) == LATEST
    assert database.table_exists("users") and database.table_exists("api_tokens")


def test_init_db_keeps_existing_rows(runner, user):
    result = runner.invoke(args=["tracker", "init-db"])
    assert result.exit_code == 0 and "applied nothing new" in result.output
    assert User.get().email == user.email


def test_token_prints_a_token_that_authenticates(client, runner, user):
    result = runner.invoke(args=["tracker", "token", "--email", "ANA@example.com", "--name", "my script"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert token.startswith("sb_")
    stored = ApiToken.get()
    assert (stored.user_id, stored.name, stored.token_hash) == (user.id, "my script", hash_token(token))
    response = client.get("/api/v1/kinds", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert [kind["key"] for kind in response.get_json()["kinds"]] == [kind.key for kind in KINDS]
    assert client.get("/api/v1/kinds", headers={"Authorization": f"Bearer {token}x"}).status_code == 401


def test_each_token_command_makes_a_new_token(runner, user):
    first = runner.invoke(args=["tracker", "token", "--email", user.email]).output.strip()
    second = runner.invoke(args=["tracker", "token", "--email", user.email]).output.strip()
    assert first != second and ApiToken.select().count() == 2


@pytest.mark.parametrize("email", ["nobody@example.com", "not an email", "ana\x00@example.com"])
def test_token_for_an_unknown_email_fails_with_a_message(runner, user, email):
    result = runner.invoke(args=["tracker", "token", "--email", email])
    assert result.exit_code != 0
    assert f"No account for {email}." in result.output
    assert "Traceback" not in result.output
    assert ApiToken.select().count() == 0


def test_demo_creates_a_rich_account_with_nothing_in_the_future(app, client, runner, clock):
    result = runner.invoke(args=["tracker", "demo", "--email", "Demo@Example.com", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    user = User.get()
    assert user.email == "demo@example.com"
    logs = Log.select().where(Log.user == user)
    assert logs.count() >= 300
    assert f"with {logs.count()} logs" in result.output

    latest = Log.select(fn.MAX(Log.at)).where(Log.user == user).scalar()
    assert latest <= naive_utc(clock.now)
    assert Log.select(fn.MAX(Log.local_date)).scalar() <= local_date_of(clock.now, user.timezone)
    earliest = Log.select(fn.MIN(Log.local_date)).scalar()
    assert earliest >= local_date_of(clock.now, user.timezone) - timedelta(days=365)
    assert user.created_at <= Log.select(fn.MIN(Log.at)).scalar()

    assert {log.kind for log in logs} == {kind.key for kind in KINDS}
    # every response but a hurtful one: the demo shows practice, not a care flow
    assert {log.response for log in logs} == {*RESPONSES, None} - {HURTFUL}
    people = Person.select().where(Person.user == user)
    assert people.count() >= 5
    used = {log.person_id for log in logs if log.person_id}
    assert len(used) >= 5 and used <= {p.id for p in people}
    assert any(log.note for log in logs) and any(log.before is not None for log in logs)

    Auth(client).login(email="demo@example.com", password=PASSWORD)
    assert client.get("/history").status_code == 200
    # A check-in each month (issue 16): the year page sets them beside the practice.
    assert CheckIn.select().where(CheckIn.user == user).count() >= 12
    assert "Your check-ins beside your practice" in client.get("/year").get_data(as_text=True)


def test_demo_in_a_far_east_zone_has_nothing_in_the_future(runner, clock):
    # 10:30 UTC is already 00:30 the next day in Kiritimati: that whole local day is still ahead.
    result = runner.invoke(
        args=["tracker", "demo", "--email", "kiri@example.com", "--timezone", "Pacific/Kiritimati"]
    )
    assert result.exit_code == 0, result.output
    assert Log.select(fn.MAX(Log.at)).scalar() <= naive_utc(clock.now)


def test_demo_again_for_the_same_email_fails_cleanly(runner):
    args = ["tracker", "demo", "--email", "demo@example.com", "--password", PASSWORD]
    assert runner.invoke(args=args).exit_code == 0
    count = Log.select().count()
    again = runner.invoke(args=[*args[:3], "DEMO@example.com", *args[4:]])
    assert again.exit_code == 1
    assert "demo@example.com already has an account." in again.output
    assert "Traceback" not in again.output
    assert (User.select().count(), Log.select().count()) == (1, count)


def test_demo_for_an_existing_users_email_leaves_them_alone(runner, user):
    result = runner.invoke(args=["tracker", "demo", "--email", user.email])
    assert result.exit_code == 1 and "already has an account" in result.output
    assert Log.select().count() == 0 and Person.select().count() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "not-an-email"], "Enter a valid email address."),
        (["--password", "short"], "Use at least 10 characters."),
        (["--timezone", "Mars/Base"], "Unknown time zone Mars/Base."),
    ],
    ids=["email", "password", "timezone"],
)
def test_demo_refuses_bad_options(runner, args, message):
    result = runner.invoke(args=["tracker", "demo", *args])
    assert result.exit_code == 1 and message in result.output
    assert User.select().count() == 0
