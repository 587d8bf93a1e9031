"""One parser per input: the HTML form, the API and the importer refuse the same bad values with the
same message (forms.py holds each rule once)."""

from __future__ import annotations

import json

import pytest
from markupsafe import escape

from tests.app.test_api import bearer
from tracker import forms, portability
from tracker.forms import InvalidInput

BAD_RULES = [
    # (form fields, JSON object, the message)
    ({"days": "mon", "time": "25:00"}, {"days": ["mon"], "time": "25:00"}, "Set a time like 18:30."),
    ({"time": "09:00"}, {"days": [], "time": "09:00"}, "Choose at least one day."),
    (
        {"days": "mon", "time": "09:00", "kind": "juggling"},
        {"days": ["mon"], "time": "09:00", "kind": "juggling"},
        "Choose an action from the list, or any.",
    ),
    (
        {"days": "mon", "time": "09:00", "channels": ["", "sms"]},
        {"days": ["mon"], "time": "09:00", "channels": ["sms"]},
        'Channels must be a list like ["email", "push"].',
    ),
    (
        {"days": "mon", "time": "09:00", "channels": ""},
        {"days": ["mon"], "time": "09:00", "channels": []},
        "Choose email, notifications or both.",
    ),
]
BAD_PAUSES = [
    ("2026-05-10", "2026-05-01", "The last day can't be before the first day."),
    ("2026-02-30", "2026-03-01", "The first day must be a date like 2026-03-09."),
    ("20260501", "2026-05-03", "The first day must be a date like 2026-03-09."),
    ("1999-12-31", "2000-01-02", "The first day must be in the year 2000 or later."),
    ("2026-01-01", "2027-01-02", "A pause can last up to 366 days; add another one for longer."),
]
BAD_PEOPLE = [
    ("x" * 41, "partner", f"A nickname is at most {forms.NICKNAME_MAX} characters."),
    ("Sam", "landlord", None),  # whatever the role message is, it is the same everywhere
]


class Account:
    timezone = "Europe/Berlin"


def import_problems(clock, **parts) -> list[str]:
    """The importer's messages for a file holding `parts`."""
    raw = json.dumps({"version": portability.VERSION, **parts})
    with pytest.raises(portability.ImportProblem) as caught:
        portability.parse_export(raw, Account(), clock.now)
    return caught.value.messages


def form_page(response) -> str:
    assert response.status_code == 422
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("form", "body", "message"), BAD_RULES)
def test_a_reminder_is_refused_alike_by_form_api_and_import(
    client, logged_in, user, clock, form, body, message
):
    assert str(escape(message)) in form_page(logged_in.post("/reminders", form))
    answer = client.post("/api/v1/reminders", json=body, headers=bearer(user))
    assert answer.status_code == 400 and answer.get_json()["error"] == message
    assert any(problem.endswith(f": {message}") for problem in import_problems(clock, reminders=[body]))


@pytest.mark.parametrize(("start", "end", "message"), BAD_PAUSES)
def test_a_pause_is_refused_alike_by_form_and_import(logged_in, clock, start, end, message):
    assert str(escape(message)) in form_page(logged_in.post("/settings/pauses", {"start": start, "end": end}))
    problems = import_problems(clock, pauses=[{"start_date": start, "end_date": end}])
    assert problems == [f"pauses[0]: {message}"]


@pytest.mark.parametrize(("nickname", "role", "message"), BAD_PEOPLE)
def test_a_person_is_refused_alike_by_form_and_import(logged_in, clock, nickname, role, message):
    with pytest.raises(InvalidInput) as caught:
        forms.parse_person({"nickname": nickname, "role": role})
    expected = message or str(caught.value)
    assert str(caught.value) == expected
    assert str(escape(expected)) in form_page(logged_in.post("/people", {"nickname": nickname, "role": role}))
    problems = import_problems(clock, people=[{"nickname": nickname, "role": role}])
    assert len(problems) == 1 and problems[0].endswith(f": {expected}")


@pytest.mark.parametrize(
    "value", ["2026-02-30", "20260501", "2026-W19-1", "2026-5-1", "٢٠٢٦-٠٥-٠١", " 2026-05-01x"]
)
def test_every_date_input_refuses_the_same_values(client, user, clock, value):
    assert forms.iso_day(value) is None
    answer = client.get("/api/v1/logs", query_string={"from": value}, headers=bearer(user))
    assert answer.get_json() == {"error": forms.DATE_MESSAGE, "field": "from"}
    assert forms.parse_day(value, clock.now.date()) is None
    with pytest.raises(InvalidInput):
        forms.parse_pause({"start": value, "end": "2026-05-01"})
