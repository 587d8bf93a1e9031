"""Peewee models, bound to a database proxy that `init_database` points at SQLite or PostgreSQL.

Instants are stored as naive UTC datetimes; each log also keeps the user's local calendar date,
because streaks and calendars are about the user's days, not UTC days.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlparse

from flask_login import UserMixin
from peewee import (
    JOIN,
    SQL,
    AutoField,
    BooleanField,
    Case,
    CharField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    ForeignKeyField,
    Model,
    SmallIntegerField,
    TextField,
    TimeField,
    UUIDField,
    fn,
)
from playhouse.db_url import connect
from playhouse.pool import PooledDatabase

from tracker.clock import stored_now
from tracker.insights import RESPONSE_POINTS
from tracker.kinds import KINDS, REACH, ROOM
from tracker.practice import CURRENT_WORDING

database = DatabaseProxy()

# Peewee's pool (playhouse.pool), per process: a request takes a connection and gives it back at
# teardown, instead of opening its own (opening one cost more than a light page). Up to 20: gunicorn's
# threads plus the scheduler's; each is replaced after 5 minutes; a 21st caller waits up to 10 s.
POOL = {"max_connections": 20, "stale_timeout": 300, "timeout": 10}

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
    # 512 KiB of page cache per connection instead of 2 MiB: each pooled connection (one per gunicorn
    # thread) keeps its own copy of the pages it read, on top of the operating system's file cache, and
    # reading a page from that costs microseconds. Worker memory is a budget (README, "Performance").
    "cache_size": -512,
}


def naive_utc(at: datetime) -> datetime:
    """An aware instant in the form the database stores: naive UTC."""
    return at.astimezone(UTC).replace(tzinfo=None)


def open_database(url: str) -> PooledDatabase:
    """A pooled peewee database for a `sqlite:///` or `postgresql://` URL (not yet connected)."""
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        # BEGIN IMMEDIATE: a transaction takes the write lock when it starts, where busy_timeout waits
        # for it. A deferred one that reads first can't upgrade after another writer committed, and
        # SQLite answers "database is locked" at once (tests/app/test_concurrency.py). A pooled
        # connection moves between threads, one at a time: hence check_same_thread off.
        return connect(
            "sqlite+pool" + url[len("sqlite") :],
            pragmas=SQLITE_PRAGMAS,
            lock_type="IMMEDIATE",
            check_same_thread=False,
            **POOL,
        )
    if scheme in ("postgresql", "postgres"):
        # The pool checks a connection (SELECT 1) as it hands it out, so one the server dropped is
        # replaced rather than failing the request.
        return connect(f"{scheme}+pool" + url[len(scheme) :], **POOL)
    raise ValueError(f"DATABASE_URL must start with sqlite:/// or postgresql://, not {scheme}://")


def dated_rows(query) -> list[tuple]:
    """A query's rows as the driver returns them, its first column a date (SQLite returns dates as
    text, PostgreSQL as dates): for queries of hundreds of rows, where peewee's per-value conversion
    would cost more than the query."""
    rows = database.execute(query).fetchall()
    if rows and isinstance(rows[0][0], str):
        parse = date.fromisoformat
        return [(parse(row[0]), *row[1:]) for row in rows]
    return rows


def init_database(url: str):
    """Point every model at the database behind `url` and return it (closing the previous one's pool)."""
    previous = database.obj
    db = open_database(url)
    database.initialize(db)
    if isinstance(previous, PooledDatabase):
        previous.close_all()
    return db


class BaseModel(Model):
    class Meta:
        database = database


# Fixed statements for the lookups every request makes; {param} is the engine's placeholder (? or %s).
USER_BY_SESSION_KEY = (  # `anyone_not_safe` shows the quick exit on every page at no extra query
    # and, with the session's last use, decides the idle lock (views/lock.py) at none either.
    "SELECT u.*, s.key AS session_id, s.last_seen_at AS session_seen_at, "
    "s.held IS NOT NULL AS session_held, "
    "EXISTS (SELECT 1 FROM people p WHERE p.user_id = u.id AND p.not_safe) AS anyone_not_safe "
    "FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE s.key = {param} LIMIT 1"
)
USER_FOR_BEARER = (
    "SELECT u.*, t.id AS token_id, t.last_used_at AS token_last_used_at FROM api_tokens t "
    "JOIN users u ON u.id = t.user_id WHERE t.token_hash = {param} LIMIT 1"
)


class User(UserMixin, BaseModel):
    id = AutoField()
    email = CharField(max_length=254, unique=True)
    password_hash = CharField(max_length=255)
    timezone = CharField(max_length=64, default="UTC")
    weekly_target = SmallIntegerField(default=4)
    # Changes with the password (security.replace_password). Sessions are rows of user_sessions since
    # m0009; this stays a per-password value that cached pages and old schemas still see.
    session_key = CharField(max_length=64, unique=True, default=lambda: uuid.uuid4().hex)
    created_at = DateTimeField(default=stored_now)
    # Reminders go only to a verified address; the pause and the digest are the user's own switches.
    email_verified_at = DateTimeField(null=True)
    reminders_paused = BooleanField(default=False)
    digest_opt_in = BooleanField(default=False)
    # Random, never shown: every email link carries a piece of it, so a link dies with its account (m0008).
    token_key = CharField(max_length=32, default=lambda: secrets.token_hex(16))
    # Whose crisis lines the app shows (a key of care.HELP); None: the region of the time zone (m0012).
    help_region = CharField(max_length=16, null=True)
    # Settings' "hide every number": pages show words instead of figures, emails carry none (m0015).
    hide_numbers = BooleanField(default=False)
    # Discretion on a shared phone (m0016): minutes of quiet before the app asks for the password again
    # (None: the default of discretion.lock_minutes, 0: never), and the neutral name, icon and emails.
    idle_lock = SmallIntegerField(null=True)
    discreet = BooleanField(default=False)

    class Meta:
        table_name = "users"

    def get_id(self) -> str:
        """Flask-Login's id: the key of this sign-in's row in user_sessions (UserSession.start sets it),
        so signing out, or a new password, ends it on the server. A user signed in any other way gets
        an id no row has (":" is never in a key): their cookie opens nothing."""
        return self.__dict__.get("session_id") or f"no-session:{self.id}"

    # Equal when the same row (Peewee's rule), not by Flask-Login's get_id: a user read without a session
    # has no session id.
    __eq__ = BaseModel.__eq__
    __ne__ = BaseModel.__ne__
    __hash__ = BaseModel.__hash__

    @classmethod
    def by_session_key(cls, key: str) -> User | None:
        """Flask-Login's lookup on every request, as one fixed statement: putting it together with the
        query builder cost three times what running it does, more than a cached page itself."""
        if not isinstance(key, str) or len(key) > 64:
            return None
        user = next(iter(cls.raw(USER_BY_SESSION_KEY.format(param=database.param), key)), None)
        if user is not None:  # not fields of users: SQLite hands them over as text and integers
            user.session_seen_at = UserSession.last_seen_at.python_value(user.session_seen_at)
            user.session_held = bool(user.session_held)
        return user

    @classmethod
    def by_token_hash(cls, digest: str) -> User | None:
        """The user of an API token, one fixed statement too; `token_id` and `token_last_used_at` name
        the token."""
        user = next(iter(cls.raw(USER_FOR_BEARER.format(param=database.param), digest)), None)
        if user is not None:  # not a field of users: SQLite hands it over as text
            user.token_last_used_at = ApiToken.last_used_at.python_value(user.token_last_used_at)
        return user

    @classmethod
    def by_email(cls, email: str) -> User | None:
        """The account for an email, compared case-insensitively."""
        return cls.get_or_none(cls.email == email.strip().lower())


class UserSession(BaseModel):
    """One sign-in of one browser: deleting the row signs that browser out, whatever cookies it kept."""

    key = CharField(max_length=64, primary_key=True)
    user = ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    created_at = DateTimeField(default=stored_now)
    remember = BooleanField(default=False)
    # The idle lock (m0016, tracker/discretion.py): the last request that was use of the app, and a
    # form sent after the lock came on, kept as JSON until the person unlocks and saves or drops it.
    last_seen_at = DateTimeField(null=True)
    held = TextField(null=True)

    class Meta:
        table_name = "user_sessions"

    @classmethod
    def start(cls, user: User, remember: bool, now: datetime, lifetime: timedelta) -> str:
        """A new session for `user` (who then answers get_id with it); the account's sessions older
        than `lifetime` (the remember cookie's) go, so the table stays the size of the live ones."""
        key = secrets.token_urlsafe(32)
        at = naive_utc(now)
        with database.atomic():
            cls.delete().where(cls.user == user.id, cls.created_at < at - lifetime).execute()
            cls.create(key=key, user=user.id, created_at=at, remember=remember, last_seen_at=at)
        user.session_id = key
        user.session_seen_at, user.session_held = at, False
        return key

    @classmethod
    def seen(cls, key: str, now: datetime) -> None:
        """The session was used at `now` (the idle lock counts quiet time from here)."""
        cls.update(last_seen_at=naive_utc(now)).where(cls.key == key).execute()

    @classmethod
    def hold(cls, key: str, held: str) -> None:
        """Keep a form sent while the session is locked, in place of one kept before."""
        cls.update(held=held).where(cls.key == key).execute()

    @classmethod
    def take_held(cls, key: str) -> str | None:
        """The form kept while locked, and forget it (it is shown once, to save or to drop)."""
        with database.atomic():
            held = cls.select(cls.held).where(cls.key == key).scalar()
            if held is not None:
                cls.update(held=None).where(cls.key == key).execute()
        return held

    @classmethod
    def end(cls, key: str | None) -> None:
        """Sign one browser out on the server."""
        if key:
            cls.delete().where(cls.key == key).execute()

    @classmethod
    def end_all(cls, user_id: int) -> None:
        """Sign every browser of the account out (a new password)."""
        cls.delete().where(cls.user == user_id).execute()


class Person(BaseModel):
    id = AutoField()
    user = ForeignKeyField(User, backref="people", on_delete="CASCADE")
    nickname = CharField(max_length=40)
    role = CharField(max_length=16, default="friend")
    archived = BooleanField(default=False)
    # Private: "I don't feel safe with this person" (issue 8); never suggested for reaching toward.
    not_safe = BooleanField(default=False)
    created_at = DateTimeField(default=stored_now)

    class Meta:
        table_name = "people"

    @classmethod
    def for_user(cls, user: User, include_archived: bool = False):
        """The user's people, alphabetically; archived ones only when asked."""
        query = cls.select().where(cls.user == user)
        if not include_archived:
            query = query.where(cls.archived == False)  # noqa: E712 (peewee expression)
        return query.order_by(fn.LOWER(cls.nickname))


class Log(BaseModel):
    id = UUIDField(primary_key=True, default=uuid.uuid4)
    user = ForeignKeyField(User, backref="logs", on_delete="CASCADE")
    kind = CharField(max_length=24)
    step = SmallIntegerField(null=True)
    person = ForeignKeyField(Person, null=True, backref="logs", on_delete="SET NULL")
    at = DateTimeField()
    local_date = DateField()
    before = SmallIntegerField(null=True)
    after = SmallIntegerField(null=True)
    response = CharField(max_length=16, null=True)
    note = TextField(null=True)
    created_at = DateTimeField(default=stored_now)
    updated_at = DateTimeField(default=stored_now)

    class Meta:
        table_name = "logs"
        # The schema comes from tracker/migrations, never from these: (user, local_date) is covered by
        # log_user_id_local_date_facts (m0007), which carries the columns insights read.
        indexes = ((("user", "at"), False),)

    @classmethod
    def for_user(cls, user: User):
        """The user's logs with their person, newest first."""
        return (
            cls.select(cls, Person)
            .join(Person, JOIN.LEFT_OUTER)
            .switch(cls)
            .where(cls.user == user)
            .order_by(cls.at.desc(), cls.created_at.desc())
        )

    @classmethod
    def on_day(cls, user: User, day: date):
        """The user's logs of one local calendar day."""
        return cls.for_user(user).where(cls.local_date == day)

    @classmethod
    def day_counts(cls, user: User, last: date):
        """How many logs each of the user's dates has, up to `last`: a day's status needs no more, so
        the whole history is read as one short row per day (the facts index covers it)."""
        return (
            cls.select(cls.local_date, fn.COUNT(SQL("*")))  # not COUNT(id): the index has no id
            .where(cls.user == user.id, cls.local_date <= last)
            .group_by(cls.local_date)
        )

    @classmethod
    def day_totals(cls, user: User, first: date, last: date):
        """Each of the user's dates first..last summed up as insights' DayTotals reads them: logs,
        reach logs, room logs, safety points and rated logs, in date order. Scores need no more, so a
        year's scores read one short row per day, from the facts index alone."""
        # A log's safety points (insights.safety_points) in SQL: the mean of 2 × after and the
        # response's points, else whichever is known. Every response's points are even, so the integer
        # division is exact and the sums are the same integers on both engines.
        answer = Case(cls.response, list(RESPONSE_POINTS.items()))
        points = fn.COALESCE((2 * cls.after + answer) / 2, 2 * cls.after, answer)

        def of_group(group: str):
            return fn.COUNT(Case(None, [(cls.kind.in_([k.key for k in KINDS if k.group == group]), 1)]))

        return (
            cls.select(
                cls.local_date,
                fn.COUNT(SQL("*")),
                of_group(REACH),
                of_group(ROOM),
                fn.COALESCE(fn.SUM(points), 0),
                fn.COUNT(fn.COALESCE(cls.after, answer)),
            )
            .where(cls.user == user.id, cls.local_date >= first, cls.local_date <= last)
            .group_by(cls.local_date)
            .order_by(cls.local_date)
        )

    @classmethod
    def facts(cls, user: User, first: date, last: date):
        """What insights read of the user's logs dated first..last, with the person's nickname."""
        columns = (cls.local_date, cls.kind, Person.nickname, cls.before, cls.after, cls.response, cls.step)
        return (
            cls.select(*columns)
            .join(Person, JOIN.LEFT_OUTER)
            .where(cls.user == user.id, cls.local_date >= first, cls.local_date <= last)
        )


class ApiToken(BaseModel):
    id = AutoField()
    user = ForeignKeyField(User, backref="api_tokens", on_delete="CASCADE")
    name = CharField(max_length=60)
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=stored_now)
    last_used_at = DateTimeField(null=True)

    class Meta:
        table_name = "api_tokens"


