"""About a year of realistic demo history: the people and logs a new user sees when trying Secure Base.

Pure: no Flask, Peewee or clock. The caller passes `today` and the user's time zone, so a seed always
tells the same story, and the month and year pages can chart it like real data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class DemoPerson:
    """Someone on the demo user's list: a nickname and a role, never contact details."""

    nickname: str
    role: str


@dataclass(frozen=True)
class DemoLog:
    """One demo action, shaped like a real log so the same pages can show it."""

    at: datetime
    kind: str
    step: int | None
    person: str | None
    before: int | None
    after: int | None
    response: str | None
    note: str | None


@dataclass(frozen=True)
class DemoHistory:
    """Everything the demo account needs: its people, its logs (oldest first) and its first day."""

    people: tuple[DemoPerson, ...]
    logs: tuple[DemoLog, ...]
    start: date


@dataclass(frozen=True)
class _Cast:
    """A demo person plus how often they come up and how they tend to respond."""

    person: DemoPerson
    weight: float
    odds: tuple[float, float, float]  # welcomed, neutral, dismissed


_SAM, _MAYA, _JO, _ALEX, _PRIYA, _LEE, _CREW = "Sam", "Maya", "Jo", "Alex", "Priya", "Dr Lee", "Climbing crew"
_CAST: tuple[_Cast, ...] = (
    _Cast(DemoPerson(_SAM, "partner"), 5.0, (0.78, 0.19, 0.03)),
    _Cast(DemoPerson(_MAYA, "friend"), 3.0, (0.75, 0.21, 0.04)),
    _Cast(DemoPerson(_JO, "family"), 2.0, (0.65, 0.28, 0.07)),
    _Cast(DemoPerson(_ALEX, "friend"), 2.0, (0.30, 0.30, 0.40)),  # the old friend who often brushes off
    _Cast(DemoPerson(_PRIYA, "mentor"), 1.5, (0.70, 0.28, 0.02)),
    _Cast(DemoPerson(_LEE, "therapist"), 3.0, (0.90, 0.10, 0.0)),
    _Cast(DemoPerson(_CREW, "group"), 2.5, (0.72, 0.25, 0.03)),
)
_BY_NAME = {c.person.nickname: c for c in _CAST}
# Who arrives later in the year (share of the year), with the note of the "widen" log that brings them in.
_NEWCOMERS: dict[str, tuple[float, str]] = {
    _LEE: (0.12, "Booked a first session with Dr Lee. Nervous, but glad I did."),
    _CREW: (0.45, "Went to the climbing group's beginners' night on my own. Said hi to two people."),
}

