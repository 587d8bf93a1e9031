"""Migrations on SQLite and PostgreSQL: an empty database, a second run, and an upgrade that keeps rows."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time

import pytest
from peewee import IntegrityError, Model, OperationalError, PostgresqlDatabase, Table, fn

from tracker.insights import DayTotals, LogFact, day_totals
from tracker.migrations import MigrationError, NeverReusedId, Step, current_version, discover, migrate
from tracker.models import (
    CHECKIN_ITEMS,
    MODELS,
    ApiToken,
    CheckIn,
    Log,
    LogDay,
    Nudge,
    Pause,
    Person,
    PushSubscription,
    ReminderRule,
    User,
    database,
    dated_rows,
    init_database,
    open_database,
)

LATEST = discover()[-1].version
VERSIONS = [step.version for step in discover()]
GIVEN_KEYS = {"schema_version"}  # its keys are the step numbers, never drawn by the database


def drop_all_tables(db) -> None:
    """Leave the database as a fresh install finds it (the PostgreSQL one is shared within a worker)."""
    cascade = " CASCADE" if isinstance(db, PostgresqlDatabase) else ""
    for table in db.get_tables():
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"{cascade}')


@pytest.fixture
def empty_db(database_url):
    """A database with no tables at all; fully migrated again afterwards, so later tests find a schema."""
    db = init_database(database_url)
    drop_all_tables(db)
    assert db.get_tables() == []
    yield db
    database.close()
    db = init_database(database_url)
    db.execute_sql("DROP TABLE IF EXISTS extra_step_table")
    if db.table_exists("schema_version"):
        versions = Table("schema_version", ("version",)).bind(db)
        versions.delete().where(versions.version > LATEST).execute()
    migrate(db)
    db.close()


def _columns(db, table: str) -> set[str]:
    return {column.name for column in db.get_columns(table)}


def test_steps_are_numbered_once_each_from_1():
    """Numbers are handed out per branch, so one may be missing until its branch lands (see below)."""
    assert sorted(set(VERSIONS)) == VERSIONS and VERSIONS[0] == 1
    assert LATEST >= 2


def test_a_lower_step_that_lands_later_still_runs(empty_db):
    """Step N+1 merged and applied first, step N after: the next start-up applies N, and only N."""
    ran = []
    later = Step(LATEST + 2, "later", lambda db: ran.append(LATEST + 2))
    assert migrate(empty_db, steps=[*discover(), later]) == [*VERSIONS, LATEST + 2]
    lower = Step(LATEST + 1, "lower", lambda db: ran.append(LATEST + 1))
    assert migrate(empty_db, steps=[*discover(), lower, later]) == [LATEST + 1]
    assert ran == [LATEST + 2, LATEST + 1]
    assert migrate(empty_db, steps=[*discover(), lower, later]) == []


def test_migrate_an_empty_database(empty_db):
    assert current_version(empty_db) == 0
    assert migrate(empty_db) == VERSIONS
    assert current_version(empty_db) == LATEST
    for table in ("users", "people", "logs", "api_tokens"):
        assert empty_db.table_exists(table)


def test_migrating_again_applies_nothing(empty_db):
    migrate(empty_db)
    assert migrate(empty_db) == []
    assert current_version(empty_db) == LATEST


def test_the_migrated_schema_has_every_column_the_models_use(empty_db):
    migrate(empty_db)
    for model in MODELS:
        expected = {field.column_name for field in model._meta.sorted_fields}
        assert expected <= _columns(empty_db, model._meta.table_name), model.__name__


def test_the_migrated_schema_enforces_unique_nicknames_per_user_in_any_case(empty_db):
    migrate(empty_db)
    ana = User.create(email="ana@example.com", password_hash="x", session_key="k1")
    bo = User.create(email="bo@example.com", password_hash="x", session_key="k2")
    Person.create(user=ana, nickname="Sam", role="partner")
    Person.create(user=bo, nickname="sam", role="friend")  # another user may use it
    with pytest.raises(IntegrityError), empty_db.atomic():
        Person.create(user=ana, nickname="SAM", role="friend")
    assert Person.select().count() == 2


def _v1_tables(db) -> tuple[Table, Table, Table]:
    """The tables as step 1 created them: rows are written in that schema, not today's models."""
    users = Table(
        "users", ("id", "email", "password_hash", "timezone", "weekly_target", "session_key", "created_at")
    )
    people = Table("people", ("id", "user_id", "nickname", "role", "archived", "created_at"))
    log_columns = ("id", "user_id", "kind", "step", "person_id", "at", "local_date", "before", "after")
    logs = Table("logs", (*log_columns, "response", "note", "created_at", "updated_at"))
    return users.bind(db), people.bind(db), logs.bind(db)


