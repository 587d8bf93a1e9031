"""Import an export: the whole file validated first, then written in one transaction.

Import is idempotent: a log whose id is already stored, a person whose nickname (any case) exists, a pause
with the same dates, a reminder with the same schedule and a device with the same endpoint are skipped, so
importing twice changes nothing. An export lists devices without their keys, which no file can restore:
those are counted and left for each browser to turn notifications on again; a device given with its keys
goes through the API's own checks (a browser's push service, public addresses only, at most ten).
A malformed file changes nothing and the error says where the problem is.

Each part goes through the very parser the forms and the API use (tracker/forms.py), with the same
limits: what the forms refuse, the import refuses, so no file can make the user's pages slow or failing.
A log's `local_date` is kept when it is the day of its `at` in some real zone (the zone the user had
when they logged it, which may not be today's), and refused otherwise; a log without one is filed under
its day in the user's zone. The file itself is at most `IMPORT_MAX_BYTES`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from peewee import ValuesList, chunked, fn

from tracker import push, rules
from tracker.discretion import LOCK_CHOICES
from tracker.forms import (
    EARLIEST,
    EASTMOST,
    IMPORT_MAX_BYTES,
    MAX_DEVICES,
    MAX_PAUSES,
    MAX_PEOPLE,
    MAX_PLANS,
    MAX_REMINDERS,
    InvalidInput,
    SubscriptionInput,
    bid_for,
    check_room,
    device_label,
    parse_checkin,
    parse_checkin_month,
    parse_checkin_wording,
    parse_help_region,
    parse_idle_lock,
    parse_local_date,
    parse_log,
    parse_pause,
    parse_person,
    parse_plan,
    parse_rule,
    parse_subscription,
    valid_timezone,
    whole_number,
)
from tracker.insights import local_date_of
from tracker.models import (
    BaseModel,
    CheckIn,
    Log,
    Pause,
    Person,
    ReminderRule,
    User,
    database,
    naive_utc,
)
from tracker.models import Plan as IfThenPlan
from tracker.nudges import reschedule_user
from tracker.portability.export import VERSION

MAX_ERRORS = 5
# Rows per bulk INSERT: a log has 14 columns, and 14 × 70 stays under SQLite's old limit of 999 parameters.
BATCH = 70


@dataclass
class Plan:
    """A validated file: what it holds, ready to write."""

    profile: dict = field(default_factory=dict)
    people: list[dict] = field(default_factory=list)
    logs: list[dict] = field(default_factory=list)
    pauses: list[tuple[date, date, str | None]] = field(default_factory=list)
    reminders: list[dict] = field(default_factory=list)
    digest: bool | None = None
    checkins: list[dict] = field(default_factory=list)
    devices: list[tuple[SubscriptionInput, str]] = field(default_factory=list)
    keyless_devices: int = 0  # listed without keys, as every export lists them: nothing to restore
    plans: list[dict] = field(default_factory=list)  # if-then plans (issue 16), oldest first


@dataclass
class Imported:
    """How many of each were added (the rest were there already)."""

    people: int = 0
    logs: int = 0
    pauses: int = 0
    reminders: int = 0
    checkins: int = 0
    devices: int = 0
    devices_to_renew: int = 0  # listed without keys: notifications must be turned on again on them
    plans: int = 0

    @property
    def total(self) -> int:
        return (
            self.people + self.logs + self.pauses + self.reminders + self.checkins + self.devices + self.plans
        )


class ImportProblem(InvalidInput):
    """The file can't be imported: `messages` says where and why (nothing was changed)."""

    def __init__(self, messages: list[str]):
        super().__init__({"file": "; ".join(messages)})
        self.messages = messages


def _list(data: Mapping, name: str, problems: list[str], limit: int | None = None) -> list:
    """A top-level list (missing means empty), refused whole when longer than an account may hold."""
    value = data.get(name, [])
    if not isinstance(value, list):
        problems.append(f"“{name}” must be a list.")
        return []
    if limit is not None and len(value) > limit:
        problems.append(f"“{name}”: an account holds at most {limit}; this file has {len(value)}.")
        return []
    return value


