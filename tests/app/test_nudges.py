"""nudges.dispatch on both databases: send once, skip when done/paused/unverified/missed, retry, digest."""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest

from tests.conftest import make_log
from tracker import emails, nudges, rules, tokens
from tracker.mail import MemoryBackend
from tracker.models import LadderStep, Nudge, Pause, Person, ReminderRule, User, database, naive_utc
from tracker.schedule import days_mask

WED_1231_BERLIN = datetime(2026, 5, 13, 10, 31, tzinfo=UTC)  # conftest's FIXED_NOW is 10:30 UTC


class FlakyBackend(MemoryBackend):
    """Fails the first `failures` batches, like an SMTP server that is down and then comes back."""

    def __init__(self, failures: int):
        super().__init__()
        self.failures = failures

    def send_many(self, messages):
        if self.failures > 0:
            self.failures -= 1
            return ["ConnectionRefusedError: [Errno 111] Connection refused"] * len(messages)
        return super().send_many(messages)


def account(email: str, timezone: str = "Europe/Berlin", **fields) -> User:
    """A user who never logs in here (no Argon2 hash to compute: it takes most of a second)."""
    fields.setdefault("created_at", datetime(2026, 5, 1))
    return User.create(email=email, password_hash="-", timezone=timezone, **fields)


def verified(email: str = "ana@example.com", timezone: str = "Europe/Berlin", **fields) -> User:
    """A user whose address is confirmed, so reminders may reach them."""
    return account(email, timezone, email_verified_at=datetime(2026, 1, 1), **fields)


def make_rule(
    user: User, now: datetime, days=("wed",), at: str = "12:31", kind: str | None = "closeness", **extra
):
    """A reminder stored the way the page and the API store one."""
    values = rules.parse_rule({"days": list(days), "time": at, "kind": kind, **extra})
    return rules.create_rule(user, values, now)


def nudge_of(rule: ReminderRule) -> Nudge:
    return Nudge.select().where(Nudge.rule == rule.id).order_by(Nudge.id.desc()).first()


