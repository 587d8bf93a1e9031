"""Dispatch: find due reminders, claim each with a unique row, render, send, record, retry.

`dispatch(now)` is safe to run in several processes at once (two schedulers, a cron job and the CLI):
a firing is claimed by inserting its nudge row, unique on (rule, due instant), in the same transaction
that moves the rule on to its next firing, so whoever inserts the row sends it and everyone else
skips it, on PostgreSQL and SQLite alike. A pass with nothing due is one query (a UNION of two
indexed range scans: rules by next due instant, nudges by next attempt).

A nudge is skipped, not sent, when its firing was missed by more than two hours (the server was down:
no reminders late at night), the address is unverified, the user paused reminders (all of them, or
the day falls in a pause), or that kind (any kind, for an "any" rule) is already logged that local
day. A failed send is tried again after 1, 5 and 15 minutes, then marked failed. A claim is a lease:
if the process dies while sending, the nudge is taken up again when the lease runs out.

A rule's channels say how its nudge goes out: by email, to each device the user turned notifications on
for (push.py), or both, all from the same claim. A push-only rule needs no confirmed address and sends no
email; a rule whose channels reach nobody (no confirmed address, no device) is skipped. When one part of
a nudge fails and another arrives, the row notes what arrived (`delivered`), so a retry sends only the
rest; a device its push service calls gone is deleted.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from peewee import SQL, IntegrityError

from tracker import emails, insights, practice, push
from tracker.mail import mailer
from tracker.models import (
    LadderStep,
    Log,
    Nudge,
    Pause,
    Person,
    Plan,
    PushSubscription,
    ReminderRule,
    User,
    database,
    naive_utc,
)
from tracker.queries import load_history
from tracker.rules import next_firing, schedule_rule
from tracker.schedule import aware, local_day

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15))
MAX_ATTEMPTS = len(BACKOFF) + 1
MISSED_AFTER = timedelta(hours=2)
CHUNK = 250


@dataclass
class Tally:
    """What one pass did: nudges it claimed (due) and how each ended (or will be retried)."""

    due: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retrying: int = 0
    fresh: int = 0  # fresh-start emails sent by the hourly pass (fresh_starts.py), when it ran

    def __str__(self) -> str:
        """The line the `dispatch` command prints."""
        return (
            f"due={self.due} sent={self.sent} skipped={self.skipped} failed={self.failed}"
            + (f" retrying={self.retrying}" if self.retrying else "")
            + (f" fresh={self.fresh}" if self.fresh else "")
        )


@dataclass
class Facts:
    """What the skip rules and suggestions need about a batch of users, read in four queries."""

    logged: dict[tuple[int, date], set[str]] = field(default_factory=lambda: defaultdict(set))
    paused: set[tuple[int, date]] = field(default_factory=set)
    ladder_steps: dict[int, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))  # stored steps
    not_safe: set[int] = field(default_factory=set)  # users who marked someone as not safe
    devices: dict[int, list[PushSubscription]] = field(default_factory=dict)  # for rules that push
    plans: dict[int, dict[str, tuple[str, str]]] = field(default_factory=lambda: defaultdict(dict))


@dataclass
class Job:
    """A claimed nudge on its way out."""

    nudge_id: int
    marker: str  # the nudge's random one-time id, which its email's links carry
    rule: ReminderRule
    user: User
    due: datetime
    attempts: int
    facts: Facts
    delivered: frozenset[str] = frozenset()  # what an earlier attempt got through ("email", device ids)

    @property
    def email(self) -> bool:
        """Whether this attempt sends the email."""
        return _wants_email(self.rule, self.user) and "email" not in self.delivered

    @property
    def devices(self) -> list[PushSubscription]:
        """The devices this attempt pushes to."""
        if "push" not in self.rule.channels:
            return []
        return [d for d in self.facts.devices.get(self.user.id, []) if str(d.id) not in self.delivered]


def _wants_email(rule: ReminderRule, user: User) -> bool:
    """Whether the rule's nudges go by email and may (the address is confirmed)."""
    return "email" in rule.channels and user.email_verified_at is not None