class Pause(BaseModel):
    """A date range the user paused (illness, travel, grief): those days are rest, both ends included."""

    id = AutoField()
    user = ForeignKeyField(User, backref="pauses", on_delete="CASCADE")
    start_date = DateField()
    end_date = DateField()
    reason = CharField(max_length=200, null=True)
    created_at = DateTimeField(default=stored_now)

    class Meta:
        table_name = "pauses"

    @classmethod
    def for_user(cls, user: User):
        """The user's pauses, the latest first."""
        return cls.select().where(cls.user == user).order_by(cls.start_date.desc(), cls.id.desc())


class ReminderRule(BaseModel):
    """A reminder: weekdays and a local wall time, a kind or any (None); a digest rule is monthly."""

    id = AutoField()
    user = ForeignKeyField(User, backref="reminder_rules", on_delete="CASCADE")
    purpose = CharField(max_length=8, default="nudge")  # "nudge" or "digest"
    days = SmallIntegerField(default=0b1111111)  # weekday bitmask, Monday is bit 0
    local_time = TimeField()
    kind = CharField(max_length=24, null=True)
    enabled = BooleanField(default=True)
    # How its nudges go out: "email", "push" (to every device the user turned notifications on for) or
    # "email,push" (m0017).
    channels = CharField(max_length=16, default="email")
    # The next firing in UTC; NULL while disabled. The dispatcher's one range scan runs on this index.
    next_due_at = DateTimeField(null=True, index=True)
    created_at = DateTimeField(default=stored_now)

    class Meta:
        table_name = "reminder_rules"

    @property
    def channel_list(self) -> list[str]:
        """The channels as a list, email first."""
        return self.channels.split(",")

    @classmethod
    def for_user(cls, user: User):
        """The user's reminders (not the digest), by time of day."""
        return cls.select().where(cls.user == user, cls.purpose == "nudge").order_by(cls.local_time, cls.id)

    @classmethod
    def due(cls, now: datetime):
        """Rules whose next firing has come: the one indexed range query of a dispatch pass."""
        return cls.select(cls.id).where(cls.next_due_at <= naive_utc(now))