def _problem(where: str, exc: InvalidInput) -> str:
    """The first message of a parser, prefixed with where in the file it was found."""
    return f"{where}.{exc.field}: {exc.errors[exc.field]}"


def _optional_instant(value: object) -> datetime | None:
    """A stored instant (naive UTC) from an exported one; None when absent, unreadable or before 2000."""
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
    except ValueError:
        return None
    if parsed is None or parsed.tzinfo is None or parsed < EARLIEST:
        return None
    return naive_utc(parsed)


def _objects(items: list, name: str, problems: list[str]) -> Iterator[tuple[str, dict]]:
    """The file's `name` list item by item with where it stands ("logs[3]"), objects only: any other
    item is a problem, and skipped."""
    for n, item in enumerate(items):
        where = f"{name}[{n}]"
        if isinstance(item, dict):
            yield where, item
        else:
            problems.append(f"{where}: must be an object.")


def _parse_people(items: list, plan: Plan, problems: list[str]) -> None:
    for where, item in _objects(items, "people", problems):
        try:
            values = parse_person({"nickname": item.get("nickname"), "role": item.get("role", "friend")})
        except InvalidInput as exc:
            problems.append(_problem(where, exc))
            continue
        if not isinstance(item.get("archived", False), bool):
            problems.append(f"{where}.archived: must be true or false.")
            continue
        values |= {
            "archived": item.get("archived", False),
            "created_at": _optional_instant(item.get("created_at")),
        }
        plan.people.append(values)


def _parse_logs(items: list, plan: Plan, tz: str, now: datetime, problems: list[str]) -> None:
    seen: set[uuid.UUID] = set()
    for where, item in _objects(items, "logs", problems):
        if not item.get("id") or not item.get("at"):
            problems.append(f"{where}: needs an id and an at.")
            continue
        fields = {
            k: item[k]
            for k in ("id", "kind", "step", "at", "person", "before", "after", "response", "note", "bid")
            if k in item
        }
        try:
            values = parse_log(fields, tz=tz, now=now)
        except InvalidInput as exc:
            problems.append(_problem(where, exc))
            continue
        if values.id in seen:
            problems.append(f"{where}.id: appears twice in the file.")
            continue
        seen.add(values.id)
        try:
            local = (
                parse_local_date(item["local_date"], values.at)
                if item.get("local_date") is not None
                else None
            )
        except ValueError as exc:
            problems.append(f"{where}.local_date: {exc}.")
            continue
        plan.logs.append({"values": values, "local_date": local})


def _parse_pauses(items: list, plan: Plan, problems: list[str]) -> None:
    for where, item in _objects(items, "pauses", problems):
        try:
            values = parse_pause(
                {"start": item.get("start_date"), "end": item.get("end_date"), "reason": item.get("reason")}
            )
        except InvalidInput as exc:
            problems.append(f"{where}: {exc.errors[exc.field]}")
            continue
        plan.pauses.append((values["start_date"], values["end_date"], values["reason"]))


def _parse_reminders(items: list, plan: Plan, problems: list[str]) -> None:
    for where, item in _objects(items, "reminders", problems):
        if item.get("purpose") == "digest":
            plan.digest = item.get("enabled") is True
            continue
        try:
            fields = ("days", "time", "kind", "enabled", "channels")
            values = parse_rule({k: item[k] for k in fields if k in item})
        except InvalidInput as exc:
            problems.append(_problem(where, exc))
            continue
        plan.reminders.append(values)


def _parse_checkins(items: list, plan: Plan, today: date, problems: list[str]) -> None:
    months: set[str] = set()
    for where, item in _objects(items, "checkins", problems):
        try:
            month = parse_checkin_month(item.get("month"), today)
            answers = parse_checkin(item, complete=False)
            wording = parse_checkin_wording(item.get("wording"))
        except InvalidInput as exc:
            problems.append(_problem(where, exc))
            continue
        if month in months:
            problems.append(f"{where}.month: appears twice in the file.")
            continue
        months.add(month)
        plan.checkins.append({"month": month, "wording": wording, **answers})


