"""Import applies the forms' parsers and limits: nothing a file holds can make the user's pages slow or
failing, and the counts a user may have (people, pauses, reminders, check-ins) are the forms' counts."""

from __future__ import annotations

import io
import json
import uuid
from datetime import date, timedelta

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.app.test_your_data import counts, upload
from tests.conftest import FIXED_NOW, csrf_token
from tracker import forms
from tracker.models import ApiToken, CheckIn, Log, Pause, Person, ReminderRule, User

PAGES = (
    "/",
    "/month",
    "/month/2026-05",
    "/month/2000-01",
    "/year",
    "/year/2000",
    "/history",
    "/api/v1/summary",
)


def log(at: str = "2026-05-01T10:00:00Z", **fields) -> dict:
    return {"id": str(uuid.uuid4()), "kind": "closeness", "at": at, **fields}


def file(**parts) -> str:
    return json.dumps({"version": 1, **parts})


def assert_pages_answer(client) -> None:
    for url in PAGES:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "local_date",
    ["0001-01-01", "1900-01-01", "1999-12-30", "2026-04-01", "2026-05-03", "9999-12-31"],
)
def test_a_log_whose_local_date_is_not_a_day_of_its_instant_is_refused(client, logged_in, user, local_date):
    """Before: the file was taken, and then month, year and summary took seconds and failed with a 500."""
    response = upload(logged_in, file(logs=[log(local_date=local_date)]))
    assert response.status_code == 422
    assert "logs[0].local_date" in response.get_data(as_text=True)
    assert Log.select().count() == 0
    assert_pages_answer(client)


@pytest.mark.parametrize(
    ("at", "local_date"),
    [
        ("2026-05-01T10:00:00Z", "2026-05-01"),  # the day in UTC
        ("2026-05-01T23:30:00Z", "2026-05-02"),  # the day in Berlin, the user's zone
        ("2026-05-01T10:30:00Z", "2026-05-02"),  # the day on Kiritimati (UTC+14), where they once were
        ("2026-05-01T11:30:00Z", "2026-04-30"),  # the day on Baker Island (UTC−12)
        ("2026-05-01T10:00:00Z", None),  # no date: the day in the user's zone
    ],
)
def test_a_local_date_is_kept_when_it_was_that_instants_day_in_some_zone(client, logged_in, at, local_date):
    """A log keeps the day it was filed under when the user lived in another zone (DESIGN.md, Time)."""
    entry = log(at, **({"local_date": local_date} if local_date else {}))
    assert upload(logged_in, file(logs=[entry])).status_code == 303
    assert Log.get().local_date == date.fromisoformat(local_date or "2026-05-01")
    assert_pages_answer(client)


def test_an_instant_whose_day_in_the_users_zone_is_before_2000_is_refused(client, logged_in, user):
    User.update(timezone="America/New_York").where(User.id == user.id).execute()
    response = upload(logged_in, file(logs=[log("2000-01-01T03:00:00Z")]))
    assert response.status_code == 422 and "logs[0].at" in response.get_data(as_text=True)


def people(n: int, prefix: str = "p") -> list[dict]:
    return [{"nickname": f"{prefix}{i}", "role": "friend"} for i in range(n)]


def pauses(n: int) -> list[dict]:
    first = date(2001, 1, 1)
    return [
        {
            "start_date": (first + timedelta(days=3 * i)).isoformat(),
            "end_date": (first + timedelta(days=3 * i)).isoformat(),
        }
        for i in range(n)
    ]