# Per kind: weight at the start, weight by the end (more room and confiding later), who it can involve.
_KIND_PLAN: dict[str, tuple[float, float, tuple[str, ...]]] = {
    "closeness": (3.0, 3.0, (_SAM, _MAYA, _JO, _ALEX)),
    "receive": (1.0, 2.5, (_SAM, _MAYA, _JO, _CREW)),
    "space": (0.5, 3.0, (_SAM, _JO, _MAYA)),
    "trust_space": (1.5, 3.0, (_SAM, _MAYA, _JO)),
    "support": (1.0, 2.0, (_SAM, _MAYA, _JO, _ALEX, _PRIYA, _LEE)),
    "confide": (0.8, 3.5, (_SAM, _MAYA, _JO, _ALEX, _LEE)),
    "respond": (3.0, 2.0, (_SAM, _MAYA, _JO, _ALEX, _CREW)),
    "repair": (0.8, 0.8, (_SAM, _JO, _ALEX)),
    "recall": (4.0, 1.5, (_SAM, _JO, _MAYA, _PRIYA, _LEE)),
    "widen": (1.0, 1.0, (_MAYA, _PRIYA, _CREW)),
}
# Short first-person private notes, keyed by kind, "solo" (no person) or "dismissed"; {p} is the nickname.
_NOTE_LINES: tuple[tuple[str, str], ...] = (
    ("closeness", "Sent {p} a “thinking of you” text at lunch; got a heart back."),
    ("closeness", "Shared a photo from my walk with {p} and asked about their day."),
    ("closeness", "Asked {p} if Sunday pancakes could become our thing."),
    ("receive", "{p} said I did well today. I said thank you and didn't explain it away."),
    ("receive", "Stayed in the talk with {p} a bit longer than felt comfortable. Glad I did."),
    ("receive", "Phones away all evening with {p}. Awkward at first, then lovely."),
    ("space", "Told {p} I needed an hour after work. Came back to tea."),
    ("space", "Asked {p} for a quiet evening and said it wasn't about them. It was fine."),
    ("space", "Took ten minutes before answering {p}. Came back calmer."),
    ("trust_space", "{p} took all day to reply. I didn't send a second message."),
    ("trust_space", "Told {p} to go to the gig without me and have fun."),
    ("trust_space", "Tried the pottery class alone and told {p} about it after."),
    ("support", "Asked {p} to pick up groceries. Small, but I usually wouldn't."),
    ("support", "Told {p} about the work worry; they just listened."),
    ("support", "Hard day. Called {p} and asked for comfort instead of pretending."),
    ("confide", "Told {p} I was tired and a bit low. Said it out loud."),
    ("confide", "Shared the money worry with {p}. Lighter afterwards."),
    ("confide", "Told {p}: when plans change last minute, I feel shut out."),
    ("respond", "{p} wanted to show me a video; I put my laptop down."),
    ("respond", "Asked {p} a follow-up about the interview instead of nodding."),
    ("respond", "{p} was upset about work. I just sat with them."),
    ("repair", "Sent {p} a short “sorry I snapped” message."),
    ("repair", "Owned my part with {p} without adding a “but”."),
    ("repair", "Talked the fight through with {p}: same old cycle, both scared. We have a plan."),
    ("recall", "Looked at the photo of {p} before the meeting."),
    ("recall", "Remembered how {p} came over when I was ill. My breathing eased."),
    ("recall", "Wrote {p} a note about what they've given me. Might send it."),
    ("widen", "Said yes to {p}'s invite for Thursday."),
    ("widen", "Set up a monthly coffee with {p}."),
    ("widen", "Answered {p} warmly instead of my usual one-liner."),
    ("solo", "Went to the cinema on my own. Enjoyed it more than I expected."),
    ("solo", "Didn't check for replies all day."),
    ("dismissed", "{p} brushed it off. It stung; I didn't chase."),
    ("dismissed", "Didn't land with {p} today. Noting it, not fixing it."),
    ("dismissed", "{p} changed the subject. Glad I have other people to turn to."),
)
_NOTES = {key: tuple(note for k, note in _NOTE_LINES if k == key) for key, _ in _NOTE_LINES}
_SLOTS = ((7 * 60, 120), (12 * 60, 90), (18 * 60 + 30, 210))  # morning, lunch, evening: start minute, window


def _clamp(value: float) -> int:
    """Feelings are whole numbers on the 0–10 scale the log form uses."""
    return max(0, min(10, round(value)))


def _breaks(days: int) -> tuple[range, range]:
    """The holiday (a week of flu) and the lull (two quiet weeks a few months ago), as day indexes."""
    holiday, lull = int(days * 0.28), days - int(days * 0.3)
    return range(holiday, holiday + 8), range(lull, lull + 14)


def _logs_on(i: int, days: int, weekday: int, rng: random.Random) -> int:
    """About 4–5 active days a week, a little more as the habit settles; none on holiday, few in the lull."""
    holiday, lull = _breaks(days)
    progress = i / max(days - 1, 1)
    if i in holiday:
        chance = 0.0
    elif i in lull:
        chance = 0.08
    else:
        chance = 0.55 + 0.17 * progress + (0.05 if weekday >= 5 else 0.0)
    if rng.random() >= chance:
        return 0
    return rng.choices((1, 2, 3), weights=(0.55 - 0.15 * progress, 0.33, 0.12 + 0.15 * progress))[0]