def dispatch(now: datetime) -> Tally:
    """One pass over everything due at `now`."""
    tally = Tally()
    due = list(
        (
            ReminderRule.due(now).select(SQL("'r'"), ReminderRule.id)
            + Nudge.due(now).select(SQL("'n'"), Nudge.id)
        ).tuples()
    )
    # Ascending ids give concurrent dispatchers the same lock order, so they queue instead of deadlock.
    rule_ids = sorted(key for source, key in due if source == "r")
    nudge_ids = sorted(key for source, key in due if source == "n")
    batches = [(_claim_rules, chunk) for chunk in _chunks(rule_ids)]
    batches += [(_claim_nudges, chunk) for chunk in _chunks(nudge_ids)]
    if batches:
        _pipeline(batches, now, tally)
    return tally


def _pipeline(batches: list, now: datetime, tally: Tally) -> None:
    """Claim and render the next batch while the last one is on the wire (only this thread uses the
    database; the sender threads only talk SMTP and HTTP)."""
    backend = mailer()
    with ThreadPoolExecutor(1, thread_name_prefix="nudge-mail") as sender, push.sender(now) as pusher:
        in_flight: Batch | None = None
        try:
            for claim, chunk in batches:
                batch = _render_all(claim(chunk, now, tally), now)
                if in_flight is not None:
                    _record(in_flight, now, tally)
                batch.sending = sender.submit(backend.send_many, batch.messages)
                batch.pushing = pusher.submit(batch.pushes) if batch.pushes else None
                in_flight = batch
        finally:
            if in_flight is not None:
                _record(in_flight, now, tally)


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    """Batches small enough for one statement's parameters and one SMTP session each."""
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _facts(pairs: set[tuple[int, date]]) -> Facts:
    """Logged kinds and pauses on each (user, day), each user's stored ladder steps (the step Today
    shows), and who marked anyone as not safe."""
    facts = Facts()
    if not pairs:
        return facts
    users, days = {u for u, _ in pairs}, {d for _, d in pairs}
    logs = Log.select(Log.user, Log.local_date, Log.kind).where(Log.user.in_(users), Log.local_date.in_(days))
    for user_id, day, kind in logs.tuples():
        if (user_id, day) in pairs:
            facts.logged[(user_id, day)].add(kind)
    facts.paused = _paused_days(users, pairs)
    steps = LadderStep.select(LadderStep.user, LadderStep.kind, LadderStep.step).where(
        LadderStep.user.in_(users)
    )
    for user_id, kind, step in steps.tuples():
        facts.ladder_steps[user_id][kind] = step
    unsafe = Person.select(Person.user).distinct().where(Person.user.in_(users), Person.not_safe == True)  # noqa: E712
    facts.not_safe = {user_id for (user_id,) in unsafe.tuples()}
    facts.plans = _plans(users)
    return facts


def _plans(users: set[int]) -> dict[int, dict[str, tuple[str, str]]]:
    """Each user's active if-then plans by kind, (cue, action), for the batch in one query (issue 16)."""
    plans: dict[int, dict[str, tuple[str, str]]] = defaultdict(dict)
    active = Plan.select(Plan.user, Plan.kind, Plan.cue, Plan.action).where(
        Plan.user.in_(users),
        Plan.active == True,  # noqa: E712
    )
    for user_id, kind, cue, action in active.tuples():
        plans[user_id][kind] = (cue, action)
    return plans


def _paused_days(users: set[int], pairs: set[tuple[int, date]]) -> set[tuple[int, date]]:
    """The (user, day) pairs that fall inside one of the user's pauses."""
    days = {d for _, d in pairs}
    pauses = Pause.select(Pause.user, Pause.start_date, Pause.end_date).where(
        Pause.user.in_(users), Pause.start_date <= max(days), Pause.end_date >= min(days)
    )
    return {
        (user_id, day)
        for user_id, start, end in pauses.tuples()
        for day in days
        if start <= day <= end and (user_id, day) in pairs
    }


def _paused(user: User, day: date) -> bool:
    """Whether the user paused that day (a pause range of issue 3); dispatch uses the batch form."""
    return bool(_paused_days({user.id}, {(user.id, day)}))


def _with_devices(facts: Facts, rules: list[ReminderRule], now: datetime) -> Facts:
    """The facts with the devices of the users whose rules push (one query, only when any does)."""
    users = {rule.user.id for rule in rules if "push" in rule.channels}
    facts.devices = push.devices_of(users, now)
    return facts