def _parse_devices(items: list, plan: Plan, problems: list[str]) -> None:
    for where, item in _objects(items, "push_subscriptions", problems):
        if "keys" not in item:
            plan.keyless_devices += 1
            continue
        try:
            values = parse_subscription(item, push.allowed_hosts())
            push.check_endpoint(values.endpoint)
        except InvalidInput as exc:
            problems.append(_problem(where, exc))
            continue
        label = item.get("label")
        fine = isinstance(label, str) and 0 < len(label) <= 60 and label.isprintable()
        plan.devices.append((values, label if fine else device_label(None)))


def _parse_profile(profile: object, plan: Plan, problems: list[str]) -> None:
    if not isinstance(profile, dict):
        problems.append("“profile” must be an object.")
        return
    if "timezone" in profile:
        if valid_timezone(profile["timezone"]):
            plan.profile["timezone"] = profile["timezone"]
        else:
            problems.append("profile.timezone: not a time zone we know.")
    target = profile.get("weekly_target")
    if target is not None:
        if whole_number(target, 1, 7) is not None and not isinstance(target, str):
            plan.profile["weekly_target"] = target
        else:
            problems.append("profile.weekly_target: must be a whole number from 1 to 7.")
    if "help_region" in profile:  # null: help from the time zone's region
        region = profile["help_region"]
        try:
            chosen = None if region is None else parse_help_region({"help_region": region})
            plan.profile["help_region"] = chosen
        except InvalidInput as exc:
            problems.append(_problem("profile", exc))
    if "hide_numbers" in profile:
        if isinstance(profile["hide_numbers"], bool):
            plan.profile["hide_numbers"] = profile["hide_numbers"]
        else:
            problems.append("profile.hide_numbers: must be true or false.")
    _parse_discretion(profile, plan, problems)


def _parse_discretion(profile: dict, plan: Plan, problems: list[str]) -> None:
    """The idle lock (null: automatic, or minutes Settings offers), the discreet mode and the fresh-start
    email (true/false each)."""
    if "idle_lock" in profile:
        value = profile["idle_lock"]
        try:
            if value is not None and not isinstance(value, int):
                raise InvalidInput({"idle_lock": "Choose one of the times in the list."})
            plan.profile["idle_lock"] = parse_idle_lock(value)
        except InvalidInput:
            minutes = ", ".join(str(m) for m in LOCK_CHOICES)
            problems.append(f"profile.idle_lock: null (automatic) or one of {minutes} (minutes; 0 is never).")
    if "discreet" in profile:
        if isinstance(profile["discreet"], bool):
            plan.profile["discreet"] = profile["discreet"]
        else:
            problems.append("profile.discreet: true or false.")
    if "fresh_start" in profile:  # a file from before fresh starts leaves the setting as it is
        if isinstance(profile["fresh_start"], bool):
            plan.profile["fresh_start"] = profile["fresh_start"]
        else:
            problems.append("profile.fresh_start: true or false.")


def parse_export(raw: bytes | str, user: User, now: datetime) -> Plan:
    """Validate an export file completely with the forms' parsers and limits; ImportProblem lists the
    first few problems."""
    if len(raw) > IMPORT_MAX_BYTES:
        raise ImportProblem([f"The file is larger than {IMPORT_MAX_BYTES // 1_000_000} MB: is it an export?"])
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ImportProblem(["This isn't a Secure Base export: the file is not valid JSON."]) from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ImportProblem([f"This isn't a Secure Base export of version {VERSION} (the “version” field)."])
    problems: list[str] = []
    plan = Plan()
    _parse_profile(data.get("profile", {}), plan, problems)
    tz = plan.profile.get("timezone", user.timezone)
    # The latest month anywhere on Earth: a file made in another zone may already be a day ahead.
    today = (now + EASTMOST).date()
    _parse_people(_list(data, "people", problems, MAX_PEOPLE), plan, problems)
    _parse_logs(_list(data, "logs", problems), plan, tz, now, problems)
    _parse_pauses(_list(data, "pauses", problems, MAX_PAUSES), plan, problems)
    _parse_reminders(_list(data, "reminders", problems, MAX_REMINDERS + 1), plan, problems)  # + the digest
    _parse_checkins(_list(data, "checkins", problems), plan, today, problems)
    _parse_devices(_list(data, "push_subscriptions", problems, MAX_DEVICES), plan, problems)
    _parse_plans(_list(data, "plans", problems, MAX_PLANS), plan, problems)
    if problems:
        more = len(problems) - MAX_ERRORS
        raise ImportProblem(problems[:MAX_ERRORS] + ([f"…and {more} more."] if more > 0 else []))
    return plan


