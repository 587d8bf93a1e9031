"""A month worth bringing (issue 16): one printable page to hand to a therapist or to keep, built from
the month's own review (`month_summary`) rather than computed again.

PURE: no Flask, Peewee or clock. The caller passes the month's summary, its check-in's shown means, the
person's if-then plans, the notes they chose to include, and whether to hide nicknames.

Choices:
- Nicknames hidden ("?names=hide") become "Person A", "Person B"… in the order the month lists them,
  in every section (where safety lives and the notes), so a printed page can leave the room.
- Notes are private (DOMAIN.md): they are in only when the person ticks them in, and a note's person is
  hidden with the rest.
- Everything is said in words as on the month page; with numbers hidden, counts become words too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from string import ascii_uppercase

from tracker.insights.review import MonthSummary
from tracker.insights.words import balance_words, share_words, showing_up_words, streak_words
from tracker.kinds import KINDS, KINDS_BY_KEY
from tracker.practice import SUBSCALE_LABELS, SUBSCALES, safety_words, scale_words

GROUP_LABELS = {"reach": "Reaching in", "room": "Making room", "neutral": "Tending connections"}


@dataclass(frozen=True)
class NoteLine:
    """One log's private note, as the summary may list it."""

    day: date
    kind: str
    person: str | None
    note: str


@dataclass(frozen=True)
class PersonLine:
    """Where safety lives, for one person: a name (or "Person A"), and their month in words."""

    name: str
    logs: int
    responses: str
    felt: str | None


@dataclass(frozen=True)
class PlanLine:
    """An if-then plan: "When <cue>, I will <action>", for a kind."""

    kind: str
    cue: str
    action: str


@dataclass(frozen=True)
class Printout:
    """What the printable month shows, section by section, in words (and numbers unless hidden)."""

    facts: tuple[tuple[str, str], ...]
    parts: tuple[tuple[str, str], ...]
    groups: tuple[tuple[str, int], ...]
    kinds: tuple[tuple[str, int], ...]
    feelings: str | None
    people: tuple[PersonLine, ...]
    checkin: tuple[tuple[str, str], ...]
    plans: tuple[PlanLine, ...]
    notes: tuple[NoteLine, ...]


def person_names(people: Sequence[str], hide: bool) -> dict[str, str]:
    """Each nickname as printed: itself, or "Person A", "Person B"… (then "Person 27"…) when hidden."""
    if not hide:
        return {name: name for name in people}
    return {
        name: f"Person {ascii_uppercase[i] if i < len(ascii_uppercase) else i + 1}"
        for i, name in enumerate(dict.fromkeys(people))
    }


def _label(key: str) -> str:
    """A kind's label; an unknown key as itself."""
    return KINDS_BY_KEY[key].label if key in KINDS_BY_KEY else key


def _count(n: int, word: str, numbers: bool) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}" if numbers else ("some" if n else "no") + f" {word}s"


def _responses(person, numbers: bool) -> str:
    """How one person responded this month, as the month page says it."""
    if not person.responded:
        return "No responses noted"
    if not numbers:
        return "Responses noted" + (", some hurt or frightened you" if person.hurtful else "")
    said = f"Welcomed {person.welcomed} · neutral {person.neutral} · dismissed {person.dismissed}"
    return said + (f" · hurt or frightened you {person.hurtful}" if person.hurtful else "")


def _feelings(summary: MonthSummary, numbers: bool) -> str | None:
    """Before vs. after in one or two sentences; None when no log noted both."""
    f = summary.feelings
    if not f.paired or f.mean_before is None or f.mean_after is None:
        return None
    lift = f.mean_after - f.mean_before
    if numbers:
        head = (
            f"Before: {f.mean_before:.1f}, after: {f.mean_after:.1f} (0–10, over {f.paired} "
            f"log{'s' if f.paired != 1 else ''} noting both). "
        )
    else:
        head = ""
    if lift >= 0.25:
        return head + "On average more settled afterwards than before: it often went better than feared."
    if lift > -0.25:
        return head + "About as settled after as before, on average."
    return head + "On average less settled afterwards. That happens."


def month_printout(
    summary: MonthSummary,
    *,
    checkin: Mapping[str, float | None] | None,
    plans: Mapping[str, object],
    notes: Sequence[NoteLine] = (),
    hide_names: bool = False,
    numbers: bool = True,
) -> Printout:
    """The printable month: its facts, the rhythm's parts in words, kinds, feelings, where safety
    lives, the check-in, plans (objects with `.cue` and `.action`, keyed by kind) and chosen notes."""
    counted = summary.active_days + summary.rest_days + summary.missed_days
    if numbers:
        facts = (
            ("Active days", str(summary.active_days)),
            ("Rest days", str(summary.rest_days)),
            ("Open days", str(summary.missed_days)),
            ("Streak at the month's end", _count(summary.current_streak, "day", True)),
            ("Longest streak by then", _count(summary.longest_streak, "day", True)),
        )
    else:
        facts = (
            ("Active days", share_words(summary.active_days, counted)),
            ("Streak at the month's end", streak_words(summary.current_streak)),
            ("Longest streak by then", streak_words(summary.longest_streak)),
        )
    latest = summary.latest
    parts = ()
    if latest is not None:
        parts = (
            ("Showing up", showing_up_words(latest.consistency) or "not known yet"),
            ("Balance of reaching in and making room", balance_words(latest.balance) or "not known yet"),
            (
                "How connections felt (beside the rhythm, never part of it)",
                safety_words(latest.safety) or "not known yet",
            ),
        )
    names = person_names(
        [p.person for p in summary.people] + [n.person for n in notes if n.person], hide_names
    )
    people = tuple(
        PersonLine(names[p.person], p.logs, _responses(p, numbers), safety_words(p.safety))
        for p in summary.people
    )
    kinds = tuple(
        (_label(key), count)
        for key, count in sorted(summary.by_kind.items(), key=lambda item: -item[1])
        if count
    )
    checkin_words = ()
    if checkin is not None:
        checkin_words = tuple(
            (SUBSCALE_LABELS[name], scale_words(checkin.get(name)) or "not answered") for name in SUBSCALES
        )
    order = [kind.key for kind in KINDS]
    plan_lines = tuple(
        PlanLine(_label(key), str(getattr(plan, "cue", "")), str(getattr(plan, "action", "")))
        for key, plan in sorted(
            plans.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99
        )
    )
    return Printout(
        facts=facts,
        parts=parts,
        groups=tuple((GROUP_LABELS[g], summary.by_group.get(g, 0)) for g in GROUP_LABELS),
        kinds=kinds,
        feelings=_feelings(summary, numbers),
        people=people,
        checkin=checkin_words,
        plans=plan_lines,
        notes=tuple(
            NoteLine(n.day, _label(n.kind), names[n.person] if n.person else None, n.note) for n in notes
        ),
    )