def _skip_reason(rule: ReminderRule, user: User, due: datetime, now: datetime, facts: Facts) -> str | None:
    """Why this firing must not be sent, or None to send it."""
    if now - due > MISSED_AFTER:
        return "missed"
    pushes = rule.purpose != "digest" and "push" in rule.channels and bool(facts.devices.get(user.id))
    if not pushes and not _wants_email(rule, user):  # nobody to reach: no confirmed address, no device
        return "unverified" if "email" in rule.channels or rule.purpose == "digest" else "no device"
    day = local_day(due, user.timezone)
    if not rule.enabled or (user.id, day) in facts.paused:
        return "paused"
    if rule.purpose == "digest":
        return None if user.digest_opt_in else "paused"
    if user.reminders_paused:
        return "paused"
    kinds = facts.logged.get((user.id, day), set())
    if kinds and (rule.kind is None or rule.kind in kinds):
        return "done"
    return None


def _claim_rules(ids: list[int], now: datetime, tally: Tally) -> list[Job]:
    """Insert a nudge row per due rule (skipped ones settled at once) and move each rule on."""
    rules = list(
        ReminderRule.select(ReminderRule, User)
        .join(User)
        .where(ReminderRule.id.in_(ids), ReminderRule.next_due_at <= naive_utc(now))
        .order_by(ReminderRule.id)
    )
    facts = _facts({(r.user.id, local_day(aware(r.next_due_at), r.user.timezone)) for r in rules})
    _with_devices(facts, rules, now)
    rows = []
    for rule in rules:
        reason = _skip_reason(rule, rule.user, aware(rule.next_due_at), now, facts)
        rows.append(_claim_row(rule, reason, now))
    with database.atomic():
        claimed = _insert_claims(rows)
        _advance(rules, now)
    by_rule = {rule.id: rule for rule in rules}
    jobs = []
    for nudge_id, marker, rule_id, status in claimed:
        tally.due += 1
        rule = by_rule[rule_id]
        if status == "skipped":
            tally.skipped += 1
        else:
            jobs.append(Job(nudge_id, marker, rule, rule.user, aware(rule.next_due_at), 1, facts))
    return jobs


def _claim_row(rule: ReminderRule, reason: str | None, now: datetime) -> dict:
    """The nudge row that claims a rule's firing: settled as skipped, or leased for sending."""
    return {
        "rule": rule.id,
        "due_at": rule.next_due_at,
        "status": "skipped" if reason else "sending",
        "attempts": 0 if reason else 1,
        "next_attempt_at": None if reason else naive_utc(now + LEASE),
        "error": reason,
        "created_at": naive_utc(now),
    }


def _insert_claims(rows: list[dict]) -> list[tuple[int, str, int, str]]:
    """Insert the rows another dispatcher hasn't; (id, marker, rule, status) of those this one won."""
    if not rows:
        return []

    def insert(batch: list[dict]) -> list[tuple[int, str, int, str]]:
        """INSERT … ON CONFLICT DO NOTHING RETURNING: the rows back are the ones this pass won."""
        query = Nudge.insert_many(batch).on_conflict_ignore()
        columns = (Nudge.id, Nudge.marker, Nudge.rule, Nudge.status)
        return [(n.id, n.marker, n.rule_id, n.status) for n in query.returning(*columns).execute()]

    try:
        with database.atomic():
            return insert(rows)
    except IntegrityError:  # a rule was deleted meanwhile: claim the others one by one
        won = []
        for row in rows:
            try:
                with database.atomic():
                    won += insert([row])
            except IntegrityError:
                continue
        return won


def _advance(rules: list[ReminderRule], now: datetime) -> None:
    """Move each rule to its first firing after this one and after now (missed days collapse)."""
    # Rules due together mostly move together, so one UPDATE per (from, to) pair; the `from` guard
    # leaves alone a rule that another dispatcher or an edit has moved meanwhile.
    moves: dict[tuple, list[int]] = defaultdict(list)
    for rule in rules:
        following = next_firing(rule, rule.user.timezone, max(aware(rule.next_due_at), now))
        moves[(rule.next_due_at, naive_utc(following) if following else None)].append(rule.id)
    for (current, following), ids in moves.items():
        ReminderRule.update(next_due_at=following).where(
            ReminderRule.id.in_(ids), ReminderRule.next_due_at == current
        ).execute()


