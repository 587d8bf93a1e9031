"""A long-running, realistic user for benchmarks: a dozen people, about 4.5 logs a day with quiet spells
and pauses, monthly check-ins, a few reminders and ladder steps.

Pure (no Flask, no database, no clock), like `tracker/demo.py`: the caller passes the days, the time
zone and a seed and gets plain rows for `Model.insert_many`, so a benchmark can seed one user or
thousands with the same shape. The same arguments always give the same rows, ids included.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tracker.kinds import KINDS_BY_KEY

CHECKIN_ITEMS = ("c1", "c2", "c3", "d1", "d2", "d3", "a1", "a2", "a3")  # tracker.models.CHECKIN_ITEMS


@dataclass(frozen=True)
class SeedPerson:
    """Someone in the user's life: how often they come up, how they tend to respond, when they are around.

    `joins` and `leaves` are shares of the seeded range; someone who leaves (and is not marked unsafe)
    is archived.
    """

    nickname: str
    role: str
    weight: float
    welcomed: float
    dismissed: float
    joins: float = 0.0
    leaves: float | None = None
    not_safe: bool = False

    @property
    def archived(self) -> bool:
        return self.leaves is not None and not self.not_safe

    def around(self, progress: float) -> bool:
        return self.joins <= progress and (self.leaves is None or progress < self.leaves)


CAST: tuple[SeedPerson, ...] = (
    SeedPerson("Sam", "partner", 6.0, 0.78, 0.03),
    SeedPerson("Maya", "friend", 3.0, 0.75, 0.04),
    SeedPerson("Jo", "family", 2.0, 0.65, 0.07),
    SeedPerson("Mum", "family", 1.5, 0.55, 0.12),
    SeedPerson("Dad", "family", 0.8, 0.50, 0.15),
    SeedPerson("Priya", "mentor", 1.0, 0.70, 0.02),
    SeedPerson("Alex", "friend", 1.5, 0.30, 0.40, leaves=0.6, not_safe=True),
    SeedPerson("Tom", "friend", 1.0, 0.60, 0.08, leaves=0.5),  # moved away
    SeedPerson("Dr Lee", "therapist", 2.5, 0.90, 0.0, joins=0.1),
    SeedPerson("Ines", "friend", 0.8, 0.68, 0.06, joins=0.2),
    SeedPerson("Climbing crew", "group", 2.0, 0.72, 0.03, joins=0.35),
    SeedPerson("Rosa", "friend", 1.2, 0.70, 0.05, joins=0.5),
    SeedPerson("Book club", "group", 1.0, 0.70, 0.03, joins=0.6),
)
# Per kind: weight at the start of the range and at its end (more room and confiding as the habit grows).
KIND_WEIGHTS: dict[str, tuple[float, float]] = {
    "closeness": (3.0, 3.0),
    "receive": (1.0, 2.5),
    "space": (0.5, 3.0),
    "trust_space": (1.5, 3.0),
    "support": (1.0, 2.0),
    "confide": (0.8, 3.5),
    "respond": (3.0, 2.0),
    "repair": (0.8, 0.8),
    "recall": (4.0, 1.5),
    "widen": (1.0, 1.0),
}
assert set(KIND_WEIGHTS) == set(KINDS_BY_KEY), "seed.KIND_WEIGHTS must name every kind"
NOTES = (
    "Sent {p} a “thinking of you” text at lunch; got a heart back.",
    "Told {p} I needed an hour after work. Came back to tea.",
    "{p} took all day to reply. I didn't send a second message.",
    "Hard day. Called {p} and asked for comfort instead of pretending.",
    "Told {p}: when plans change last minute, I feel shut out.",
    "{p} was upset about work. I just sat with them.",
    "Owned my part with {p} without adding a “but”.",
    "Remembered how {p} came over when I was ill. My breathing eased.",
    "Said yes to {p}'s invite for Thursday.",
    "{p} brushed it off. It stung; I didn't chase.",
    "Stayed in the talk with {p} a bit longer than felt comfortable. Glad I did.",
    "Asked {p} a follow-up about the interview instead of nodding.",
)
SOLO_NOTES = (
    "Went to the cinema on my own. Enjoyed it more than I expected.",
    "Didn't check for replies all day.",
)
PAUSE_REASONS = ("flu", "travel", "grief", None)
# Reminders as (weekdays, local time, kind or None for any): what an engaged user sets up.
REMINDERS: tuple[tuple[tuple[str, ...], str, str | None], ...] = (
    (("mon", "tue", "wed", "thu", "fri"), "08:15", "closeness"),
    (("mon", "thu"), "19:30", None),
    (("sat",), "10:00", "recall"),
)
LADDER = {"closeness": 3, "confide": 2, "space": 2, "repair": 2}
FOCUS = ("confide", "space", "repair")


@dataclass(frozen=True)
class Breaks:
    """The user's breaks: pauses set in Settings (date, date, reason) and quiet spells with few logs."""

    pauses: tuple[tuple[date, date, str | None], ...]
    quiet: tuple[tuple[date, date], ...]

    def paused(self, day: date) -> bool:
        return any(start <= day <= end for start, end, _ in self.pauses)

    def quiet_on(self, day: date) -> bool:
        return any(start <= day <= end for start, end in self.quiet)


