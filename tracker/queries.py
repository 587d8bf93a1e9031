"""Reads shared by views and services, each scoped to one user (the data layer, beside models.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from datetime import date, timedelta

from peewee import JOIN, IntegrityError, Model, Select, UUIDField

from tracker import insights, practice
from tracker.clock import now
from tracker.forms import PLANS_KEPT
from tracker.insights import DayTotals, History, LogFact, Profile, build_history
from tracker.insights.bids import bid_window
from tracker.insights.fresh import FreshStep
from tracker.insights.fresh import fresh_step as pick_fresh_step
from tracker.insights.printout import NoteLine
from tracker.models import (
    CHECKIN_ITEMS,
    CheckIn,
    Log,
    Pause,
    Person,
    Plan,
    PracticeProfile,
    ReminderRule,
    User,
    database,
    dated_rows,
    naive_utc,
    prepared,
)

ID_MAX = 2**31 - 1  # the largest id an integer column holds on both engines

# Rows whose owner's set is narrower than `model.user == user`: a log comes with its person (one query),
# and the monthly digest is the app's own rule, never addressed by id.
SCOPES: dict[type[Model], Callable[[User], Select]] = {Log: Log.for_user, ReminderRule: ReminderRule.for_user}


def own_row(model: type[Model], user: User, row_id: object) -> Model | None:
    """One of the user's rows of `model` by id; None for another user's id, a malformed id, or an id
    no row can have (SQLite cannot even bind an integer past 64 bits)."""
    key = _key(model, row_id)
    if key is None:
        return None
    scope = SCOPES.get(model)
    query = scope(user) if scope else model.select().where(model.user == user.id)
    return query.where(model._meta.primary_key == key).first()


def _key(model: type[Model], row_id: object) -> object | None:
    """The id as the primary key column takes it, or None when no row can have it."""
    if isinstance(model._meta.primary_key, UUIDField):
        try:
            return row_id if isinstance(row_id, uuid.UUID) else uuid.UUID(str(row_id))
        except ValueError:
            return None
    try:
        key = int(str(row_id))
    except ValueError:
        return None
    return key if 1 <= key <= ID_MAX else None


def user_today(user: User) -> date:
    """The user's own calendar date right now."""
    return insights.local_date_of(now(), user.timezone)


def log_facts(user: User, start: date, end: date, person: Person | None = None) -> list[LogFact]:
    """What insights read of the user's logs dated start..end (of one person when given), one query."""
    if person is None:
        query = prepared(Log.facts, user, start, end)
    else:
        query = Log.facts(user, start, end).where(Log.person == person.id)
    # Raw rows: peewee's per-value conversion would cost more than the query.
    return list(map(LogFact._make, dated_rows(query)))


def recent_facts(user: User, today: date, days: int) -> list[LogFact]:
    """The user's logs of the `days` days ending today, as plain facts (one query)."""
    return log_facts(user, today - timedelta(days=days - 1), today)


def user_pauses(user: User) -> list[insights.Pause]:
    """The user's pauses as plain values (one query)."""
    rows = Pause.select(Pause.start_date, Pause.end_date).where(Pause.user == user.id).tuples()
    return [insights.Pause(*row) for row in rows]


def load_history(
    user: User, today: date, shown: tuple[date, date] | None = None, *, listed: bool = False
) -> History:
    """The user's history as of today from three queries: for scores on the `shown` days (first, last),
    what they read of those days and the 27 before them (29 when listed, for the bids' 30 days): the
    logs themselves, with the person's name, when the page lists them (`listed`: a month reads a few
    hundred), else just each day's totals (a year's scores, summed up in SQL, instead of some 1,700
    logs); every date with a log, over the whole history (all statuses and streaks need); and the
    pauses."""
    logs: list[LogFact] = []
    totals: list[DayTotals] | None = None
    if shown is not None and shown[0] <= today:
        since, last = shown[0] - timedelta(days=insights.WINDOW_DAYS - 1), min(shown[1], today)
        if listed:
            # A listed page also says how bids were met over the 30 days to its last day: two days more
            # in the same query (scores ignore logs before their 28-day window).
            logs = log_facts(user, min(since, bid_window(last)[0]), last)
        else:
            totals = list(map(DayTotals._make, dated_rows(prepared(Log.day_totals, user, since, last))))
    active = [row[0] for row in dated_rows(prepared(Log.logged_dates, user, today))]
    profile = Profile(insights.local_date_of(user.created_at, user.timezone), user.weekly_target)
    scored = shown or (date.max, date.min)  # no day: nothing to score
    return build_history(logs, profile, today, user_pauses(user), active=active, totals=totals, scored=scored)


def unsafe_names(user: User) -> frozenset[str]:
    """Nicknames of the people the user marked as not safe: never suggested for reaching toward."""
    if getattr(user, "anyone_not_safe", None) in (False, 0):  # read with the session's user: none
        return frozenset()
    rows = Person.select(Person.nickname).where(Person.user == user.id, Person.not_safe == True)  # noqa: E712
    return frozenset(row.nickname for row in rows)


def profile_of(user: User) -> PracticeProfile:
    """The user's practice profile, created on first use."""
    try:
        with database.atomic():
            return PracticeProfile.get_or_create(user=user.id, defaults={"created_at": naive_utc(now())})[0]
    except IntegrityError:  # created at the same moment by another request
        return PracticeProfile.get(PracticeProfile.user == user.id)