def test_upgrade_from_version_1_keeps_every_row(empty_db):
    assert migrate(empty_db, target=1) == [1]
    assert current_version(empty_db) == 1
    assert not empty_db.table_exists("api_tokens")

    at = datetime(2026, 5, 1, 16, 30)
    users, people, logs = _v1_tables(empty_db)
    users.insert(
        email="ana@example.com",
        password_hash="hash",
        timezone="Asia/Tokyo",
        weekly_target=5,
        session_key="s1",
        created_at=at,
    ).execute()
    ana = users.select(users.id).scalar()
    people.insert(user_id=ana, nickname="Sam", role="partner", archived=True, created_at=at).execute()
    sam = people.select(people.id).scalar()
    log_ids = [uuid.uuid4() for _ in range(3)]
    logs.insert(
        [
            {
                "id": log_id.hex,
                "user_id": ana,
                "kind": "repair",
                "step": i + 1,
                "person_id": sam if i else None,
                "at": at,
                "local_date": date(2026, 5, 2),
                "before": 3,
                "after": 7,
                "response": "welcomed",
                "note": f"note {i}",
                "created_at": at,
                "updated_at": at,
            }
            for i, log_id in enumerate(log_ids)
        ]
    ).execute()

    assert migrate(empty_db) == [v for v in VERSIONS if v >= 2]
    assert current_version(empty_db) == LATEST

    # Read back through today's models: every row and value survived.
    user = User.get()
    assert (user.id, user.email, user.timezone, user.weekly_target, user.session_key, user.created_at) == (
        ana,
        "ana@example.com",
        "Asia/Tokyo",
        5,
        "s1",
        at,
    )
    assert [(p.id, p.nickname, p.role, p.archived) for p in Person.select()] == [
        (sam, "Sam", "partner", True)
    ]
    stored = {log.id: log for log in Log.select()}
    assert set(stored) == set(log_ids)
    first = stored[log_ids[0]]
    assert (first.user_id, first.step, first.person_id, first.note) == (ana, 1, None, "note 0")
    assert (first.at, first.local_date, first.before, first.after) == (at, date(2026, 5, 2), 3, 7)
    assert stored[log_ids[2]].person_id == sam
    # New rows work alongside the kept ones, and ids carry on after them.
    ApiToken.create(user=user, name="script", token_hash="0" * 64, created_at=at)
    assert ApiToken.get().user_id == ana
    assert User.create(email="bo@example.com", password_hash="x").id > ana


def test_a_failing_step_leaves_no_trace(empty_db):
    def broken(db):
        db.execute_sql("CREATE TABLE extra_step_table (id INTEGER PRIMARY KEY)")
        raise RuntimeError("step failed halfway")

    steps = [*discover(), Step(LATEST + 1, "broken", broken)]
    with pytest.raises(RuntimeError, match="halfway"):
        migrate(empty_db, steps=steps)
    assert current_version(empty_db) == LATEST  # the good steps stay applied
    assert not empty_db.table_exists("extra_step_table")  # the bad one is rolled back whole


def test_start_up_migrates_a_fresh_database(empty_db, database_url, tmp_path):
    from tracker import create_app

    create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x"})
    db = init_database(database_url)
    assert current_version(db) == LATEST
    assert db.table_exists("api_tokens")