class Nudge(BaseModel):
    """One firing of a rule, claimed by inserting it: unique per (rule, due instant), so sent once."""

    id = AutoField()
    rule = ForeignKeyField(ReminderRule, backref="nudges", on_delete="CASCADE", index=False)
    due_at = DateTimeField()
    # sending (claimed, lease until next_attempt_at), retry, snoozed, sent, skipped, failed
    status = CharField(max_length=8)
    attempts = SmallIntegerField(default=0)
    next_attempt_at = DateTimeField(null=True, index=True)  # NULL once settled
    sent_at = DateTimeField(null=True)
    error = CharField(max_length=200, null=True)  # why it was skipped or failed; never content
    response = CharField(max_length=12, null=True)  # done, snoozed, not_today, unsubscribed
    created_at = DateTimeField(default=stored_now)
    # Random: names the email's one-time actions ("done:<marker>"), so no other nudge's are ever spent.
    marker = CharField(max_length=20, default=lambda: secrets.token_hex(10))
    # What an attempt that partly failed already delivered, so a retry sends only the rest: "email" and
    # the ids of push subscriptions, separated by spaces (m0017). NULL when nothing was.
    delivered = CharField(max_length=200, null=True)

    class Meta:
        table_name = "nudges"
        indexes = ((("rule", "due_at"), True),)

    @classmethod
    def due(cls, now: datetime):
        """Nudges waiting for another attempt, a snooze, or whose claim lapsed."""
        return cls.select(cls.id).where(cls.next_attempt_at <= naive_utc(now))


