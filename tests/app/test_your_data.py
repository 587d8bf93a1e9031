"""Your data: export (JSON, CSV, CLI), import (validated, all or nothing, idempotent), delete account
(every row of the user, counted in every table), and the SQLite backup command."""

from __future__ import annotations

import io
import json
import sqlite3
import threading
import uuid
from datetime import date, timedelta

import pytest

from tests.conftest import FIXED_NOW, PASSWORD, Auth, make_log, make_person, make_user
from tracker import rules
from tracker.models import (
    CHECKIN_ITEMS,
    ApiToken,
    CheckIn,
    Log,
    Nudge,
    Pause,
    Person,
    PushSubscription,
    ReminderRule,
    UsedToken,
    User,
    database,
    naive_utc,
)
from tracker.queries import save_plan
from tracker.security import new_api_token


def counts() -> dict[str, int]:
    """Rows in every table of the database (so tables added later are counted too)."""
    names = [name for name in database.get_tables() if name != "schema_version"]
    return {name: database.execute_sql(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}  # noqa: S608


def fill(user: User) -> None:
    """One of everything an account can hold."""
    sam = make_person(user, "Sam")
    make_person(user, "Émile", role="friend", archived=True)
    make_log(user, person=sam, note="=SUM(A1) a walk", before=3, after=7, response="welcomed", step=2)
    make_log(user, kind="repair", at=FIXED_NOW - timedelta(days=3))
    Pause.create(user=user, start_date=date(2026, 4, 1), end_date=date(2026, 4, 3), reason="flu")
    rule = rules.create_rule(
        user, rules.parse_rule({"days": ["mon", "fri"], "time": "18:30", "kind": None}), FIXED_NOW
    )
    rules.set_digest(user, True, FIXED_NOW)
    Nudge.create(rule=rule, due_at=naive_utc(FIXED_NOW), status="sent")
    ApiToken.create(user=user, name="phone", token_hash=new_api_token()[1])
    UsedToken.create(jti=uuid.uuid4().hex, user=user, purpose="verify")
    CheckIn.create(user=user, month="2026-04", c1=4, d2=2, a3=5)
    PushSubscription.create(
        user=user,
        endpoint=f"https://fcm.googleapis.com/fcm/send/{user.id}",
        p256dh="BFX3p8GcWRLbCCvL4eijOSTMurkDYttmXEfNU0xcxEACxdwuPZShRq59vUNIwWRfQ_janHbjrCLpeJ7cpoofEks",
        auth="m21mq8HxtRB_O4zuH9QaOw",
        label="Chrome on Android",
    )
    save_plan(user.id, "space", "I need to leave the room", "say when I'll be back")  # replaced below
    save_plan(user.id, "space", "I feel crowded", "ask for <ten> minutes")
    save_plan(user.id, "confide", "I feel low", "tell Sam one true thing")


def upload(auth: Auth, content: bytes | str, name: str = "export.json"):
    raw = content.encode() if isinstance(content, str) else content
    return auth.post(
        "/settings/import", {"file": (io.BytesIO(raw), name)}, content_type="multipart/form-data"
    )


def test_export_json_holds_everything_of_mine_and_nothing_of_others(client, logged_in, user):
    fill(user)
    make_log(make_user("bo@example.com"), note="bo's secret")
    response = client.get("/export.json")
    assert response.status_code == 200 and response.is_json
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert data["version"] == 1
    assert data["profile"]["email"] == "ana@example.com" and data["profile"]["timezone"] == "Europe/Berlin"
    assert {p["nickname"] for p in data["people"]} == {"Sam", "Émile"}
    assert len(data["logs"]) == 2 and "bo's secret" not in response.get_data(as_text=True)
    walk = next(log for log in data["logs"] if log["person"] == "Sam")
    assert (walk["before"], walk["after"], walk["response"], walk["step"]) == (3, 7, "welcomed", 2)
    assert data["pauses"] == [{"start_date": "2026-04-01", "end_date": "2026-04-03", "reason": "flu"}]
    assert {r["purpose"] for r in data["reminders"]} == {"nudge", "digest"}
    assert [(p["kind"], p["when"], p["then"], p["active"]) for p in data["plans"]] == [
        ("space", "I need to leave the room", "say when I'll be back", False),
        ("space", "I feel crowded", "ask for <ten> minutes", True),
        ("confide", "I feel low", "tell Sam one true thing", True),
    ]
    assert data["checkins"] == [
        {"month": "2026-04", "wording": 2, "c1": 4, "c2": None, "c3": None, "d1": None, "d2": 2}
        | {"d3": None, "a1": None, "a2": None, "a3": 5}
    ]
    assert "password_hash" not in response.get_data(as_text=True)


def test_export_csv_has_the_logs_and_defuses_formulas(client, logged_in, user):
    fill(user)
    response = client.get("/export.csv")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "id,local_date,at,kind,step,person,before,after,response,note,bid"
    assert len(lines) == 3 and "'=SUM(A1) a walk" in lines[2]


def test_exports_need_a_login(client):
    assert client.get("/export.json").status_code == 302
    assert client.get("/export.csv").status_code == 302


def test_cli_export_prints_the_same_json(client, logged_in, runner, user):
    fill(user)
    result = runner.invoke(args=["tracker", "export", "--email", "ANA@example.com"])
    assert result.exit_code == 0
    assert json.loads(result.output) == client.get("/export.json").get_json()
    assert runner.invoke(args=["tracker", "export", "--email", "nobody@example.com"]).exit_code != 0


def test_export_delete_reregister_import_brings_everything_back_once(app, client, logged_in, user):
    fill(user)
    exported = client.get("/export.json").get_data()
    before = client.get("/export.json").get_json()
    assert logged_in.post("/account/delete", {"password": PASSWORD}).status_code == 303
    logged_in.register()
    imported = upload(logged_in, exported)
    assert imported.status_code == 303
    assert "Imported 2 logs, 2 people, 1 pauses, 1 reminders, 1 check-ins, 3 if-then plans" in client.get(
        "/settings"
    ).get_data(as_text=True)
    after = client.get("/export.json").get_json()
    for part in ("people", "pauses", "reminders", "checkins", "plans"):
        assert sorted(map(json.dumps, after[part])) == sorted(map(json.dumps, before[part])), part

    def essentials(logs: list[dict]) -> list[tuple]:
        keys = ("id", "kind", "person", "at", "local_date", "note", "step")
        return sorted(tuple(log[key] for key in keys) for log in logs)

    assert essentials(after["logs"]) == essentials(before["logs"])
    snapshot = counts()
    again = upload(logged_in, exported)
    assert again.status_code == 303 and counts() == snapshot  # importing twice changes nothing
    assert "already here" in client.get("/settings").get_data(as_text=True)


def test_import_matches_people_by_nickname_in_any_case(client, logged_in, user):
    make_person(user, "SAM")
    file = {
        "version": 1,
        "people": [{"nickname": "sam", "role": "friend"}],
        "logs": [
            {"id": str(uuid.uuid4()), "kind": "closeness", "at": "2026-05-01T10:00:00+00:00", "person": "Sam"}
        ],
    }
    assert upload(logged_in, json.dumps(file)).status_code == 303
    assert Person.select().count() == 1 and Log.get().person.nickname == "SAM"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG not json", "not valid JSON"),
        ("[1, 2]", "version"),
        ('{"version": 2}', "version"),
        ('{"version": 1, "logs": {}}', "“logs” must be a list"),
        (
            '{"version": 1, "logs": [{"id": "x", "kind": "closeness", "at": "2026-05-01T10:00:00Z"}]}',
            "logs[0].id",
        ),
        (
            '{"version": 1, "logs": [{"id": "'
            + str(uuid.uuid4())
            + '", "kind": "nope", "at": "2026-05-01T10:00:00Z"}]}',
            "logs[0].kind",
        ),
        (
            '{"version": 1, "logs": [{"id": "'
            + str(uuid.uuid4())
            + '", "kind": "closeness", "at": "9999-01-01T00:00:00Z"}]}',
            "logs[0].at",
        ),
        (
            '{"version": 1, "people": [{"nickname": "<script>alert(1)</script>' + "x" * 40 + '"}]}',
            "people[0]",
        ),
        ('{"version": 1, "pauses": [{"start_date": "2026-05-02", "end_date": "2026-05-01"}]}', "pauses[0]"),
        ('{"version": 1, "reminders": [{"days": ["someday"], "time": "25:00"}]}', "reminders[0]"),
        ('{"version": 1, "profile": {"timezone": "Mars/Olympus"}}', "profile.timezone"),
        ('{"version": 1, "profile": {"help_region": "Atlantis"}}', "profile.help_region"),
        ('{"version": 1, "profile": {"help_region": ["uk"]}}', "profile.help_region"),
        ('{"version": 1, "profile": {"help_region": ""}}', "profile.help_region"),
        ('{"version": 1, "profile": {"hide_numbers": "yes"}}', "profile.hide_numbers"),
        ('{"version": 1, "profile": {"hide_numbers": 1}}', "profile.hide_numbers"),
        ('{"version": 1, "profile": {"fresh_start": "no"}}', "profile.fresh_start"),
        ('{"version": 1, "checkins": [{"month": "2026-13", "c1": 9}]}', "checkins[0]"),
        ('{"version": 1, "checkins": [{"month": "2026-03", "wording": 3}]}', "checkins[0].wording"),
        ('{"version": 1, "checkins": [{"month": "2026-03", "wording": "two"}]}', "checkins[0].wording"),
        ('{"version": 1, "checkins": [{"month": "2026-03", "wording": true}]}', "checkins[0].wording"),
    ],
)
def test_a_malformed_file_changes_nothing_and_says_what_is_wrong(client, logged_in, user, content, message):
    fill(user)
    snapshot = counts()
    response = upload(logged_in, content)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "Nothing was imported." in body
    assert message.replace("“", "&#34;").replace("”", "&#34;") in body or message in body
    assert "<script>alert" not in body
    assert counts() == snapshot