def _claim_nudges(ids: list[int], now: datetime, tally: Tally) -> list[Job]:
    """Take up retries, snoozes and lapsed claims, each with a compare-and-set on its row."""
    nudges = list(
        Nudge.select(Nudge, ReminderRule, User)
        .join(ReminderRule)
        .join(User)
        .where(Nudge.id.in_(ids), Nudge.next_attempt_at <= naive_utc(now))
        .order_by(Nudge.id)
    )
    facts = _facts({(n.rule.user.id, local_day(aware(n.due_at), n.rule.user.timezone)) for n in nudges})
    _with_devices(facts, [n.rule for n in nudges], now)
    jobs = []
    for nudge in nudges:
        rule, user = nudge.rule, nudge.rule.user
        reason = _skip_reason(rule, user, aware(nudge.due_at), now, facts)
        if nudge.attempts >= MAX_ATTEMPTS:  # the last attempt's process died mid-send
            change = {
                "status": "failed",
                "error": "no answer after the last attempt",
                "next_attempt_at": None,
            }
        elif reason:
            change = {"status": "skipped", "error": reason, "next_attempt_at": None}
        else:
            change = {
                "status": "sending",
                "attempts": nudge.attempts + 1,
                "next_attempt_at": naive_utc(now + LEASE),
            }
        taken = Nudge.update(**change).where(
            Nudge.id == nudge.id, Nudge.status == nudge.status, Nudge.next_attempt_at == nudge.next_attempt_at
        )
        if not taken.execute():
            continue  # another dispatcher took it first
        tally.due += 1
        if change["status"] == "sending":
            attempt = nudge.attempts + 1
            delivered = frozenset((nudge.delivered or "").split())
            jobs.append(
                Job(nudge.id, nudge.marker, rule, user, aware(nudge.due_at), attempt, facts, delivered)
            )
        else:
            setattr(tally, change["status"], getattr(tally, change["status"]) + 1)
    return jobs


@dataclass
class Batch:
    """Claimed jobs with their rendered emails and notifications, and the sends under way."""

    jobs: list[Job]
    messages: list = field(default_factory=list)
    ready: list[Job] = field(default_factory=list)  # the jobs of `messages`, in order
    pushes: list[push.Push] = field(default_factory=list)
    outcomes: dict[int, str | None] = field(default_factory=dict)  # jobs that could not be rendered
    sending: Future | None = None
    pushing: Future | None = None


def _render_all(jobs: list[Job], now: datetime) -> Batch:
    """Render each job's email and notification; one that can't be rendered fails alone."""
    batch = Batch(jobs)
    for job in jobs:
        try:
            devices = job.devices
            payload = _notification(job, now) if devices else b""
            message = _render(job, now) if job.email else None
        except Exception:  # a rendering bug must not hold up everyone else's reminders
            log.exception("Could not render nudge %s", job.nudge_id)
            batch.outcomes[job.nudge_id] = "could not render the email"
            continue
        if message is not None:
            batch.messages.append(message)
            batch.ready.append(job)
        batch.pushes += [push.push_for(device, job.nudge_id, payload) for device in devices]
    return batch


def _suggestion(job: Job, day: date) -> emails.Suggestion:
    """What a nudge suggests: the rule's kind (or the day's) and the current step on its ladder."""
    # While anyone is marked not safe, no couples prompt (DOMAIN.md, "Care").
    avoid = practice.COUPLES_KINDS if job.user.id in job.facts.not_safe else frozenset()
    steps = practice.current_steps(job.facts.ladder_steps.get(job.user.id, {}))  # as Today shows them
    suggestion = emails.suggestion_for(job.rule.kind, day, steps, avoid)
    # The kind's if-then plan, in the user's words; never in the discreet mode, which names no action.
    plan = None if job.user.discreet else job.facts.plans.get(job.user.id, {}).get(suggestion.kind.key)
    return replace(suggestion, plan=plan)


def _render(job: Job, now: datetime):
    """The email for a job: the digest for a digest rule, else a nudge with its suggestion."""
    day = local_day(job.due, job.user.timezone)
    if job.rule.purpose == "digest":
        month = (day.replace(day=1) - timedelta(days=1)).replace(day=1)
        summary = month_summary(job.user, day, month)
        return emails.digest_message(job.user, job.rule, month, summary, now)
    suggestion = _suggestion(job, day)
    return emails.nudge_message(job.user, job.rule, job.nudge_id, job.marker, day, suggestion, now)


def _notification(job: Job, now: datetime) -> bytes:
    """The notification for a job's devices, with the same suggestion as its email."""
    day = local_day(job.due, job.user.timezone)
    return push.message(job.user, job.rule, job.nudge_id, job.marker, day, _suggestion(job, day), now)