class PushSubscription(BaseModel):
    """A browser that turned on notifications for the user (the Push API's PushSubscription, m0017).

    The endpoint is the push service's URL for that browser: unique, so a device belongs to the account
    that last turned notifications on in it. `p256dh` and `auth` are the browser's keys (base64url) that
    each message is encrypted to; they never leave the server again, not even in an export.
    """

    id = AutoField()
    user = ForeignKeyField(User, backref="push_subscriptions", on_delete="CASCADE")
    endpoint = CharField(max_length=2000, unique=True)
    p256dh = CharField(max_length=100)
    auth = CharField(max_length=40)
    label = CharField(max_length=60)  # "Chrome on Android": from the browser's User-Agent, for the list
    expires_at = DateTimeField(null=True)  # the subscription's expirationTime, when the browser gave one
    created_at = DateTimeField(default=stored_now)

    class Meta:
        table_name = "push_subscriptions"

    @classmethod
    def for_user(cls, user: User):
        """The user's devices, oldest first."""
        return cls.select().where(cls.user == user).order_by(cls.created_at, cls.id)

    @classmethod
    def live(cls, user_ids: set[int], now: datetime):
        """The subscriptions of these users that have not expired."""
        return cls.select().where(
            cls.user.in_(user_ids), (cls.expires_at.is_null()) | (cls.expires_at > naive_utc(now))
        )