def breaks_between(first: date, last: date, seed: int = 7) -> Breaks:
    """About one pause a year (4–10 days) and two quiet spells a year (7–18 days), never in the last month;
    none in a range under three months.

    Each break gets its own stretch of the range, so breaks never overlap.
    """
    rng = random.Random(f"breaks-{seed}")
    usable = (last - first).days - 30
    if usable < 60:
        return Breaks((), ())
    years = max(usable / 365, 1.0)
    kinds = ["pause"] * max(2, round(years)) + ["quiet"] * round(2 * years)
    rng.shuffle(kinds)
    stretch = usable // len(kinds)
    pauses, quiet = [], []
    for index, kind in enumerate(kinds):
        length = rng.randint(4, 10) if kind == "pause" else rng.randint(7, 18)
        length = min(length, max(stretch - 1, 1))
        start = first + timedelta(days=index * stretch + rng.randrange(max(stretch - length, 1)))
        end = start + timedelta(days=length - 1)
        if kind == "pause":
            pauses.append((start, end, rng.choice(PAUSE_REASONS)))
        else:
            quiet.append((start, end))
    return Breaks(tuple(pauses), tuple(quiet))


def _count_on(day: date, breaks: Breaks, rng: random.Random) -> int:
    """Most days 1–10 logs (about 5.6), some days none; nothing while paused, little in a quiet spell."""
    if breaks.paused(day):
        return 0
    if breaks.quiet_on(day):
        return int(rng.random() < 0.3)
    if rng.random() < 0.12:
        return 0
    return 1 + sum(rng.random() < 0.51 for _ in range(9))


def _person(kind: str, progress: float, rng: random.Random) -> SeedPerson | None:
    """Someone around at this point of the range, by how often they come up; some logs are solo."""
    if rng.random() < (0.35 if kind == "trust_space" else 0.12):
        return None
    around = [p for p in CAST if p.around(progress)]
    return rng.choices(around, weights=[p.weight for p in around])[0]


def _response(kind: str, person: SeedPerson | None, progress: float, rng: random.Random) -> str | None:
    """Mostly welcomed (more so later), per person; none for recall, solo logs or when left blank."""
    if kind == "recall" or person is None or rng.random() < 0.08:
        return None
    welcomed = min(person.welcomed + 0.1 * progress, 1.0 - person.dismissed)
    neutral = 1.0 - welcomed - person.dismissed
    return rng.choices(("welcomed", "neutral", "dismissed"), weights=(welcomed, neutral, person.dismissed))[0]