def test_a_second_process_waits_while_a_step_runs(empty_db, database_url):
    """Workers starting together: the second one must not start a step the first is applying."""
    migrate(empty_db)
    ran = []

    def step(db):
        ran.append(db)
        if len(ran) == 1:  # the first process, mid-step: a second one starts up now
            other = open_database(database_url)
            other.execute_sql(
                "SET lock_timeout = '200ms'"
                if isinstance(other, PostgresqlDatabase)
                else "PRAGMA busy_timeout = 0"
            )
            with pytest.raises(OperationalError):  # it waited its turn (and gave up: we hold the lock)
                migrate(other, steps=steps)
            other.close()
        db.execute_sql("CREATE TABLE extra_step_table (id INTEGER PRIMARY KEY)")

    steps = [Step(LATEST + 1, "slow", step)]
    assert migrate(empty_db, steps=steps) == [LATEST + 1]
    assert len(ran) == 1
    assert current_version(empty_db) == LATEST + 1


# --- m0008 (issue 12): ids never reused, every row, index and trigger kept --------------------------

V7_COLUMNS = {
    "users": (
        "id",
        "email",
        "password_hash",
        "timezone",
        "weekly_target",
        "session_key",
        "created_at",
        "email_verified_at",
        "reminders_paused",
        "digest_opt_in",
        "revision",
    ),
    "people": ("id", "user_id", "nickname", "role", "archived", "created_at", "not_safe"),
    "logs": (
        "id",
        "user_id",
        "kind",
        "step",
        "person_id",
        "at",
        "local_date",
        "before",
        "after",
        "response",
        "note",
        "created_at",
        "updated_at",
    ),
    "api_tokens": ("id", "user_id", "name", "token_hash", "created_at", "last_used_at"),
    "pauses": ("id", "user_id", "start_date", "end_date", "reason", "created_at"),
    "reminder_rules": (
        "id",
        "user_id",
        "purpose",
        "days",
        "local_time",
        "kind",
        "enabled",
        "next_due_at",
        "created_at",
    ),
    "nudges": (
        "id",
        "rule_id",
        "due_at",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "error",
        "response",
        "created_at",
    ),
    "used_tokens": ("jti", "user_id", "purpose", "used_at"),
    "ladder_steps": ("id", "user_id", "kind", "step", "snoozed_until", "updated_at"),
    "checkins": ("id", "user_id", "month", "created_at", "updated_at", *CHECKIN_ITEMS),
    "practice_profiles": (
        "id",
        "user_id",
        "focus_kinds",
        "onboarding_step",
        "onboarding_done_at",
        "created_at",
    ),
}


def _fill_version_7(db) -> None:
    """Three accounts (the middle one deleted, leaving a gap) with a row in every table, written in the
    schema of step 7."""
    t = {name: Table(name, columns).bind(db) for name, columns in V7_COLUMNS.items()}

    def insert(table: str, **row) -> int:
        """Insert a row and return its id (a plain Table insert returns none on PostgreSQL)."""
        t[table].insert(**row).execute()
        return t[table].select(fn.MAX(t[table].id)).scalar()

    at = datetime(2026, 5, 1, 16, 30)
    ids = []
    for n in range(3):
        row = {"email": f"u{n}@example.com", "password_hash": "h", "timezone": "Asia/Tokyo"}
        row |= {"weekly_target": 4, "session_key": f"s{n}", "created_at": at, "email_verified_at": at}
        ids.append(insert("users", **row, reminders_paused=False, digest_opt_in=n == 2, revision=0))
    t["users"].delete().where(t["users"].id == ids[1]).execute()
    for user in (ids[0], ids[2]):
        person = insert(
            "people",
            user_id=user,
            nickname="Sam",
            role="partner",
            archived=False,
            created_at=at,
            not_safe=True,
        )
        t["logs"].insert(
            id=uuid.uuid4().hex,
            user_id=user,
            kind="repair",
            step=2,
            person_id=person,
            at=at,
            local_date=date(2026, 5, 2),
            before=3,
            after=6,
            response="welcomed",
            note="kept",
            created_at=at,
            updated_at=at,
        ).execute()
        t["api_tokens"].insert(
            user_id=user, name="script", token_hash=f"{user:064d}", created_at=at
        ).execute()
        t["pauses"].insert(
            user_id=user, start_date=date(2026, 4, 1), end_date=date(2026, 4, 3), reason="ill", created_at=at
        ).execute()
        rule = insert(
            "reminder_rules",
            user_id=user,
            purpose="nudge",
            days=127,
            local_time="18:30:00",
            kind=None,
            enabled=True,
            next_due_at=at,
            created_at=at,
        )
        t["nudges"].insert(
            rule_id=rule, due_at=at, status="sent", attempts=1, sent_at=at, response="done", created_at=at
        ).execute()
        t["used_tokens"].insert(jti=f"done:{rule}", user_id=user, purpose="done", used_at=at).execute()
        t["ladder_steps"].insert(user_id=user, kind="repair", step=2, updated_at=at).execute()
        t["checkins"].insert(
            user_id=user, month="2026-04", created_at=at, updated_at=at, **dict.fromkeys(CHECKIN_ITEMS, 3)
        ).execute()
        t["practice_profiles"].insert(
            user_id=user, focus_kinds="repair", onboarding_step=3, created_at=at
        ).execute()