class UsedToken(BaseModel):
    """A spent single-use email token: the unique id makes a second use fail in the database."""

    jti = CharField(max_length=32, primary_key=True)
    user = ForeignKeyField(User, backref="used_tokens", on_delete="CASCADE")
    purpose = CharField(max_length=12)
    used_at = DateTimeField(default=stored_now)

    class Meta:
        table_name = "used_tokens"


# --- The practice (issue 8): ladder steps, the monthly check-in, onboarding and focus kinds -------------


class LadderStep(BaseModel):
    """The user's current ladder step of one kind, and until when its "bigger step?" offer is snoozed."""

    id = AutoField()
    user = ForeignKeyField(User, backref="ladder_steps", on_delete="CASCADE")
    kind = CharField(max_length=24)
    step = SmallIntegerField(default=1)
    snoozed_until = DateField(null=True)
    updated_at = DateTimeField(default=stored_now)

    class Meta:
        table_name = "ladder_steps"
        indexes = ((("user", "kind"), True),)

    @classmethod
    def for_user(cls, user: User) -> dict[str, LadderStep]:
        """The user's ladder rows by kind."""
        return {row.kind: row for row in cls.select().where(cls.user == user)}


CHECKIN_ITEMS = ("c1", "c2", "c3", "d1", "d2", "d3", "a1", "a2", "a3")


