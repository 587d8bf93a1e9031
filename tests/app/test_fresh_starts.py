"""The fresh-start pass on both databases (issue 16, item 3): one gentle email on the Monday or 1st after
a quiet week, only when opted in with a reminder on and a confirmed address; never twice per lapse,
never in a pause, discreet in the discreet mode."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest

from tests.conftest import make_log, make_person
from tracker import fresh_starts, rules
from tracker.fresh_starts import dispatch_fresh
from tracker.mail import MemoryBackend
from tracker.models import Pause, Plan, ReminderRule, User, database
from tracker.scheduler import run_once

MONDAY_9_BERLIN = datetime(2026, 6, 8, 7, 0, tzinfo=UTC)  # Mon 8 June 2026, 09:00 in Berlin
LAST_LOG = datetime(2026, 5, 30, 10, 0, tzinfo=UTC)  # Sat 30 May: nine quiet days by the Monday


def member(
    email: str = "ana@example.com",
    timezone: str = "Europe/Berlin",
    rule: bool = True,
    last: datetime = LAST_LOG,
    **fields,
) -> User:
    """An opted-in user (the default) with a confirmed address, a reminder and a log (on 30 May)."""
    fields.setdefault("created_at", datetime(2026, 5, 1))
    fields.setdefault("email_verified_at", datetime(2026, 5, 1))
    user = User.create(email=email, password_hash="-", timezone=timezone, **fields)
    if rule:
        values = rules.parse_rule({"days": ["wed"], "time": "18:30", "kind": "closeness"})
        rules.create_rule(user, values, MONDAY_9_BERLIN)
    make_log(user, "space", at=last)
    return user


def bodies(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def test_one_email_on_the_monday_after_a_quiet_week_and_never_twice(ctx, outbox):
    ana = member()
    assert dispatch_fresh(MONDAY_9_BERLIN - timedelta(hours=1)).sent == 0  # 08:00 local: not yet
    assert dispatch_fresh(MONDAY_9_BERLIN).sent == 1
    assert len(outbox) == 1 and outbox[0]["To"] == "ana@example.com"
    assert outbox[0]["Subject"] == "A new week with Secure Base"
    text, html = bodies(outbox[0])
    assert "Name today's feeling" in text and "Name today" in html  # Confide's step 1: no plan, no focus
    assert "/settings#fresh" in text and "Turn it off in Settings" in html
    assert User.get_by_id(ana.id).fresh_greeted == date(2026, 6, 8)
    # Later that day, the next Monday and the next 1st of the same lapse: nothing more.
    for later in (timedelta(hours=5), timedelta(days=7), timedelta(days=23)):
        assert dispatch_fresh(MONDAY_9_BERLIN + later).sent == 0
    assert len(outbox) == 1


def test_a_new_lapse_after_a_log_is_greeted_again(ctx, outbox):
    ana = member()
    dispatch_fresh(MONDAY_9_BERLIN)
    make_log(ana, "space", at=MONDAY_9_BERLIN + timedelta(days=1))  # back on Tuesday 9 June
    assert dispatch_fresh(MONDAY_9_BERLIN + timedelta(days=7)).sent == 0  # 6 days later
    assert dispatch_fresh(MONDAY_9_BERLIN + timedelta(days=14)).sent == 1  # Mon 22 June: 13 days
    assert len(outbox) == 2


def test_through_the_scheduler_at_the_top_of_the_hour_and_the_cli(app, outbox, runner):
    member()
    assert run_once(app, MONDAY_9_BERLIN + timedelta(minutes=1)).fresh == 0  # not the hourly mark
    assert outbox == []
    result = runner.invoke(args=["tracker", "dispatch", "--now", "2026-06-08T09:00:00+02:00"])
    assert result.exit_code == 0 and "fresh=1" in result.output
    assert len(outbox) == 1
    again = runner.invoke(args=["tracker", "dispatch", "--now", "2026-06-08T10:00:00+02:00"])
    assert "fresh" not in again.output and len(outbox) == 1


@pytest.mark.parametrize(
    "setup",
    [
        pytest.param(
            lambda u: Pause.create(user=u, start_date=date(2026, 6, 5), end_date=date(2026, 6, 9)),
            id="paused-today",
        ),
        pytest.param(
            lambda u: Pause.create(user=u, start_date=date(2026, 5, 31), end_date=date(2026, 6, 2)),
            id="pause-shortens-lapse",
        ),
        pytest.param(
            lambda u: User.update(fresh_start=False).where(User.id == u.id).execute(), id="opted-out"
        ),
        pytest.param(
            lambda u: ReminderRule.update(enabled=False).where(ReminderRule.user == u.id).execute(),
            id="reminder-off",
        ),
        pytest.param(
            lambda u: User.update(reminders_paused=True).where(User.id == u.id).execute(),
            id="reminders-paused",
        ),
        pytest.param(
            lambda u: User.update(email_verified_at=None).where(User.id == u.id).execute(), id="unconfirmed"
        ),
        pytest.param(lambda u: make_log(u, "space", at=datetime(2026, 6, 2, 10, tzinfo=UTC)), id="six-days"),
    ],
)
def test_none_when_paused_opted_out_without_a_reminder_or_too_soon(ctx, outbox, setup):
    setup(member())
    assert dispatch_fresh(MONDAY_9_BERLIN).sent == 0 and outbox == []


def test_none_without_any_reminder(ctx, outbox):
    member(rule=False)
    assert dispatch_fresh(MONDAY_9_BERLIN).sent == 0 and outbox == []


def test_the_first_of_the_month_and_the_local_morning_in_far_zones(ctx, outbox):
    # Wed 1 July 2026 at 09:00 in Kiritimati (UTC+14) is still 30 June in UTC; at 09:00 in Pago Pago
    # (UTC-11) it is 20:00 UTC on 1 July.
    member("kiri@example.com", "Pacific/Kiritimati")
    member("pago@example.com", "Pacific/Pago_Pago")
    kiri_9 = datetime(2026, 6, 30, 19, 0, tzinfo=UTC)
    assert dispatch_fresh(kiri_9).sent == 1
    assert outbox[0]["To"] == "kiri@example.com" and outbox[0]["Subject"] == "A new month with Secure Base"
    assert dispatch_fresh(datetime(2026, 7, 1, 19, 0, tzinfo=UTC)).sent == 0  # 08:00 in Pago Pago
    assert dispatch_fresh(datetime(2026, 7, 1, 20, 0, tzinfo=UTC)).sent == 1
    assert [m["To"] for m in outbox] == ["kiri@example.com", "pago@example.com"]


def test_a_monday_that_is_the_first_is_a_new_month(ctx, outbox):
    member(last=datetime(2026, 5, 20, 10, tzinfo=UTC))  # Mon 1 June: 12 quiet days
    assert dispatch_fresh(datetime(2026, 6, 1, 7, 0, tzinfo=UTC)).sent == 1
    assert (
        outbox[0]["Subject"] == "A new month with Secure Base"
        and "A new month begins" in bodies(outbox[0])[0]
    )


def test_never_late_at_night_when_the_morning_was_missed(ctx, outbox):
    member()
    assert dispatch_fresh(MONDAY_9_BERLIN + timedelta(hours=12)).sent == 0  # 21:00 local
    assert dispatch_fresh(MONDAY_9_BERLIN + timedelta(hours=11)).sent == 1  # 20:00 local: still the day


def test_the_plan_is_the_step_and_no_couples_prompt_while_anyone_is_not_safe(ctx, outbox):
    ana = member()
    Plan.create(user=ana, kind="repair", cue="we argue", action="send a softening message")
    Plan.create(user=ana, kind="widen", cue="I feel alone", action="text one friend")
    make_person(ana, "Lee", not_safe=True)
    dispatch_fresh(MONDAY_9_BERLIN)
    text, _ = bodies(outbox[0])
    assert "Your plan: When I feel alone, I will text one friend." in text
    assert "softening" not in text and "Repair" not in text and "Lee" not in text


def test_discreet_mode_names_no_action_and_no_plan(ctx, outbox):
    ana = member(discreet=True)
    Plan.create(user=ana, kind="widen", cue="I feel alone", action="text one friend")
    dispatch_fresh(MONDAY_9_BERLIN)
    message = outbox[0]
    assert message["Subject"] == "Your reminder" and "Secure Base" not in message["From"]
    text, html = bodies(message)
    for word in ("friend", "Widen", "plan", "Secure Base", "quiet stretch", "practi"):
        assert word not in text and word not in html, word
    assert "fresh start" in text and "/settings#fresh" in text


def test_no_count_of_days_or_broken_streak_in_the_email(ctx, outbox):
    member()
    dispatch_fresh(MONDAY_9_BERLIN)
    text, html = bodies(outbox[0])
    for words in ("9 days", "nine", "streak", "broke", "missed you", "lost"):
        assert words not in text.lower() and words not in html.lower(), words


def test_two_passes_at_once_send_one_email(ctx, outbox):
    """Both read the candidate before either claims: the guarded UPDATE lets only one through."""
    member()
    first = fresh_starts._candidates(MONDAY_9_BERLIN)
    assert dispatch_fresh(MONDAY_9_BERLIN).sent == 1
    assert fresh_starts._claim(first) == []  # the second pass read the same row: it wins nothing
    assert len(outbox) == 1


class Refusing(MemoryBackend):
    def send_many(self, messages):
        return ["421 try later"] * len(messages)


def test_a_refused_email_gives_its_claim_back_for_the_next_hour(ctx):
    ana = member()
    ctx.extensions["mail"] = Refusing()
    tally = dispatch_fresh(MONDAY_9_BERLIN)
    assert (tally.sent, tally.failed) == (0, 1)
    assert User.get_by_id(ana.id).fresh_greeted is None
    backend = ctx.extensions["mail"] = MemoryBackend()
    assert dispatch_fresh(MONDAY_9_BERLIN + timedelta(hours=1)).sent == 1 and len(backend.outbox) == 1


def test_a_pass_reads_in_a_fixed_number_of_queries(ctx, outbox):
    """Batched like the nudge pass: more users, no more queries."""
    for n in range(6):
        ana = member(f"u{n}@example.com")
        Plan.create(user=ana, kind="widen", cue="I feel alone", action="text one friend")
    counted = []
    real = database.obj.execute_sql

    def counting(sql, *args, **kwargs):
        counted.append(sql)
        return real(sql, *args, **kwargs)

    database.obj.execute_sql = counting
    try:
        assert dispatch_fresh(MONDAY_9_BERLIN).sent == 6
    finally:
        database.obj.execute_sql = real
    # candidates, pauses, the claim, plans, focus, not safe (transaction statements aside)
    assert (
        len(
            [
                sql
                for sql in counted
                if not sql.lstrip().upper().startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))
            ]
        )
        <= 6
    )


def test_the_reminder_time_is_unaffected(ctx, outbox):
    """The pass only writes fresh_greeted: the user's rules keep their next firing."""
    ana = member()
    before = [r.next_due_at for r in ReminderRule.select().where(ReminderRule.user == ana.id)]
    dispatch_fresh(MONDAY_9_BERLIN)
    assert [r.next_due_at for r in ReminderRule.select().where(ReminderRule.user == ana.id)] == before
    assert time(18, 30) == ReminderRule.get(ReminderRule.user == ana.id).local_time


def _stop_link(message) -> str:
    text, _ = bodies(message)
    url = re.search(r"Stop these emails: (\S+)", text).group(1)
    return url.removeprefix("http://127.0.0.1:5000")


def test_one_click_stop_without_a_session_turns_it_off_once(app, outbox):
    ana = member()
    dispatch_fresh(MONDAY_9_BERLIN)
    path = _stop_link(outbox[0])
    assert outbox[0]["List-Unsubscribe"] == f"<http://127.0.0.1:5000{path}>"
    assert outbox[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    mail_app = app.test_client()  # a mail provider: no cookie, no CSRF token, just the RFC 8058 body
    assert mail_app.head(path).status_code == 200 and User.get_by_id(ana.id).fresh_start is True
    page = mail_app.get(path).get_data(as_text=True)
    assert "Stop the email after a quiet week?" in page and User.get_by_id(ana.id).fresh_start is True
    response = mail_app.post(
        path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and "No more emails after a quiet week" in response.get_data(
        as_text=True
    )
    assert User.get_by_id(ana.id).fresh_start is False
    assert mail_app.post(path, data="List-Unsubscribe=One-Click").status_code == 410
    assert mail_app.post(path[:-4] + "abcd").status_code == 404  # a cut-short link changes nothing