def months(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return found


TOO_MUCH = [
    ({"people": people(forms.MAX_PEOPLE + 1)}, "people"),
    ({"pauses": pauses(forms.MAX_PAUSES + 1)}, "pauses"),
    ({"reminders": [{"days": ["mon"], "time": "09:00"}] * (forms.MAX_REMINDERS + 2)}, "reminders"),
    ({"checkins": [{"month": m, "c1": 3} for m in months("2000-01", "2026-06")]}, "checkins[317]"),
    ({"checkins": [{"month": "1999-12", "c1": 3}]}, "checkins[0]"),
    ({"checkins": [{"month": "0000-01", "c1": 3}]}, "checkins[0]"),
    ({"checkins": [{"month": "9999-12", "c1": 3}]}, "checkins[0]"),
    ({"checkins": [{"month": "2026-04", "c1": 3}, {"month": "2026-04", "c1": 4}]}, "checkins[1]"),
    ({"checkins": [{"month": "2026-04", "c1": "٣"}]}, "checkins[0]"),
    ({"pauses": [{"start_date": "2026-01-01", "end_date": "2027-01-02"}]}, "pauses[0]"),  # 366 days + 1
    ({"pauses": [{"start_date": "1999-12-31", "end_date": "2000-01-02"}]}, "pauses[0]"),
    ({"pauses": [{"start_date": "0001-01-01", "end_date": "0001-01-02"}]}, "pauses[0]"),
    ({"pauses": [{"start_date": 20260101, "end_date": "2026-01-02"}]}, "pauses[0]"),
    ({"pauses": [{"start_date": "2026-01-01", "end_date": "2026-01-02", "reason": "x" * 201}]}, "pauses[0]"),
    ({"pauses": [{"start_date": "2026-01-01", "end_date": "2026-01-02", "reason": "a\nb"}]}, "pauses[0]"),
    ({"pauses": [{"start_date": "2026-01-01", "end_date": "2026-01-02", "reason": "\ud800"}]}, "pauses[0]"),
    ({"pauses": ["2026-01-01"]}, "pauses[0]"),
    ({"people": [{"nickname": "\udfff", "role": "friend"}]}, "people[0]"),
    ({"people": [{"nickname": "Sam", "role": ["friend"]}]}, "people[0]"),
    ({"logs": [log(note="\ud83d")]}, "logs[0].note"),
    ({"logs": [log(person="x" * 41)]}, "logs[0].person"),
    ({"logs": [log(local_date=20260501)]}, "logs[0].local_date"),
    ({"logs": [log(local_date="2026-05-01T10:00")]}, "logs[0].local_date"),
]


@pytest.mark.parametrize(("parts", "where"), TOO_MUCH)
def test_what_the_forms_refuse_the_import_refuses(client, logged_in, user, parts, where):
    snapshot = counts()
    response = upload(logged_in, file(**parts))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Nothing was imported." in body and where in body
    assert counts() == snapshot


@pytest.mark.parametrize(
    ("stored", "parts", "message"),
    [
        ("people", {"people": people(1, "new")}, f"up to {forms.MAX_PEOPLE} people"),
        ("people", {"logs": [log(person="New person")]}, f"up to {forms.MAX_PEOPLE} people"),
        ("pauses", {"pauses": [{"start_date": "2026-01-01", "end_date": "2026-01-01"}]}, "pauses"),
    ],
)
def test_the_limits_count_what_the_account_already_holds(client, logged_in, user, stored, parts, message):
    if stored == "people":
        Person.insert_many(
            [{"user": user.id, "nickname": f"p{i}", "role": "friend"} for i in range(200)]
        ).execute()
    else:
        Pause.insert_many(
            [
                {
                    "user": user.id,
                    "start_date": date(2001, 1, 1) + timedelta(days=i),
                    "end_date": date(2001, 1, 1) + timedelta(days=i),
                }
                for i in range(forms.MAX_PAUSES)
            ]
        ).execute()
    snapshot = counts()
    response = upload(logged_in, file(**parts))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert counts() == snapshot


def test_a_file_past_the_size_limit_is_refused_before_it_is_read(client, logged_in, user):
    from tracker.portability import ImportProblem, parse_export

    raw = file(logs=[], padding="x" * forms.IMPORT_MAX_BYTES)
    with pytest.raises(ImportProblem, match="larger than"):
        parse_export(raw.encode(), user, FIXED_NOW)


def worst_file(user_timezone: str) -> str:
    """The largest file the import accepts: as many logs as fit, on the earliest days allowed, and every
    other list at its limit."""
    reminders = [{"days": ["mon"], "time": f"{h:02d}:{m:02d}"} for h in range(10) for m in (0, 30)]
    parts = {
        "people": people(forms.MAX_PEOPLE),
        "pauses": [
            {
                "start_date": (date(2000, 1, 1) + timedelta(days=366 * i)).isoformat(),
                "end_date": (date(2000, 1, 1) + timedelta(days=366 * i + 365)).isoformat(),
                "reason": "r" * 200,
            }
            for i in range(forms.MAX_PAUSES)
        ],
        "reminders": reminders[: forms.MAX_REMINDERS],
        "checkins": [
            {"month": m, **dict.fromkeys(forms.CHECKIN_KEYS, 5)} for m in months("2000-01", "2026-05")
        ],
        "logs": [],
    }
    size = len(file(**parts))
    entry = log("2000-01-01T00:00:00Z", local_date="2000-01-01", person="p0", before=0, after=10)
    n = (forms.IMPORT_MAX_BYTES - size) // (len(json.dumps(entry)) + 2)
    parts["logs"] = [
        {
            **entry,
            "id": str(uuid.uuid4()),
            "at": f"{2000 + i % 26}-01-01T00:00:00Z",
            "local_date": f"{2000 + i % 26}-01-01",
        }
        for i in range(n)
    ]
    return file(**parts)


def upload_in_memory(client, raw: str):
    """Upload a large file from memory (the test client would spool it to a file it never closes)."""
    fields = {"csrf_token": csrf_token(client), "file": FileStorage(io.BytesIO(raw.encode()), "export.json")}
    boundary, body = encode_multipart(MultiDict(fields))
    return client.post(
        "/settings/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def test_after_the_worst_accepted_file_every_page_answers(client, logged_in, user):
    raw = worst_file(user.timezone)
    assert len(raw.encode()) <= forms.IMPORT_MAX_BYTES
    response = upload_in_memory(client, raw)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert Log.select().count() > 5000
    assert Person.select().count() == forms.MAX_PEOPLE and Pause.select().count() == forms.MAX_PAUSES
    assert ReminderRule.select().count() == forms.MAX_REMINDERS and CheckIn.select().count() == 317
    assert_pages_answer(client)


# --- The forms and the API keep to the same limits --------------------------------------------------


@pytest.fixture
def full(user) -> User:
    """An account with as many people as an account may hold."""
    rows = [{"user": user.id, "nickname": f"p{i}", "role": "friend"} for i in range(forms.MAX_PEOPLE)]
    Person.insert_many(rows).execute()
    return user


LIMIT_MESSAGE = f"You can have up to {forms.MAX_PEOPLE} people"


def test_the_people_form_refuses_one_more_person(client, logged_in, full):
    response = logged_in.post("/people", {"nickname": "One more", "role": "friend"})
    assert response.status_code == 422 and LIMIT_MESSAGE in response.get_data(as_text=True)
    assert Person.select().count() == forms.MAX_PEOPLE


def test_a_log_naming_one_more_person_is_refused_by_the_api_and_the_form(client, logged_in, full):
    from tracker.security import new_api_token

    token, token_hash = new_api_token()
    ApiToken.create(user=full, name="script", token_hash=token_hash)
    headers = {"Authorization": f"Bearer {token}"}
    response = client.post("/api/v1/logs", json={"kind": "closeness", "person": "One more"}, headers=headers)
    assert response.status_code == 400 and response.get_json()["field"] == "person"
    assert (
        client.post("/api/v1/logs", json={"kind": "closeness", "person": "P7"}, headers=headers).status_code
        == 201
    )
    form = {"kind": "closeness", "person_id": "new", "new_person": "One more"}
    assert LIMIT_MESSAGE in logged_in.post("/logs", form, htmx=True).get_data(as_text=True)
    assert Person.select().count() == forms.MAX_PEOPLE and Log.select().count() == 1


def test_the_welcome_refuses_one_more_person_gently(client, logged_in, full):
    response = logged_in.post("/welcome/5", {"nickname1": "One more", "role1": "friend"})
    assert response.status_code == 422 and LIMIT_MESSAGE in response.get_data(as_text=True)


@pytest.mark.parametrize("digits", ["1" * 5000, "٣", "-0" * 3000])
def test_numbers_too_long_for_int_are_refused_not_a_500(client, logged_in, user, digits):
    """Before: ASCII digits beyond Python's 4300-digit limit made int() raise inside the view."""
    assert logged_in.post("/welcome/7", {"weekly_target": digits}).status_code == 422
    assert client.get(f"/recall/guide?who=past&before={digits}").status_code == 422
    response = logged_in.post("/recall", {"who": "past", "before": "3", "after": digits})
    assert response.status_code == 422 and Log.select().count() == 0


@pytest.mark.parametrize("reason", ["two\nlines", "tab\there", "\x7f"])
def test_the_pause_form_refuses_a_reason_with_control_characters(client, logged_in, reason):
    response = logged_in.post(
        "/settings/pauses", {"start": "2026-05-01", "end": "2026-05-02", "reason": reason}
    )
    assert response.status_code == 422 and "one line" in response.get_data(as_text=True)
    assert Pause.select().count() == 0