def month_summary(user: User, today: date, month: date) -> insights.MonthSummary:
    """Last month's review (for the digest): the same figures as the month page, from the same query."""
    days = insights.month_days(month.year, month.month)
    history = load_history(user, today, (days[0], days[-1]))
    return insights.month_summary(history, month.year, month.month)


@dataclass
class Outcome:
    """How one job's attempt went: what arrived, what may be tried again, what failed for good."""

    delivered: set[str] = field(default_factory=set)
    retry: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _outcomes(batch: Batch) -> dict[int, Outcome]:
    """Each job's outcome from the batch's email and push results."""
    outcomes = {job.nudge_id: Outcome() for job in batch.jobs}
    for nudge_id, error in batch.outcomes.items():
        outcomes[nudge_id].retry.append(error)
    try:
        results = batch.sending.result() if batch.sending else []
    except Exception as exc:  # the backend itself broke: every message of the batch failed
        log.exception("Mail backend failed")
        results = [f"{type(exc).__name__}: {str(exc)[:120]}"] * len(batch.ready)
    for job, error in zip(batch.ready, results, strict=True):
        if error is None:
            outcomes[job.nudge_id].delivered.add("email")
        else:
            outcomes[job.nudge_id].retry.append(error)
    try:
        pushed = batch.pushing.result() if batch.pushing else []
    except Exception as exc:  # the sender broke: every push of the batch is tried again
        log.exception("Push sender failed")
        pushed = [push.Result(push.RETRY, f"{type(exc).__name__}: {str(exc)[:120]}")] * len(batch.pushes)
    gone = []
    for item, result in zip(batch.pushes, pushed, strict=True):
        outcome = outcomes[item.nudge_id]
        if result.outcome == push.SENT:
            outcome.delivered.add(str(item.device_id))
        elif result.outcome == push.RETRY:
            outcome.retry.append(result.detail)
        else:
            outcome.failed.append(result.detail)
            if result.outcome == push.GONE:
                gone.append(item.device_id)
    push.forget(gone)
    return outcomes


def _record(batch: Batch, now: datetime, tally: Tally) -> None:
    """Wait for the batch's sends; mark sent ones in one statement, failed ones retry or give up."""
    outcomes = _outcomes(batch)
    jobs = batch.jobs
    clean = [j.nudge_id for j in jobs if not outcomes[j.nudge_id].retry and not outcomes[j.nudge_id].failed]
    if clean:
        Nudge.update(
            status="sent", sent_at=naive_utc(now), next_attempt_at=None, error=None, delivered=None
        ).where(Nudge.id.in_(clean)).execute()
        tally.sent += len(clean)
    # Failures share their outcome (the server was down for all of them): one statement per outcome.
    groups: dict[tuple, list[int]] = defaultdict(list)
    for job in jobs:
        outcome = outcomes[job.nudge_id]
        if job.nudge_id in clean:
            continue
        delivered = job.delivered | outcome.delivered
        error = (outcome.retry + outcome.failed)[0][:200]
        if outcome.retry and job.attempts < MAX_ATTEMPTS:
            noted = " ".join(sorted(delivered))[:200] or None
            groups[("retry", naive_utc(now + BACKOFF[job.attempts - 1]), error, noted, None)].append(
                job.nudge_id
            )
            tally.retrying += 1
        elif delivered:  # part of it arrived (now or before): sent, with a note of what didn't
            groups[("sent", None, error, None, naive_utc(now))].append(job.nudge_id)
            tally.sent += 1
        else:
            groups[("failed", None, error, None, None)].append(job.nudge_id)
            tally.failed += 1
    for (status, next_attempt_at, error, delivered, sent_at), ids in groups.items():
        change = {
            "status": status,
            "next_attempt_at": next_attempt_at,
            "error": error,
            "delivered": delivered,
        }
        if sent_at:
            change["sent_at"] = sent_at
        Nudge.update(**change).where(Nudge.id.in_(ids)).execute()


def reschedule_user(user: User, now: datetime) -> None:
    """Recompute the next firing of each of the user's rules, e.g. after a time zone change."""
    with database.atomic():
        for rule in ReminderRule.select().where(ReminderRule.user == user.id):
            following = schedule_rule(rule, user.timezone, now)
            ReminderRule.update(next_due_at=naive_utc(following) if following else None).where(
                ReminderRule.id == rule.id
            ).execute()
