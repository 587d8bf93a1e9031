"""Fresh starts (Dai, Milkman & Riis 2014): people begin again after temporal landmarks, so after a quiet
week the next Monday or 1st of the month may bring one gentle restart with one small step.

PURE: no Flask, Peewee or clock; the caller passes the user's local `today` and plain values.

Choices (where DOMAIN.md, "Beyond tracking", leaves room):
- The lapse is the days since the last log, today included (a log today ends it), less the paused
  days among them: so a log on a Monday and none since makes the next Monday day 7 of the lapse (with
  no pause, the same count as Today's welcome back, `practice.welcome_back`, which ignores pauses). A
  pause inside the lapse stretches it.
- A landmark is a Monday or the 1st of a month (a Monday that is also the 1st is one landmark).
- Never on a paused day, even a landmark: a pause says "not now".
- One per lapse: `greeted` is the landmark day the last fresh start went out; a lapse is greeted when
  that day is after its last log. A log starts a new run, so the next lapse may be greeted again.
- An account that never logged counts from its first local day, as if that day were its last log: a
  week after signing up (a reminder set, and nothing logged yet) is a lapse too, greeted once until a
  first log.
- The one small step: the user's active if-then plan for a kind (a focus kind's first, then in the
  kinds' order), else step 1 of the first focus kind, else "Name today's feeling" (Confide), which needs
  nobody in particular. Kinds in `avoid` (the couples prompts while anyone is marked not safe) are never
  offered, plan or not.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.insights.facts import Pause
from tracker.kinds import KINDS, Kind, get_kind

LAPSE_DAYS = 7
DEFAULT_KIND = "confide"  # its step 1, "Name today's feeling", asks nothing of anyone else


def is_landmark(day: date) -> bool:
    """A Monday or the 1st of a month: the days people most readily start again."""
    return day.weekday() == 0 or day.day == 1


def _paused(day: date, pauses: Iterable[Pause]) -> bool:
    return any(pause.start <= day <= pause.end for pause in pauses)


def lapse_days(today: date, last_log: date, pauses: Iterable[Pause] = ()) -> int:
    """Days after `last_log` up to and including today, less those inside a pause (overlapping pauses
    count a day once)."""
    days = (today - last_log).days
    if days <= 0:
        return 0
    clipped = sorted(
        (max(p.start, last_log + timedelta(days=1)), min(p.end, today))
        for p in pauses
        if p.end > last_log and p.start <= today
    )
    paused, covered = 0, last_log  # `covered`: the last day already counted as paused
    for first, last in clipped:
        first = max(first, covered + timedelta(days=1))
        if first <= last:
            paused += (last - first).days + 1
            covered = last
    return days - paused


def fresh_start_due(
    today: date,
    last_log: date | None,
    started: date,
    pauses: Iterable[Pause] = (),
    greeted: date | None = None,
) -> bool:
    """Whether today is a fresh-start day for this user (see Choices): a landmark, not paused, a lapse
    of LAPSE_DAYS or more, and that lapse not yet greeted. `started` is the account's first local day,
    the reference for a user who never logged."""
    pauses = list(pauses)
    if not is_landmark(today) or _paused(today, pauses):
        return False
    since = last_log if last_log is not None else started
    if greeted is not None and greeted > since:
        return False
    return lapse_days(today, since, pauses) >= LAPSE_DAYS


@dataclass(frozen=True)
class FreshStep:
    """The one small step a fresh start offers: a kind, and the user's plan for it or its first step."""

    kind: Kind
    plan: tuple[str, str] | None = None  # (cue, action), in the user's own words

    @property
    def text(self) -> str:
        """The step in words: "When …, I will …" for a plan, else the ladder's first step."""
        if self.plan:
            return f"When {self.plan[0]}, I will {self.plan[1]}."
        return self.kind.ladder[0]


def fresh_step(
    plans: Mapping[str, tuple[str, str]], focus: Sequence[str] = (), avoid: Collection[str] = frozenset()
) -> FreshStep:
    """The one small step (see Choices): a plan first, then the first focus kind's step 1, else Confide's."""
    order = [*focus, *(kind.key for kind in KINDS)]
    for key in order:
        if key in plans and key not in avoid and get_kind(key):
            return FreshStep(get_kind(key), plans[key])
    for key in focus:
        kind = get_kind(key)
        if kind and key not in avoid:
            return FreshStep(kind)
    return FreshStep(get_kind(DEFAULT_KIND))
