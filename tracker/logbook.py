"""Writing the action log: create (idempotent by id), update and delete, always for one user.

Views and the API call these so both follow the same rules: a log's local date is the user's
calendar day at the moment it happened, and a person is always one of the user's own.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from peewee import IntegrityError, fn

from tracker.forms import MAX_PEOPLE, UNSET, InvalidInput, LogInput, bid_for, check_room
from tracker.insights import local_date_of
from tracker.insights.bids import BID_KIND
from tracker.models import LadderStep, Log, Person, User, database, naive_utc

FIELDS = ("kind", "step", "before", "after", "response", "note")
# A tap on Today's form repeated this soon (a double tap, a resubmitted form) is the same tap (issue 13).
TAP_REPEAT = timedelta(seconds=3)


class Conflict(Exception):
    """The client id is already used by a log with other content."""


def person_by_nickname(user: User, nickname: str, role: str | None = None) -> Person:
    """The user's person with this nickname (any case), created (as a friend by default) when new;
    InvalidInput when the user already has as many people as an account may hold."""
    # Lower both sides in the database, as the unique index does: SQLite's LOWER() folds ASCII only, so
    # Python's lower() would miss "Émile" here and the insert would then hit the index.
    query = Person.select().where(Person.user == user, fn.LOWER(Person.nickname) == fn.LOWER(nickname))
    person = query.first()
    if person is None:
        check_room("person", Person.select().where(Person.user == user).count(), 1, MAX_PEOPLE, "people")
        try:
            with database.atomic():
                person = Person.create(user=user, nickname=nickname, role=role or "friend")
        except IntegrityError:  # created at the same moment by another request
            person = query.get()
    return person


def _resolve_person(user: User, values: LogInput) -> Person | object | None:
    """The person a log refers to, from a nickname (API) or an id (forms); UNSET when not given."""
    if "person" in values.given():
        if not values.person:
            return None
        role = values.new_person_role if "new_person_role" in values.given() else None
        return person_by_nickname(user, values.person, role)
    if "person_id" in values.given():
        if values.person_id is None:
            return None
        person = Person.get_or_none(Person.id == values.person_id, Person.user == user)
        if person is None:
            raise InvalidInput({"person_id": "Choose a person from the list."})
        return person
    return values


def _apply(log: Log, user: User, values: LogInput) -> None:
    """Copy validated values onto a log, keeping its local date in step with its instant; its bid follows
    its kind (checked first, so a refused bid changes nothing)."""
    given = values.given()
    kept = log.bid if log.kind == BID_KIND else None
    bid = bid_for(given.get("kind", log.kind), given.get("bid"), kept)
    for name in FIELDS:
        if name in given:
            setattr(log, name, given[name])
    if "at" in given:
        log.at = naive_utc(values.at)
        log.local_date = local_date_of(values.at, user.timezone)
    person = _resolve_person(user, values)
    if person is not values:
        log.person = person
    log.bid = bid


def _same_content(log: Log, values: LogInput) -> bool:
    """Whether a replayed request carries what the stored log already holds."""
    given = values.given()
    expected = {name: given[name] for name in FIELDS if name in given}
    if "at" in given:
        expected["at"] = naive_utc(values.at)
    if given.get("bid") is not None:
        expected["bid"] = given["bid"]
    if "person" in given:
        stored = log.person.nickname.lower() if log.person_id else None
        if (values.person.lower() if values.person else None) != stored:
            return False
    return all(getattr(log, name) == value for name, value in expected.items())


def create_log(user: User, values: LogInput, now: datetime) -> tuple[Log, bool]:
    """Store a new log; replaying the same id returns the stored log and False."""
    log_id = values.id if values.id is not None and "id" in values.given() else uuid.uuid4()
    existing = Log.get_or_none(Log.id == log_id)
    if existing is not None:
        return _replayed(existing, user, values), False
    log = Log(id=log_id, user=user, created_at=naive_utc(now), updated_at=naive_utc(now))
    if "step" not in values.given():
        log.step = current_step(user, values.given().get("kind"))
    if "at" not in values.given():
        values.at = now
    try:
        # A person named by this log is created in the same transaction, so a lost race keeps no one.
        with database.atomic():
            _apply(log, user, values)
            log.save(force_insert=True)
    except IntegrityError:  # the same id arrived twice at once
        return _replayed(Log.get_by_id(log_id), user, values), False
    return log, True


def log_tap(user: User, values: LogInput, now: datetime) -> tuple[Log, bool]:
    """Store a tap from a form; the stored log and whether it is new.

    The form's tap id (a fresh UUID per rendered tile, or per tap with JavaScript) becomes the log's id,
    as the API's client ids do, so the primary key makes a repeat exactly-once even when both requests
    arrive at the same moment. A repeat within TAP_REPEAT of the first is that tap again and stores
    nothing; later (a tile tapped again on a page left open), or when the id names someone else's log
    or another kind, it is a new tap and gets a new id.
    """
    for _ in range(2):
        given = values.given()
        tap_id = given.get("id")
        if tap_id is None:
            return create_log(user, values, now)
        existing = Log.get_or_none(Log.id == tap_id)
        if existing is None:
            try:
                return create_log(user, values, now)
            except Conflict:  # the same tap was stored a moment ago by a request running alongside
                continue
        mine = existing.user_id == user.id and existing.kind == given.get("kind")
        if mine and naive_utc(now) - existing.created_at <= TAP_REPEAT:
            return existing, False
        values.id = UNSET
    values.id = UNSET  # raced twice (stored, then deleted at once): a fresh id can't collide
    return create_log(user, values, now)


def current_step(user: User, kind: str | None) -> int | None:
    """The user's ladder step for a kind; None (read as step 1) until they have moved on the ladder."""
    row = LadderStep.get_or_none(LadderStep.user == user, LadderStep.kind == kind) if kind else None
    return row.step if row else None


def _replayed(existing: Log, user: User, values: LogInput) -> Log:
    """The stored log for a replay, or Conflict when the id belongs elsewhere or differs."""
    if existing.user_id != user.id or not _same_content(existing, values):
        raise Conflict
    return existing


def update_log(log: Log, user: User, values: LogInput, now: datetime) -> Log:
    """Change the given fields of one of the user's logs."""
    _apply(log, user, values)
    log.updated_at = naive_utc(now)
    log.save()
    return log
