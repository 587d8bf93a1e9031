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
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from peewee import SQL, IntegrityError

from tracker import emails, insights, practice
from tracker.mail import mailer
from tracker.models import LadderStep, Log, Nudge, Pause, Person, ReminderRule, User, database, naive_utc
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

    def __str__(self) -> str:
        """The line the `dispatch` command prints."""
        return f"due={self.due} sent={self.sent} skipped={self.skipped} failed={self.failed}" + (
            f" retrying={self.retrying}" if self.retrying else ""
        )


@dataclass
class Facts:
    """What the skip rules and suggestions need about a batch of users, read in four queries."""

    logged: dict[tuple[int, date], set[str]] = field(default_factory=lambda: defaultdict(set))
    paused: set[tuple[int, date]] = field(default_factory=set)
    ladder_steps: dict[int, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))  # stored steps
    not_safe: set[int] = field(default_factory=set)  # users who marked someone as not safe


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
    database; the sender thread only talks SMTP)."""
    backend = mailer()
    with ThreadPoolExecutor(1, thread_name_prefix="nudge-mail") as sender:
        in_flight: Batch | None = None
        try:
            for claim, chunk in batches:
                batch = _render_all(claim(chunk, now, tally), now)
                if in_flight is not None:
                    _record(in_flight, now, tally)
                batch.sending = sender.submit(backend.send_many, batch.messages)
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
    return facts


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


def _skip_reason(rule: ReminderRule, user: User, due: datetime, now: datetime, facts: Facts) -> str | None:
    """Why this firing must not be sent, or None to send it."""
    if now - due > MISSED_AFTER:
        return "missed"
    if user.email_verified_at is None:
        return "unverified"
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
            jobs.append(Job(nudge.id, nudge.marker, rule, user, aware(nudge.due_at), attempt, facts))
        else:
            setattr(tally, change["status"], getattr(tally, change["status"]) + 1)
    return jobs


@dataclass
class Batch:
    """Claimed jobs with their rendered emails, and the send under way."""

    jobs: list[Job]
    messages: list = field(default_factory=list)
    ready: list[Job] = field(default_factory=list)
    outcomes: dict[int, str | None] = field(default_factory=dict)
    sending: Future | None = None


def _render_all(jobs: list[Job], now: datetime) -> Batch:
    """Render each job's email; one that can't be rendered fails alone."""
    batch = Batch(jobs)
    for job in jobs:
        try:
            batch.messages.append(_render(job, now))
            batch.ready.append(job)
        except Exception:  # a rendering bug must not hold up everyone else's reminders
            log.exception("Could not render nudge %s", job.nudge_id)
            batch.outcomes[job.nudge_id] = "could not render the email"
    return batch


def _render(job: Job, now: datetime):
    """The email for a job: the digest for a digest rule, else a nudge with its suggestion."""
    day = local_day(job.due, job.user.timezone)
    if job.rule.purpose == "digest":
        month = (day.replace(day=1) - timedelta(days=1)).replace(day=1)
        summary = month_summary(job.user, day, month)
        return emails.digest_message(job.user, job.rule, month, summary, now)
    # While anyone is marked not safe, no couples prompt (DOMAIN.md, "Care").
    avoid = practice.COUPLES_KINDS if job.user.id in job.facts.not_safe else frozenset()
    steps = practice.current_steps(job.facts.ladder_steps.get(job.user.id, {}))  # as Today shows them
    suggestion = emails.suggestion_for(job.rule.kind, day, steps, avoid)
    return emails.nudge_message(job.user, job.rule, job.nudge_id, job.marker, day, suggestion, now)


def month_summary(user: User, today: date, month: date) -> insights.MonthSummary:
    """Last month's review (for the digest): the same figures as the month page, from the same query."""
    days = insights.month_days(month.year, month.month)
    history = load_history(user, today, (days[0], days[-1]))
    return insights.month_summary(history, month.year, month.month)


def _record(batch: Batch, now: datetime, tally: Tally) -> None:
    """Wait for the batch's send; mark sent ones in one statement, failed ones retry or give up."""
    try:
        results = batch.sending.result() if batch.sending else []
    except Exception as exc:  # the backend itself broke: every message of the batch failed
        log.exception("Mail backend failed")
        results = [f"{type(exc).__name__}: {str(exc)[:120]}"] * len(batch.ready)
    outcomes = {**batch.outcomes, **{job.nudge_id: r for job, r in zip(batch.ready, results, strict=True)}}
    jobs = batch.jobs
    sent = [job.nudge_id for job in jobs if outcomes[job.nudge_id] is None]
    if sent:
        Nudge.update(status="sent", sent_at=naive_utc(now), next_attempt_at=None, error=None).where(
            Nudge.id.in_(sent)
        ).execute()
        tally.sent += len(sent)
    # Failures share their outcome (the server was down for all of them): one statement per outcome.
    groups: dict[tuple, list[int]] = defaultdict(list)
    for job in jobs:
        error = outcomes[job.nudge_id]
        if error is None:
            continue
        if job.attempts >= MAX_ATTEMPTS:
            groups[("failed", None, error[:200])].append(job.nudge_id)
            tally.failed += 1
        else:
            groups[("retry", naive_utc(now + BACKOFF[job.attempts - 1]), error[:200])].append(job.nudge_id)
            tally.retrying += 1
    for (status, next_attempt_at, error), ids in groups.items():
        Nudge.update(status=status, next_attempt_at=next_attempt_at, error=error).where(
            Nudge.id.in_(ids)
        ).execute()


def reschedule_user(user: User, now: datetime) -> None:
    """Recompute the next firing of each of the user's rules, e.g. after a time zone change."""
    with database.atomic():
        for rule in ReminderRule.select().where(ReminderRule.user == user.id):
            following = schedule_rule(rule, user.timezone, now)
            ReminderRule.update(next_due_at=naive_utc(following) if following else None).where(
                ReminderRule.id == rule.id
            ).execute()
