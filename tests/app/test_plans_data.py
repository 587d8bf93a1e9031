"""If-then plans in the data layer (issue 16, item 1): at most one active plan per user and kind, held by
the database itself, and earlier plans kept inactive."""

from __future__ import annotations

import html
import json

import pytest
from peewee import IntegrityError

from tests.app.test_your_data import upload
from tests.conftest import make_log, make_user
from tracker.forms import MAX_PLANS
from tracker.models import Plan, database
from tracker.queries import active_plans, save_plan


def test_a_new_plan_for_a_kind_replaces_the_active_one_and_keeps_the_earlier(app):
    ana = make_user()
    first = save_plan(ana.id, "closeness", "I get home", "ask for a hug")
    second = save_plan(ana.id, "closeness", "we sit down to dinner", "ask about their day")
    space = save_plan(ana.id, "space", "I feel crowded", "say I need ten minutes")
    assert active_plans(ana.id) == {"closeness": second, "space": space}
    assert Plan.get_by_id(first.id).active is False
    assert Plan.select().where(Plan.user == ana.id).count() == 3


def test_plans_are_each_users_own(app):
    ana, ben = make_user(), make_user("ben@example.com")
    save_plan(ana.id, "closeness", "I get home", "ask for a hug")
    assert active_plans(ben.id) == {}


def test_the_database_refuses_a_second_active_plan_for_a_kind(app):
    ana = make_user()
    save_plan(ana.id, "confide", "I feel low", "tell Sam one true thing")
    with pytest.raises(IntegrityError), database.atomic():
        Plan.create(user=ana.id, kind="confide", cue="later", action="again")
    Plan.create(user=ana.id, kind="confide", cue="an old one", action="kept", active=False)  # inactive: fine
    assert len(active_plans(ana.id)) == 1


# --- Export and import ------------------------------------------------------------------------------


def export_with_plans(plans: list) -> str:
    return json.dumps({"version": 1, "plans": plans})


def test_importing_plans_adds_those_not_here_and_an_active_one_replaces_the_kinds_plan(
    client, logged_in, user
):
    save_plan(user.id, "space", "I feel crowded", "ask for ten minutes")
    save_plan(user.id, "recall", "I feel alone", "look at Sam's photo")
    plans = [
        {
            "kind": "space",
            "when": "old cue",
            "then": "old step",
            "active": False,
            "created_at": "2026-01-02T10:00:00+00:00",
        },
        {
            "kind": "space",
            "when": "  I need to leave the room ",
            "then": "say when I'll be back",
            "active": True,
        },
        {
            "kind": "recall",
            "when": "I feel alone",
            "then": "look at Sam's photo",
            "active": True,
        },  # here already
    ]
    assert upload(logged_in, export_with_plans(plans)).status_code == 303
    assert {k: (p.cue, p.action) for k, p in active_plans(user.id).items()} == {
        "space": ("I need to leave the room", "say when I'll be back"),
        "recall": ("I feel alone", "look at Sam's photo"),
    }
    old = Plan.get(Plan.cue == "old cue")
    assert not old.active and old.created_at.isoformat() == "2026-01-02T10:00:00"
    assert Plan.select().where(Plan.user == user.id).count() == 4
    snapshot = [(p.id, p.active) for p in Plan.select().order_by(Plan.id)]
    assert upload(logged_in, export_with_plans(plans)).status_code == 303  # twice: nothing changes
    assert [(p.id, p.active) for p in Plan.select().order_by(Plan.id)] == snapshot


@pytest.mark.parametrize(
    ("plans", "message"),
    [
        ([{"kind": "nope", "when": "a", "then": "b"}], "plans[0].kind: Choose a practice from the list."),
        ([{"kind": "space", "when": "", "then": "b"}], "plans[0].when: Write when"),
        ([{"kind": "space", "when": "a" * 201, "then": "b"}], "plans[0].when: Keep it to 200 characters"),
        ([{"kind": "space", "when": "a", "then": 3}], "plans[0].then: This field must be text."),
        (
            [{"kind": "space", "when": "a", "then": "b", "active": "yes"}],
            "plans[0].active: must be true or false",
        ),
        (
            [{"kind": "space", "when": "a", "then": "b"}, {"kind": "space", "when": "c", "then": "d"}],
            "plans[1].active: a second active plan",
        ),
        (["a plan"], "plans[0]: must be an object."),
        ({"kind": "space"}, "“plans” must be a list."),
        ([{"kind": "space", "when": "a", "then": "b", "active": False}] * (MAX_PLANS + 1), "at most"),
    ],
)
def test_a_bad_plan_in_a_file_imports_nothing_and_says_where(client, logged_in, user, plans, message):
    make_log(user, note="here before")
    response = upload(logged_in, export_with_plans(plans))
    assert response.status_code == 422
    assert html.escape(message, quote=False) in response.get_data(as_text=True)
    assert Plan.select().count() == 0
