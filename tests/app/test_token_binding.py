"""Issue 12, item 4: an email link acts only in its own account, and only for its own email.

Before, a link named its user, nudge or rule by integer id, SQLite gave a deleted row's id to the next
row, and a nudge's one-time ids were derived from its id: a deleted account's "I did it" logged an
action in the next new account, and a new nudge's links arrived "already used".
"""

from __future__ import annotations

import re
from datetime import timedelta

from tests.app.test_nudges import WED_1231_BERLIN, make_rule, nudge_of, verified
from tests.conftest import csrf_token
from tracker import nudges
from tracker.models import Log, ReminderRule, User
from tracker.portability import delete_account

LINKS = r"^(I did it|Snooze 1 hour|Not today|Stop this reminder):\s+(\S+)$"


def links_of(message) -> dict[str, str]:
    """The email's links by their label, as paths."""
    text = message.get_body(("plain",)).get_content()
    return {name: url.removeprefix("http://127.0.0.1:5000") for name, url in re.findall(LINKS, text, re.M)}


def press(client, path: str):
    """POST a link as its page's button would, with a valid CSRF token of this browser."""
    return client.post(path, data={"csrf_token": csrf_token(client)})


def assert_does_not_work(client, path: str) -> None:
    """The link opens the calm "doesn't work" page and its button does nothing."""
    opened = client.get(path)
    assert opened.status_code == 404 and "This link doesn" in opened.get_data(as_text=True)
    pressed = press(client, path)
    assert pressed.status_code == 404 and "Nothing changed" in pressed.get_data(as_text=True)


def test_a_deleted_accounts_link_does_nothing_in_the_next_new_account(client, ctx, outbox, clock):
    gone = verified("gone@example.com")
    make_rule(gone, clock.now)
    nudges.dispatch(WED_1231_BERLIN)
    links = links_of(outbox[-1])
    delete_account(gone)

    newcomer = verified("new@example.com")  # before issue 12, SQLite gave it the deleted account's id
    make_rule(newcomer, clock.now)
    clock.now = WED_1231_BERLIN + timedelta(minutes=5)
    assert_does_not_work(client, links["I did it"])
    assert Log.select().count() == 0
    assert newcomer.id != gone.id


def test_a_link_is_bound_to_its_account_not_to_its_id(client, ctx, outbox, clock):
    """Even an account that had the very same ids (a restored backup, a hand-made row) is another."""
    gone = verified("gone@example.com")
    rule = make_rule(gone, clock.now)
    nudges.dispatch(WED_1231_BERLIN)
    links = links_of(outbox[-1])
    nudge = nudge_of(rule)
    delete_account(gone)

    newcomer = verified("new@example.com", id=gone.id)
    twin = ReminderRule.create(
        id=rule.id, user=newcomer, days=rule.days, local_time=rule.local_time, kind=rule.kind
    )
    nudge.__data__.pop("marker", None)
    nudge.save(force_insert=True)  # the same nudge id, under the newcomer's rule of the same id
    clock.now = WED_1231_BERLIN + timedelta(minutes=5)
    for name in ("I did it", "Snooze 1 hour", "Not today", "Stop this reminder"):
        assert_does_not_work(client, links[name])
    assert Log.select().count() == 0
    assert ReminderRule.get_by_id(twin.id).enabled
    assert nudge_of(twin).response is None


def test_a_new_nudges_links_are_not_already_used(client, ctx, outbox, clock):
    user = verified()
    first = make_rule(user, clock.now)
    nudges.dispatch(WED_1231_BERLIN)
    clock.now = WED_1231_BERLIN + timedelta(minutes=5)
    assert press(client, links_of(outbox[-1])["I did it"]).status_code == 200
    first.delete_instance()  # its nudges go with it

    thursday = WED_1231_BERLIN + timedelta(days=1)
    second = make_rule(user, clock.now, days=("thu",))
    nudges.dispatch(thursday)
    links = links_of(outbox[-1])
    clock.now = thursday + timedelta(minutes=5)
    opened = client.get(links["I did it"])
    assert opened.status_code == 200 and "Yes, I did it" in opened.get_data(as_text=True)
    assert press(client, links["I did it"]).status_code == 200
    assert Log.select().count() == 2
    assert nudge_of(second).response == "done"


def test_the_nudges_one_time_ids_are_random_not_derived_from_its_id(client, ctx, outbox, clock):
    rule = make_rule(verified(), clock.now, days=("wed", "thu"))
    nudges.dispatch(WED_1231_BERLIN)
    nudges.dispatch(WED_1231_BERLIN + timedelta(days=1))
    markers = [nudge.marker for nudge in rule.nudges]
    assert len(markers) == 2 and len(set(markers)) == 2
    assert all(re.fullmatch(r"[0-9a-f]{20}", marker) for marker in markers)
    assert User.select().count() == 1