def help_note(user: User, today: date) -> str | None:
    """Whether Today offers "find a therapist or a group" (practice.help_note): the last three rated
    recalls and, only when they don't prompt it, the last three check-ins (a query each)."""
    rows = (
        Log.select(Log.local_date, Log.before, Log.after)
        .where(Log.user == user.id, Log.kind == "recall", Log.before.is_null(False), Log.after.is_null(False))
        .order_by(Log.at.desc())
        .limit(practice.HELP_STREAK)
    )
    recalls = [practice.RatedRecall(*row) for row in rows.tuples()]
    if practice.help_note(recalls, (), today):
        return "recall"
    columns = [getattr(CheckIn, key) for key in CHECKIN_ITEMS]
    latest = (
        CheckIn.select(CheckIn.month, *columns)
        .where(CheckIn.user == user.id)
        .order_by(CheckIn.month.desc())
        .limit(practice.HELP_STREAK)
    )
    checkins = [
        (month, dict(zip(CHECKIN_ITEMS, answers, strict=True))) for month, *answers in latest.tuples()
    ]
    return practice.help_note(recalls, checkins, today)


def active_plans(user_id: int) -> dict[str, Plan]:
    """The user's active if-then plans by kind (at most one per kind), one query."""
    return {plan.kind: plan for plan in Plan.select().where(Plan.user == user_id, Plan.active == True)}  # noqa: E712


def fresh_steps(user_ids: Collection[int]) -> dict[int, FreshStep]:
    """Each user's one small step for a fresh start (insights.fresh.fresh_step): their active plans, focus
    kinds and whether anyone is marked not safe (then no couples prompt), for a batch in three queries."""
    ids = set(user_ids)
    if not ids:
        return {}
    plans: dict[int, dict[str, tuple[str, str]]] = {user_id: {} for user_id in ids}
    active = Plan.select(Plan.user, Plan.kind, Plan.cue, Plan.action).where(
        Plan.user.in_(ids),
        Plan.active == True,  # noqa: E712
    )
    for user_id, kind, cue, action in active.tuples():
        plans[user_id][kind] = (cue, action)
    focus = PracticeProfile.select(PracticeProfile.user, PracticeProfile.focus_kinds).where(
        PracticeProfile.user.in_(ids)
    )
    focus_of = {user_id: [key for key in (keys or "").split(",") if key] for user_id, keys in focus.tuples()}
    unsafe = Person.select(Person.user).distinct().where(Person.user.in_(ids), Person.not_safe == True)  # noqa: E712
    not_safe = {user_id for (user_id,) in unsafe.tuples()}
    return {
        user_id: pick_fresh_step(
            plans[user_id],
            focus_of.get(user_id, []),
            practice.COUPLES_KINDS if user_id in not_safe else frozenset(),
        )
        for user_id in ids
    }


def fresh_step(user: User) -> FreshStep:
    """The user's one small step for a fresh start (three queries; `fresh_steps` for a batch)."""
    return fresh_steps([user.id])[user.id]


def save_plan(user_id: int, kind: str, cue: str, action: str, rule_id: int | None = None) -> Plan:
    """A new active plan for the kind; the kind's earlier plan becomes inactive in the same transaction,
    and the kind keeps at most PLANS_KEPT plans (so replacing a plan again and again stores no more).
    Two at once: the partial unique index refuses the second, which then replaces the first."""
    try:
        return _replace_plan(user_id, kind, cue, action, rule_id)
    except IntegrityError:
        return _replace_plan(user_id, kind, cue, action, rule_id)


def _replace_plan(user_id: int, kind: str, cue: str, action: str, rule_id: int | None) -> Plan:
    with database.atomic():
        earlier = Plan.user == user_id, Plan.kind == kind, Plan.active == True  # noqa: E712
        Plan.update(active=False).where(*earlier).execute()
        oldest = (
            Plan.select(Plan.id)
            .where(Plan.user == user_id, Plan.kind == kind, Plan.active == False)  # noqa: E712
            .order_by(Plan.id.desc())
            .offset(PLANS_KEPT - 1)
        )
        Plan.delete().where(Plan.id.in_(oldest)).execute()
        return Plan.create(user=user_id, kind=kind, cue=cue, action=action, rule=rule_id)


def _answers_by_month(user: User) -> Select:
    """The user's check-ins, oldest month first: the month and each answer."""
    columns = (getattr(CheckIn, key) for key in CHECKIN_ITEMS)
    return CheckIn.select(CheckIn.month, *columns).where(CheckIn.user == user.id).order_by(CheckIn.month)


def checkins_by_month(user: User) -> dict[str, dict]:
    """The user's check-ins: month (YYYY-MM) → answers, in one query. Shared so a page that shows the
    check-ins twice (the year's chart and its outcome loop) reads them once."""
    # Plain rows: a model object per check-in cost more than the query (Month and Year draw them all),
    # and the driver's values, from SQL generated once (`prepared`): peewee's conversion cost more.
    rows = database.execute_sql(*prepared(_answers_by_month, user)).fetchall()
    return {month: dict(zip(CHECKIN_ITEMS, answers, strict=True)) for month, *answers in rows}


def month_notes(user: User, first: date, last: date) -> list[NoteLine]:
    """The user's notes on logs dated first..last, oldest first (one query): only for a printout the
    person chose to include them in."""
    query = (
        Log.select(Log.local_date, Log.kind, Person.nickname, Log.note)
        .join(Person, JOIN.LEFT_OUTER)
        .switch(Log)
        .where(
            Log.user == user.id, Log.local_date.between(first, last), Log.note.is_null(False), Log.note != ""
        )
        .order_by(Log.local_date, Log.at)
        .tuples()
    )
    return [NoteLine(day, kind, person, note) for day, kind, person, note in query]