def _snapshot(db, dropped: frozenset[str] = frozenset()) -> dict:
    """Every row (in step 7's columns, less those dropped since), index and trigger."""
    rows = {}
    for table, columns in V7_COLUMNS.items():
        names = ", ".join(f'"{column}"' for column in columns if f"{table}.{column}" not in dropped)
        rows[table] = db.execute_sql(f"SELECT {names} FROM {table} ORDER BY 1").fetchall()  # noqa: S608 (constant)
    if isinstance(db, PostgresqlDatabase):
        indexes = db.execute_sql("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")
        triggers = db.execute_sql(
            "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal"
        )
    else:
        indexes = db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index'")
        triggers = db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    return {"rows": rows, "indexes": set(indexes.fetchall()), "triggers": set(triggers.fetchall())}


def test_upgrade_from_version_7_keeps_every_row_and_index(empty_db):
    migrate(empty_db, target=7)
    _fill_version_7(empty_db)
    before = _snapshot(empty_db, REVISION)
    assert all(before["rows"].values())
    per_table = 3 if isinstance(empty_db, PostgresqlDatabase) else 4  # m0006's, on each watched table
    assert len(before["triggers"]) == 6 * per_table

    assert migrate(empty_db) == [v for v in VERSIONS if v >= 8]
    after = _snapshot(empty_db, REVISION)
    assert after["rows"] == before["rows"]
    assert before["indexes"] <= after["indexes"]
    added = (
        after["indexes"] - before["indexes"]
    )  # only the new tables (m0009, m0017, m0018, m0021) bring their own
    new_tables = ("user_sessions", "push_subscriptions", "plans", "log_days")
    assert added and all(any(table in f"{name} {sql}" for table in new_tables) for name, sql in added)
    assert {
        trigger[0] for trigger in after["triggers"]
    } == LOG_DAYS_TRIGGERS  # m0010 dropped the page cache's
    # The new random columns are filled for the rows that were there.
    keys = [user.token_key for user in User.select()]
    assert len(set(keys)) == 2 and all(re.fullmatch(r"[0-9a-f]{32}", key) for key in keys)
    assert all(re.fullmatch(r"[0-9a-f]{20}", nudge.marker) for nudge in Nudge.select())

    # Writes to the tables the triggers watched still work; the foreign keys still cascade.
    first, last = User.select().order_by(User.id)
    Pause.create(user=first, start_date=date(2026, 6, 1), end_date=date(2026, 6, 2))
    last.delete_instance()
    assert Log.select().where(Log.user == last.id).count() == 0
    assert Log.select().where(Log.user == first.id).count() == 1
    if not isinstance(empty_db, PostgresqlDatabase):
        assert empty_db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert empty_db.execute_sql("PRAGMA foreign_key_check").fetchall() == []

    # The deleted max id is never handed out again, nor any other deleted one.
    newcomer = User.create(email="new@example.com", password_hash="x")
    assert newcomer.id > last.id
    rule = ReminderRule.create(user=newcomer, local_time=time(9))
    assert rule.id > max(r.id for r in ReminderRule.select().where(ReminderRule.id != rule.id))


REVISION = frozenset({"users.revision"})
LOG_DAYS_TRIGGERS = {"logs_count_days_insert", "logs_count_days_delete", "logs_count_days_change"}


