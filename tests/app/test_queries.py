"""The data layer's shared reads: one user's row by id, and the log facts every page builds on."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from tests.conftest import FIXED_NOW, make_log, make_person, make_user
from tracker.models import Log, Person, ReminderRule
from tracker.queries import log_facts, own_row, recent_facts


def test_own_row_finds_only_the_users_own_rows(app):
    ana, ben = make_user(), make_user("ben@example.com")
    person, log = make_person(ana), make_log(ana)
    assert own_row(Person, ana, person.id) == person
    assert own_row(Person, ana, str(person.id)) == person
    assert own_row(Log, ana, str(log.id)) == log
    assert own_row(Person, ben, person.id) is None
    assert own_row(Log, ben, log.id) is None


@pytest.mark.parametrize("row_id", [0, -1, 2**31, 2**64, "x", "", "1.5", None])
def test_own_row_ids_no_row_can_have_are_none(app, row_id):
    ana = make_user()
    make_person(ana)
    assert own_row(Person, ana, row_id) is None
    assert own_row(Log, ana, row_id) is None


def test_the_digest_is_never_addressed_by_id(app):
    ana = make_user()
    digest = ReminderRule.create(user=ana, local_time=time(9, 0), purpose="digest")
    assert own_row(ReminderRule, ana, digest.id) is None


def test_log_facts_are_the_users_logs_of_the_days_asked(app):
    ana, ben = make_user(), make_user("ben@example.com")
    sam, kim = make_person(ana), make_person(ana, "Kim")
    make_log(ana, person=sam, at=FIXED_NOW, before=2, after=4)
    make_log(ana, "space", at=FIXED_NOW - timedelta(days=1), person=kim)
    make_log(ana, at=FIXED_NOW - timedelta(days=10))
    make_log(ben, at=FIXED_NOW)
    today = FIXED_NOW.date()
    facts = log_facts(ana, today - timedelta(days=1), today)
    assert sorted((fact.local_date, fact.kind, fact.person) for fact in facts) == [
        (today - timedelta(days=1), "space", "Kim"),
        (today, "closeness", "Sam"),
    ]
    assert [(f.before, f.after) for f in log_facts(ana, date.min, today, sam)] == [(2, 4)]
    assert sorted(f.local_date for f in recent_facts(ana, today, 2)) == [today - timedelta(days=1), today]