def _feelings(response: str | None, progress: float, rng: random.Random) -> tuple[int | None, int | None]:
    """How settled before and after (0–10): rising over the years, better after, worse when dismissed."""
    if rng.random() < 0.1:
        return None, None
    before = max(0, min(10, round(rng.gauss(3.5 + 2.5 * progress, 1.5))))
    lift = {"welcomed": rng.randint(1, 3), "dismissed": rng.randint(-2, 0)}.get(response, rng.randint(0, 2))
    return before, max(0, min(10, before + lift))


def _note(person: SeedPerson | None, rng: random.Random) -> str | None:
    """One log in four carries a short private note."""
    if rng.random() >= 0.25:
        return None
    if person is None:
        return rng.choice(SOLO_NOTES)
    return rng.choice(NOTES).format(p=person.nickname)


def _step(practised: int, rng: random.Random) -> int | None:
    """Ladder steps climb with practice; a few logs have none."""
    if rng.random() < 0.05:
        return None
    top = 1 + (practised >= 40) + (practised >= 150)
    return rng.randint(max(1, top - 1), top)


def log_rows(
    user_id: int,
    people: Mapping[str, int],
    first: date,
    last: date,
    tz: str,
    *,
    seed: int = 7,
    until: datetime | None = None,
) -> Iterator[dict]:
    """The user's logs on the local days `first` to `last` (both included), oldest first, as Log rows.

    `people` maps the nicknames of CAST to the stored person ids; `until` (an aware instant) leaves out
    what has not happened yet. Times fall between 07:00 and 22:30 local, clear of DST switches.
    """
    rng, zone, breaks = random.Random(f"logs-{seed}"), ZoneInfo(tz), breaks_between(first, last, seed)
    span = max((last - first).days, 1)
    kinds = list(KIND_WEIGHTS)
    practised: Counter[str] = Counter()
    for offset in range(span + 1):
        day, progress = first + timedelta(days=offset), offset / span
        weights = [start + (end - start) * progress for start, end in KIND_WEIGHTS.values()]
        for minute in sorted(rng.sample(range(7 * 60, 22 * 60 + 30), _count_on(day, breaks, rng))):
            at = datetime.combine(day, time(minute // 60, minute % 60), zone).astimezone(UTC)
            if until is not None and at > until:
                return
            kind = rng.choices(kinds, weights=weights)[0]
            person = _person(kind, progress, rng)
            response = _response(kind, person, progress, rng)
            before, after = _feelings(response, progress, rng)
            stored = at.replace(tzinfo=None)
            yield {
                "id": uuid.UUID(int=rng.getrandbits(128), version=4),
                "user": user_id,
                "kind": kind,
                "step": _step(practised[kind], rng),
                "person": people[person.nickname] if person else None,
                "at": stored,
                "local_date": day,
                "before": before,
                "after": after,
                "response": response,
                "note": _note(person, rng),
                "created_at": stored,
                "updated_at": stored,
            }
            practised[kind] += 1


def checkin_rows(user_id: int, first: date, last: date, seed: int = 7) -> Iterator[dict]:
    """A check-in (nine items, 1–5) for about three months in four, from the second month to the one
    before `last`'s (so the current month's is still due, as Today shows it)."""
    rng = random.Random(f"checkins-{seed}")
    months = (last.year - first.year) * 12 + last.month - first.month
    for index in range(1, months):
        year, month = divmod(first.year * 12 + first.month - 1 + index, 12)
        if rng.random() >= 0.75:
            continue
        progress = index / months
        answers = {
            item: max(1, min(5, round(rng.gauss(2.5 + 1.5 * progress, 0.8)))) for item in CHECKIN_ITEMS
        }
        filled = datetime(year, month + 1, 25, 20, 0)
        yield {"user": user_id, "month": f"{year:04d}-{month + 1:02d}", **answers, "created_at": filled}