def test_upgrade_to_10_drops_the_page_cache_triggers_function_and_column(empty_db):
    migrate(empty_db, target=9)
    _fill_version_7(empty_db)
    assert "revision" in _columns(empty_db, "users")
    before = _snapshot(empty_db, REVISION)
    assert before["triggers"]

    assert migrate(empty_db) == [v for v in VERSIONS if v >= 10]
    after = _snapshot(empty_db, REVISION)
    later = {
        index
        for index in after["indexes"]
        if any(t in str(index) for t in ("push_subscriptions", "plans", "log_days"))
    }
    assert after["rows"] == before["rows"] and after["indexes"] - later == before["indexes"]
    assert {trigger[0] for trigger in after["triggers"]} == LOG_DAYS_TRIGGERS  # m0021's, none of m0006's
    assert "revision" not in _columns(empty_db, "users")
    if isinstance(empty_db, PostgresqlDatabase):
        functions = "SELECT count(*) FROM pg_proc WHERE proname = 'bump_user_revision'"
        assert empty_db.execute_sql(functions).fetchone()[0] == 0
    # Every watched table still takes writes, and users no longer has the column to bump.
    first = User.select().order_by(User.id).first()
    Person.create(user=first, nickname="Kim")
    Log.update(note="changed").where(Log.user == first.id).execute()
    assert User.get_by_id(first.id).email == first.email


def test_upgrade_to_14_notes_wording_1_on_every_earlier_checkin(empty_db):
    """Months answered before wording 2 keep wording 1 (and their answers); a new check-in gets 2."""
    migrate(empty_db, target=7)
    _fill_version_7(empty_db)
    migrate(empty_db, target=max(v for v in VERSIONS if v < 14))
    assert "wording" not in _columns(empty_db, "checkins")
    before = _snapshot(empty_db, REVISION)["rows"]["checkins"]

    assert 14 in migrate(empty_db)
    assert _snapshot(empty_db, REVISION)["rows"]["checkins"] == before
    rows = list(CheckIn.select().order_by(CheckIn.id))
    assert len(rows) == 2 and [row.wording for row in rows] == [1, 1]
    assert rows[0].answers == dict.fromkeys(CHECKIN_ITEMS, 3)
    new = CheckIn.create(user=rows[0].user_id, month="2026-05", **dict.fromkeys(CHECKIN_ITEMS, 4))
    assert CheckIn.get_by_id(new.id).wording == 2
    with pytest.raises(IntegrityError), empty_db.atomic():  # NOT NULL: a row never lacks its wording
        CheckIn.update(wording=None).where(CheckIn.id == new.id).execute()


def test_upgrade_to_17_sends_every_earlier_rule_by_email_and_adds_devices(empty_db):
    """Rules from before Web Push keep going by email; nudges and rules keep every row."""
    migrate(empty_db, target=7)
    _fill_version_7(empty_db)
    migrate(empty_db, target=max(v for v in VERSIONS if v < 17))
    assert "channels" not in _columns(empty_db, "reminder_rules")
    assert "delivered" not in _columns(empty_db, "nudges")
    before = _snapshot(empty_db, REVISION)["rows"]

    assert 17 in migrate(empty_db)
    after = _snapshot(empty_db, REVISION)["rows"]
    assert after == before
    rules = list(ReminderRule.select())
    assert rules and {rule.channels for rule in rules} == {"email"}
    assert {nudge.delivered for nudge in Nudge.select()} == {None}
    user = User.select().first()
    device = PushSubscription.create(
        user=user, endpoint="https://fcm.googleapis.com/x", p256dh="k", auth="a", label="l"
    )
    with pytest.raises(IntegrityError), empty_db.atomic():  # one row per browser
        PushSubscription.create(user=user, endpoint=device.endpoint, p256dh="k", auth="a", label="l")
    with pytest.raises(IntegrityError), empty_db.atomic():  # NOT NULL: a rule always has its channels
        ReminderRule.update(channels=None).where(ReminderRule.id == rules[0].id).execute()
    user.delete_instance()
    assert PushSubscription.select().count() == 0  # deleting an account deletes its devices