def test_a_due_rule_is_sent_once_and_moves_to_its_next_day(outbox, clock):
    user = verified()
    rule = make_rule(user, clock.now)
    assert rule.next_due_at == datetime(2026, 5, 13, 10, 31)
    assert str(nudges.dispatch(WED_1231_BERLIN - timedelta(seconds=1))) == "due=0 sent=0 skipped=0 failed=0"
    tally = nudges.dispatch(WED_1231_BERLIN + timedelta(seconds=5))
    assert (tally.due, tally.sent) == (1, 1)
    assert nudges.dispatch(WED_1231_BERLIN + timedelta(seconds=30)).due == 0
    assert ReminderRule.get_by_id(rule.id).next_due_at == datetime(2026, 5, 20, 10, 31)
    message = outbox[0]
    assert message["Subject"] == "Your Secure Base check-in" and message["To"] == "ana@example.com"
    assert message["List-Unsubscribe"].startswith("<http://127.0.0.1:5000/email/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (text, html):
        assert "Ask for closeness" in part and "thinking of you" in part
        assert "I did it" in part and "Snooze 1 hour" in part and "Not today" in part
    saved = nudge_of(rule)
    assert (saved.status, saved.attempts, saved.sent_at, saved.next_attempt_at) == (
        "sent",
        1,
        naive_utc(WED_1231_BERLIN + timedelta(seconds=5)),
        None,
    )


def test_no_note_person_or_address_appears_in_an_email_or_link(outbox, clock):
    user = verified("private.person@example.com")
    make_log(user, "closeness", at=clock.now - timedelta(days=1), note="my secret worry", step=2)
    make_rule(user, clock.now)
    nudges.dispatch(WED_1231_BERLIN)
    raw = outbox[0].as_string()
    assert "my secret worry" not in raw
    body = outbox[0].get_body(("plain",)).get_content()
    assert "private.person" not in body
    # A log at step 2 does not move the ladder: the nudge suggests the current step, as Today does.
    assert "Your step on this ladder (1 of 3): A “thinking of you” message" in body


@pytest.mark.parametrize(
    ("rule_kind", "logged_kind", "expected"),
    [("closeness", "closeness", "skipped"), ("closeness", "repair", "sent"), (None, "repair", "skipped")],
    ids=["same-kind", "other-kind", "any-kind"],
)
def test_skipped_when_already_logged_that_local_day(outbox, clock, rule_kind, logged_kind, expected):
    user = verified()
    rule = make_rule(user, clock.now, kind=rule_kind)
    make_log(user, logged_kind, at=datetime(2026, 5, 12, 22, 30, tzinfo=UTC))  # 00:30 on Wed in Berlin
    make_log(user, rule_kind or "confide", at=datetime(2026, 5, 12, 21, 30, tzinfo=UTC))  # Tue in Berlin
    tally = nudges.dispatch(WED_1231_BERLIN)
    assert nudge_of(rule).status == expected
    assert (tally.sent, tally.skipped) == ((1, 0) if expected == "sent" else (0, 1))
    if expected == "skipped":
        assert nudge_of(rule).error == "done" and outbox == []
    assert ReminderRule.get_by_id(rule.id).next_due_at == datetime(2026, 5, 20, 10, 31)


def test_skipped_while_paused_or_unverified(outbox, clock):
    on_hold = verified("hold@example.com", reminders_paused=True)
    away = verified("away@example.com")
    Pause.create(user=away, start_date=date(2026, 5, 10), end_date=date(2026, 5, 14))
    unconfirmed = account("new@example.com")
    held = [make_rule(person, clock.now) for person in (on_hold, away, unconfirmed)]
    off = make_rule(verified("off@example.com"), clock.now, enabled=False)
    assert off.next_due_at is None
    tally = nudges.dispatch(WED_1231_BERLIN)
    assert (tally.due, tally.skipped, tally.sent) == (3, 3, 0)
    assert [nudge_of(rule).error for rule in held] == ["paused", "paused", "unverified"]
    assert nudges._paused(away, date(2026, 5, 14)) and not nudges._paused(away, date(2026, 5, 15))
    assert outbox == []


def test_missed_by_more_than_two_hours_is_skipped_once_not_sent_late(outbox, clock):
    rule = make_rule(verified(), clock.now, days=("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
    late = WED_1231_BERLIN + timedelta(days=3, hours=1)  # the server was down for three days
    tally = nudges.dispatch(late)
    assert (tally.due, tally.skipped, tally.sent) == (1, 1, 0)
    assert nudge_of(rule).error == "missed"
    assert ReminderRule.get_by_id(rule.id).next_due_at == datetime(2026, 5, 17, 10, 31)
    assert nudges.dispatch(late).due == 0
    # Within two hours it still goes out.
    assert nudges.dispatch(datetime(2026, 5, 17, 12, 30, tzinfo=UTC)).sent == 1


def test_a_failed_send_is_retried_after_1_5_and_15_minutes_then_failed(ctx, clock):
    backend = FlakyBackend(failures=10)
    ctx.extensions["mail"] = backend
    rule = make_rule(verified(), clock.now)
    at = WED_1231_BERLIN
    for attempt, wait in enumerate((1, 5, 15), start=1):
        tally = nudges.dispatch(at)
        assert (tally.due, tally.retrying) == (1, 1)
        saved = nudge_of(rule)
        assert (saved.status, saved.attempts) == ("retry", attempt)
        assert saved.next_attempt_at == naive_utc(at + timedelta(minutes=wait))
        assert "Connection refused" in saved.error
        assert nudges.dispatch(at + timedelta(minutes=wait, seconds=-1)).due == 0
        at += timedelta(minutes=wait)
    tally = nudges.dispatch(at)
    assert (tally.due, tally.failed) == (1, 1)
    assert (nudge_of(rule).status, nudge_of(rule).attempts, nudge_of(rule).next_attempt_at) == (
        "failed",
        4,
        None,
    )
    backend.failures = 0
    assert nudges.dispatch(at + timedelta(hours=1)).due == 0 and backend.outbox == []


def test_a_retry_that_succeeds_sends_once(ctx, clock):
    backend = FlakyBackend(failures=2)
    ctx.extensions["mail"] = backend
    rule = make_rule(verified(), clock.now)
    for minute in range(0, 30):
        nudges.dispatch(WED_1231_BERLIN + timedelta(minutes=minute))
    assert len(backend.outbox) == 1
    assert (nudge_of(rule).status, nudge_of(rule).attempts) == ("sent", 3)


def test_a_lapsed_claim_is_taken_up_again(outbox, clock):
    rule = make_rule(verified(), clock.now)
    Nudge.create(
        rule=rule,
        due_at=rule.next_due_at,
        status="sending",
        attempts=1,
        next_attempt_at=naive_utc(WED_1231_BERLIN + nudges.LEASE),
    )  # a dispatcher claimed it and died mid-send
    assert nudges.dispatch(WED_1231_BERLIN).sent == 0  # the claim holds, the rule moves on
    assert nudges.dispatch(WED_1231_BERLIN + nudges.LEASE).sent == 1
    assert (nudge_of(rule).status, nudge_of(rule).attempts) == ("sent", 2)


def test_a_rule_changed_after_it_fired_waits_for_tomorrow(outbox, clock):
    user = verified()
    rule = make_rule(user, clock.now, days=("wed", "thu"))
    nudges.dispatch(WED_1231_BERLIN)
    rule = ReminderRule.get_by_id(rule.id)
    rules.update_rule(rule, user, rules.parse_rule({"time": "14:00"}, partial=True), WED_1231_BERLIN)
    assert ReminderRule.get_by_id(rule.id).next_due_at == datetime(2026, 5, 14, 12, 0)  # Thu, not Wed again


def test_reschedule_user_after_a_time_zone_change(outbox, clock):
    user = verified()
    rule = make_rule(user, clock.now, days=("thu",), at="09:00")
    assert rule.next_due_at == datetime(2026, 5, 14, 7, 0)
    User.update(timezone="Pacific/Kiritimati").where(User.id == user.id).execute()
    nudges.reschedule_user(User.get_by_id(user.id), clock.now)
    assert ReminderRule.get_by_id(rule.id).next_due_at == datetime(2026, 5, 13, 19, 0)  # Thu 09:00 at +14


def test_pacific_far_east_and_far_west_users_get_their_local_morning(outbox, clock):
    east = verified("east@example.com", "Pacific/Kiritimati")
    west = verified("west@example.com", "Pacific/Pago_Pago")
    for person in (east, west):
        make_rule(person, clock.now, days=("thu",), at="08:00", kind=None)
    make_log(east, "repair", at=datetime(2026, 5, 13, 11, 0, tzinfo=UTC))  # Thu 01:00 in Kiritimati
    first = nudges.dispatch(datetime(2026, 5, 13, 18, 0, tzinfo=UTC))  # Thu 08:00 at +14
    assert (first.due, first.skipped, first.sent) == (1, 1, 0)  # already logged that (Thursday) day
    second = nudges.dispatch(datetime(2026, 5, 14, 19, 0, tzinfo=UTC))  # Thu 08:00 at −11
    assert (second.due, second.sent) == (1, 1)
    assert outbox[0]["To"] == "west@example.com"


def test_a_pass_with_nothing_due_is_a_single_query(outbox, clock, caplog):
    for n in range(5):
        make_rule(verified(f"u{n}@example.com"), clock.now)
    database.close()
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        caplog.clear()
        assert nudges.dispatch(WED_1231_BERLIN - timedelta(minutes=1)).due == 0
    queries = [r for r in caplog.records if r.name == "peewee"]
    assert len(queries) == 1, [r.getMessage() for r in queries]


def test_the_due_query_scans_the_indexes(ctx, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's plan is stable on an empty table; PostgreSQL picks by table size")
    query = ReminderRule.due(WED_1231_BERLIN)
    sql, params = query.sql()
    plan = " ".join(str(row) for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
    assert "USING COVERING INDEX reminderrule_next_due_at" in plan
    sql, params = Nudge.due(WED_1231_BERLIN).sql()
    plan = " ".join(str(row) for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
    assert "INDEX nudge_next_attempt_at" in plan


def test_the_monthly_digest_arrives_on_the_first_at_nine_local(outbox, clock):
    user = verified()
    for day in (4, 5, 6, 12):
        make_log(
            user,
            "closeness",
            at=datetime(2026, 5, day, 9, 0, tzinfo=UTC),
            step=1,
            after=7,
            response="welcomed",
        )
    rules.set_digest(user, True, clock.now)
    rule = ReminderRule.get(ReminderRule.user == user, ReminderRule.purpose == "digest")
    assert rule.next_due_at == datetime(2026, 6, 1, 7, 0)
    assert list(ReminderRule.for_user(user)) == []  # the digest is not one of the page's reminders
    assert nudges.dispatch(datetime(2026, 6, 1, 7, 0, 30, tzinfo=UTC)).sent == 1
    message = outbox[0]
    assert message["Subject"] == "Your Secure Base month: May 2026"
    text = message.get_body(("plain",)).get_content()
    assert "Active days: 4" in text and "/month/2026-05" in text and "Current streak: " in text
    html = message.get_body(("html",)).get_content()
    for body in (text, html):  # the practice rhythm is never in an email, nor any score out of 100
        assert "of 100" not in body and "score" not in body.lower() and "Secure Pattern" not in body
        assert "nothing resets" not in body
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert ReminderRule.get_by_id(rule.id).next_due_at == datetime(2026, 7, 1, 7, 0)
    rules.set_digest(User.get_by_id(user.id), False, clock.now)
    assert not User.get_by_id(user.id).digest_opt_in
    assert ReminderRule.get_by_id(rule.id).next_due_at is None


def test_the_digest_of_someone_who_hides_numbers_has_words_and_no_figures(outbox, clock):
    """Settings' "in words only" reaches the digest: its streaks and days in words, not a digit in them."""
    user = verified()
    User.update(hide_numbers=True).where(User.id == user.id).execute()
    for day in range(4, 16):
        make_log(user, "closeness", at=datetime(2026, 5, day, 9, 0, tzinfo=UTC))
    rules.set_digest(User.get_by_id(user.id), True, clock.now)
    assert nudges.dispatch(datetime(2026, 6, 1, 7, 0, 30, tzinfo=UTC)).sent == 1
    message = outbox[0]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Current streak: none running; any log starts one" in text  # open days since 16 May
    assert "Longest streak: a week or more" in text and "Active days: some days" in text
    words = re.sub(r"<style.*?</style>|<[^>]+>", " ", html, flags=re.S)  # what the reader sees
    for body in (text, words):
        summary = body[: body.index("See the whole month")]  # the greeting and the figures
        assert not re.search(r"\d", summary.replace("May 2026", "")), summary
        assert "of 100" not in body and "score" not in body.lower()


def test_snoozed_nudge_comes_back_an_hour_later_unless_done(outbox, clock):
    user = verified()
    rule = make_rule(user, clock.now)
    nudges.dispatch(WED_1231_BERLIN)
    token = tokens.Token("snooze", user.id, nudge_of(rule).id, "j1")
    due = rules.snooze(token, WED_1231_BERLIN + timedelta(minutes=2))
    assert due == datetime(2026, 5, 13, 11, 33, tzinfo=UTC)
    assert nudges.dispatch(due - timedelta(seconds=1)).due == 0
    assert nudges.dispatch(due).sent == 1
    assert len(outbox) == 2
    rules.snooze(tokens.Token("snooze", user.id, nudge_of(rule).id, "j2"), due)
    make_log(user, "closeness", at=due + timedelta(minutes=5))
    tally = nudges.dispatch(due + timedelta(hours=1))
    assert (tally.skipped, tally.sent) == (1, 0)


def test_job_fields_in_time_column_round_trip(ctx, clock):
    rule = make_rule(verified(), clock.now, at="07:05")
    assert ReminderRule.get_by_id(rule.id).local_time == time(7, 5)
    assert ReminderRule.get_by_id(rule.id).days == days_mask(["wed"])


def _bodies(message) -> str:
    return message.get_body(("plain",)).get_content() + message.get_body(("html",)).get_content()


COUPLES_WORDS = ("Ask for closeness", "Let closeness in", "Repair after conflict", "together")


@pytest.mark.parametrize("kind", ["closeness", "repair", None], ids=["closeness", "repair", "any"])
def test_no_nudge_steers_toward_a_person_marked_not_safe(outbox, clock, kind):
    """Issue 13, item 14 (DOMAIN.md, "Care"): while anyone is marked not safe, no couples prompt, and
    never the person's name; the day's suggestion comes from the other kinds."""
    user = verified()
    alex = Person.create(user=user, nickname="Alex", role="partner", not_safe=True)
    make_log(user, "repair", at=clock.now - timedelta(days=1), person=alex.id, step=1)
    # An "any" reminder on a day whose rotation would land on a couples kind.
    couples = ("closeness", "receive", "repair")
    rotation = [
        emails.KINDS[(date(2026, 5, 13) + timedelta(d)).toordinal() % len(emails.KINDS)] for d in range(1, 8)
    ]
    shift = 1 + next(d for d, k in enumerate(rotation) if k.key in couples)
    when = WED_1231_BERLIN + timedelta(days=shift)
    rule = make_rule(user, clock.now, days=(f"{when:%a}".lower(),), kind=kind)
    assert nudges.dispatch(when).sent == 1, rule
    body = _bodies(outbox[0])
    assert "Alex" not in body
    assert not [word for word in COUPLES_WORDS if word in body]
    assert "Your step on this ladder" in body  # still a real suggestion


def test_without_anyone_marked_the_nudge_keeps_its_kind(outbox, clock):
    user = verified()
    Person.create(user=user, nickname="Alex", role="partner")
    make_rule(user, clock.now, kind="repair")
    assert nudges.dispatch(WED_1231_BERLIN).sent == 1
    assert "Repair after conflict" in _bodies(outbox[0])
    # Issue 17, item 8: a repair nudge says for whom repair is meant, in both parts.
    for part in ("plain", "html"):
        assert (
            "Repair is for conflicts where you both feel safe." in outbox[0].get_body((part,)).get_content()
        )


def test_the_digest_names_no_one_marked_not_safe(outbox, clock):
    user = verified()
    alex = Person.create(user=user, nickname="Alex", role="partner", not_safe=True)
    for day in (4, 5, 6, 12):
        at = datetime(2026, 5, day, 9, 0, tzinfo=UTC)
        make_log(user, "closeness", at=at, person=alex.id, step=1, response="dismissed")
    rules.set_digest(user, True, clock.now)
    assert nudges.dispatch(datetime(2026, 6, 1, 7, 0, 30, tzinfo=UTC)).sent == 1
    body = _bodies(outbox[0])
    assert "Active days: 4" in body
    assert "Alex" not in body and not [word for word in COUPLES_WORDS if word in body]


def _step_line(message) -> str:
    return next(
        line.strip() for line in message.get_body(("plain",)).get_content().splitlines() if "of 3)" in line
    )


def _today_hint(client, label: str) -> str:
    """The hint under a kind's tile on Today (its current step's text)."""
    html = client.get("/").get_data(as_text=True)
    found = re.search(
        f'<span class="kind-label">{label}</span>\\s*<span class="kind-hint">([^<]*)</span>', html
    )
    assert found, html
    return found.group(1)


def test_the_nudge_suggests_the_current_step_as_today_shows_it(outbox, clock, logged_in, user):
    """Issue 17, item 5: the step a nudge suggests is the one Today shows, never the highest step ever
    logged plus one: bigger steps tried and mostly dismissed do not move the ladder."""
    user.email_verified_at = datetime(2026, 1, 1)
    user.save()
    sam = Person.create(user=user, nickname="Sam", role="partner")
    for day in (1, 2, 3, 4):
        at = clock.now - timedelta(days=day)
        make_log(user, "repair", at=at, person=sam.id, step=3 if day % 2 else 2, response="dismissed")
    make_rule(user, clock.now, kind="repair", days=("wed", "thu"))
    assert nudges.dispatch(WED_1231_BERLIN).sent == 1
    assert _step_line(outbox[0]) == "Your step on this ladder (1 of 3): A softening message"
    assert _today_hint(logged_in.client, "Repair after conflict") == "A softening message"

    LadderStep.create(user=user, kind="repair", step=2)  # moved up on the ladder page
    assert nudges.dispatch(WED_1231_BERLIN + timedelta(days=1)).sent == 1
    step_two = "Own your part, and only your part"
    assert _step_line(outbox[1]) == f"Your step on this ladder (2 of 3): {step_two}"
    assert _today_hint(logged_in.client, "Repair after conflict") == f"Step 2: {step_two}"


@pytest.mark.parametrize("step", [1, 2, 3])
def test_an_any_reminder_suggests_each_kind_at_its_own_current_step(ctx, step):
    steps = {"closeness": step, "space": 3, "widen": 2}
    for offset in range(len(emails.KINDS)):
        suggestion = emails.suggestion_for(None, date(2026, 5, 13) + timedelta(offset), steps)
        assert suggestion.step == steps.get(suggestion.kind.key, 1)


@pytest.mark.parametrize("step", [1, 2, 3])
@pytest.mark.parametrize("kind", ["closeness", "receive", "repair", None], ids=lambda k: k or "any")
def test_no_couples_prompt_at_any_step_while_anyone_is_marked_not_safe(outbox, clock, kind, step):
    """DOMAIN.md, "Care": while anyone is marked not safe, no email carries a couples prompt (repair, a
    ritual or an evening together), whatever step the user has reached, on every day of the week."""
    user = verified()
    Person.create(user=user, nickname="Alex", role="partner", not_safe=True)
    for key in ("closeness", "receive", "repair", "respond", "space", "trust_space"):
        LadderStep.create(user=user, kind=key, step=step)
    make_rule(user, clock.now, days=("mon", "tue", "wed", "thu", "fri", "sat", "sun"), kind=kind)
    for day in range(7):
        assert nudges.dispatch(WED_1231_BERLIN + timedelta(days=day)).sent == 1
    assert len(outbox) == 7
    for message in outbox:
        body = _bodies(message)
        assert "Alex" not in body and not [word for word in COUPLES_WORDS if word in body], body
        assert f"({step} of 3)" in body or "(1 of 3)" in body


def test_once_no_one_is_marked_the_couples_prompts_come_back(outbox, clock):
    user = verified()
    alex = Person.create(user=user, nickname="Alex", role="partner", not_safe=True)
    LadderStep.create(user=user, kind="closeness", step=3)
    make_rule(user, clock.now, days=("wed", "thu"), kind="closeness")
    nudges.dispatch(WED_1231_BERLIN)
    assert "Ask for closeness" not in _bodies(outbox[0])
    Person.update(not_safe=False).where(Person.id == alex.id).execute()
    nudges.dispatch(WED_1231_BERLIN + timedelta(days=1))
    assert "Ask for closeness" in _bodies(outbox[1]) and "Propose a regular ritual together" in _bodies(
        outbox[1]
    )