def _insert(model: type[BaseModel], rows: list[dict]) -> None:
    """Insert rows in bulk, a batch per statement."""
    for batch in chunked(rows, BATCH):
        model.insert_many(batch).execute()


def _nickname_keys(nicknames: list[str]) -> dict[str, str]:
    """Each nickname's LOWER() as the database computes it, the key of the people's unique index.

    Python's lower() would disagree with SQLite, whose LOWER() folds ASCII only, so the database lowers
    them all in one query over a VALUES list.
    """
    keys: dict[str, str] = {}
    for batch in chunked(list(dict.fromkeys(nicknames)), 500):
        names = ValuesList([(name,) for name in batch]).alias("names")
        keys.update(names.select(names.c.column1, fn.LOWER(names.c.column1)).bind(database).tuples())
    return keys


def _people_by_key(user: User, keys: Iterable[str]) -> dict[str, Person]:
    """The user's people whose lowered nickname is one of the keys, by that key."""
    key = fn.LOWER(Person.nickname)
    found: dict[str, Person] = {}
    for batch in chunked(list(keys), 500):
        query = Person.select(Person, key.alias("key")).where(Person.user == user, key.in_(batch))
        found.update((person.key, person) for person in query)
    return found


def _import_people(user: User, plan: Plan, now: datetime) -> tuple[dict[str, Person], int]:
    """The people of the file and those its logs name, by nickname as the file spells it, and how many
    were new. A nickname already here in any case is that person; the new ones are added in bulk."""
    details = {item["nickname"]: item for item in reversed(plan.people)}  # the first entry wins
    named = [entry["values"].person for entry in plan.logs if entry["values"].given().get("person")]
    nicknames = [item["nickname"] for item in plan.people] + named
    keys = _nickname_keys(nicknames)
    found = _people_by_key(user, set(keys.values()))
    new: dict[str, dict] = {}
    for nickname in nicknames:
        if keys[nickname] not in found and keys[nickname] not in new:
            item = details.get(nickname, {})
            new[keys[nickname]] = {
                "user": user.id,
                "nickname": nickname,
                "role": item.get("role", "friend"),
                "archived": item.get("archived", False),
                "created_at": item.get("created_at") or naive_utc(now),
            }
    if new:
        have = Person.select().where(Person.user == user).count()
        check_room("people", have, len(new), MAX_PEOPLE, "people")
        _insert(Person, list(new.values()))
        found |= _people_by_key(user, new)
    return {nickname: found[keys[nickname]] for nickname in nicknames}, len(new)


def _log_row(user: User, entry: dict, people: dict[str, Person], now: datetime) -> dict:
    """One imported log as a row to insert."""
    values = entry["values"]
    given = values.given()
    return {
        "id": values.id,
        "user": user.id,
        "kind": values.kind,
        "step": given.get("step"),
        "person": people[values.person].id if given.get("person") else None,
        "at": naive_utc(values.at),
        "local_date": entry["local_date"] or local_date_of(values.at, user.timezone),
        "before": given.get("before"),
        "after": given.get("after"),
        "response": given.get("response"),
        "note": given.get("note"),
        # A file from before bids has none: its respond logs were turned toward, as m0019 says.
        "bid": bid_for(values.kind, given.get("bid")),
        "created_at": naive_utc(now),
        "updated_at": naive_utc(now),
    }