def test_every_integer_primary_key_on_sqlite_autoincrements(empty_db):
    """A table whose integer id SQLite may hand out again would let old links name new rows."""
    if isinstance(empty_db, PostgresqlDatabase):
        pytest.skip("PostgreSQL sequences never hand out an id twice")
    migrate(empty_db)
    tables = empty_db.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    checked = []
    for name, sql in tables:
        keys = [row for row in empty_db.execute_sql(f'PRAGMA table_info("{name}")') if row[5]]
        if len(keys) != 1 or keys[0][2].upper() != "INTEGER" or name in GIVEN_KEYS:
            continue
        checked.append(name)
        assert "AUTOINCREMENT" in sql.upper(), f"{name}: use NeverReusedId (tracker/migrations)"
    assert {"users", "nudges", "reminder_rules", "push_subscriptions"} <= set(checked)


def test_never_reused_id_autoincrements_on_sqlite_only(empty_db):
    class Thing(Model):
        id = NeverReusedId()

        class Meta:
            database = empty_db
            table_name = "extra_step_table"

    empty_db.create_tables([Thing])
    if isinstance(empty_db, PostgresqlDatabase):
        first = Thing.create()
        first.delete_instance()
        assert Thing.create().id > first.id  # a serial column, as for every other table
        return
    (create,) = empty_db.execute_sql(
        "SELECT sql FROM sqlite_master WHERE name = 'extra_step_table'"
    ).fetchone()
    assert "AUTOINCREMENT" in create
    first, second = Thing.create(), Thing.create()
    second.delete_instance()
    assert Thing.create().id > second.id > first.id


def test_a_step_with_foreign_keys_off_that_breaks_a_reference_is_rolled_back(empty_db):
    if isinstance(empty_db, PostgresqlDatabase):
        pytest.skip("only SQLite turns foreign keys off for a step")
    migrate(empty_db)
    user = User.create(email="ana@example.com", password_hash="x")

    def orphan(db):
        db.execute_sql("DELETE FROM users")  # no cascade with foreign keys off: the pause is left behind
        db.execute_sql("CREATE TABLE extra_step_table (id INTEGER PRIMARY KEY AUTOINCREMENT)")

    Pause.create(user=user, start_date=date(2026, 6, 1), end_date=date(2026, 6, 2))
    with pytest.raises(MigrationError, match="foreign key"):
        migrate(empty_db, steps=[Step(LATEST + 1, "orphan", orphan, foreign_keys_off=True)])
    assert current_version(empty_db) == LATEST
    assert not empty_db.table_exists("extra_step_table")
    assert User.select().count() == 1 and Pause.select().count() == 1
    assert empty_db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1  # on again


def test_a_step_needing_foreign_keys_off_refuses_to_run_inside_a_transaction(empty_db):
    """There the pragma is silently ignored, and rebuilding `users` would cascade and delete every log."""
    if isinstance(empty_db, PostgresqlDatabase):
        pytest.skip("only SQLite turns foreign keys off for a step")
    migrate(empty_db)
    ran = []
    step = Step(LATEST + 1, "rebuild", ran.append, foreign_keys_off=True)
    with pytest.raises(MigrationError, match="inside a transaction"), empty_db.atomic():
        migrate(empty_db, steps=[step])
    assert ran == [] and current_version(empty_db) == LATEST
    assert empty_db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1


def test_upgrade_to_15_leaves_every_number_shown_for_existing_accounts(empty_db):
    """hide_numbers arrives false for every account (and keeps every row as it was); it can be set, and
    it is NOT NULL."""
    migrate(empty_db, target=7)
    _fill_version_7(empty_db)
    migrate(empty_db, target=max(v for v in VERSIONS if v < 15))
    assert "hide_numbers" not in _columns(empty_db, "users")
    before = _snapshot(empty_db, REVISION)["rows"]

    assert 15 in migrate(empty_db)
    assert _snapshot(empty_db, REVISION)["rows"] == before
    users = list(User.select().order_by(User.id))
    assert users and not any(user.hide_numbers for user in users)
    User.update(hide_numbers=True).where(User.id == users[0].id).execute()
    assert User.get_by_id(users[0].id).hide_numbers is True
    with pytest.raises(IntegrityError), empty_db.atomic():
        User.update(hide_numbers=None).where(User.id == users[0].id).execute()