def test_the_help_region_goes_out_with_the_export_and_comes_back_with_the_import(client, logged_in, user):
    User.update(help_region="uk").where(User.id == user.id).execute()
    exported = client.get("/export.json").get_json()
    assert exported["profile"]["help_region"] == "uk"
    User.update(help_region=None).where(User.id == user.id).execute()
    assert upload(logged_in, json.dumps(exported)).status_code in (200, 303)
    assert User.get_by_id(user.id).help_region == "uk"
    exported["profile"]["help_region"] = None  # null: from the time zone again
    upload(logged_in, json.dumps(exported))
    assert User.get_by_id(user.id).help_region is None


@pytest.mark.parametrize(
    ("choice", "chosen"),
    [("hide_numbers", True), ("fresh_start", False)],
    ids=["numbers", "fresh-start"],
)
def test_a_yes_no_choice_goes_out_with_the_export_and_comes_back_with_the_import(
    client, logged_in, user, choice, chosen
):
    """The numbers choice and the fresh-start email, each set away from its default; a file from before
    the choice (without its key) leaves it as it is, and the fresh-start greeting never goes out."""
    User.update(**{choice: chosen}).where(User.id == user.id).execute()
    exported = client.get("/export.json").get_json()
    assert exported["profile"][choice] is chosen and "fresh_greeted" not in exported["profile"]
    User.update(**{choice: not chosen}).where(User.id == user.id).execute()
    assert upload(logged_in, json.dumps(exported)).status_code in (200, 303)
    assert getattr(User.get_by_id(user.id), choice) is chosen
    del exported["profile"][choice]
    upload(logged_in, json.dumps(exported))
    assert getattr(User.get_by_id(user.id), choice) is chosen


