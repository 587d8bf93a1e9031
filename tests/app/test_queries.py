"""The data layer's shared reads: one user's row by id, and the log facts every page builds on."""

from __future__ import annotations

from datetime import time

import pytest

from tests.conftest import make_log, make_person, make_user
from tracker.models import Log, Person, ReminderRule
from tracker.queries import own_row


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