def apply_import(user: User, plan: Plan, now: datetime) -> Imported:
    """Write a validated plan in one transaction, skipping what is already there."""
    done, stamp = Imported(), naive_utc(now)
    with database.atomic():
        if plan.profile:
            moved = plan.profile.get("timezone", user.timezone) != user.timezone
            User.update(**plan.profile).where(User.id == user.id).execute()
            user = User.get_by_id(user.id)
            if moved:  # reminders fire at local times: move them along
                reschedule_user(user, now)
        people, done.people = _import_people(user, plan, now)
        ids = [entry["values"].id for entry in plan.logs]
        existing = set()
        for batch in chunked(ids, 500):
            existing |= {row.id for row in Log.select(Log.id).where(Log.id.in_(batch))}
        logs = [
            _log_row(user, entry, people, now) for entry in plan.logs if entry["values"].id not in existing
        ]
        _insert(Log, logs)
        done.logs = len(logs)
        rows = list(Pause.select(Pause.start_date, Pause.end_date).where(Pause.user == user).tuples())
        stored = set(rows)
        pauses = {}
        for start, end, reason in plan.pauses:
            if (start, end) not in stored:
                pauses.setdefault((start, end), reason)
        check_room("pauses", len(rows), len(pauses), MAX_PAUSES, "pauses")
        _insert(
            Pause,
            [
                {"user": user.id, "start_date": start, "end_date": end, "reason": reason, "created_at": stamp}
                for (start, end), reason in pauses.items()
            ],
        )
        done.pauses = len(pauses)
        schedules = {(r.days, r.local_time, r.kind) for r in ReminderRule.for_user(user)}
        for values in plan.reminders:
            key = (values["days"], values["local_time"], values.get("kind"))
            if key not in schedules:
                rules.create_rule(user, values, now)
                schedules.add(key)
                done.reminders += 1
        months = {c.month for c in CheckIn.for_user(user)}
        checkins = {}
        for answers in plan.checkins:
            if answers["month"] not in months:
                checkins.setdefault(answers["month"], answers)
        _insert(
            CheckIn,
            [{"user": user.id, "created_at": stamp, "updated_at": stamp, **a} for a in checkins.values()],
        )
        done.checkins = len(checkins)
        if plan.digest and not user.digest_opt_in:
            rules.set_digest(user, True, now)
        for values, label in plan.devices:
            _, added = push.subscribe(user, values, label, now, take_over=False)
            done.devices += added
        done.devices_to_renew = plan.keyless_devices
        done.plans = _import_plans(user, plan.plans, now)
    return done


def _parse_plans(items: list, plan: Plan, problems: list[str]) -> None:
    """The file's if-then plans through the plan form's parser; at most one active per kind."""
    active: set[str] = set()
    for where, item in _objects(items, "plans", problems):
        try:
            values = parse_plan({name: item.get(name) for name in ("kind", "when", "then")})
        except InvalidInput as exc:
            problems.append(_problem(where, exc))
            continue
        is_active = item.get("active", True)
        if not isinstance(is_active, bool):
            problems.append(f"{where}.active: must be true or false.")
            continue
        if is_active and values["kind"] in active:
            problems.append(f"{where}.active: a second active plan for “{values['kind']}”; one at a time.")
            continue
        active.add(values["kind"]) if is_active else None
        plan.plans.append(
            {**values, "active": is_active, "created_at": _optional_instant(item.get("created_at"))}
        )


def _import_plans(user: User, plans: list[dict], now: datetime) -> int:
    """Add the file's plans that aren't here yet (same kind and words), with their dates, in bulk: a
    replaced one as replaced, an active one replacing the kind's plan here. How many were added."""
    words = IfThenPlan.kind, IfThenPlan.cue, IfThenPlan.action
    here = set(IfThenPlan.select(*words).where(IfThenPlan.user == user.id).tuples())
    rows = {}
    for values in plans:
        key = (values["kind"], values["cue"], values["action"])
        if key not in here and key not in rows:
            stamp = values["created_at"] or naive_utc(now)
            rows[key] = {"user": user.id, **values, "created_at": stamp}
    replaced = {row["kind"] for row in rows.values() if row["active"]}
    if replaced:
        IfThenPlan.update(active=False).where(
            IfThenPlan.user == user.id,
            IfThenPlan.kind.in_(replaced),
            IfThenPlan.active == True,  # noqa: E712
        ).execute()
    _insert(IfThenPlan, list(rows.values()))
    return len(rows)
