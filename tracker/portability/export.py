"""Export everything a user has: JSON (with a `"version"`; schema in README.md, "Your data") and the
logs as CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from tracker.models import CheckIn, Log, Pause, Person, Plan, PushSubscription, ReminderRule, User, naive_utc
from tracker.schedule import day_names

VERSION = 1
CSV_FIELDS = (
    "id",
    "local_date",
    "at",
    "kind",
    "step",
    "person",
    "before",
    "after",
    "response",
    "note",
    "bid",  # last, so a script reading the columns by position before bids still reads the same ones
)


def _instant(value: datetime | None) -> str | None:
    """A stored naive-UTC instant as ISO-8601 with its offset."""
    return value.isoformat() + "+00:00" if value else None


def export_data(user: User, now: datetime) -> dict:
    """Everything the account holds, as plain JSON values."""
    people = Person.select().where(Person.user == user).order_by(Person.id)
    logs = Log.for_user(user).order_by(Log.at, Log.created_at)
    pauses = Pause.select().where(Pause.user == user).order_by(Pause.start_date, Pause.id)
    reminders = ReminderRule.select().where(ReminderRule.user == user).order_by(ReminderRule.id)
    return {
        "version": VERSION,
        "app": "Secure Base",
        "exported_at": _instant(naive_utc(now)),
        "profile": {
            "email": user.email,
            "timezone": user.timezone,
            "weekly_target": user.weekly_target,
            "created_at": _instant(user.created_at),
            "email_verified": user.email_verified_at is not None,
            "reminders_paused": user.reminders_paused,
            "digest_opt_in": user.digest_opt_in,
            "help_region": user.help_region,
            "hide_numbers": user.hide_numbers,
            # On a shared phone (m0016): null for the automatic idle lock, else minutes (0: never).
            "idle_lock": user.idle_lock,
            "discreet": user.discreet,
            # One email after a quiet week (m0020); when the last one went out is not a setting.
            "fresh_start": user.fresh_start,
        },
        "people": [
            {
                "nickname": p.nickname,
                "role": p.role,
                "archived": p.archived,
                "created_at": _instant(p.created_at),
            }
            for p in people
        ],
        "logs": [_log_json(log) for log in logs],
        "pauses": [
            {"start_date": p.start_date.isoformat(), "end_date": p.end_date.isoformat(), "reason": p.reason}
            for p in pauses
        ],
        "reminders": [
            {
                "purpose": r.purpose,
                "days": day_names(r.days),
                "time": f"{r.local_time:%H:%M}",
                "kind": r.kind,
                "enabled": r.enabled,
                "channels": r.channel_list,
            }
            for r in reminders
        ],
        "checkins": [{"month": c.month, "wording": c.wording, **c.answers} for c in CheckIn.for_user(user)],
        # Which browsers have notifications on, without the keys messages are encrypted to: an export
        # can't make another server push to them (each browser turns notifications on again there).
        "push_subscriptions": [
            {
                "endpoint": d.endpoint,
                "label": d.label,
                "created_at": _instant(d.created_at),
                "expires_at": _instant(d.expires_at),
            }
            for d in PushSubscription.for_user(user)
        ],
        "plans": _plans_json(user),
    }


def _plans_json(user: User) -> list[dict]:
    """The if-then plans (issue 16), active and replaced, oldest first; the import takes these back."""
    plans = Plan.select().where(Plan.user == user.id).order_by(Plan.created_at, Plan.id)
    return [
        {
            "kind": p.kind,
            "when": p.cue,
            "then": p.action,
            "active": p.active,
            "created_at": _instant(p.created_at),
        }
        for p in plans
    ]


def _log_json(log: Log) -> dict:
    """One log as exported."""
    return {
        "id": str(log.id),
        "kind": log.kind,
        "step": log.step,
        "person": log.person.nickname if log.person_id else None,
        "at": _instant(log.at),
        "local_date": log.local_date.isoformat(),
        "before": log.before,
        "after": log.after,
        "response": log.response,
        "bid": log.bid,
        "note": log.note,
        "created_at": _instant(log.created_at),
        "updated_at": _instant(log.updated_at),
    }


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet won't run as a formula (=, +, -, @ lead a formula)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_csv(user: User) -> str:
    """The logs as CSV, one row per log, oldest first."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    for log in Log.for_user(user).order_by(Log.at, Log.created_at):
        row = _log_json(log)
        writer.writerow([_cell(row[name]) for name in CSV_FIELDS])
    return out.getvalue()


# --- Import ---------------------------------------------------------------------------------------
