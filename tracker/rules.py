"""Reminder rules as a user manages them (page and API share these), when each fires next, and what
each email link does.

Rule input is validated once, in `forms.parse_rule`, for the form, the JSON API and the import alike.
Every change recomputes the rule's stored next firing, so the dispatcher never has to, and a
rule never fires twice on one local day, even when edited after it fired. The monthly digest is a
rule too (purpose "digest", the 1st at 09:00), so the dispatcher's one query finds it. The email-link
actions run inside the caller's transaction, after the token is spent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tracker.emails import address_tag
from tracker.forms import MAX_REMINDERS, InvalidInput, LogInput
from tracker.forms import parse_rule as parse_rule  # callers use rules.parse_rule
from tracker.logbook import create_log
from tracker.models import Log, Nudge, ReminderRule, User, database, naive_utc
from tracker.schedule import aware, day_names, local_day, next_due, next_monthly
from tracker.tokens import Token, TokenError

MAX_RULES = MAX_REMINDERS
SNOOZE = timedelta(hours=1)
DIGEST_DAY, DIGEST_TIME = 1, time(9, 0)


def rule_json(rule: ReminderRule) -> dict:
    """A rule as the API shows it."""
    return {
        "id": rule.id,
        "days": day_names(rule.days),
        "time": f"{rule.local_time:%H:%M}",
        "kind": rule.kind,
        "enabled": rule.enabled,
        "channels": rule.channel_list,
        "next_due_at": rule.next_due_at.isoformat() + "+00:00" if rule.next_due_at else None,
    }


def _save(rule: ReminderRule, user: User, now: datetime) -> ReminderRule:
    """Store a rule with its next firing recomputed."""
    following = schedule_rule(rule, user.timezone, now)
    rule.next_due_at = naive_utc(following) if following else None
    rule.save()
    return rule


def create_rule(user: User, values: dict, now: datetime) -> ReminderRule:
    """Add a reminder (enabled unless said otherwise)."""
    if ReminderRule.for_user(user).count() >= MAX_RULES:
        raise InvalidInput({"reminders": f"You can have up to {MAX_RULES} reminders."})
    rule = ReminderRule(user=user.id, created_at=naive_utc(now), **values)
    return _save(rule, user, now)


def update_rule(rule: ReminderRule, user: User, values: dict, now: datetime) -> ReminderRule:
    """Change some fields of a reminder."""
    for name, value in values.items():
        setattr(rule, name, value)
    return _save(rule, user, now)


def set_paused_all(user: User, paused: bool) -> None:
    """The global switch: rules keep their schedule and are skipped while paused."""
    User.update(reminders_paused=paused).where(User.id == user.id).execute()


def form_values(form: Mapping) -> dict:
    """The reminder form as parse_rule input (checkboxes arrive as a list).

    The form sends an empty `channels` beside its checkboxes, so "none ticked" is told apart from a form
    without them (which leaves the channels as they are, email for a new reminder)."""
    values = {"days": form.getlist("days"), "time": form.get("time", ""), "kind": form.get("kind") or None}
    if "channels" in form:
        values["channels"] = [channel for channel in form.getlist("channels") if channel]
    return values


def next_firing(rule: ReminderRule, zone: str, after: datetime) -> datetime | None:
    """The rule's first firing after an instant: weekly for reminders, monthly for the digest."""
    if rule.purpose == "digest":
        return next_monthly(DIGEST_DAY, rule.local_time, zone, after)
    return next_due(rule.days, rule.local_time, zone, after)


def schedule_rule(rule: ReminderRule, zone: str, now: datetime) -> datetime | None:
    """The rule's next firing after now, but never a second one on a local day it already fired."""
    if not rule.enabled:
        return None
    following = next_firing(rule, zone, now)
    if following is None or rule.id is None:
        return following
    last = (
        Nudge.select(Nudge.due_at)
        .where(Nudge.rule == rule.id)
        .order_by(Nudge.due_at.desc())
        .limit(1)
        .scalar()
    )
    if last is not None and local_day(aware(last), zone) == local_day(following, zone):
        following = next_firing(rule, zone, following)
    return following