def _comeback_note(last_active: int | None, i: int, days: int) -> str | None:
    """Returning after a gap of a week or more is worth a word, and the word fits the gap."""
    if last_active is None or i - last_active <= 7:
        return None
    holiday, lull = _breaks(days)
    if last_active < holiday.start < i:
        return "Back after a week of flu. Starting small, and that's fine."
    if any(day in lull for day in range(last_active + 1, i)):
        return "A quiet couple of weeks. Picking it back up, no guilt."
    return "Back after a few days off. Easing in."


def _times(day: date, count: int, zone: ZoneInfo, rng: random.Random) -> list[datetime]:
    """Morning, lunch or evening local times (never at night, near DST switches), as aware UTC datetimes."""
    slots = sorted(rng.sample(range(3), count)) if count > 1 else rng.choices(range(3), weights=(2, 1, 4))
    result = []
    for slot in slots:
        start, window = _SLOTS[slot]
        minute = start + rng.randrange(window)
        result.append(datetime.combine(day, time(minute // 60, minute % 60), zone).astimezone(UTC))
    return result


def _pick_kinds(count: int, progress: float, rng: random.Random) -> list[str]:
    """Different kinds on the same day, drawn with weights that drift from early to late in the year."""
    weights = {k: a + (b - a) * progress for k, (a, b, _) in _KIND_PLAN.items()}
    picked: list[str] = []
    for _ in range(count):
        options = [k for k in weights if k not in picked]
        picked.append(rng.choices(options, weights=[weights[k] for k in options])[0])
    return picked


def _pick_person(kind: str, progress: float, rng: random.Random) -> str | None:
    """Someone already on the list who fits the kind; giving space is sometimes just about oneself."""
    if kind == "trust_space" and rng.random() < 0.3:
        return None
    names = [n for n in _KIND_PLAN[kind][2] if _NEWCOMERS.get(n, (0.0, ""))[0] <= progress]
    return rng.choices(names, weights=[_BY_NAME[n].weight for n in names])[0]


# The demo's people never hurt or frighten: a sample account shows practice, not a care flow.
DEMO_RESPONSES = ("welcomed", "neutral", "dismissed")


def _response(kind: str, person: str | None, progress: float, rng: random.Random) -> str | None:
    """Mostly welcomed, more so later; Alex stays the one who often brushes things off; solo has none."""
    if kind == "recall" or person is None:
        return None
    welcomed, neutral, dismissed = _BY_NAME[person].odds
    shift = min(neutral, 0.12 * progress)
    return rng.choices(DEMO_RESPONSES, weights=(welcomed + shift, neutral - shift, dismissed))[0]


def _feelings(response: str | None, progress: float, rng: random.Random) -> tuple[int | None, int | None]:
    """Settled-ness before and after: rising through the year, usually better after, worse if dismissed."""
    if rng.random() < 0.06:
        return None, None
    before = _clamp(rng.gauss(3.5 + 2.5 * progress, 1.4))
    if response == "welcomed":
        lift = rng.randint(1, 2) + (rng.random() < progress)
    elif response == "dismissed":
        lift = rng.randint(-2, 0)
    else:
        lift = rng.randint(0, 2)
    return before, _clamp(before + lift)


def _note(kind: str, person: str | None, response: str | None, rng: random.Random) -> str | None:
    """About three logs in ten get a short, first-person private note."""
    if rng.random() >= 0.3:
        return None
    if person is None:
        return rng.choice(_NOTES["solo"])
    return rng.choice(_NOTES["dismissed" if response == "dismissed" else kind]).format(p=person)


def _step(practised: int, rng: random.Random) -> int:
    """Ladder steps climb with practice: a kind done often reaches step 2, then step 3."""
    top = 1 + (practised >= 12) + (practised >= 35)
    return rng.randint(max(1, top - 1), top)


def generate_history(today: date, tz: str, days: int = 365, seed: int = 7) -> DemoHistory:
    """A deterministic history of `days` local days ending `today` in zone `tz`; nothing after today."""
    if days < 1:
        raise ValueError("days must be at least 1")
    rng, zone = random.Random(seed), ZoneInfo(tz)
    start = today - timedelta(days=days - 1)
    practised = dict.fromkeys(_KIND_PLAN, 0)
    met: set[str] = set()
    logs: list[DemoLog] = []
    last_active: int | None = None
    for i in range(days):
        day, progress = start + timedelta(days=i), i / max(days - 1, 1)
        count = _logs_on(i, days, day.weekday(), rng)
        if not count:
            continue
        due = [name for name, (joins, _) in _NEWCOMERS.items() if joins <= progress and name not in met]
        newcomer = due[0] if due else None
        kinds = _pick_kinds(count, progress, rng)
        if newcomer is not None and "widen" not in kinds:
            kinds[0] = "widen"
        comeback = _comeback_note(last_active, i, days)
        for at, kind in zip(_times(day, count, zone, rng), kinds, strict=True):
            if newcomer is not None and kind == "widen":
                person, step, response, note = newcomer, 3, "welcomed", _NEWCOMERS[newcomer][1]
                met.add(newcomer)
                newcomer = None
            else:
                person = _pick_person(kind, progress, rng)
                step, response = _step(practised[kind], rng), _response(kind, person, progress, rng)
                note, comeback = comeback or _note(kind, person, response, rng), None
            before, after = _feelings(response, progress, rng)
            practised[kind] += 1
            logs.append(DemoLog(at, kind, step, person, before, after, response, note))
        last_active = i
    return DemoHistory(tuple(c.person for c in _CAST), tuple(logs), start)


@dataclass(frozen=True)
class DemoCheckIn:
    """One month's check-in (YYYY-MM and the nine answers, 1–5), so the demo's year page shows the
    outcome loop."""

    month: str
    answers: dict[str, int]


# Items where a higher answer means less secure (as the check-in reads them: reversed items and the
# first two anxiety items); the rest say more security with a higher answer.
_LESS_SECURE_ITEMS = frozenset({"c3", "d3", "a1", "a2"})
_CHECKIN_KEYS = ("c1", "c2", "c3", "d1", "d2", "d3", "a1", "a2", "a3")


def generate_checkins(history: DemoHistory, today: date, tz: str, seed: int = 7) -> tuple[DemoCheckIn, ...]:
    """A check-in for each month of the history up to today's: a little more secure as the year goes on,
    and a little more so in months with more active days, with some noise (a pattern, as in life, not a
    rule). Its own random stream, so the logs stay exactly as they were."""
    rng, zone = random.Random(seed * 31 + 1), ZoneInfo(tz)
    active: dict[str, set[date]] = {}
    for log in history.logs:
        day = log.at.astimezone(zone).date()
        active.setdefault(f"{day:%Y-%m}", set()).add(day)
    checkins = []
    month = history.start.replace(day=1)
    span = max((today - history.start).days, 1)
    while month <= today:
        key = f"{month:%Y-%m}"
        progress = max(0, (month - history.start).days) / span
        share = min(len(active.get(key, ())) / 22, 1.0)  # about 22 active days is a full month here
        level = 1.9 + 1.4 * progress + 1.2 * share
        answers = {}
        for item in _CHECKIN_KEYS:
            value = level + rng.uniform(-0.6, 0.6)
            answer = max(1, min(5, round(value)))
            answers[item] = 6 - answer if item in _LESS_SECURE_ITEMS else answer
        checkins.append(DemoCheckIn(key, answers))
        month = (month + timedelta(days=32)).replace(day=1)
    return tuple(checkins)
