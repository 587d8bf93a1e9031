"""If-then plans in the data layer (issue 16, item 1): at most one active plan per user and kind, held by
the database itself, and earlier plans kept inactive."""

from __future__ import annotations

import pytest
from peewee import IntegrityError

from tests.conftest import make_user
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