def set_digest(user: User, on: bool, now: datetime) -> None:
    """Opt in to or out of the monthly digest: a monthly rule, kept (off) so it never fires twice."""
    with database.atomic():
        User.update(digest_opt_in=on).where(User.id == user.id).execute()
        rule = ReminderRule.get_or_none(ReminderRule.user == user.id, ReminderRule.purpose == "digest")
        if rule is None and not on:
            return
        if rule is None:
            rule = ReminderRule(
                user=user.id, purpose="digest", local_time=DIGEST_TIME, created_at=naive_utc(now)
            )
        rule.enabled = on
        following = schedule_rule(rule, user.timezone, now)
        rule.next_due_at = naive_utc(following) if following else None
        rule.save()


# What the email links do. Each is called after the token is spent, in the same transaction.


def _nudge_for(token: Token) -> Nudge | None:
    """The nudge a link belongs to, when it still exists and is the token owner's."""
    return (
        Nudge.select(Nudge, ReminderRule)
        .join(ReminderRule)
        .where(Nudge.id == token.subject, ReminderRule.user == token.user_id)
        .first()
    )


def log_done(token: Token, now: datetime) -> Log:
    """'I did it': log the suggested action on the reminder's day (now, if that day is today)."""
    user = User.get_or_none(User.id == token.user_id)
    if user is None:
        raise TokenError("invalid")
    day = date.fromisoformat(token.extra["d"])
    at = now if local_day(now, user.timezone) == day else _noon(day, user.timezone)
    log, _ = create_log(user, LogInput(kind=token.extra["k"], step=token.extra["s"], at=at), now)
    Nudge.update(response="done").where(Nudge.id == token.subject).execute()
    return log


def _noon(day: date, zone: str) -> datetime:
    """Midday of a past local day: a neutral time for a log filed under that day."""
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(zone))


def snooze(token: Token, now: datetime) -> datetime | None:
    """'Snooze 1 hour': a new nudge for the same rule an hour from now (None when it is gone)."""
    nudge = _nudge_for(token)
    if nudge is None:
        return None
    due = (now + SNOOZE).replace(second=0, microsecond=0)
    Nudge.insert(
        rule=nudge.rule_id,
        due_at=naive_utc(due),
        status="snoozed",
        next_attempt_at=naive_utc(due),
        created_at=naive_utc(now),
    ).on_conflict_ignore().execute()
    Nudge.update(response="snoozed").where(Nudge.id == nudge.id).execute()
    return due


def not_today(token: Token) -> None:
    """'Not today': note it and cancel any snooze of this reminder still waiting."""
    nudge = _nudge_for(token)
    if nudge is None:
        return
    Nudge.update(response="not_today").where(Nudge.id == nudge.id).execute()
    _cancel_snoozes(nudge.rule_id, "not today")


def _cancel_snoozes(rule_id: int, reason: str) -> None:
    """Settle any snoozed nudge of the rule still waiting, so it never goes out."""
    Nudge.update(status="skipped", error=reason, next_attempt_at=None).where(
        Nudge.rule == rule_id, Nudge.status == "snoozed"
    ).execute()


def unsubscribe(token: Token) -> ReminderRule | None:
    """Pause the rule the email came from (the digest: opt out); None when it is gone."""
    rule = ReminderRule.get_or_none(ReminderRule.id == token.subject, ReminderRule.user == token.user_id)
    if rule is None:
        return None
    ReminderRule.update(enabled=False, next_due_at=None).where(ReminderRule.id == rule.id).execute()
    _cancel_snoozes(rule.id, "unsubscribed")
    if rule.purpose == "digest":
        User.update(digest_opt_in=False).where(User.id == rule.user_id).execute()
    return rule


def stop_fresh_starts(token: Token) -> None:
    """Turn the fresh-start email off for the account a fresh-start email went to."""
    User.update(fresh_start=False).where(User.id == token.user_id).execute()


def verify(token: Token, now: datetime) -> User:
    """Confirm the address the link was sent to (a link for an old address does nothing)."""
    user = User.get_or_none(User.id == token.user_id)
    if user is None or token.extra.get("m") != address_tag(user.email):
        raise TokenError("invalid")
    if user.email_verified_at is None:
        User.update(email_verified_at=naive_utc(now)).where(User.id == user.id).execute()
    return user