class CheckIn(BaseModel):
    """One monthly check-in: the nine items of DOMAIN.md, 1 to 5; one per user and month (YYYY-MM)."""

    id = AutoField()
    user = ForeignKeyField(User, backref="checkins", on_delete="CASCADE")
    month = CharField(max_length=7)
    c1 = SmallIntegerField(null=True)
    c2 = SmallIntegerField(null=True)
    c3 = SmallIntegerField(null=True)
    d1 = SmallIntegerField(null=True)
    d2 = SmallIntegerField(null=True)
    d3 = SmallIntegerField(null=True)
    a1 = SmallIntegerField(null=True)
    a2 = SmallIntegerField(null=True)
    a3 = SmallIntegerField(null=True)
    # The items' wording the month was answered with (tracker.practice.WORDINGS): 1 for months from
    # before wording 2, which keep showing the words they were answered in.
    wording = SmallIntegerField(default=CURRENT_WORDING)
    created_at = DateTimeField(default=stored_now)
    updated_at = DateTimeField(default=stored_now)

    class Meta:
        table_name = "checkins"
        indexes = ((("user", "month"), True),)

    @property
    def answers(self) -> dict[str, int | None]:
        """The nine answers by item key."""
        return {key: getattr(self, key) for key in CHECKIN_ITEMS}

    @classmethod
    def for_user(cls, user: User):
        """The user's check-ins, oldest month first."""
        return cls.select().where(cls.user == user).order_by(cls.month)


class PracticeProfile(BaseModel):
    """The user's focus kinds (comma-separated keys, up to three) and how far onboarding got."""

    id = AutoField()
    user = ForeignKeyField(User, backref="practice_profiles", on_delete="CASCADE", unique=True)
    focus_kinds = CharField(max_length=100, default="")
    onboarding_step = SmallIntegerField(default=0)
    onboarding_done_at = DateTimeField(null=True)
    created_at = DateTimeField(default=stored_now)

    class Meta:
        table_name = "practice_profiles"

    @property
    def focus(self) -> list[str]:
        """The focus kind keys, in the order chosen."""
        return [key for key in self.focus_kinds.split(",") if key]

    @classmethod
    def of(cls, user: User) -> PracticeProfile | None:
        """The user's profile, None before onboarding started."""
        return cls.get_or_none(cls.user == user)


MODELS = (
    User,
    UserSession,
    Person,
    Log,
    ApiToken,
    Pause,
    ReminderRule,
    Nudge,
    PushSubscription,
    UsedToken,
    LadderStep,
    CheckIn,
    PracticeProfile,
)
