"""The fresh-start pass (issue 16, item 3): after a quiet week, one gentle email on the next Monday or 1st.

The scheduler's job runs it at the top of every hour (`scheduler.run_once`, also `tracker dispatch
--now` at minute 0). A user gets one when all of these hold (the day rules are insights.fresh's):
- they opted in (`users.fresh_start`, on by default), set at least one reminder that is on, confirmed
  their address, and did not pause all reminders;
- it is 09:00–20:59 on their landmark day in their own zone: from 09:00, and never late at night when
  a pass was missed for hours (a server that was down);
- the lapse (days since the last log, paused days left out) is 7 or more, today is not paused, and the
  lapse was not greeted yet.

A send is claimed by a conditional UPDATE of `users.fresh_greeted` to the landmark day, guarded by the
value the pass read, and committed before the email goes: of two passes at once (two schedulers, a cron
job and the CLI) one wins, and a rerun finds the lapse greeted. An email the mail server refused gives
the claim back (the same guard), so the next hour tries again. Reads are batched: the candidates in one
query, then their pauses and their steps (queries.fresh_steps) for the whole batch.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from peewee import fn

from tracker import emails
from tracker.insights import Pause as PauseRange
from tracker.insights import local_date_of
from tracker.insights.fresh import LAPSE_DAYS, fresh_start_due, is_landmark
from tracker.mail import mailer
from tracker.models import Log, Pause, ReminderRule, User
from tracker.queries import fresh_steps

log = logging.getLogger(__name__)

FIRST_HOUR, LAST_HOUR = 9, 20  # local hours a fresh start may go out in, both included


@dataclass
class FreshTally:
    """What one fresh-start pass did."""

    sent: int = 0
    failed: int = 0


@dataclass
class _Candidate:
    user: User
    today: date
    last_log: date | None


def _candidates(now: datetime) -> list[_Candidate]:
    """Opted-in users with a reminder on and a confirmed address, whose local hour is in the window on
    a landmark day and whose last log is a week or more back (one query; pauses come later)."""
    last_log = Log.select(fn.MAX(Log.local_date)).where(Log.user == User.id)
    has_rule = ReminderRule.select(ReminderRule.id).where(
        ReminderRule.user == User.id,
        ReminderRule.purpose == "nudge",
        ReminderRule.enabled == True,  # noqa: E712
    )
    # Any zone's today is at most one day past UTC's: a last log after this can't make a 7-day lapse.
    horizon = now.date() + timedelta(days=1) - timedelta(days=LAPSE_DAYS)
    query = User.select(User, last_log.alias("last_log")).where(
        User.fresh_start == True,  # noqa: E712
        User.email_verified_at.is_null(False),
        User.reminders_paused == False,  # noqa: E712
        fn.EXISTS(has_rule),
        ~fn.EXISTS(Log.select(Log.id).where(Log.user == User.id, Log.local_date > horizon)),
    )
    found = []
    for user in query:
        local = now.astimezone(ZoneInfo(user.timezone))
        if not FIRST_HOUR <= local.hour <= LAST_HOUR or not is_landmark(local.date()):
            continue
        last = user.last_log
        last = date.fromisoformat(last) if isinstance(last, str) else last  # SQLite gives text
        found.append(_Candidate(user, local.date(), last))
    return found


def _pauses(user_ids: set[int]) -> dict[int, list[PauseRange]]:
    """The batch's pauses (one query)."""
    by_user: dict[int, list[PauseRange]] = defaultdict(list)
    rows = Pause.select(Pause.user, Pause.start_date, Pause.end_date).where(Pause.user.in_(user_ids))
    for user_id, start, end in rows.tuples():
        by_user[user_id].append(PauseRange(start, end))
    return by_user


def _claim(due: list[_Candidate]) -> list[_Candidate]:
    """Set fresh_greeted to each one's landmark day where it still holds what this pass read: the ones
    this pass won (one UPDATE per (day, previous value), committed before anything is sent)."""
    groups: dict[tuple[date, date | None], list[_Candidate]] = defaultdict(list)
    for candidate in due:
        groups[(candidate.today, candidate.user.fresh_greeted)].append(candidate)
    won = []
    for (today, previous), members in groups.items():
        unchanged = User.fresh_greeted.is_null(True) if previous is None else User.fresh_greeted == previous
        ids = [m.user.id for m in members]
        query = User.update(fresh_greeted=today).where(User.id.in_(ids), unchanged).returning(User.id)
        claimed = {row.id for row in query.execute()}
        won += [m for m in members if m.user.id in claimed]
    return won


def _give_back(failed: list[_Candidate]) -> None:
    """A refused email's claim goes back to what it was, so the next hour tries again."""
    for candidate in failed:
        User.update(fresh_greeted=candidate.user.fresh_greeted).where(
            User.id == candidate.user.id, User.fresh_greeted == candidate.today
        ).execute()


def dispatch_fresh(now: datetime) -> FreshTally:
    """One fresh-start pass as of `now` (see the module's docstring)."""
    tally = FreshTally()
    candidates = _candidates(now)
    if not candidates:
        return tally
    pauses = _pauses({c.user.id for c in candidates})
    due = [
        c
        for c in candidates
        if fresh_start_due(
            c.today,
            c.last_log,
            local_date_of(c.user.created_at, c.user.timezone),
            pauses.get(c.user.id, ()),
            c.user.fresh_greeted,
        )
    ]
    won = _claim(due) if due else []
    if not won:
        return tally
    steps = fresh_steps({c.user.id for c in won})
    messages, ready, failed = [], [], []
    for candidate in won:
        try:
            messages.append(
                emails.fresh_message(candidate.user, candidate.today, steps[candidate.user.id], now)
            )
            ready.append(candidate)
        except Exception:  # a rendering bug must not hold up everyone else's
            log.exception("Could not render the fresh start for user %s", candidate.user.id)
            failed.append(candidate)
    results = mailer().send_many(messages) if messages else []
    for candidate, error in zip(ready, results, strict=True):
        if error is None:
            tally.sent += 1
        else:
            log.warning("Fresh start to user %s failed: %s", candidate.user.id, error)
            failed.append(candidate)
    _give_back(failed)
    tally.failed = len(failed)
    return tally