def test_upgrade_to_19_marks_every_earlier_respond_log_toward_and_leaves_other_kinds_without_a_bid(empty_db):
    """Bids (issue 16): each respond log there was is a bid turned toward; other kinds answer no bid."""
    migrate(empty_db, target=7)
    _fill_version_7(empty_db)
    migrate(empty_db, target=max(v for v in VERSIONS if v < 19))
    assert "bid" not in _columns(empty_db, "logs")
    logs = Table("logs", V7_COLUMNS["logs"]).bind(empty_db)
    users = Table("users", V7_COLUMNS["users"]).bind(empty_db)  # the model has columns from later upgrades
    user_id = users.select(users.id).order_by(users.id).scalar()
    at = datetime(2026, 5, 1, 16, 30)
    responded = uuid.uuid4()
    for log_id, kind in ((responded, "respond"), (uuid.uuid4(), "closeness")):
        row = {"id": log_id.hex, "user_id": user_id, "kind": kind, "at": at, "local_date": date(2026, 5, 1)}
        logs.insert(**row, created_at=at, updated_at=at).execute()
    before = _snapshot(empty_db, REVISION)["rows"]

    assert 19 in migrate(empty_db)
    assert _snapshot(empty_db, REVISION)["rows"] == before  # every other column as it was
    assert {(log.kind, log.bid) for log in Log.select()} == {
        ("respond", "toward"),
        ("closeness", None),
        ("repair", None),
    }
    assert Log.get_by_id(responded).bid == "toward"
    Log.update(bid="away").where(Log.id == responded).execute()  # nullable, and takes the other ways
    assert Log.get_by_id(responded).bid == "away"


def test_upgrade_to_20_opts_every_account_in_to_fresh_starts_and_greets_none_yet(empty_db):
    """fresh_start arrives true (it reaches only people with a reminder and a confirmed address) and NOT
    NULL; fresh_greeted arrives empty; every other row stays as it was."""
    migrate(empty_db, target=7)
    _fill_version_7(empty_db)
    migrate(empty_db, target=max(v for v in VERSIONS if v < 20))
    assert not {"fresh_start", "fresh_greeted"} & _columns(empty_db, "users")
    before = _snapshot(empty_db, REVISION)["rows"]

    assert 20 in migrate(empty_db)
    assert _snapshot(empty_db, REVISION)["rows"] == before
    users = list(User.select().order_by(User.id))
    assert users and all(user.fresh_start is True and user.fresh_greeted is None for user in users)
    User.update(fresh_start=False, fresh_greeted=date(2026, 6, 1)).where(User.id == users[0].id).execute()
    again = User.get_by_id(users[0].id)
    assert again.fresh_start is False and again.fresh_greeted == date(2026, 6, 1)
    with pytest.raises(IntegrityError), empty_db.atomic():
        User.update(fresh_start=None).where(User.id == users[0].id).execute()


def test_upgrade_to_21_sums_up_the_days_of_every_log_there_was_and_keeps_them(empty_db):
    """log_days arrives filled from the logs (one row per user and date, with the totals insights would
    sum up from them), and the triggers keep it as logs come; every other row stays as it was."""
    migrate(empty_db, target=7)
    _fill_version_7(empty_db)
    migrate(empty_db, target=max(v for v in VERSIONS if v < 21))
    assert not empty_db.table_exists("log_days")
    before = _snapshot(empty_db, REVISION)["rows"]

    assert 21 in migrate(empty_db)
    assert _snapshot(empty_db, REVISION)["rows"] == before and before["logs"]

    def totals_hold() -> None:
        for user in User.select():
            logs = [LogFact._make(row) for row in dated_rows(Log.facts(user, date(2000, 1, 1), date.max))]
            kept = dated_rows(Log.day_totals(user, date(2000, 1, 1), date.max))
            assert [DayTotals._make(row) for row in kept] == day_totals(logs)

    totals_hold()
    first = User.select().order_by(User.id).first()
    day = Log.select().where(Log.user == first.id).first().local_date
    Log.create(
        id=uuid.uuid4(), user=first, kind="space", at=datetime(2026, 5, 1, 12), local_date=day, after=8
    )
    totals_hold()
    assert LogDay.select().where(LogDay.user == first.id, LogDay.local_date == day).get().logs == 2