def test_a_checkins_wording_goes_out_and_comes_back_and_a_file_without_one_means_1(client, logged_in, user):
    """Issue 17: a month keeps the wording it was answered in through an export and an import."""
    CheckIn.create(user=user, month="2026-03", c1=2, wording=1)
    logged_in.post("/checkin", dict.fromkeys(CHECKIN_ITEMS, "4"))  # May, wording 2
    exported = client.get("/export.json").get_json()
    assert [(c["month"], c["wording"]) for c in exported["checkins"]] == [("2026-03", 1), ("2026-05", 2)]
    CheckIn.delete().execute()
    old_file = {"version": 1, "checkins": [{"month": "2026-02", "c1": 5}]}  # exported before wordings
    assert upload(logged_in, json.dumps(exported)).status_code == 303
    assert upload(logged_in, json.dumps(old_file)).status_code == 303
    rows = CheckIn.select().where(CheckIn.user == user.id).order_by(CheckIn.month)
    assert [(row.month, row.wording, row.c1) for row in rows] == [
        ("2026-02", 1, 5),
        ("2026-03", 1, 2),
        ("2026-05", 2, 4),
    ]
    assert client.get("/export.json").get_json()["checkins"][1:] == exported["checkins"]


def test_a_good_file_with_one_bad_log_imports_nothing(client, logged_in, user):
    good = {"id": str(uuid.uuid4()), "kind": "closeness", "at": "2026-05-01T10:00:00Z"}
    file = {
        "version": 1,
        "people": [{"nickname": "Kim", "role": "friend"}],
        "logs": [good, {**good, "id": str(uuid.uuid4()), "before": 11}],
    }
    assert upload(logged_in, json.dumps(file)).status_code == 422
    assert Person.select().count() == 0 and Log.select().count() == 0


def test_a_file_past_the_reminder_limit_imports_nothing_and_says_why(client, logged_in, user):
    reminders = [{"days": ["mon"], "time": f"{hour:02d}:00"} for hour in range(21)]
    good = {"id": str(uuid.uuid4()), "kind": "closeness", "at": "2026-05-01T10:00:00Z"}
    response = upload(logged_in, json.dumps({"version": 1, "logs": [good], "reminders": reminders}))
    assert response.status_code == 422
    assert "up to 20 reminders" in response.get_data(as_text=True)
    assert Log.select().count() == 0 and ReminderRule.select().count() == 0


def test_import_needs_a_file(client, logged_in):
    response = logged_in.post("/settings/import", {})
    assert response.status_code == 422 and "Choose an export file" in response.get_data(as_text=True)


def test_delete_needs_the_password(client, logged_in, user):
    fill(user)
    snapshot = counts()
    response = logged_in.post("/account/delete", {"password": "wrong password"})
    assert response.status_code == 422 and "Nothing was deleted" in response.get_data(as_text=True)
    assert counts() == snapshot


def test_delete_removes_every_row_of_the_user_and_only_theirs(client, logged_in, user):
    bo = make_user("bo@example.com")
    fill(bo)
    only_bo = counts()  # Bo's rows, and Ana's account row and session alone
    only_bo["users"] -= 1
    only_bo["user_sessions"] -= 1
    fill(user)
    assert all(counts()[name] >= only_bo[name] for name in only_bo)
    response = logged_in.post("/account/delete", {"password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/register"
    assert counts() == only_bo
    assert User.get_or_none(User.email == "ana@example.com") is None
    assert client.get("/settings").status_code == 302  # signed out
    assert Auth(client).login().status_code == 401


def test_settings_has_the_your_data_card(client, logged_in):
    html = client.get("/settings").get_data(as_text=True)
    assert (
        'id="your-data"' in html and 'href="/export.json"' in html and 'enctype="multipart/form-data"' in html
    )


# --- Backups -----------------------------------------------------------------------------------


def test_backup_copies_a_sqlite_database_while_it_is_written(app, runner, user, tmp_path, database_url):
    if not database_url.startswith("sqlite"):
        result = runner.invoke(args=["tracker", "backup", str(tmp_path / "copy.db")])
        assert result.exit_code != 0 and "pg_dump" in result.output
        return
    for _ in range(50):
        make_log(user)
    database.close()
    stop = threading.Event()

    def write() -> None:
        """Keep writing from another connection while the backup runs."""
        with database.connection_context():
            while not stop.is_set():
                make_log(user)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        result = runner.invoke(args=["tracker", "backup", str(tmp_path / "copy.db")])
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(tmp_path / "copy.db")
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT COUNT(*) FROM logs").fetchone()[0] >= 50
        assert copy.execute("SELECT email FROM users").fetchall() == [("ana@example.com",)]
    finally:
        copy.close()
    assert not (tmp_path / "copy.db.partial").exists()


@pytest.mark.parametrize("path", ["/export.json", "/export.csv"])
def test_exports_are_never_cached(client, logged_in, path):
    assert client.get(path).headers["Cache-Control"] == "no-store"


def _import_section(html: str) -> str:
    """The import part of the page: from its heading to the delete heading."""
    start = html.index('<h3 id="import">')
    return html[start : html.index("<h3>Delete your account</h3>", start)]


def test_an_import_result_shows_beside_the_form_and_the_page_opens_there(client, logged_in, user):
    """Issue 13, item 8: not at the page top while the page jumps to the form."""
    exported = json.dumps({"version": 1, "people": [{"nickname": "Sam", "role": "friend"}]})
    response = upload(logged_in, exported)
    assert response.status_code == 303 and response.headers["Location"] == "/settings#import"
    html = client.get("/settings").get_data(as_text=True)
    assert "Imported 0 logs, 1 people" in _import_section(html)
    top = html[html.index('id="flashes"') : html.index("</div>", html.index('id="flashes"'))]
    assert "Imported" not in top
    assert "Imported" not in client.get("/settings").get_data(as_text=True)  # shown once


def test_a_bad_files_message_shows_beside_the_form_and_the_page_opens_there(client, logged_in, user):
    html = client.get("/settings").get_data(as_text=True)
    assert 'action="/settings/import#import"' in html  # a refused file's page comes back scrolled here
    response = upload(logged_in, "not json at all")
    assert response.status_code == 422
    section = _import_section(response.get_data(as_text=True))
    assert 'class="field-error" id="import-error">Nothing was imported.' in section
    assert 'aria-invalid="true"' in section
